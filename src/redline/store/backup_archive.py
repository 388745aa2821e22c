"""The backup archive: a tar stream (plain, gzip or zstd) of `manifest.json`, one JSON-lines dump
per table, the referenced evidence blobs and the key files.

Tar, not zip: it streams in one pass both ways (a multi-gigabyte backup never sits in memory),
`tar --zstd -tf` lists it anywhere, and zstd compresses the whole stream rather than member by
member. The manifest comes first so a reader learns format and revision before anything else,
and it names the SHA-256 of every member: reading checks each one, refuses any member it does
not list, and refuses names outside the four shapes below (no traversal, no links).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import tarfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Column, Date, DateTime, LargeBinary, Table
from sqlalchemy.types import TypeDecorator

from redline.errors import InputError, RedlineError
from redline.store.models import Base

FORMAT = "redline-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
_BLOB = re.compile(r"blobs/([0-9a-f]{64})")
_KEY_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._@+-]{0,127}")
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
CHUNK = 1024 * 1024


class ArchiveRefusedError(InputError):
    """The archive is not a whole, untouched redline backup; nothing was written."""


TABLES: dict[str, Table] = {t.name: t for t in Base.metadata.sorted_tables}


def table_member(name: str) -> str:
    return f"tables/{name}.jsonl"


def blob_member(sha256: str) -> str:
    return f"blobs/{sha256}"


def key_parts(member: str) -> list[str] | None:
    """The path under the key directory a `keys/...` member names, or None if it is not safe."""
    parts = member.split("/")
    if len(parts) < 2 or len(parts) > 5 or parts[0] != "keys":
        return None
    if not all(_KEY_PART.fullmatch(p) for p in parts[1:]):
        return None
    return parts[1:]


def member_kind(name: str) -> str | None:
    """'manifest', 'table', 'blob' or 'key' for a name of the expected shape; None otherwise."""
    if name == MANIFEST:
        return "manifest"
    if name.startswith("tables/") and name.endswith(".jsonl") and name[7:-6] in TABLES:
        return "table"
    if _BLOB.fullmatch(name):
        return "blob"
    if key_parts(name) is not None:
        return "key"
    return None


# ---- rows: dialect-neutral, lossless JSON -----------------------------------------------------------


def _kind(column: Column[Any]) -> str:
    type_ = column.type
    if isinstance(type_, TypeDecorator):
        type_ = type_.impl_instance
    if isinstance(type_, DateTime):
        return "datetime"
    if isinstance(type_, Date):
        return "date"
    if isinstance(type_, LargeBinary):
        return "bytes"
    return "plain"


def encode_row(table: Table, row: Any) -> list[Any]:
    """One row as a JSON array in column order: datetimes as ISO 8601 in UTC with microseconds,
    dates as ISO dates, bytes as base64; JSON columns and scalars as they are."""
    values: list[Any] = []
    for column, value in zip(table.columns, row, strict=True):
        kind = _kind(column)
        if value is None or kind == "plain":
            values.append(value)
        elif kind == "datetime":
            if value.tzinfo is None:  # SQLite keeps no zone; redline stores UTC
                value = value.replace(tzinfo=dt.UTC)
            values.append(value.astimezone(dt.UTC).isoformat(timespec="microseconds"))
        elif kind == "date":
            values.append(value.isoformat())
        else:
            values.append(base64.b64encode(value).decode("ascii"))
    return values


def decode_row(table: Table, values: list[Any], where: str) -> dict[str, Any]:
    if not isinstance(values, list) or len(values) != len(table.columns):
        raise ArchiveRefusedError(f"{where}: a row does not have {len(table.columns)} columns")
    row: dict[str, Any] = {}
    for column, value in zip(table.columns, values, strict=True):
        kind = _kind(column)
        try:
            if value is None or kind == "plain":
                row[column.name] = value
            elif kind == "datetime":
                row[column.name] = dt.datetime.fromisoformat(value)
            elif kind == "date":
                row[column.name] = dt.date.fromisoformat(value)
            else:
                row[column.name] = base64.b64decode(value, validate=True)
        except (TypeError, ValueError):
            raise ArchiveRefusedError(f"{where}: column '{column.name}' holds {value!r}") from None
    return row


def dumps_line(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8") + b"\n"


# ---- compression ------------------------------------------------------------------------------------


def compression_for(path: Path) -> str:
    """'zst', 'gz' or '' from the output file name; anything else is refused."""
    name = path.name.lower()
    if name.endswith((".tar.zst", ".tzst")):
        return "zst"
    if name.endswith((".tar.gz", ".tgz")):
        return "gz"
    if name.endswith(".tar"):
        return ""
    raise InputError("the backup file name must end in .tar.zst, .tar.gz or .tar", source=str(path))


@contextmanager
def open_writer(handle: IO[bytes], compression: str) -> Iterator[tarfile.TarFile]:
    if compression == "zst":
        import zstandard

        with (
            zstandard.ZstdCompressor(level=6, threads=-1).stream_writer(handle, closefd=False) as zst,
            tarfile.open(fileobj=zst, mode="w|", format=tarfile.PAX_FORMAT) as tar,
        ):
            yield tar
        return
    if compression == "gz":
        with tarfile.open(fileobj=handle, mode="w|gz", format=tarfile.PAX_FORMAT) as tar:
            yield tar
        return
    with tarfile.open(fileobj=handle, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        yield tar


@contextmanager
def open_reader(path: Path) -> Iterator[tarfile.TarFile]:
    """The archive as a tar stream, whatever its compression (told by its first bytes)."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read the backup: {exc.strerror}", source=str(path)) from None
    with handle:
        head = handle.read(4)
        handle.seek(0)
        try:
            if head == _ZSTD_MAGIC:
                import zstandard

                with (
                    zstandard.ZstdDecompressor().stream_reader(handle, closefd=False) as zst,
                    tarfile.open(fileobj=zst, mode="r|") as tar,
                ):
                    yield tar
                return
            with tarfile.open(fileobj=handle, mode="r|*") as tar:
                yield tar
        except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
            raise InputError(f"not a readable redline backup archive ({exc})", source=str(path)) from None
        except Exception as exc:  # zstandard.ZstdError has no importable base here
            if type(exc).__name__ == "ZstdError":
                raise InputError(f"damaged zstd stream ({exc})", source=str(path)) from None
            raise


