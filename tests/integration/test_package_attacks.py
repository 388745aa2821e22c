"""The attacks on package import from security issue 15 (B1, B5, B6, B7, B14), performed as described:
each one is refused with a reason and stores nothing."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo.seed import DEMO_PASSWORD, load_demo
from redline.domain.workflow import Role
from redline.errors import CheckFailedError, InputError, PackageTooLargeError
from redline.reports.canonical import dumps, seal
from redline.services.access import accounts
from redline.services.context import Context
from redline.services.filing import queries
from redline.services.packages.packages import export_package, import_package
from redline.services.principal import Principal
from redline.store.migrate import upgrade
from redline.store.models import Evidence, Filing, Organisation

PASSWORD = "receiving-office-1"
Members = dict[str, bytes]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Context, Principal, int]:
    """An installation with the demo data, and a submitted 杭州 filing with evidence."""
    tmp = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{tmp}/demo.db"
    upgrade(url)
    ctx = build_context(Settings(database_url=url, blob_dir=tmp / "blobs"))
    load_demo(ctx)
    _, provider = accounts.login(ctx, "hz-admin", DEMO_PASSWORD)
    rows, _ = queries.list_filings(ctx, provider, queries.FilingFilter(limit=200))
    filing = next(f for f in rows if f.report is not None and queries.get_filing(ctx, provider, f.id).evidence)
    return ctx, provider, filing.id


@pytest.fixture
def target(database_url: str, tmp_path: Path) -> Iterator[tuple[Context, Principal]]:
    """A regulator's fresh installation (SQLite, and PostgreSQL when configured)."""
    upgrade(database_url)
    ctx = build_context(Settings(database_url=database_url, blob_dir=tmp_path / "blobs"))
    accounts.create_user(
        ctx, accounts.NewUser("hz-office", PASSWORD, Role.CAC_OFFICER, "杭州市网信办", jurisdiction="330100")
    )
    yield ctx, accounts.login(ctx, "hz-office", PASSWORD)[1]


