"""Who in a regulator's office handles a filing: one assignee per filing and office, set by an officer of it.

An office is a role and a jurisdiction (杭州市网信办 is cac_officer at 330100). The city's CAC, the city's
public-security organ and the provincial offices above them each keep their own assignee of the same
filing, as each keeps its own review (domain/parallel_review.py). Every assignment is in the audit log.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from redline.errors import InputError
from redline.services import audit
from redline.services.context import Context
from redline.services.principal import Principal, require_filing, require_regulator
from redline.services.view_model import ViewModel
from redline.store.locking import get_for_update
from redline.store.models import Filing, FilingAssignment, User

MAX_BULK = 500  # filings one request may assign: ten pages of the queue


class OfficerOut(ViewModel):
    """An officer of the caller's office, as a list of whom to assign shows them."""

    id: int
    username: str
    display_name: str


def _office(p: Principal) -> tuple[str, str]:
    require_regulator(p)
    return p.role.value, p.jurisdiction or ""


def _in_office(p: Principal) -> ColumnElement[bool]:
    role, region = _office(p)
    return (FilingAssignment.office_role == role) & (FilingAssignment.office_region == region)


def assigned_in_office(p: Principal, user_id: int | None) -> ColumnElement[bool]:
    """SQL over Filing: `p`'s office assigned the filing to `user_id`; with None, the office assigned it to
    nobody yet."""
    mine = exists().where(FilingAssignment.filing_id == Filing.id, _in_office(p))
    if user_id is None:
        return ~mine
    return exists().where(
        FilingAssignment.filing_id == Filing.id, _in_office(p), FilingAssignment.assignee_id == user_id
    )


def assignees_of(session: Session, p: Principal, filing_ids: list[int]) -> dict[int, OfficerOut]:
    """The officer `p`'s office assigned each of `filing_ids` to (absent when none); nothing for a provider."""
    if not p.is_regulator or not p.jurisdiction:
        return {}
    found: dict[int, OfficerOut] = {}
    for start in range(0, len(filing_ids), 1000):  # bounded IN lists on every database
        chunk = filing_ids[start : start + 1000]
        rows = session.execute(
            select(FilingAssignment.filing_id, User)
            .join(User, User.id == FilingAssignment.assignee_id)
            .where(FilingAssignment.filing_id.in_(chunk), _in_office(p))
        ).all()
        found.update({filing_id: OfficerOut.model_validate(user) for filing_id, user in rows})
    return found


def officers(ctx: Context, p: Principal) -> list[OfficerOut]:
    """The active officers of `p`'s office (`p` among them), by name."""
    role, region = _office(p)
    with ctx.reader() as uow:
        rows = uow.session.scalars(
            select(User)
            .where(User.role == role, User.jurisdiction == region, User.is_active.is_(True))
            .order_by(User.display_name, User.id)
        )
        return [OfficerOut.model_validate(u) for u in rows]


def _officer(session: Session, p: Principal, user_id: int) -> User:
    role, region = _office(p)
    user = session.get(User, user_id)
    if user is None or not user.is_active or user.role != role or user.jurisdiction != region:
        raise InputError("choose an officer of your own office", field="assignee")
    return user


def assign(ctx: Context, p: Principal, filing_ids: list[int], assignee_id: int | None) -> int:
    """`p`'s office puts each filing in `assignee_id`'s charge (None: in nobody's); a filing `p` may not see is
    'not found' and nothing changes. How many filings changed hands."""
    _office(p)
    wanted = sorted(set(filing_ids))  # locked in one order, so two bulk assignments cannot deadlock
    if not wanted:
        raise InputError("choose at least one filing", field="filing_id")
    if len(wanted) > MAX_BULK:
        raise InputError(f"at most {MAX_BULK} filings at once", field="filing_id")
    with ctx.uow() as uow:
        s = uow.session
        officer = _officer(s, p, assignee_id) if assignee_id is not None else None
        changed = 0
        for filing_id in wanted:
            filing = require_filing(p, get_for_update(s, Filing, filing_id), filing_id)
            changed += _set(ctx, s, p, filing, officer)
        uow.commit()
        return changed


def _set(ctx: Context, s: Session, p: Principal, filing: Filing, officer: User | None) -> int:
    role, region = _office(p)
    row = s.scalars(select(FilingAssignment).where(FilingAssignment.filing_id == filing.id, _in_office(p))).first()
    before = row.assignee_id if row else None
    if before == (officer.id if officer else None):
        return 0
    if row is not None and officer is None:
        s.delete(row)
    elif row is not None and officer is not None:
        row.assignee_id, row.assigned_by, row.assigned_at = officer.id, p.user_id, ctx.now()
    elif officer is not None:
        s.add(
            FilingAssignment(
                filing_id=filing.id,
                office_role=role,
                office_region=region,
                assignee_id=officer.id,
                assigned_by=p.user_id,
                assigned_at=ctx.now(),
            )
        )
    data = {"office": f"{role}:{region}", "from": before, "to": officer.id if officer else None}
    audit.append(s, ctx.now(), p.username, "filing.assign", f"filing:{filing.id}", data)
    return 1
