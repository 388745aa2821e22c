"""Submission packages move between installations: export, verify, import; tampering is refused and
nothing is written when a package is refused."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo.seed import DEMO_PASSWORD, load_demo
from redline.domain.workflow import Role
from redline.errors import CheckFailedError, InputError, PackageTooLargeError, PermissionDeniedError
from redline.services import audit
from redline.services.access import accounts
from redline.services.context import Context
from redline.services.filing import filings, queries
from redline.services.packages.packages import export_package, import_package, verify_package
from redline.services.principal import Principal
from redline.store.migrate import upgrade
from redline.store.models import Filing

PASSWORD = "receiving-office-1"


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Context, Principal, int]:
    """A provider's installation (SQLite, demo data) and one submitted filing with evidence."""
    tmp = tmp_path_factory.mktemp("source")
    url = f"sqlite:///{tmp}/source.db"
    upgrade(url)
    ctx = build_context(Settings(database_url=url, blob_dir=tmp / "blobs"))
    load_demo(ctx)
    _, provider = accounts.login(ctx, "hz-admin", DEMO_PASSWORD)
    rows, _ = queries.list_filings(ctx, provider, queries.FilingFilter(limit=200))
    filing = next(f for f in rows if f.report is not None and queries.get_filing(ctx, provider, f.id).evidence)
    return ctx, provider, filing.id


@pytest.fixture
def target(database_url: str, tmp_path: Path) -> Iterator[tuple[Context, Principal]]:
    """A regulator's installation: a fresh database (SQLite, and PostgreSQL when configured)."""
    upgrade(database_url)
    ctx = build_context(Settings(database_url=database_url, blob_dir=tmp_path / "blobs"))
    accounts.create_user(
        ctx, accounts.NewUser("hz-office", PASSWORD, Role.CAC_OFFICER, "杭州市网信办", jurisdiction="330100")
    )
    accounts.create_user(
        ctx, accounts.NewUser("sz-office", PASSWORD, Role.CAC_OFFICER, "深圳市网信办", jurisdiction="440300")
    )
    yield ctx, accounts.login(ctx, "hz-office", PASSWORD)[1]


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _count(ctx: Context) -> int:
    with ctx.reader() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(Filing)) or 0)


def test_a_package_from_one_installation_imports_verified_into_another(
    source: tuple[Context, Principal, int], target: tuple[Context, Principal]
) -> None:
    src, provider, filing_id = source
    exported = export_package(src, provider, filing_id)
    members = _members(exported.data)
    assert {"manifest.json", "report.json", "report.pdf"} <= set(members)
    assert any(n.startswith("evidence/") for n in members)
    ctx, office = target
    new_id = import_package(ctx, office, exported.data)
    view = queries.get_filing(ctx, office, new_id)
    assert view.filing.state == "submitted" and view.filing.report_digest == exported.report_sha256
    assert view.evidence and all(ctx.blobs.path_for(e.sha256).exists() for e in view.evidence)
    assert view.filing.events[-1].action == "import"
    with ctx.reader() as uow:
        assert audit.verify(uow.session).ok
    with pytest.raises(InputError, match="imported here already"):
        import_package(ctx, office, exported.data)