def unzip(data: bytes) -> Members:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def rezip(members: Members) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def reseal(
    members: Members,
    edit_report: Callable[[dict[str, Any]], None] | None = None,
    edit_manifest: Callable[[dict[str, Any]], None] | None = None,
) -> bytes:
    """What the attacker does: edit the report, reseal it (an unkeyed SHA-256), edit the manifest and
    list every member's new digest in it. The receipts name the old digest and would give the edit away
    (test_issued_documents), so the attacker drops them."""
    import hashlib

    members = {n: d for n, d in members.items() if not n.startswith("receipts/")}

    report = json.loads(members["report.json"])
    report["conclusion"]["statement"] = "改过的结论"
    if edit_report:
        edit_report(report)
    sealed = seal(report)
    members = {**members, "report.json": dumps(sealed).encode()}
    manifest = json.loads(members["manifest.json"])
    manifest["report_sha256"] = sealed["seal"]["digest"]
    if edit_manifest:
        edit_manifest(manifest)
    manifest["files"] = {n: hashlib.sha256(d).hexdigest() for n, d in members.items() if n != "manifest.json"}
    members["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode()
    return rezip(members)


def claim(entry: dict[str, Any]) -> Callable[[dict[str, Any]], None]:
    return lambda manifest: manifest["evidence"].append(entry)


def cite(sha: str) -> Callable[[dict[str, Any]], None]:
    """The attacker also names the digest in the report they reseal, so the manifest matches it."""
    return lambda report: report["measures"][0]["items"][0]["evidence"].append(
        {"file": "x", "sha256": sha, "description": ""}
    )


def stored(ctx: Context) -> tuple[int, int, list[str]]:
    with ctx.reader() as uow:
        filings = int(uow.session.scalar(select(func.count()).select_from(Filing)) or 0)
        evidence = int(uow.session.scalar(select(func.count()).select_from(Evidence)) or 0)
    blobs = sorted(str(p) for p in ctx.blobs.root.rglob("*")) if ctx.blobs.root.exists() else []
    return filings, evidence, blobs


def refused(ctx: Context, office: Principal, data: bytes, match: str, kind: type[Exception] = CheckFailedError) -> None:
    before = stored(ctx)
    with pytest.raises(kind, match=match):
        import_package(ctx, office, data)
    assert stored(ctx) == before


# ---- B1: digests are never paths; evidence is exactly the report's; claims are checked ---------------


@pytest.mark.parametrize("path", ["/etc/passwd", "/proc/self/environ", "../../redline.db", "ab/../../../etc"])
def test_a_server_path_claimed_as_evidence_digest_is_refused_and_nothing_is_stored(
    demo: tuple[Context, Principal, int], target: tuple[Context, Principal], path: str
) -> None:
    src, provider, filing_id = demo
    members = unzip(export_package(src, provider, filing_id, with_pdf=False).data)
    data = reseal(members, edit_manifest=claim({"name": "x", "sha256": path, "included": False}))
    ctx, office = target
    refused(ctx, office, data, "manifest.evidence.1.sha256: String should match pattern", kind=InputError)


def test_the_same_attack_on_the_regulators_own_installation_never_makes_a_server_file_downloadable(
    demo: tuple[Context, Principal, int],
) -> None:
    """B1 as found: the regulator imports into the installation holding the provider's filing, then
    exports the new filing; the package refused, the zip can never hold /etc/passwd."""
    ctx, provider, filing_id = demo
    office = accounts.login(ctx, "hz-cac", DEMO_PASSWORD)[1]
    members = unzip(export_package(ctx, provider, filing_id, with_pdf=False).data)
    data = reseal(members, edit_manifest=claim({"name": "x", "sha256": "/etc/passwd", "included": False}))
    refused(ctx, office, data, "manifest.evidence.1.sha256", kind=InputError)
    assert all(
        b"root:" not in export_package(ctx, office, f.id, with_pdf=False).data
        for f in queries.list_filings(ctx, office, queries.FilingFilter(limit=200))[0]
        if f.report
    )


def test_another_regions_evidence_digest_cannot_be_claimed_by_an_import(demo: tuple[Context, Principal, int]) -> None:
    ctx, provider, filing_id = demo
    office = accounts.login(ctx, "hz-cac", DEMO_PASSWORD)[1]
    with ctx.reader() as uow:
        foreign = uow.session.scalars(
            select(Evidence.sha256)
            .join(Filing, Evidence.filing_id == Filing.id)
            .join(Organisation, Filing.provider_id == Organisation.id)
            .where(Organisation.location.startswith("44"))
        ).first()
    assert foreign is not None and ctx.blobs.path_for(foreign).exists()
    members = unzip(export_package(ctx, provider, filing_id, with_pdf=False).data)
    data = reseal(
        members, edit_report=cite(foreign), edit_manifest=claim({"name": "x", "sha256": foreign, "included": False})
    )
    refused(ctx, office, data, "not held here for this provider")


def test_a_digest_left_out_of_the_package_is_accepted_only_as_the_same_providers_stored_blob(
    demo: tuple[Context, Principal, int],
) -> None:
    """The legitimate use of `--no-evidence`: the receiving installation already holds the files."""
    ctx, provider, filing_id = demo
    office = accounts.login(ctx, "hz-cac", DEMO_PASSWORD)[1]
    members = unzip(export_package(ctx, provider, filing_id, include_evidence=False, with_pdf=False).data)
    new_id = import_package(ctx, office, reseal(members))
    view = queries.get_filing(ctx, office, new_id)
    assert view.evidence and all(ctx.blobs.path_for(e.sha256).exists() for e in view.evidence)


def test_evidence_left_out_of_a_package_for_a_new_installation_is_refused(
    demo: tuple[Context, Principal, int], target: tuple[Context, Principal]
) -> None:
    src, provider, filing_id = demo
    data = export_package(src, provider, filing_id, include_evidence=False, with_pdf=False).data
    ctx, office = target
    refused(ctx, office, data, "not held here")


def test_manifest_evidence_must_be_exactly_the_evidence_the_sealed_report_names(
    demo: tuple[Context, Principal, int], target: tuple[Context, Principal]
) -> None:
    src, provider, filing_id = demo
    members = unzip(export_package(src, provider, filing_id, with_pdf=False).data)
    extra = b"not in the report\n"
    import hashlib

    sha = hashlib.sha256(extra).hexdigest()
    members[f"evidence/{sha}"] = extra
    data = reseal(members, edit_manifest=claim({"name": "extra.txt", "sha256": sha, "included": True}))
    ctx, office = target
    refused(ctx, office, data, "not named in the sealed report")


def test_the_blob_store_never_turns_user_text_into_a_path(tmp_path: Path) -> None:
    from redline.store.blobs import BlobStore

    store = BlobStore(tmp_path, 1024)
    for bad in ["/etc/passwd", "../" * 3 + "x", "A" * 64, "a" * 63, "a" * 65, "", "ab/" + "a" * 61]:
        with pytest.raises(InputError, match="not a SHA-256 digest"):
            store.path_for(bad)
    assert store.path_for("a" * 64) == tmp_path / "aa" / ("a" * 64)


# ---- B7: unsigned packages: evidence content is checked against its digest --------------------------


def test_an_unsigned_packages_evidence_must_hash_to_the_digest_it_is_stored_under(
    demo: tuple[Context, Principal, int], target: tuple[Context, Principal]
) -> None:
    src, provider, filing_id = demo
    members = unzip(export_package(src, provider, filing_id, with_pdf=False).data)
    name = next(n for n in members if n.startswith("evidence/"))
    members[name] = b"swapped content, manifest updated to match\n"
    data = reseal(members)
    ctx, office = target
    refused(ctx, office, data, "does not hash to its digest")


# ---- B6: imported data is validated; one bad row never fails a list ---------------------------------


@pytest.mark.parametrize(
    ("field", "value"), [("obligations", "x"), ("technologies", {"a": 1}), ("title", ["x"]), ("obligations", ["x"])]
)
def test_an_import_with_malformed_filing_fields_is_refused_naming_the_field(
    demo: tuple[Context, Principal, int], target: tuple[Context, Principal], field: str, value: Any
) -> None:
    src, provider, filing_id = demo
    members = unzip(export_package(src, provider, filing_id, with_pdf=False).data)

    def edit(manifest: dict[str, Any]) -> None:
        manifest["filing"][field] = value

    data = reseal(members, edit_manifest=edit)
    ctx, office = target
    before = stored(ctx)
    with pytest.raises(InputError) as caught:
        import_package(ctx, office, data)
    assert caught.value.field is not None and caught.value.field.startswith(f"manifest.filing.{field}")
    assert stored(ctx) == before


def test_an_import_whose_report_does_not_fit_the_report_model_is_refused_naming_the_field(
    demo: tuple[Context, Principal, int], target: tuple[Context, Principal]
) -> None:
    src, provider, filing_id = demo
    members = unzip(export_package(src, provider, filing_id, with_pdf=False).data)

    def edit(report: dict[str, Any]) -> None:
        report["measures"][0]["items"] = "x"

    ctx, office = target
    before = stored(ctx)
    with pytest.raises(InputError) as caught:
        import_package(ctx, office, reseal(members, edit_report=edit))
    assert caught.value.field == "report.measures.0.items"
    assert stored(ctx) == before


def test_a_filing_row_with_malformed_json_columns_does_not_fail_the_list(target: tuple[Context, Principal]) -> None:
    from redline.web.schemas import FilingOut

    ctx, office = target
    with ctx.uow() as uow:
        org = Organisation(kind="provider", name="坏数据", location="330106")
        uow.session.add(org)
        uow.session.flush()
        uow.session.add(
            Filing(
                provider_id=org.id,
                region="330106",
                state="submitted",
                title="bad",
                obligations="x",
                technologies={"a": 1},
                answers={},
                visible_to_regulator=True,
            )
        )
        uow.commit()
    rows, total = queries.list_filings(ctx, office, queries.FilingFilter())
    assert total == 1
    out = FilingOut.of(rows[0], False)
    assert out.obligations == [] and out.technologies == []


# ---- B14: NaN and deep nesting are refused as input, never a crash ----------------------------------


@pytest.mark.parametrize("member", ["manifest.json", "report.json"])
@pytest.mark.parametrize("poison", ["nan", "deep"])
def test_nan_or_deeply_nested_json_in_a_package_is_refused_as_input(
    demo: tuple[Context, Principal, int], target: tuple[Context, Principal], member: str, poison: str
) -> None:
    import hashlib

    src, provider, filing_id = demo
    members = unzip(export_package(src, provider, filing_id, with_pdf=False).data)
    text = members[member].decode()
    if poison == "nan":
        bad = text.replace("{", '{"x": NaN, ', 1)
    else:
        bad = text.replace("{", '{"x": ' + "[" * 100_000 + "]" * 100_000 + ", ", 1)
    members[member] = bad.encode()
    manifest = json.loads(members["manifest.json"]) if member == "report.json" else None
    if manifest is not None:
        manifest["files"][member] = hashlib.sha256(members[member]).hexdigest()
        members["manifest.json"] = json.dumps(manifest).encode()
    ctx, office = target
    refused(ctx, office, rezip(members), "NaN|nested")


# ---- B5: decompression against a per-request budget -------------------------------------------------


def ratio_member(size: int) -> bytes:
    """`size` bytes that deflate about 167 to 1: runs of zeros with a random byte every 750."""
    import random

    rng = random.Random(15)
    block = bytearray(size)
    for i in range(0, size, 750):
        block[i] = rng.randrange(256)
    return bytes(block)


def test_members_compressed_167_times_beyond_the_budget_are_refused_before_they_are_held(
    demo: tuple[Context, Principal, int], tmp_path: Path
) -> None:
    src, provider, filing_id = demo
    members = unzip(export_package(src, provider, filing_id, with_pdf=False).data)
    member = ratio_member(4 << 20)
    for i in range(8):
        members[f"evidence/{i:064x}"] = member
    data = rezip(members)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(f"evidence/{0:064x}")
        assert 120 < info.file_size / info.compress_size < 220
    url = f"sqlite:///{tmp_path}/small.db"
    upgrade(url)
    ctx = build_context(Settings(database_url=url, blob_dir=tmp_path / "blobs", max_archive_bytes=16 << 20))
    accounts.create_user(
        ctx, accounts.NewUser("hz-office", PASSWORD, Role.CAC_OFFICER, "杭州市网信办", jurisdiction="330100")
    )
    office = accounts.login(ctx, "hz-office", PASSWORD)[1]
    refused(ctx, office, data, "larger than 16777216 bytes", kind=PackageTooLargeError)
