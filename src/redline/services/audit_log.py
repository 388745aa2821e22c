"""Reading the audit log: entries found by actor, action, object and date, a page at a time, with the
result of the chain check beside them, and the same page as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, true

from redline.errors import InputError
from redline.services import audit
from redline.services.context import Context
from redline.services.principal import Principal, require_audit_reader
from redline.services.view_model import ViewModel
from redline.store.models import AuditEntry
from redline.words import N_, gettext_for
from redline.words.audit import action_label, subject_label

PAGE_SIZE = 50
MAX_PAGE = 1_000_000  # larger offsets overflow the database's integers


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""  # part of the actor's name, any case
    action: str = ""  # an action code, or a group of them: the code's first part and a dot ("user.")
    subject_kind: str = ""  # "filing", "user", …
    subject_id: str = ""  # with a kind: that one object
    since: dt.date | None = None  # UTC days, both ends included
    until: dt.date | None = None
    page: int = 1
    upto: int | None = None  # only entries up to this number: a page read again shows what it showed


class AuditRow(ViewModel):
    seq: int
    at: dt.datetime
    actor: str
    action: str
    subject: str
    data: dict[str, Any]

    @classmethod
    def of(cls, entry: AuditEntry) -> AuditRow:
        try:
            data = json.loads(entry.data)
        except ValueError:  # a damaged entry is still shown; the chain check names it
            data = {"text": entry.data}
        return cls(
            seq=entry.seq,
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            subject=entry.subject,
            data=data if isinstance(data, dict) else {"value": data},
        )

    @property
    def data_text(self) -> str:
        """The entry's data as recorded: JSON, keys sorted, Chinese as it is."""
        return json.dumps(self.data, ensure_ascii=False, sort_keys=True, default=str)


class ChainStatus(ViewModel):
    ok: bool
    entries: int
    first_broken: int | None
    reason: str


class AuditPage(ViewModel):
    rows: list[AuditRow]
    total: int
    page: int
    pages: int
    upto: int  # the newest entry the search could see (`AuditFilter.upto` for the same page again)


def _conditions(f: AuditFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if f.actor:
        found.append(func.lower(AuditEntry.actor).contains(f.actor.lower(), autoescape=True))
    if f.action.endswith("."):
        found.append(AuditEntry.action.startswith(f.action, autoescape=True))
    elif f.action:
        found.append(AuditEntry.action == f.action)
    if f.subject_id and not f.subject_kind:
        raise InputError("choose the kind of object the number belongs to", field="subject_kind")
    if f.subject_kind and f.subject_id:
        found.append(AuditEntry.subject == f"{f.subject_kind}:{f.subject_id}")
    elif f.subject_kind:
        found.append(AuditEntry.subject.startswith(f"{f.subject_kind}:", autoescape=True))
    if f.since and f.until and f.since > f.until:
        raise InputError("the first day comes after the last", field="since")
    if f.since:
        found.append(AuditEntry.at >= dt.datetime.combine(f.since, dt.time(), dt.UTC))
    if f.until:
        found.append(AuditEntry.at < dt.datetime.combine(f.until + dt.timedelta(days=1), dt.time(), dt.UTC))
    return found


def search(ctx: Context, p: Principal, f: AuditFilter) -> AuditPage:
    """The entries matching `f`, newest first, page `f.page` of PAGE_SIZE."""
    require_audit_reader(p)
    if not 1 <= f.page <= MAX_PAGE:
        raise InputError(f"a page number from 1 to {MAX_PAGE}", field="page")
    where = and_(true(), *_conditions(f))
    with ctx.reader() as uow:
        newest = uow.session.scalar(select(func.max(AuditEntry.seq))) or 0
        upto = newest if f.upto is None else min(f.upto, newest)
        where = and_(where, AuditEntry.seq <= upto)
        total = uow.session.scalar(select(func.count()).select_from(AuditEntry).where(where)) or 0
        entries = uow.session.scalars(
            select(AuditEntry)
            .where(where)
            .order_by(AuditEntry.seq.desc())
            .limit(PAGE_SIZE)
            .offset((f.page - 1) * PAGE_SIZE)
        )
        rows = [AuditRow.of(e) for e in entries]
    return AuditPage(rows=rows, total=total, page=f.page, pages=max(1, -(-total // PAGE_SIZE)), upto=upto)


def chain_status(ctx: Context, p: Principal) -> ChainStatus:
    """Every link of the chain checked now (not from a cache: an entry edited in the database behind the
    platform's back changes no version number)."""
    require_audit_reader(p)
    report = audit.verify_chain(ctx)
    return ChainStatus(ok=report.ok, entries=report.entries, first_broken=report.first_broken, reason=report.reason)


# A spreadsheet runs a cell that starts with one of these as a formula: such cells are written as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


CSV_COLUMNS = [
    N_("No."),
    N_("Time (UTC)"),
    N_("Actor"),
    N_("Operation"),
    N_("Action code"),
    N_("Object"),
    N_("Object code"),
    N_("Recorded data"),
]


def to_csv(page: AuditPage, lang: str) -> str:
    """The rows of `page` as CSV (UTF-8 with a byte-order mark, so spreadsheets read the Chinese): number,
    time in UTC, actor, action in words, action code, object in words, object, recorded data."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([gettext_for(lang)(c) for c in CSV_COLUMNS])
    for row in page.rows:
        writer.writerow(
            _cell(v)
            for v in (
                row.seq,
                row.at.isoformat(timespec="seconds"),
                row.actor,
                action_label(row.action, lang),
                row.action,
                subject_label(row.subject, lang),
                row.subject,
                row.data_text,
            )
        )
    return out.getvalue()
