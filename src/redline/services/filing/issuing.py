"""Issuing a document: the issuing office, its 文号, and the frozen content with its SHA-256.

A document is frozen in the transaction of the workflow step that issues it: its content (canonical JSON)
and digest are written once and never updated, so it always reads as it did on the day of issue.

The issuing office is a regulator organisation: the officer's own when the account belongs to one,
otherwise the office of the officer's agency over its jurisdiction (``issuer_key`` "cac:330100"), made
on first use with a name from the division table (杭州市互联网信息办公室). Its 文号 pattern
(``reference_pattern``) may use {abbr}, {year} and {number}; the default gives 杭网信评〔2026〕15号.
Numbers run per office per calendar year, taken under a row lock, so two documents issued at once never
share one.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from redline.domain import jurisdiction
from redline.errors import CheckFailedError, InputError, NotFoundError
from redline.reports.canonical import canonical_bytes, jsonable
from redline.rulebook.book import Rulebook
from redline.services import audit
from redline.services.context import Context
from redline.services.principal import Principal, require_regulator
from redline.store.models import DocumentSequence, IssuedDocument, Organisation

DEFAULT_PATTERN = "{abbr}评〔{year}〕{number}号"
PLACEHOLDERS = frozenset({"abbr", "year", "number"})
_OFFICE = {"cac": ("互联网信息办公室", "网信"), "mps": ("公安局", "公")}
_PROVINCIAL_MPS = "公安厅"
_NATIONAL = {"cac": "国家互联网信息办公室", "mps": "公安部"}


def check_pattern(pattern: str) -> str:
    """A 文号 pattern: one line, at most 60 characters, {year} and {number} once each, no other braces."""
    text = pattern.strip()
    if not text or len(text) > 60 or any(ord(c) < 32 for c in text):
        raise InputError("a 文号 pattern is one line of at most 60 characters", field="reference_pattern")
    names = re.findall(r"\{([^{}]*)\}", text)
    if set(names) - PLACEHOLDERS or re.sub(r"\{[^{}]*\}", "", text).count("{") + re.sub(r"\{[^{}]*\}", "", text).count(
        "}"
    ):
        raise InputError("a 文号 pattern may use only {abbr}, {year} and {number}", field="reference_pattern")
    if names.count("year") != 1 or names.count("number") != 1:
        raise InputError("a 文号 pattern needs {year} and {number}, once each", field="reference_pattern")
    return text


def format_reference(pattern: str, abbr: str, year: int, number: int) -> str:
    """Placeholders replaced one by one: never str.format on stored text."""
    return pattern.replace("{abbr}", abbr).replace("{year}", str(year)).replace("{number}", str(number))


def office_name(book: Rulebook, agency: str, code: str) -> str:
    if code == jurisdiction.NATIONAL:
        return _NATIONAL[agency]
    division = book.divisions.get(code)
    place = division.name if division else code
    suffix = _OFFICE[agency][0]
    if agency == "mps" and jurisdiction.level(code) == "province" and not place.endswith("市"):
        suffix = _PROVINCIAL_MPS
    return f"{place}{suffix}"


def abbreviation(name: str, agency: str) -> str:
    """杭州市互联网信息办公室 → 杭网信; 杭州市公安局 → 杭公; the national offices → 国网信, 公."""
    if name == _NATIONAL.get(agency):
        return "国网信" if agency == "cac" else "公"
    return f"{name[:1]}{_OFFICE.get(agency, ('', ''))[1]}"


def _agency_of(org: Organisation) -> str:
    return (org.issuer_key or "cac:").split(":", 1)[0]


def office(session: Session, ctx: Context, agency: str, code: str) -> Organisation:
    """The regulator office of `agency` ("cac" or "mps") over division `code`, made on first use."""
    key = f"{agency}:{code}"
    found = session.scalar(select(Organisation).where(Organisation.issuer_key == key))
    if found is not None:
        return found
    location = code if code != jurisdiction.NATIONAL else "110000"
    try:
        with session.begin_nested():  # another worker may make the same office at the same moment
            org = Organisation(
                kind="regulator",
                name=office_name(ctx.book, agency, code),
                location=location,
                issuer_key=key,
                created_at=ctx.now(),
            )
            session.add(org)
            session.flush()
    except IntegrityError:
        org = session.scalars(select(Organisation).where(Organisation.issuer_key == key)).one()
    return org


def issuer_for(session: Session, ctx: Context, p: Principal) -> Organisation:
    """The office `p` issues for (see the module docstring)."""
    require_regulator(p)
    if p.organisation_id is not None:
        own = session.get(Organisation, p.organisation_id)
        if own is not None and own.kind == "regulator":
            return own
    assert p.agency is not None and p.jurisdiction is not None
    return office(session, ctx, p.agency, p.jurisdiction)


def receiving_offices(session: Session, ctx: Context, region: str) -> list[Organisation]:
    """The CAC office and the public-security organ a report from `region` is submitted to (Art. 7)."""
    seat = ctx.book.divisions.local_authority_seat(region)
    code = seat.code if seat is not None else jurisdiction.NATIONAL
    return [office(session, ctx, "cac", code), office(session, ctx, "mps", code)]


def reference_pattern(org: Organisation) -> str:
    return org.reference_pattern or DEFAULT_PATTERN


def set_reference_pattern(ctx: Context, p: Principal, pattern: str) -> str:
    """A regulator sets its office's 文号 pattern; returns what the next number would look like."""
    text = check_pattern(pattern)
    with ctx.uow() as uow:
        org = issuer_for(uow.session, ctx, p)
        org.reference_pattern = text
        audit.append(
            uow.session, ctx.now(), p.username, "issuer.reference_pattern", f"organisation:{org.id}", {"pattern": text}
        )
        uow.commit()
        return format_reference(text, abbreviation(org.name, _agency_of(org)), ctx.today().year, 1)


