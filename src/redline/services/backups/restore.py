"""`redline restore`: a backup archive into an EMPTY database (SQLite or PostgreSQL, from either),
with its blobs and keys, then proof that the copy is whole.

The archive is read twice. The first pass checks every member against the manifest and writes
nothing; a tampered, truncated or padded archive is refused there. The second pass inserts the
rows table by table in ONE transaction (checking each member again as it streams) and writes the
blobs into the content-addressed store before the commit, which is harmless if the commit fails.
Key files are written only where no different file exists, and removed again on failure.

The schema revision must equal this redline's: rows are inserted under the tables this code
knows, so a backup from another schema is restored with the redline version that made it (then
upgraded with `redline db upgrade` as usual).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, func, inspect, select, text
from sqlalchemy.orm import Session

from redline.errors import InputError
from redline.reports.canonical import SEAL_KEY, digest
from redline.services import audit
from redline.services.backups.backup import BLOB_COLUMNS, Progress
from redline.store.backup_archive import (
    CHUNK,
    TABLES,
    HashingReader,
    decode_row,
    key_parts,
    refuse,
    walk,
)
from redline.store.backup_archive import ArchiveRefusedError as ArchiveRefusedError
from redline.store.backup_archive import Manifest as Manifest
from redline.store.blobs import BlobStore
from redline.store.db import make_engine
from redline.store.migrate import alembic_config, upgrade
from redline.store.models import AuditHead, Filing, ReportVersion

BATCH = 1000


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class RestoreReport:
    manifest: Manifest
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


def verify_archive(path: Path) -> Manifest:
    """Check every member of the archive against its manifest; write nothing."""
    return walk(path)


def code_head() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def _check_revision(manifest: Manifest, path: Path) -> None:
    head = code_head()
    if manifest.revision != head:
        made_by = manifest.data.get("redline_version", "?")
        raise InputError(
            f"the backup's schema is at revision {manifest.revision} but this redline expects {head}: "
            f"restore it with redline {made_by}, which made it, then run `redline db upgrade`",
            source=str(path),
        )


def _key_target(key_dir: Path, name: str) -> Path:
    parts = key_parts(name)
    assert parts is not None
    return key_dir.joinpath(*parts)


def _check_keys(manifest: Manifest, key_dir: Path) -> None:
    """Refuse, before writing anything, to replace a different key file of the same name."""
    for name, entry in manifest.members.items():
        if not name.startswith("keys/"):
            continue
        target = _key_target(key_dir, name)
        if target.is_symlink() or (target.exists() and not target.is_file()):
            raise InputError("exists and is not a regular file; refusing to restore a key over it", source=str(target))
        if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() != entry["sha256"]:
            raise InputError("a different key file already exists here; refusing to overwrite it", source=str(target))


def _first_nonempty(conn: Connection) -> str | None:
    for name, table in TABLES.items():
        if name == "audit_head":
            seq = conn.execute(select(func.max(table.c.seq))).scalar()
            if seq:
                return name
            continue
        if conn.execute(select(table).limit(1)).first() is not None:
            return name
    return None


def _prepare_target(engine: Engine, url: str) -> None:
    """Migrate an empty target to this code's head; refuse one that holds data or another schema."""
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        if current is None:
            known = sorted(set(inspect(conn).get_table_names()) & set(TABLES))
            if known:
                raise InputError(
                    f"the target database has redline tables ('{known[0]}') but no migration "
                    "revision; restore into an empty database",
                    source=engine.url.render_as_string(),
                )
        elif current != code_head():
            raise InputError(
                f"the target database is at revision {current}, not {code_head()}; restore into an empty database",
                source=engine.url.render_as_string(),
            )
        else:
            busy = _first_nonempty(conn)
            if busy:
                raise InputError(
                    f"the target database is not empty (table '{busy}' has rows); restore into an empty database",
                    source=engine.url.render_as_string(),
                )
    if current is None:
        upgrade(url)