@pytest.mark.parametrize(
    "tamper",
    ["report", "evidence", "manifest", "missing", "extra", "traversal", "absolute", "duplicate", "bomb", "not-zip"],
)
def test_a_tampered_or_unsafe_package_is_refused_with_the_reason_and_writes_nothing(
    source: tuple[Context, Principal, int], target: tuple[Context, Principal], tamper: str
) -> None:
    src, provider, filing_id = source
    members = _members(export_package(src, provider, filing_id, with_pdf=False).data)
    evidence = next(n for n in members if n.startswith("evidence/"))
    if tamper == "report":
        members["report.json"] = members["report.json"].replace("声浪".encode(), "聲浪".encode(), 1)
    elif tamper == "evidence":
        members[evidence] = members[evidence] + b" "
    elif tamper == "manifest":
        manifest = json.loads(members["manifest.json"])
        manifest["provider"]["location"] = "440305"
        members["manifest.json"] = json.dumps(manifest).encode()
    elif tamper == "missing":
        del members[evidence]
    elif tamper == "extra":
        members["notes.txt"] = b"hello"
    elif tamper == "traversal":
        members["../../etc/cron.d/x"] = b"x"
    elif tamper == "absolute":
        members["/tmp/x"] = b"x"
    elif tamper == "bomb":
        members["evidence/bomb"] = b"\0" * (64 << 20)
    data = b"not a zip" if tamper == "not-zip" else _zip(members)
    if tamper == "duplicate":
        buffer = io.BytesIO(data)
        with zipfile.ZipFile(buffer, "a") as zf, pytest.warns(UserWarning):
            zf.writestr("report.json", b"{}")
        data = buffer.getvalue()
    ctx, office = target
    before = _count(ctx)
    blobs_before = sorted(p.name for p in ctx.blobs.root.rglob("*")) if ctx.blobs.root.exists() else []
    with pytest.raises((CheckFailedError, PackageTooLargeError), match="package refused") as caught:
        import_package(ctx, office, data)
    expected = {
        "report": "changed",
        "evidence": "does not match",
        "manifest": "does not match",
        "missing": "missing",
        "extra": "not listed",
        "traversal": "unsafe member path",
        "absolute": "unsafe member path",
        "duplicate": "duplicate",
        "bomb": "zip bomb",
        "not-zip": "not a ZIP",
    }[tamper]
    assert expected in str(caught.value)
    assert _count(ctx) == before
    after = sorted(p.name for p in ctx.blobs.root.rglob("*")) if ctx.blobs.root.exists() else []
    assert after == blobs_before


def test_a_package_goes_only_to_a_regulator_over_the_provider(
    source: tuple[Context, Principal, int], target: tuple[Context, Principal]
) -> None:
    src, provider, filing_id = source
    exported = export_package(src, provider, filing_id, with_pdf=False)
    ctx, _ = target
    other = accounts.login(ctx, "sz-office", PASSWORD)[1]
    with pytest.raises(PermissionDeniedError, match="outside your jurisdiction"):
        import_package(ctx, other, exported.data)
    assert _count(ctx) == 0


