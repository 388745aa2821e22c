"""Issued documents and receipts, on a real database (SQLite, and PostgreSQL when set): what a provider and a
regulator read, and what an attacker who edits the database or forges a receipt gets."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from redline.bootstrap import build_context
from redline.config import Settings
from redline.domain.workflow import Action, Role
from redline.errors import CheckFailedError, ConflictError, NotFoundError, PermissionDeniedError
from redline.services import audit
from redline.services.access import accounts
from redline.services.access.signing_keys import trust_of
from redline.services.context import Context
from redline.services.filing import filings, issued_documents, issuing, queries, review
from redline.services.packages.packages import export_package, verify_package
from redline.services.principal import Principal
from redline.services.records import receipts
from redline.store.migrate import upgrade
from redline.store.models import IssuedDocument, Receipt

PASSWORD = "correct-horse-42"
SERVICE = {"service": {"name": "声浪", "capabilities": ["voice_chat_room", "group_chat"]}}
OFFICIAL_NUMBER = re.compile(r"^杭网信评〔2026〕(\d+)号$")


@dataclasses.dataclass
class World:
    ctx: Context
    provider: Principal
    other_provider: Principal
    cac: Principal
    mps: Principal
    other_cac: Principal
    service_id: int


def _user(ctx: Context, name: str, role: Role, org: int | None = None, juris: str | None = None) -> Principal:
    accounts.create_user(ctx, accounts.NewUser(name, PASSWORD, role, name, org, juris))
    return accounts.login(ctx, name, PASSWORD)[1]


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    upgrade(database_url)
    today = dt.date(2026, 3, 2)
    ctx = build_context(Settings(database_url=database_url, blob_dir=tmp_path / "blobs", key_dir=tmp_path / "keys"))
    ctx = dataclasses.replace(ctx, today=lambda: today, now=lambda: dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    hz = filings.create_organisation(ctx, "provider", "杭州声浪（虚构）", "330106")
    sz = filings.create_organisation(ctx, "provider", "深圳拾光（虚构）", "440305")
    w = World(
        ctx,
        _user(ctx, "hz-admin", Role.PROVIDER_ADMIN, hz),
        _user(ctx, "sz-admin", Role.PROVIDER_ADMIN, sz),
        _user(ctx, "hz-cac", Role.CAC_OFFICER, juris="330100"),
        _user(ctx, "hz-mps", Role.MPS_OFFICER, juris="330100"),
        _user(ctx, "sz-cac", Role.CAC_OFFICER, juris="440300"),
        0,
    )
    w.service_id = filings.add_service(ctx, w.provider, SERVICE)
    yield w


def _submitted(w: World) -> int:
    fid = filings.record_change(
        w.ctx,
        w.provider,
        w.service_id,
        {"kind": "add_capability", "date": "2026-04-01", "capabilities": ["one_to_one_voice_chat"]},
    )
    items = queries.get_filing(w.ctx, w.provider, fid).items
    filings.save_answers(w.ctx, w.provider, fid, {i: {"status": "met"} for i in items})
    review.act(w.ctx, w.provider, fid, Action.SUBMIT)
    review.act(w.ctx, w.cac, fid, Action.START_REVIEW)
    return fid


def _order(w: World, fid: int, note: str = "根据现场核查，日志字段不全") -> None:
    review.act(
        w.ctx,
        w.cac,
        fid,
        Action.ORDER_RECTIFICATION,
        note,
        {"items": [review.RectificationDemand("补齐源端口日志", dt.date(2026, 4, 30))]},
    )


def _docs(w: World, p: Principal, fid: int) -> list[issued_documents.DocumentView]:
    return issued_documents.list_documents(w.ctx, p, filing_id=fid)


def test_an_order_gets_an_official_number_date_legal_basis_and_digest(world: World) -> None:
    w = world
    fid = _submitted(w)
    _order(w, fid)
    (doc,) = _docs(w, w.provider, fid)
    assert OFFICIAL_NUMBER.match(doc.reference), doc.reference
    assert doc.content["authority"] == "杭州市互联网信息办公室" and doc.content["date"] == "2026-03-02"
    assert doc.content["title"] == "责令整改通知书" and doc.content["service"] == "声浪"
    cited = {(b["regulation"], b["article"]) for b in doc.content["basis"]}
    assert ("具有舆论属性或社会动员能力的互联网信息服务安全评估规定", "第六条第一款") in cited
    quote = next(b["text"] for b in doc.content["basis"] if b["article"] == "第六条第一款")
    assert quote == "互联网信息服务提供者在安全评估中发现存在安全隐患的，应当及时整改，直至消除相关安全隐患。"
    text = "".join(str(v) for v in doc.content.values())
    assert "根据根据" not in text and "依据根据" not in text
    assert doc.sha256 == hashlib.sha256(issuing.canonical_bytes(doc.content)).hexdigest()


def test_numbers_run_per_issuer_and_year_and_the_mps_has_its_own(world: World) -> None:
    w = world
    fid = _submitted(w)
    review.act(w.ctx, w.mps, fid, Action.START_REVIEW)  # each authority on its own review (Art. 8)
    review.act(w.ctx, w.mps, fid, Action.START_INSPECTION)
    review.act(
        w.ctx, w.mps, fid, Action.FINISH_INSPECTION, "", {"inspectors": "王五、赵六", "findings": "日志缺源端口"}
    )
    _order(w, fid)
    inspection, order = _docs(w, w.cac, fid)
    assert inspection.reference == "杭公评〔2026〕1号" and inspection.content["authority"] == "杭州市公安局"
    assert inspection.content["inspection"]["findings"] == ["日志缺源端口"]
    assert order.reference == "杭网信评〔2026〕1号"


def test_two_documents_issued_at_once_get_distinct_numbers(world: World) -> None:
    w = world
    fids = [_submitted(w), _submitted(w)]
    start, failures = threading.Barrier(2), []

    def order(fid: int) -> None:
        start.wait()
        try:
            _order(w, fid)
        except Exception as exc:
            failures.append(exc)

    threads = [threading.Thread(target=order, args=(fid,)) for fid in fids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    numbers = sorted(_docs(w, w.cac, fid)[0].reference for fid in fids)
    assert numbers == ["杭网信评〔2026〕1号", "杭网信评〔2026〕2号"]


def test_a_document_reads_and_prints_the_same_after_later_steps(world: World) -> None:
    w = world
    fid = _submitted(w)
    _order(w, fid)
    (order,) = _docs(w, w.provider, fid)
    (item,) = queries.get_filing(w.ctx, w.provider, fid).rectification
    review.answer_rectification(w.ctx, w.provider, fid, item.id, "已补齐")
    review.act(w.ctx, w.provider, fid, Action.SUBMIT_RECTIFICATION)
    review.act(w.ctx, w.cac, fid, Action.VERIFY)
    review.act(w.ctx, w.cac, fid, Action.CLOSE)
    after = issued_documents.get_document(w.ctx, w.provider, order.id)
    assert after.content == order.content and after.sha256 == order.sha256
    assert after.content["title"] == "责令整改通知书"
    kinds = [d.kind for d in _docs(w, w.provider, fid)]
    assert kinds == ["rectification_order", "verification", "closure"]
    closure = _docs(w, w.provider, fid)[-1]
    assert "请于" not in str(closure.content) and closure.content["deadline"] is None


def test_an_edited_document_is_refused_not_shown(world: World) -> None:
    w = world
    fid = _submitted(w)
    _order(w, fid)
    (doc,) = _docs(w, w.provider, fid)
    with w.ctx.uow() as uow:
        uow.session.execute(
            update(IssuedDocument).where(IssuedDocument.id == doc.id).values(content=IssuedDocument.content + " ")
        )
        uow.commit()
    with pytest.raises(CheckFailedError, match="does not match its SHA-256"):
        issued_documents.get_document(w.ctx, w.provider, doc.id)


def test_another_provider_or_city_cannot_read_or_acknowledge_a_document(world: World) -> None:
    w = world
    fid = _submitted(w)
    _order(w, fid)
    (doc,) = _docs(w, w.provider, fid)
    for outsider in (w.other_provider, w.other_cac):
        with pytest.raises(NotFoundError):
            issued_documents.get_document(w.ctx, outsider, doc.id)
        assert issued_documents.list_documents(w.ctx, outsider, filing_id=fid) == []
    for outsider in (w.other_provider, w.other_cac):  # outside one's reach it does not exist, whatever the role
        with pytest.raises(NotFoundError):
            issued_documents.acknowledge(w.ctx, outsider, doc.id)
    with pytest.raises(PermissionDeniedError):
        issued_documents.acknowledge(w.ctx, w.cac, doc.id)


def test_the_provider_acknowledges_once_with_a_signed_receipt_of_the_digest(world: World) -> None:
    w = world
    fid = _submitted(w)
    _order(w, fid)
    (doc,) = _docs(w, w.provider, fid)
    ack = issued_documents.acknowledge(w.ctx, w.provider, doc.id)
    assert ack["body"]["subject"] == {"document": doc.reference, "document_sha256": doc.sha256}
    assert ack["body"]["by"] == "hz-admin" and ack["body"]["signer"] == "杭州声浪（虚构）"
    assert receipts.check(ack, doc.sha256) == "杭州声浪（虚构）"
    with w.ctx.uow() as uow:
        assert trust_of(uow.session, ack["signature"]).signer == "杭州声浪（虚构）"
        assert audit.verify(uow.session).ok
    with pytest.raises(ConflictError):
        issued_documents.acknowledge(w.ctx, w.provider, doc.id)
    assert issued_documents.get_document(w.ctx, w.cac, doc.id).acknowledgement == ack


def test_a_submission_is_countersigned_by_both_receiving_authorities(world: World) -> None:
    w = world
    fid = _submitted(w)
    digest = queries.get_filing(w.ctx, w.provider, fid).filing.report_digest
    assert digest is not None
    got = issued_documents.submission_receipts(w.ctx, w.provider, fid)
    assert [r["body"]["signer"] for r in got] == ["杭州市互联网信息办公室", "杭州市公安局"]
    assert all(receipts.check(r, digest) for r in got)
    with w.ctx.uow() as uow:
        actions = uow.session.scalars(select(Receipt.kind)).all()
        assert actions == ["submission", "submission"]
        assert trust_of(uow.session, got[0]["signature"]).trusted


def test_a_filings_receipts_are_read_only_by_those_who_may_see_the_filing(world: World) -> None:
    w = world
    fid = _submitted(w)
    assert len(issued_documents.submission_receipts(w.ctx, w.cac, fid)) == 2
    assert len(issued_documents.submission_receipts(w.ctx, w.mps, fid)) == 2
    for outsider in (w.other_provider, w.other_cac):
        with pytest.raises(NotFoundError, match=f"no filing {fid}"):
            issued_documents.submission_receipts(w.ctx, outsider, fid)
    with pytest.raises(NotFoundError, match="no filing 999999"):
        issued_documents.submission_receipts(w.ctx, w.provider, 999_999)
    change = {"kind": "add_capability", "date": "2026-05-01", "capabilities": ["live_streaming"]}
    draft = filings.record_change(w.ctx, w.provider, w.service_id, change)
    assert issued_documents.submission_receipts(w.ctx, w.provider, draft) == []
    with pytest.raises(NotFoundError):  # a draft is the provider's own until it is submitted
        issued_documents.submission_receipts(w.ctx, w.cac, draft)


def test_an_altered_or_misdirected_receipt_fails(world: World) -> None:
    w = world
    fid = _submitted(w)
    digest = queries.get_filing(w.ctx, w.provider, fid).filing.report_digest
    assert digest is not None
    receipt = issued_documents.submission_receipts(w.ctx, w.provider, fid)[0]
    altered = copy.deepcopy(receipt)
    altered["body"]["at"] = "2026-01-01T00:00:00Z"  # backdated
    with pytest.raises(CheckFailedError):
        receipts.check(altered, digest)
    with pytest.raises(CheckFailedError, match="another document"):
        receipts.check(receipt, "0" * 64)


def test_the_written_notice_of_art_3_5_is_a_printable_document(world: World) -> None:
    w = world
    fid = filings.notify(w.ctx, w.cac, w.service_id, "", "用户规模显著增加", dt.date(2026, 4, 30))
    (doc,) = _docs(w, w.provider, fid)
    assert doc.kind == "notice" and OFFICIAL_NUMBER.match(doc.reference)
    (basis,) = doc.content["basis"]
    assert basis["article"] == "第三条第一款第（五）项" or basis["article"].startswith("第三条")
    assert basis["text"] == "地市级以上网信部门或者公安机关书面通知需要进行安全评估的其他情形。"
    assert doc.content["service"] == "声浪" and doc.content["deadline"] == "2026-04-30"
    with pytest.raises(NotFoundError):
        filings.notify(w.ctx, w.other_cac, w.service_id, "", "越权")


def test_a_summons_record_names_the_service(world: World) -> None:
    w = world
    fid = _submitted(w)
    sid = review.record_summons(
        w.ctx,
        w.cac,
        review.SummonsRecord(
            provider_id=w.provider.organisation_id or 0,
            date=dt.date(2026, 3, 1),
            agencies="杭州市网信办",
            attendees="张三",
            problems="日志缺失",
            demands="限期整改",
            filing_id=fid,
        ),
    )
    (doc,) = issued_documents.list_documents(w.ctx, w.provider, provider_id=w.provider.organisation_id)[-1:]
    assert doc.summons_id == sid and doc.kind == "summons_record" and doc.content["service"] == "声浪"
    later = review.record_summons(
        w.ctx,
        w.cac,
        review.SummonsRecord(
            provider_id=w.provider.organisation_id or 0,
            date=dt.date(2026, 3, 9),
            agencies="杭州市网信办",
            attendees="张三",
            problems="日志缺失",
            demands="限期整改",
        ),
    )
    notice = issued_documents.list_documents(w.ctx, w.provider, provider_id=w.provider.organisation_id)[-1]
    assert notice.summons_id == later and notice.kind == "summons_notice" and notice.content["service"] == "声浪"


def test_the_issuer_sets_its_own_number_pattern_and_hostile_patterns_are_refused(world: World) -> None:
    w = world
    assert issuing.set_reference_pattern(w.ctx, w.cac, "{abbr}函〔{year}〕{number}号") == "杭网信函〔2026〕1号"
    for bad in ("{number.__class__}{year}", "{year}", "x" * 80, "{abbr}{year}{number}{other}", "a\n{year}{number}"):
        with pytest.raises(Exception, match="pattern"):
            issuing.set_reference_pattern(w.ctx, w.cac, bad)
    fid = _submitted(w)
    _order(w, fid)
    assert _docs(w, w.provider, fid)[0].reference == "杭网信函〔2026〕1号"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def _unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _relisted(members: dict[str, bytes]) -> dict[str, bytes]:
    """What an attacker without the keys can do: change members and list their new digests in the manifest."""
    manifest = json.loads(members["manifest.json"])
    manifest["files"] = {n: hashlib.sha256(d).hexdigest() for n, d in members.items() if n != "manifest.json"}
    return {**members, "manifest.json": json.dumps(manifest, ensure_ascii=False).encode()}


def test_the_package_carries_the_receipts_and_a_forged_one_is_refused(world: World) -> None:
    w = world
    fid = _submitted(w)
    members = _unzip(export_package(w.ctx, w.provider, fid, with_pdf=False).data)
    assert sorted(n for n in members if n.startswith("receipts/")) == [
        "receipts/submission-1.json",
        "receipts/submission-2.json",
    ]
    assert len(verify_package(_zip(members)).receipts) == 2
    receipt = json.loads(members["receipts/submission-1.json"])
    receipt["body"]["signer"] = "某某市互联网信息办公室"  # claims another authority
    forged = _relisted({**members, "receipts/submission-1.json": json.dumps(receipt).encode()})
    with pytest.raises(CheckFailedError, match=r"receipts/submission-1\.json"):
        verify_package(_zip(forged))
    other = json.loads(members["receipts/submission-2.json"])
    other["body"]["subject"]["report_sha256"] = "1" * 64
    misdirected = _relisted({**members, "receipts/submission-2.json": json.dumps(other).encode()})
    with pytest.raises(CheckFailedError, match=r"receipts/submission-2\.json"):
        verify_package(_zip(misdirected))


REDLINE = Path(sys.executable).with_name("redline")


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [str(REDLINE), *map(str, args)], capture_output=True, text=True, env=env, timeout=120, check=False
    )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_report_verify_checks_receipts_with_exit_codes(world: World, tmp_path: Path) -> None:
    w = world
    fid = _submitted(w)
    members = _unzip(export_package(w.ctx, w.provider, fid, with_pdf=False).data)
    report, good = tmp_path / "report.json", tmp_path / "receipt.json"
    report.write_bytes(members["report.json"])
    good.write_bytes(members["receipts/submission-1.json"])
    result = _cli("report", "verify", report, "--receipt", good)
    assert result.returncode == 0 and "receipt valid" in result.stdout, result.stdout + result.stderr
    altered = json.loads(good.read_text())
    altered["body"]["at"] = "2025-12-31T00:00:00Z"
    (tmp_path / "altered.json").write_text(json.dumps(altered))
    result = _cli("report", "verify", report, "--receipt", tmp_path / "altered.json")
    assert result.returncode == 1 and "altered.json" in result.stderr and "Traceback" not in result.stderr
    (tmp_path / "junk.json").write_text("[]")
    result = _cli("report", "verify", report, "--receipt", tmp_path / "junk.json")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_an_acceptance_reads_as_passed_with_no_order_and_no_reply_date(world: World) -> None:
    w = world
    fid = _submitted(w)
    review.act(w.ctx, w.cac, fid, Action.ACCEPT)
    review.act(w.ctx, w.cac, fid, Action.CLOSE, "结案")
    acceptance, closure = _docs(w, w.provider, fid)
    assert acceptance.title == "书面审查意见" and "审查通过" in acceptance.content["result"]
    for doc in (acceptance, closure):  # the document's own words; the quoted Art. 8 may say 责令
        text = str([doc.content["opening"], doc.content["opinion"], doc.content.get("result", "")])
        assert "责令" not in text and "请于" not in text and doc.content["deadline"] is None, text
    assert acceptance.reference != closure.reference
