"""Reading an uploaded ZIP safely: the refusal rules shared by submission packages and patrol samples.

Every member is checked before any is returned, so a refused archive writes nothing anywhere.
"""

from __future__ import annotations

import io
import stat
import zipfile
from collections.abc import Callable

from redline.errors import RedlineError
from redline.services.filenames import hidden_characters

MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, per member: beyond it, a zip bomb

Refuse = Callable[[str], RedlineError]


def unsafe_name(name: str) -> bool:
    """Absolute, drive-qualified, backslashed, empty or climbing (`..`) member paths, and names with
    invisible or direction-changing characters (services/filenames.py)."""
    parts = name.split("/")
    return (name.startswith(("/", "\\")) or ":" in parts[0] or ".." in parts or "\\" in name or not name
            or bool(hidden_characters(name)))


def read_members(data: bytes, refuse: Refuse, *, max_member_bytes: int = MAX_MEMBER_BYTES,
                 max_total_bytes: int = MAX_TOTAL_BYTES) -> dict[str, bytes]:
    """Every file member, after checks against traversal, links, duplicates, bombs and oversize;
    `refuse(reason)` makes the error raised (each caller words and classes it its own way)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise refuse("not a ZIP file") from None
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise refuse(f"more than {MAX_MEMBERS} members")
    names = [i.filename for i in infos]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise refuse(f"duplicate member names: {', '.join(duplicates[:5])}")
    total = 0
    members: dict[str, bytes] = {}
    for info in infos:
        name = info.filename
        if unsafe_name(name):
            raise refuse(f"unsafe member path {name!a}")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise refuse(f"member '{name}' is a symbolic link")
        if info.is_dir():
            continue
        if info.file_size > max_member_bytes:
            raise refuse(f"member '{name}' is larger than {max_member_bytes} bytes")
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1 << 20:
            raise refuse(f"member '{name}' expands {info.file_size // info.compress_size}x: a zip bomb")
        total += info.file_size
        if total > max_total_bytes:
            raise refuse(f"members larger than {max_total_bytes} bytes in all")
        try:
            with zf.open(info) as handle:
                content = handle.read(max_member_bytes + 1)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError) as exc:
            raise refuse(f"member '{name}' cannot be read: {exc}") from None
        if len(content) != info.file_size:
            raise refuse(f"member '{name}' is not the size its header states")
        members[name] = content
    return members