def test_a_signed_package_names_its_signer_and_a_changed_manifest_breaks_the_signature(
    source: tuple[Context, Principal, int], tmp_path: Path
) -> None:
    from redline.reports.signatures import Algorithm, new_key

    src, provider, filing_id = source
    private, public = new_key(Algorithm("ed25519"), "声浪合规部")
    (tmp_path / "k.key").write_text(private)
    (tmp_path / "k.pub").write_text(public)
    exported = export_package(src, provider, filing_id, key=tmp_path / "k.key", with_pdf=False)
    assert verify_package(exported.data, require_signature=True, trust=tmp_path / "k.pub").signer == "声浪合规部"
    unsigned = export_package(src, provider, filing_id, with_pdf=False)
    with pytest.raises(CheckFailedError, match="not signed"):
        verify_package(unsigned.data, require_signature=True)
    members = _members(exported.data)
    manifest = json.loads(members["manifest.json"])
    manifest["filing"]["title"] = "改过的标题"
    members["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    with pytest.raises(CheckFailedError, match="signature"):
        verify_package(_zip(members))


def test_only_a_submitted_filing_has_a_package(source: tuple[Context, Principal, int]) -> None:
    src, provider, _ = source
    rows, _ = queries.list_filings(src, provider, queries.FilingFilter(state="draft"))
    with pytest.raises(InputError, match="no submitted report"):
        export_package(src, provider, rows[0].id)
    assert filings is not None


def test_evidence_in_a_package_keeps_the_extension_of_its_stored_name(source: tuple[Context, Principal, int]) -> None:
    """Issue 17: a regulator who unpacks the ZIP can open each evidence file by its type."""
    src, provider, filing_id = source
    view = queries.get_filing(src, provider, filing_id)
    members = _members(export_package(src, provider, filing_id, with_pdf=False).data)
    manifest = json.loads(members["manifest.json"])
    assert manifest["evidence"]
    for entry in manifest["evidence"]:
        stored = next(e for e in view.evidence if e.sha256 == entry["sha256"])
        extension = stored.filename.rsplit(".", 1)[-1].lower()
        assert f"evidence/{entry['sha256']}.{extension}" in members, sorted(members)


@pytest.mark.parametrize(
    ("name", "media_type", "member"),
    [
        ("整改说明.PDF", "application/pdf", ".pdf"),
        ("access.log", "text/plain", ".log"),
        ("报告.docx", "application/zip", ".docx"),
        ("../../etc/passwd", "text/plain", ".txt"),
        ("..\\..\\windows\\evil.exe", "application/pdf", ".pdf"),
        ("page.html", "text/plain", ".txt"),
        ("photo.jpg/../../x", "image/jpeg", ".jpg"),
        ("noext", "image/png", ".png"),
        (".hidden", "text/plain", ".txt"),
        ("a.tar.gz", "application/gzip", ".gz"),
        ("x.pdf", "application/x-unknown", ""),
    ],
)
def test_an_evidence_members_extension_fits_its_type_and_no_path_part_of_the_name_is_used(
    name: str, media_type: str, member: str
) -> None:
    from redline.services.packages.package_checks import evidence_member

    assert evidence_member("a" * 64, name, media_type) == f"evidence/{'a' * 64}{member}"


def test_a_package_with_evidence_named_by_digest_alone_still_imports(
    source: tuple[Context, Principal, int], target: tuple[Context, Principal]
) -> None:
    """Packages exported before issue 17 name evidence by digest alone; they stay importable."""
    src, provider, filing_id = source
    members = _members(export_package(src, provider, filing_id, with_pdf=False).data)
    renamed = {(n.split(".", 1)[0] if n.startswith("evidence/") else n): data for n, data in members.items()}
    manifest = json.loads(renamed["manifest.json"])
    manifest["files"] = {
        (n.split(".", 1)[0] if n.startswith("evidence/") else n): d for n, d in manifest["files"].items()
    }
    renamed["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    ctx, office = target
    new_id = import_package(ctx, office, _zip(renamed))
    assert queries.get_filing(ctx, office, new_id).evidence


def test_a_package_whose_report_was_sealed_before_issue_18_still_imports(
    source: tuple[Context, Principal, int], target: tuple[Context, Principal]
) -> None:
    """Reports sealed by the version 1 rule (Python's sorted compact JSON, no seal version) travel in packages
    exported before the RFC 8785 seal; they import and keep their digest."""
    import hashlib

    from redline.reports.canonical import canonical_bytes, dumps

    src, provider, filing_id = source
    members = _members(export_package(src, provider, filing_id, with_pdf=False).data)
    report = json.loads(members["report.json"])
    body = {k: v for k, v in report.items() if k != "seal"} | {"schema_version": 1}
    # a version 1 report's generator never named the rulebook's release (added in version 2, issue 21)
    body["generator"] = {k: body["generator"][k] for k in ("name", "version", "rulebook")}
    old_digest = hashlib.sha256(canonical_bytes(body)).hexdigest()
    report = body | {
        "seal": {"algorithm": "sha256", "digest": old_digest, "covers": "canonical JSON of the document without 'seal'"}
    }
    old = {n: d for n, d in members.items() if not n.startswith("receipts/")}  # receipts name the new digest
    old["report.json"] = dumps(report).encode("utf-8")
    manifest = json.loads(old["manifest.json"])
    manifest["report_sha256"] = old_digest
    manifest["files"] = {n: hashlib.sha256(d).hexdigest() for n, d in old.items() if n != "manifest.json"}
    old["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    assert verify_package(_zip(old)).manifest.report_sha256 == old_digest
    ctx, office = target
    new_id = import_package(ctx, office, _zip(old))
    assert queries.get_filing(ctx, office, new_id).filing.report_digest == old_digest
    with ctx.reader() as uow:
        assert audit.verify(uow.session).ok
    report["seal"]["version"] = 2  # a version 1 report under a version 2 seal is not a document redline writes
    old["report.json"] = dumps(report).encode("utf-8")
    manifest["files"]["report.json"] = hashlib.sha256(old["report.json"]).hexdigest()
    old["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    with pytest.raises(InputError) as caught:
        verify_package(_zip(old))
    assert caught.value.field == "report.seal.version"