# ---- reading and checking -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Manifest:
    data: dict[str, Any]

    @property
    def revision(self) -> str:
        return str(self.data["alembic_revision"])

    @property
    def members(self) -> dict[str, dict[str, Any]]:
        return dict(self.data["members"])

    @property
    def rows(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.data["tables"].items()}


def refuse(reason: str, path: Path) -> ArchiveRefusedError:
    return ArchiveRefusedError(f"backup refused: {reason}", source=str(path))


def parse_manifest(raw: bytes, path: Path) -> Manifest:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise refuse("manifest.json is not JSON", path) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise refuse("manifest.json is not a redline backup manifest", path)
    if data.get("format_version") != FORMAT_VERSION:
        raise refuse(f"format version {data.get('format_version')!r}; this redline reads {FORMAT_VERSION}", path)
    members, tables = data.get("members"), data.get("tables")
    if not isinstance(members, dict) or not isinstance(tables, dict) or not data.get("alembic_revision"):
        raise refuse("manifest.json lacks members, tables or alembic_revision", path)
    if set(tables) != set(TABLES):
        raise refuse("the manifest's tables are not this redline's tables (another schema)", path)
    for name, entry in members.items():
        if member_kind(name) in (None, "manifest"):
            raise refuse(f"unexpected member name '{name}' in the manifest", path)
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("sha256"), str)
            or not isinstance(entry.get("size"), int)
        ):
            raise refuse(f"the manifest entry of '{name}' lacks sha256 or size", path)
        blob = _BLOB.fullmatch(name)
        if blob and entry["sha256"] != blob.group(1):
            raise refuse(f"'{name}' is listed under another digest", path)
    missing = [n for n in TABLES if table_member(n) not in members]
    if missing:
        raise refuse(f"the dump of table '{missing[0]}' is not listed", path)
    return Manifest(data)


class HashingReader:
    """Reads a member while hashing it, so content is checked on the same pass that uses it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.sha = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self._raw.read(n)
        self.sha.update(data)
        self.size += len(data)
        return data

    def drain(self) -> None:
        while self.read(CHUNK):
            pass


Visitor = Callable[[str, str, HashingReader], None]


def walk(path: Path, visit: Visitor | None = None) -> Manifest:
    """Read the archive once: manifest first, then every member checked against it (name shape,
    listed, no duplicates, regular file, digest and size). `visit(kind, name, reader)` may consume
    each member as it streams by; whatever it leaves unread is hashed too."""
    with open_reader(path) as tar:
        manifest: Manifest | None = None
        seen: set[str] = set()
        for info in tar:
            name = info.name
            if not info.isfile():
                raise refuse(f"member '{name}' is not a regular file (link or directory)", path)
            kind = member_kind(name)
            if kind is None:
                raise refuse(f"unexpected member '{name}' (only manifest.json, tables/, blobs/, keys/)", path)
            if name in seen:
                raise refuse(f"member '{name}' appears twice", path)
            seen.add(name)
            raw = tar.extractfile(info)
            assert raw is not None
            if manifest is None:
                if kind != "manifest" or info.size > MAX_MANIFEST_BYTES:
                    raise refuse("manifest.json is not the first member", path)
                manifest = parse_manifest(raw.read(), path)
                continue
            entry = manifest.members.get(name)
            if entry is None:
                raise refuse(f"member '{name}' is not listed in the manifest (added?)", path)
            reader = HashingReader(raw)
            if visit is not None:
                try:
                    visit(kind, name, reader)
                except OSError as exc:  # the target's disk, not the archive: say so
                    raise RedlineError(f"cannot write what '{name}' holds: {exc.strerror or exc}") from None
            reader.drain()
            if reader.sha.hexdigest() != entry["sha256"] or reader.size != entry["size"]:
                raise refuse(f"member '{name}' does not match its digest in the manifest (changed or damaged)", path)
        if manifest is None:
            raise refuse("the archive is empty (no manifest.json)", path)
        missing = sorted(set(manifest.members) - seen)
        if missing:
            raise refuse(f"member '{missing[0]}' is listed in the manifest but missing", path)
        return manifest