class _Loader:
    """Consumes the members of the second pass: rows into the open transaction, blobs, keys."""

    def __init__(
        self, conn: Connection, manifest: Manifest, path: Path, store: BlobStore, key_dir: Path, progress: Progress
    ) -> None:
        self.conn, self.manifest, self.path, self.store, self.key_dir = conn, manifest, path, store, key_dir
        self.progress = progress
        self.pending = list(TABLES)
        self.blobs_done = 0
        self.created_keys: list[Path] = []

    def __call__(self, kind: str, name: str, reader: HashingReader) -> None:
        if kind == "table":
            self._table(name[len("tables/") : -len(".jsonl")], reader)
        elif kind == "blob":
            self._blob(name[len("blobs/") :], reader)
        elif kind == "key":
            self._key(name, reader)

    def _table(self, name: str, reader: HashingReader) -> None:
        if not self.pending or self.pending[0] != name:
            raise refuse(f"table dump '{name}' is out of foreign-key order", self.path)
        self.pending.pop(0)
        table, where = TABLES[name], f"tables/{name}.jsonl"
        lines = _lines(reader)
        header = _json(next(lines, b"{}"), f"{where}:1", self.path)
        if (
            not isinstance(header, dict)
            or header.get("table") != name
            or header.get("columns") != list(table.columns.keys())
        ):
            raise refuse(f"{where}: its columns are not this schema's columns of '{name}'", self.path)
        batch: list[dict[str, Any]] = []
        count = 0
        for number, line in enumerate(lines, start=2):
            batch.append(decode_row(table, _json(line, f"{where}:{number}", self.path), f"{where}:{number}"))
            count += 1
            if len(batch) >= BATCH:
                self.conn.execute(table.insert(), batch)
                batch = []
        if batch:
            self.conn.execute(table.insert(), batch)
        if count != self.manifest.rows[name]:
            raise refuse(f"{where} holds {count} rows, the manifest says {self.manifest.rows[name]}", self.path)
        self.progress(f"table:{name}", len(TABLES) - len(self.pending), len(TABLES))

    def _blob(self, sha256: str, reader: HashingReader) -> None:
        target = self.store.path_for(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".restore-")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := reader.read(CHUNK):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if reader.sha.hexdigest() != sha256:
                raise refuse(f"blobs/{sha256} does not hash to its name", self.path)
            if target.exists():
                tmp.unlink()
            else:
                tmp.replace(target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        self.blobs_done += 1
        self.progress("blobs", self.blobs_done, int(self.manifest.data.get("blobs", 0)))

    def _key(self, name: str, reader: HashingReader) -> None:
        target = _key_target(self.key_dir, name)
        content = reader.read()
        if target.is_file():  # identical, checked before the second pass
            return
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self.created_keys.append(target)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)


def _json(line: bytes, where: str, path: Path) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        raise refuse(f"{where} is not a JSON line", path) from None


