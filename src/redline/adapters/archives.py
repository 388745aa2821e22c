"""Reading an uploaded ZIP safely: the refusal rules shared by submission packages and patrol samples.

Every member is checked before any is returned, so a refused archive writes nothing anywhere.
"""

from __future__ import annotations

import io
import stat
import zipfile
from collections import Counter
from collections.abc import Callable

from redline.domain.filenames import hidden_characters
from redline.errors import RedlineError

MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # decompressed, per archive; callers pass the installation's setting
MAX_RATIO = 100  # uncompressed / compressed, per member over 1 MiB: beyond it, a zip bomb
CHUNK = 1024 * 1024

Refuse = Callable[[str], RedlineError]


def unsafe_name(name: str) -> bool:
    """Absolute, drive-qualified, backslashed, empty or climbing (`..`) member paths, and names with
    invisible or direction-changing characters (domain/filenames.py)."""
    parts = name.split("/")
    return (
        name.startswith(("/", "\\"))
        or ":" in parts[0]
        or ".." in parts
        or "\\" in name
        or not name
        or bool(hidden_characters(name))
    )


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, room: int, refuse: Refuse, too_large: Refuse) -> bytes:
    """One member, decompressed a chunk at a time; refused as soon as it passes `room` bytes, whatever
    its header claims."""
    chunks: list[bytes] = []
    size = 0
    try:
        with zf.open(info) as handle:
            while chunk := handle.read(CHUNK):
                size += len(chunk)
                if size > room:
                    raise too_large(f"member '{info.filename}' takes the archive past its size limit")
                chunks.append(chunk)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError) as exc:
        raise refuse(f"member '{info.filename}' cannot be read: {exc}") from None
    if size != info.file_size:
        raise refuse(f"member '{info.filename}' is not the size its header states")
    return b"".join(chunks)


def _check_entry(info: zipfile.ZipInfo, refuse: Refuse, too_large: Refuse, max_member_bytes: int) -> None:
    name = info.filename
    if unsafe_name(name):
        raise refuse(f"unsafe member path {name!a}")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise refuse(f"member '{name}' is a symbolic link")
    if info.file_size > max_member_bytes:
        raise too_large(f"member '{name}' is larger than {max_member_bytes} bytes")
    if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1 << 20:
        raise too_large(f"member '{name}' expands {info.file_size // info.compress_size}x: a zip bomb")


def read_members(
    data: bytes,
    refuse: Refuse,
    *,
    max_member_bytes: int = MAX_MEMBER_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
    too_large: Refuse | None = None,
) -> dict[str, bytes]:
    """Every file member, after checks against traversal, links, duplicates, bombs and oversize;
    `refuse(reason)` makes the error raised (each caller words and classes it its own way), and
    `too_large(reason)` the error for sizes (default: `refuse`). At most `max_total_bytes` are ever
    decompressed: the headers' sizes are checked first, and the bytes themselves as they come."""
    too_large = too_large or refuse
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise refuse("not a ZIP file") from None
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise refuse(f"more than {MAX_MEMBERS} members")
    duplicates = sorted(n for n, count in Counter(i.filename for i in infos).items() if count > 1)
    if duplicates:
        raise refuse(f"duplicate member names: {', '.join(duplicates[:5])}")
    files = [info for info in infos if not info.is_dir()]
    if sum(info.file_size for info in files) > max_total_bytes:
        raise too_large(f"members larger than {max_total_bytes} bytes in all")
    for info in infos:
        _check_entry(info, refuse, too_large, max_member_bytes)
    members: dict[str, bytes] = {}
    room = max_total_bytes
    for info in files:
        members[info.filename] = content = _read_member(zf, info, min(room, max_member_bytes), refuse, too_large)
        room -= len(content)
    return members
