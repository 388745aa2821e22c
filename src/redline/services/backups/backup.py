"""`redline backup`: the database, the evidence blobs it references and the key files, in one archive,
consistent while the server keeps writing.

Every table is read inside ONE read-only transaction: on PostgreSQL at REPEATABLE READ, on SQLite
(WAL mode, see store/db.py) a single deferred transaction, so the dump is one snapshot and never
a torn mix of before and after a concurrent write. Blobs are content-addressed and written once,
so copying the ones the snapshot references after reading it is consistent too. The archive is
written to a temporary file and renamed into place: a failed backup leaves no file behind.

A backup writes no audit entry: it must not take a write transaction on a live server, and a
restore must reproduce the chain exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import tarfile
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Engine, select, text

from redline import __version__
from redline.config import Settings
from redline.errors import CheckFailedError, InputError
from redline.store.backup_archive import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    TABLES,
    HashingReader,
    blob_member,
    compression_for,
    dumps_line,
    encode_row,
    open_writer,
    table_member,
)
from redline.store.blobs import BlobStore
from redline.store.db import READONLY, make_engine
from redline.store.migrate import check_current

# Columns that hold blob digests: (column, required). A required blob missing from the store fails
# the backup; an optional one (a digest a user typed, a probe's evidence digest) is carried along
# when the store has it.
BLOB_COLUMNS: dict[str, list[tuple[str, bool]]] = {
    "evidence": [("sha256", True)],
    "campaign_samples": [("sha256", True)],
    "campaign_files": [("sha256", True)],
    "campaign_runs": [("result_sha256", True)],
    "rectification_items": [("evidence_sha256", False)],
    "campaign_findings": [("sample_sha256", False), ("evidence", False)],
}
BATCH = 1000
SPOOL_BYTES = 16 * 1024 * 1024

Progress = Callable[[str, int, int], None]
"""progress(step, done, total): `table:NAME` once a table is dumped, `blobs` per blob, `keys`."""


def _silent(_step: str, _done: int, _total: int) -> None:
    return None


@dataclass
class _Member:
    sha256: str
    size: int


@dataclass
class Snapshot:
    revision: str
    dialect: str
    rows: dict[str, int] = field(default_factory=dict)
    dumps: dict[str, tuple[IO[bytes], _Member]] = field(default_factory=dict)
    required: dict[str, str] = field(default_factory=dict)  # sha256 -> the row that names it
    optional: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    rows: dict[str, int]
    blobs: int
    keys: list[str]
    private_keys: list[str]
    size: int


def _snapshot_connection(conn: Connection) -> Connection:
    if conn.dialect.name == "postgresql":
        return conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    return conn.execution_options(**{READONLY: True})  # SQLite: a plain BEGIN, one WAL snapshot


def _dump_table(conn: Connection, name: str, spool: IO[bytes], snap: Snapshot) -> _Member:
    table = TABLES[name]
    sha, size, count = hashlib.sha256(), 0, 0
    refs = [(list(table.columns.keys()).index(col), col, required) for col, required in BLOB_COLUMNS.get(name, [])]
    pk = list(table.primary_key.columns)

    def emit(line: bytes) -> None:
        nonlocal size
        sha.update(line)
        size += len(line)
        spool.write(line)

    emit(dumps_line({"table": name, "columns": list(table.columns.keys())}))
    result = conn.execute(select(table).order_by(*pk), execution_options={"yield_per": BATCH})
    for row in result:
        count += 1
        for index, col, required in refs:
            digest = row[index]
            if not digest:
                continue
            if required:
                snap.required.setdefault(digest, f"{name}.{col} of row {row[0]}")
            else:
                snap.optional.add(digest)
        emit(dumps_line(encode_row(table, row)))
    snap.rows[name] = count
    spool.seek(0)
    return _Member(sha.hexdigest(), size)


def take_snapshot(engine: Engine, stack: ExitStack, spool_dir: Path, progress: Progress) -> Snapshot:
    """Dump every table (foreign-key order) from one read transaction into spooled files."""
    with engine.connect() as conn:
        conn = _snapshot_connection(conn)
        with conn.begin():
            revision = str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one())
            snap = Snapshot(revision, conn.dialect.name)
            for i, name in enumerate(TABLES, start=1):
                spool = stack.enter_context(tempfile.SpooledTemporaryFile(SPOOL_BYTES, dir=str(spool_dir)))  # noqa: SIM115
                snap.dumps[name] = (spool, _dump_table(conn, name, spool, snap))
                progress(f"table:{name}", i, len(TABLES))
    return snap


def _blob_members(snap: Snapshot, store: BlobStore) -> dict[str, _Member]:
    members: dict[str, _Member] = {}
    for digest in sorted(set(snap.required) | snap.optional):
        path = store.path_for(digest)
        if not path.is_file():
            if digest in snap.required:
                raise CheckFailedError(
                    f"blob {digest} ({snap.required[digest]}) is missing from the blob store; no backup was written",
                    source=str(store.root),
                )
            continue
        members[blob_member(digest)] = _Member(digest, path.stat().st_size)
    return members


def _key_files(key_dir: Path) -> dict[str, bytes]:
    """Regular files under the key directory (links and hidden files are not key material)."""
    if not key_dir.is_dir():
        return {}
    found: dict[str, bytes] = {}
    for path in sorted(key_dir.rglob("*")):
        rel = path.relative_to(key_dir)
        if path.is_symlink() or not path.is_file() or any(p.startswith(".") for p in rel.parts):
            continue
        found["keys/" + "/".join(rel.parts)] = path.read_bytes()
    return found


def is_private_key(name: str, content: bytes) -> bool:
    return name.endswith(".key") or b"PRIVATE KEY" in content[:4096]


def _info(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o600
    return info


def _write_archive(
    out: IO[bytes],
    compression: str,
    manifest_bytes: bytes,
    snap: Snapshot,
    blobs: dict[str, _Member],
    keys: dict[str, bytes],
    store: BlobStore,
    mtime: float,
    progress: Progress,
) -> None:
    with open_writer(out, compression) as tar:
        tar.addfile(_info(MANIFEST, len(manifest_bytes), mtime), io.BytesIO(manifest_bytes))
        for name, (spool, member) in snap.dumps.items():
            tar.addfile(_info(table_member(name), member.size, mtime), spool)
        for i, (name, member) in enumerate(blobs.items(), start=1):
            with store.path_for(member.sha256).open("rb") as handle:
                reader = HashingReader(handle)  # hashed on the way in: a damaged blob fails the backup
                tar.addfile(_info(name, member.size, mtime), reader)
            if reader.sha.hexdigest() != member.sha256:
                raise CheckFailedError(
                    f"blob {member.sha256} in the blob store does not hash to its name "
                    "(damaged); no backup was written",
                    source=str(store.root),
                )
            progress("blobs", i, len(blobs))
        for name, content in keys.items():
            tar.addfile(_info(name, len(content), mtime), io.BytesIO(content))
        progress("keys", len(keys), len(keys))


def _manifest(
    snap: Snapshot, members: dict[str, _Member], now: dt.datetime, blobs: int, keys: dict[str, bytes]
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "redline_version": __version__,
        "alembic_revision": snap.revision,
        "created_at": now.isoformat(timespec="seconds"),
        "source_dialect": snap.dialect,
        "tables": snap.rows,
        "blobs": blobs,
        "keys": sorted(keys),
        "members": {name: {"sha256": m.sha256, "size": m.size} for name, m in members.items()},
    }


def create_backup(
    settings: Settings, output: Path, *, engine: Engine | None = None, progress: Progress | None = None
) -> BackupResult:
    """Write the backup archive to `output` (.tar.zst, .tar.gz or .tar), whole or not at all."""
    compression = compression_for(output)
    target = output.resolve()
    if not target.parent.is_dir():
        raise InputError("output directory does not exist", source=str(output.parent))
    if target.is_dir():
        raise InputError("is a directory", source=str(output))
    progress = progress or _silent
    if engine is None:
        engine = make_engine(settings.database_url)
        try:
            return create_backup(settings, output, engine=engine, progress=progress)
        finally:
            engine.dispose()
    check_current(engine, settings.database_url)
    store = BlobStore(settings.blob_dir, settings.max_upload_bytes)
    now = dt.datetime.now(dt.UTC)
    with ExitStack() as stack:
        snap = take_snapshot(engine, stack, target.parent, progress)
        blobs = _blob_members(snap, store)
        keys = _key_files(settings.key_dir)
        members: dict[str, _Member] = {table_member(n): m for n, (_s, m) in snap.dumps.items()}
        members |= blobs
        members |= {n: _Member(hashlib.sha256(c).hexdigest(), len(c)) for n, c in keys.items()}
        manifest = _manifest(snap, members, now, len(blobs), keys)
        manifest_bytes = dumps_line(manifest)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                _write_archive(out, compression, manifest_bytes, snap, blobs, keys, store, now.timestamp(), progress)
                out.flush()
                os.fsync(out.fileno())
            tmp.replace(target)  # mkstemp made it 0600: the archive holds password hashes and secrets
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    private = [n for n, c in keys.items() if is_private_key(n, c)]
    return BackupResult(target, manifest, snap.rows, len(blobs), sorted(keys), private, target.stat().st_size)