def _lines(reader: HashingReader) -> Iterator[bytes]:
    buffer = b""
    while chunk := reader.read(CHUNK):
        buffer += chunk
        *complete, buffer = buffer.split(b"\n")
        yield from (line for line in complete if line)
    if buffer:
        yield buffer


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL: the next id after the restored ones (SERIAL sequences do not see explicit ids)."""
    for name, table in TABLES.items():
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or pk[0].autoincrement is False:
            continue
        column = pk[0].name
        sequence = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": name, "c": column}).scalar()
        if sequence:
            conn.execute(
                text(
                    f'SELECT setval(:s, COALESCE((SELECT MAX("{column}") FROM "{name}"), 1), '
                    f'(SELECT MAX("{column}") FROM "{name}") IS NOT NULL)'
                ),
                {"s": sequence},
            )


def restore_backup(
    path: Path, *, database_url: str, blob_dir: Path, key_dir: Path, progress: Progress | None = None
) -> RestoreReport:
    """Verify the archive, restore it into the empty database at `database_url`, verify the copy."""
    manifest = verify_archive(path)
    _check_revision(manifest, path)
    _check_keys(manifest, key_dir)
    store = BlobStore(blob_dir, 1)
    engine = make_engine(database_url)
    try:
        _prepare_target(engine, database_url)
        loader = _Loader(engine.connect(), manifest, path, store, key_dir, progress or (lambda *_: None))
        try:
            with loader.conn.begin():
                busy = _first_nonempty(loader.conn)
                if busy:
                    raise InputError(f"the target database is not empty (table '{busy}' has rows)", source=database_url)
                loader.conn.execute(TABLES["audit_head"].delete())
                again = walk(path, loader)
                if again.data != manifest.data:
                    raise refuse("the archive changed while it was being restored", path)
                if loader.conn.dialect.name == "postgresql":
                    _reset_sequences(loader.conn)
        except BaseException:
            for key in loader.created_keys:
                key.unlink(missing_ok=True)
            raise
        finally:
            loader.conn.close()
        return RestoreReport(manifest, verify_restored(engine, store, manifest))
    finally:
        engine.dispose()


def verify_restored(engine: Engine, store: BlobStore, manifest: Manifest) -> list[Check]:
    """Row counts, the audit chain, every sealed report's digest and every blob of the restored copy."""
    checks: list[Check] = []
    with Session(engine) as session:
        counts = {
            name: int(session.execute(select(func.count()).select_from(t)).scalar_one()) for name, t in TABLES.items()
        }
        wrong = [f"{n}: {counts[n]} (manifest {manifest.rows[n]})" for n in TABLES if counts[n] != manifest.rows[n]]
        checks.append(
            Check(
                "rows",
                not wrong,
                "; ".join(wrong) or f"{sum(counts.values())} rows in {len(TABLES)} tables, as the manifest says",
            )
        )
        chain = audit.verify(session)
        head = session.get(AuditHead, 1)
        chain_ok = chain.ok and head is not None and head.seq == chain.entries
        checks.append(
            Check(
                "audit chain",
                chain_ok,
                f"{chain.entries} entries intact"
                if chain_ok
                else f"broken at entry {chain.first_broken}: {chain.reason}",
            )
        )
        checks.append(_check_reports(session))
        checks.append(_check_blobs(session, store, manifest))
    return checks


def _check_reports(session: Session) -> Check:
    bad: list[Any] = []
    sealed = 0
    for filing_id, report, stated in session.execute(
        select(Filing.id, Filing.report, Filing.report_digest).where(Filing.report_digest.is_not(None))
    ):
        sealed += 1
        seal = (report or {}).get(SEAL_KEY) or {}
        if report is None or digest(report) != stated or seal.get("digest") != stated:
            bad.append(filing_id)
    for filing_id, number, report, stated in session.execute(
        select(ReportVersion.filing_id, ReportVersion.number, ReportVersion.report, ReportVersion.digest)
    ):
        seal = (report or {}).get(SEAL_KEY) or {}
        if report is None or digest(report) != stated or seal.get("digest") != stated:
            bad.append(f"{filing_id} v{number}")
    return Check(
        "report digests",
        not bad,
        f"filings {bad} do not match their seal" if bad else f"{sealed} sealed reports match their digests",
    )


def _check_blobs(session: Session, store: BlobStore, manifest: Manifest) -> Check:
    wanted = {n[len("blobs/") :] for n in manifest.members if n.startswith("blobs/")}
    for name, columns in BLOB_COLUMNS.items():
        for column, required in columns:
            if required:
                col = TABLES[name].c[column]
                wanted |= {d for d in session.execute(select(col).where(col.is_not(None))).scalars() if d}
    bad: list[str] = []
    for sha in sorted(wanted):
        path = store.path_for(sha)
        if not path.is_file():
            bad.append(f"{sha} missing")
            continue
        sha_obj = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                sha_obj.update(chunk)
        if sha_obj.hexdigest() != sha:
            bad.append(f"{sha} damaged")
    return Check("blobs", not bad, "; ".join(bad[:5]) or f"{len(wanted)} blobs present and intact")