def current_pattern(ctx: Context, p: Principal) -> tuple[str, str] | None:
    """A regulator's office's 文号 pattern and the number it gives; None for anyone else. Makes nothing."""
    if not p.is_regulator or p.agency is None or p.jurisdiction is None:
        return None
    with ctx.reader() as uow:
        own = uow.session.get(Organisation, p.organisation_id) if p.organisation_id is not None else None
        org = (
            own
            if own is not None and own.kind == "regulator"
            else uow.session.scalar(
                select(Organisation).where(Organisation.issuer_key == f"{p.agency}:{p.jurisdiction}")
            )
        )
        pattern = reference_pattern(org) if org is not None else DEFAULT_PATTERN
        name = org.name if org is not None else office_name(ctx.book, p.agency, p.jurisdiction)
        agency = _agency_of(org) if org is not None else p.agency
        return pattern, format_reference(pattern, abbreviation(name, agency), ctx.today().year, 1)


def _next_number(session: Session, issuer_id: int, year: int) -> int:
    """The next sequence number, under the sequence row's lock (SQLite: the write transaction's lock)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(DocumentSequence)
        .values(issuer_id=issuer_id, year=year, last=0)
        .on_conflict_do_nothing(index_elements=["issuer_id", "year"])
    )
    row = session.execute(
        select(DocumentSequence)
        .where(DocumentSequence.issuer_id == issuer_id, DocumentSequence.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    row.last += 1
    session.flush()
    return row.last


def content_digest(content: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(jsonable(content))).hexdigest()


def issue(
    session: Session,
    ctx: Context,
    p: Principal,
    kind: str,
    provider: Organisation,
    body: dict[str, Any],
    *,
    filing_id: int | None = None,
    summons_id: int | None = None,
    service_id: int | None = None,
) -> IssuedDocument:
    """Freeze one document in the caller's transaction: 文号, date, issuer, body; returns the row."""
    issuer = issuer_for(session, ctx, p)
    now = ctx.now()
    year = ctx.today().year
    number = _next_number(session, issuer.id, year)
    reference = format_reference(reference_pattern(issuer), abbreviation(issuer.name, _agency_of(issuer)), year, number)
    content = jsonable(
        {
            "schema": "redline/issued-document",
            "version": 1,
            "kind": kind,
            "reference": reference,
            "authority": issuer.name,
            "date": ctx.today(),
            "provider": provider.name,
            "issued_by": p.display_name,
            **body,
        }
    )
    digest = content_digest(content)
    row = IssuedDocument(
        issuer_id=issuer.id,
        year=year,
        number=number,
        reference=reference,
        kind=kind,
        provider_id=provider.id,
        filing_id=filing_id,
        summons_id=summons_id,
        service_id=service_id,
        region=provider.location,
        issued_by=p.user_id,
        issued_at=now,
        content=canonical_bytes(content).decode("utf-8"),
        sha256=digest,
    )
    session.add(row)
    session.flush()
    audit.append(
        session,
        now,
        p.username,
        "document.issue",
        f"document:{row.id}",
        {"kind": kind, "reference": reference, "sha256": digest, "filing": filing_id, "summons": summons_id},
    )
    return row


def content_of(row: IssuedDocument) -> dict[str, Any]:
    value = json.loads(row.content)
    assert isinstance(value, dict)
    return value


def check_frozen(row: IssuedDocument) -> None:
    """Refuse to show a document whose stored content no longer has the digest it was issued with."""
    if hashlib.sha256(row.content.encode("utf-8")).hexdigest() != row.sha256:
        raise CheckFailedError(f"document {row.reference} does not match its SHA-256: it was altered")


def not_found(document_id: int) -> NotFoundError:
    return NotFoundError(f"no document {document_id}")
