"""Backup and restore on real databases: SQLite, and PostgreSQL when REDLINE_TEST_POSTGRES_URL is set,
each restored into both kinds; a snapshot taken while writes go on; tampered archives refused."""

from __future__ import annotations

import hashlib
import io
import json
import re
import secrets
import tarfile
import threading
from pathlib import Path
from typing import Any

import pytest
import zstandard
from sqlalchemy import func, select, text, update

from redline import __version__
from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo.seed import DEMO_PASSWORD, load_demo
from redline.domain.workflow import Action, Role
from redline.errors import CheckFailedError, InputError
from redline.services import audit
from redline.services.access import accounts
from redline.services.backups.backup import create_backup
from redline.services.backups.restore import restore_backup, verify_archive
from redline.services.context import Context
from redline.services.filing import filings, queries, review
from redline.store.backup_archive import TABLES, ArchiveRefusedError, encode_row
from redline.store.db import make_engine
from redline.store.migrate import upgrade
from redline.store.models import AuditEntry, Filing, Organisation
from tests.conftest import POSTGRES_URL, fresh_database

KINDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)] if POSTGRES_URL else ["sqlite"]
PRIVATE_KEY = b"-----BEGIN PRIVATE KEY-----\nfake test key material only\n-----END PRIVATE KEY-----\n"


def dump(url: str) -> dict[str, list[list[Any]]]:
    """Every row of every table, in primary-key order, in the archive's own lossless encoding."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                name: [encode_row(t, r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
                for name, t in TABLES.items()
            }
    finally:
        engine.dispose()


def _settings(url: str, root: Path) -> Settings:
    return Settings(database_url=url, blob_dir=root / "blobs", key_dir=root / "keys")


def _source(url: str, root: Path) -> Context:
    upgrade(url)
    ctx = build_context(_settings(url, root))
    keys = root / "keys"
    keys.mkdir(parents=True)
    (keys / "platform.key").write_bytes(PRIVATE_KEY)
    (keys / "platform.pub").write_text("public key\n")
    return ctx


def test_a_backup_restores_row_for_row_into_both_kinds_of_database(database_url: str, tmp_path: Path) -> None:
    ctx = _source(database_url, tmp_path / "src")
    load_demo(ctx)
    with ctx.uow() as uow:
        sealed = uow.session.scalar(select(func.count()).where(Filing.report_digest.is_not(None)))
    assert sealed and sealed > 3
    archive = tmp_path / "backup.tar.zst"
    result = create_backup(ctx.settings, archive)
    assert archive.stat().st_mode & 0o777 == 0o600
    platform = [k for k in result.private_keys if not k.startswith("keys/org-")]
    assert platform == ["keys/platform-checkpoint.key", "keys/platform.key"]  # the checkpoint key too
    assert len(result.private_keys) > len(platform)  # and the custodied receipt keys (docs/adr/0004)
    assert result.blobs > 0 and set(result.rows) == set(TABLES)
    original = dump(database_url)
    assert original["audit_entries"] and original["evidence"]

    for kind in KINDS:
        kind_name = kind if isinstance(kind, str) else kind.values[0]
        target = tmp_path / f"to-{kind_name}"
        with fresh_database(kind_name, tmp_path, f"restored-{secrets.token_hex(4)}.db", "redline_restore") as url:
            report = restore_backup(archive, database_url=url, blob_dir=target / "blobs", key_dir=target / "keys")
            assert report.ok, report.checks
            assert [c.name for c in report.checks] == ["rows", "audit chain", "report digests", "blobs"]
            assert dump(url) == original  # every table, row for row, value for value
            for name in ("platform.key", "platform.pub"):
                restored = target / "keys" / name
                assert restored.read_bytes() == (tmp_path / "src" / "keys" / name).read_bytes()
                assert restored.stat().st_mode & 0o777 == 0o600
            for row in original["evidence"]:
                sha = row[list(TABLES["evidence"].columns.keys()).index("sha256")]
                blob = target / "blobs" / sha[:2] / sha
                assert hashlib.sha256(blob.read_bytes()).hexdigest() == sha

            copy = build_context(_settings(url, target))
            _, admin = accounts.login(copy, "hz-admin", DEMO_PASSWORD)
            rows, total = queries.list_filings(copy, admin, queries.FilingFilter())
            assert total == len(rows) > 0
            new_org = filings.create_organisation(copy, "provider", "恢复后新建（虚构）", "330106")
            assert new_org > max(r[0] for r in original["organisations"])  # sequences moved past restored ids
            with copy.uow() as uow:
                assert audit.verify(uow.session).ok


def test_writes_during_the_backup_do_not_tear_the_snapshot(database_url: str, tmp_path: Path) -> None:
    ctx = _source(database_url, tmp_path / "src")
    for i in range(3):
        filings.create_organisation(ctx, "provider", f"写入前 {i}（虚构）", "330106")
    writes, stop, failures = [0], threading.Event(), []

    def writer() -> None:
        try:
            while not stop.is_set():
                filings.create_organisation(ctx, "provider", f"并发写入 {writes[0]}（虚构）", "330106")
                writes[0] += 1
        except Exception as exc:  # reported by the assertion below
            failures.append(exc)

    def hold_between_tables(step: str, _done: int, _total: int) -> None:
        # audit_entries is dumped before organisations: let the writer commit several organisations,
        # each with its audit entry, between the two reads. A torn snapshot would show more
        # organisations than organisation.create entries.
        if step == "table:audit_entries":
            target = writes[0] + 5
            while writes[0] < target and not failures:
                stop.wait(0.01)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        archive = tmp_path / "live.tar.gz"
        create_backup(ctx.settings, archive, progress=hold_between_tables)
    finally:
        stop.set()
        thread.join()
    assert not failures
    with fresh_database("sqlite", tmp_path, f"restored-{secrets.token_hex(4)}.db") as url:
        report = restore_backup(archive, database_url=url, blob_dir=tmp_path / "b", key_dir=tmp_path / "k")
        assert report.ok, report.checks
        engine = make_engine(url)
        with engine.connect() as conn:
            entries = conn.scalar(select(func.count()).select_from(AuditEntry))
            head = conn.scalar(text("SELECT seq FROM audit_head WHERE id = 1"))
            created = conn.scalar(select(func.count()).where(AuditEntry.action == "organisation.create"))
            orgs = conn.scalar(select(func.count()).select_from(Organisation))
        engine.dispose()
    assert head == entries
    assert orgs == created  # one snapshot: each organisation exactly with its audit entry
    with ctx.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Organisation)) > orgs  # writes went on


# ---- refusals: a small source, backed up once ------------------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Context]:
    root = tmp_path_factory.mktemp("small")
    ctx = _source(f"sqlite:///{root}/src.db", root)
    org = filings.create_organisation(ctx, "provider", "小型样例（虚构）", "330106")
    accounts.create_user(ctx, accounts.NewUser("small-admin", "correct-horse-42", Role.PROVIDER_ADMIN, "小", org, None))
    _, admin = accounts.login(ctx, "small-admin", "correct-horse-42")
    service = filings.add_service(ctx, admin, {"service": {"name": "样例", "capabilities": ["group_chat"]}})
    fid = filings.record_change(
        ctx, admin, service, {"kind": "add_capability", "date": "2026-04-01", "capabilities": ["one_to_one_voice_chat"]}
    )
    items = queries.get_filing(ctx, admin, fid).items
    filings.add_evidence(ctx, admin, fid, items[0], "policy.txt", io.BytesIO("制度文本".encode()))
    filings.save_answers(ctx, admin, fid, {i: {"status": "met"} for i in items})
    review.act(ctx, admin, fid, Action.SUBMIT)
    archive = root / "small.tar"
    create_backup(ctx.settings, archive)
    return archive, ctx


def _members(archive: Path) -> list[tuple[tarfile.TarInfo, bytes]]:
    with tarfile.open(archive) as tar:
        return [(info, tar.extractfile(info).read()) for info in tar.getmembers()]  # type: ignore[union-attr]


def _rewrite(members: list[tuple[tarfile.TarInfo, bytes]], out: Path) -> Path:
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in members:
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out


def _flip_byte(members: list[tuple[tarfile.TarInfo, bytes]]) -> list[tuple[tarfile.TarInfo, bytes]]:
    changed = []
    for info, data in members:
        if info.name == "tables/organisations.jsonl":
            data = data.replace("小型样例".encode(), "大型样例".encode())
        changed.append((info, data))
    return changed


def _added(members: list[tuple[tarfile.TarInfo, bytes]], name: str) -> list[tuple[tarfile.TarInfo, bytes]]:
    return [*members, (tarfile.TarInfo(name), b"extra")]


TAMPERINGS = {
    "one byte of a table changed": (_flip_byte, "does not match its digest"),
    "a blob added": (lambda m: _added(m, "blobs/" + "ab" * 32), "not listed in the manifest"),
    "a ../ member": (lambda m: _added(m, "../evil"), "unexpected member '../evil'"),
    "a key outside keys/": (lambda m: _added(m, "keys/../../etc/passwd"), "unexpected member"),
    "a member removed": (
        lambda m: [x for x in m if not x[0].name.startswith("blobs/")],
        "listed in the manifest but missing",
    ),
}


@pytest.mark.parametrize("how", list(TAMPERINGS))
def test_a_tampered_archive_is_refused_and_nothing_is_written(
    small: tuple[Path, Context], tmp_path: Path, how: str
) -> None:
    archive, _ctx = small
    tamper, message = TAMPERINGS[how]
    bad = _rewrite(tamper(_members(archive)), tmp_path / "bad.tar")
    target_db = tmp_path / "target.db"
    with pytest.raises(ArchiveRefusedError, match=message):
        restore_backup(
            bad, database_url=f"sqlite:///{target_db}", blob_dir=tmp_path / "blobs", key_dir=tmp_path / "keys"
        )
    assert not target_db.exists() and not (tmp_path / "blobs").exists() and not (tmp_path / "keys").exists()
    with pytest.raises(ArchiveRefusedError, match=message):
        verify_archive(bad)


def test_damaged_or_foreign_files_are_refused_as_user_errors(small: tuple[Path, Context], tmp_path: Path) -> None:
    archive, _ctx = small
    data = archive.read_bytes()
    cases = {
        "truncated.tar": data[: len(data) // 2],
        "text.tar": b"hello, not an archive\n" * 50,
        "truncated.tar.zst": zstandard.ZstdCompressor().compress(data)[:-200],
    }
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(InputError):
            restore_backup(
                tmp_path / name,
                database_url=f"sqlite:///{tmp_path}/t.db",
                blob_dir=tmp_path / "b",
                key_dir=tmp_path / "k",
            )
    assert not (tmp_path / "t.db").exists() and not (tmp_path / "b").exists()


def test_another_schema_revision_is_refused_with_the_fix(small: tuple[Path, Context], tmp_path: Path) -> None:
    archive, _ctx = small
    members = _members(archive)
    info, manifest = members[0]
    data = json.loads(manifest)
    data["alembic_revision"] = "0001"
    members[0] = (info, json.dumps(data).encode())
    bad = _rewrite(members, tmp_path / "old.tar")
    with pytest.raises(InputError, match=f"restore it with redline {re.escape(__version__)}"):
        restore_backup(bad, database_url=f"sqlite:///{tmp_path}/t.db", blob_dir=tmp_path / "b", key_dir=tmp_path / "k")
    assert not (tmp_path / "t.db").exists()


def test_a_non_empty_target_is_refused_and_left_as_it_was(small: tuple[Path, Context], tmp_path: Path) -> None:
    archive, ctx = small
    url = f"sqlite:///{tmp_path}/target.db"
    assert restore_backup(archive, database_url=url, blob_dir=tmp_path / "b", key_dir=tmp_path / "k").ok
    before = dump(url)
    with pytest.raises(InputError, match=r"not empty \(table 'audit_(checkpoints|entries)' has rows\)"):
        restore_backup(archive, database_url=url, blob_dir=tmp_path / "b", key_dir=tmp_path / "k")
    assert dump(url) == before
    with pytest.raises(InputError, match="not empty"):
        restore_backup(
            archive, database_url=ctx.settings.database_url, blob_dir=tmp_path / "b2", key_dir=tmp_path / "k2"
        )


def test_a_different_key_file_is_never_overwritten(small: tuple[Path, Context], tmp_path: Path) -> None:
    archive, _ctx = small
    (tmp_path / "k").mkdir()
    (tmp_path / "k" / "platform.key").write_bytes(b"another key")
    with pytest.raises(InputError, match="different key file"):
        restore_backup(
            archive, database_url=f"sqlite:///{tmp_path}/t.db", blob_dir=tmp_path / "b", key_dir=tmp_path / "k"
        )
    assert (tmp_path / "k" / "platform.key").read_bytes() == b"another key"
    assert not (tmp_path / "t.db").exists()


def test_a_missing_blob_fails_the_backup_and_leaves_no_file(database_url: str, tmp_path: Path) -> None:
    ctx = _source(database_url, tmp_path / "src")
    org = filings.create_organisation(ctx, "provider", "缺失样例（虚构）", "330106")
    accounts.create_user(ctx, accounts.NewUser("m-admin", "correct-horse-42", Role.PROVIDER_ADMIN, "m", org, None))
    _, admin = accounts.login(ctx, "m-admin", "correct-horse-42")
    service = filings.add_service(ctx, admin, {"service": {"name": "样例", "capabilities": ["group_chat"]}})
    fid = filings.record_change(
        ctx, admin, service, {"kind": "add_capability", "date": "2026-04-01", "capabilities": ["one_to_one_voice_chat"]}
    )
    item = queries.get_filing(ctx, admin, fid).items[0]
    sha = filings.add_evidence(ctx, admin, fid, item, "policy.txt", io.BytesIO(b"policy text"))
    ctx.blobs.path_for(sha).unlink()
    with pytest.raises(CheckFailedError, match=f"blob {sha} \\(evidence.sha256 of row 1\\) is missing"):
        create_backup(ctx.settings, tmp_path / "out.tar.zst")
    assert list(tmp_path.glob("*out.tar.zst*")) == []


def test_a_restored_copy_with_a_broken_seal_fails_verification(small: tuple[Path, Context], tmp_path: Path) -> None:
    """The post-restore checks are real checks: break a sealed report in the copy and they say so."""
    from redline.services.backups.restore import verify_restored
    from redline.store.blobs import BlobStore

    archive, _ctx = small
    url = f"sqlite:///{tmp_path}/t.db"
    report = restore_backup(archive, database_url=url, blob_dir=tmp_path / "b", key_dir=tmp_path / "k")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(update(Filing).values(report_digest="0" * 64))
        conn.execute(text("UPDATE audit_entries SET actor = 'mallory' WHERE seq = 2"))
    checks = {c.name: c for c in verify_restored(engine, BlobStore(tmp_path / "b", 1), report.manifest)}
    engine.dispose()
    assert not checks["report digests"].ok and not checks["audit chain"].ok
    assert checks["rows"].ok and checks["blobs"].ok
