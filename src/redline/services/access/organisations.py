"""Organisations: providers, assessment bodies and regulator offices, made and changed by administrators.

A place is entered as its GB/T 2260 code or its Chinese name (杭州市西湖区, or with its province before
it); pages show names, never codes alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from redline.domain import jurisdiction
from redline.domain.filenames import check_line
from redline.errors import InputError, NotFoundError
from redline.rulebook.book import Rulebook
from redline.services import audit
from redline.services.access.views import OrganisationRow, Place
from redline.services.context import Context
from redline.services.principal import Principal, require_admin
from redline.store.locking import get_for_update
from redline.store.models import Organisation, User

KINDS = ("provider", "assessor", "regulator")
# 统一社会信用代码 (GB 32100-2015): 18 characters, digits and capitals without I, O, S, V, Z
CREDIT_CODE = re.compile(r"^[0-9A-HJ-NP-RTUWXY]{18}$")
CODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class OrganisationForm:
    name: str
    location: str  # a code or a Chinese place name
    credit_code: str = ""
    kind: str = "provider"  # only read when the organisation is made


def place_code(book: Rulebook, text: str, keep: str | None = None) -> str:
    """The division `text` names: its code, its own name when only one division has it, or its full name.
    `keep`: the place held now, which its names as pages show them (in either language) still name."""
    text = text.strip()
    divisions = book.divisions
    if keep and text in (keep, divisions.full_name(keep), divisions.full_name_en(keep)):
        return keep
    if CODE.match(text):
        if divisions.get(text) is None:
            raise InputError(f"'{text}' is not a GB/T 2260 division code", field="location")
        return text
    if not text:
        raise InputError("name the place: its GB/T 2260 code or its Chinese name", field="location")
    # 北京市 is the full name of the city and of its placeholder 市辖区 below it: the city is meant
    full = sorted((d for d in divisions.all() if divisions.full_name(d.code) == text), key=lambda d: d.code)[:1]
    named = [d.code for d in full] or [d.code for d in divisions.all() if d.name == text]
    if len(named) == 1:
        return named[0]
    if named:
        raise InputError(
            "several places have this name: give the name with its province, or the code", field="location"
        )
    raise InputError("no place has this name: give its GB/T 2260 code", field="location")


def jurisdictions(book: Rulebook) -> list[Place]:
    """What a regulator may be placed over: the nation, each province and each prefecture-level city."""
    divisions = book.divisions
    places = [Place(code=jurisdiction.NATIONAL, zh="全国", en="National (all of China)")]
    for d in divisions.all():
        seat = divisions.local_authority_seat(d.code)
        if jurisdiction.level(d.code) != "county" and seat is not None and seat.code == d.code:
            places.append(Place(code=d.code, zh=divisions.full_name(d.code), en=divisions.full_name_en(d.code)))
    return sorted(places, key=lambda p: p.code)


def _checked(form: OrganisationForm, book: Rulebook, keep: str | None = None) -> tuple[str, str, str | None]:
    name = check_line(form.name.strip(), "name")
    if not name or len(name) > 200:
        raise InputError("a name of 1 to 200 characters", field="name")
    credit = form.credit_code.strip().upper() or None
    if credit is not None and not CREDIT_CODE.match(credit):
        raise InputError("a unified social credit code has 18 digits and capital letters", field="credit_code")
    return name, place_code(book, form.location, keep), credit


def create_organisation(
    ctx: Context, kind: str, name: str, location: str, credit_code: str | None = None, actor: str = "system"
) -> int:
    """Make an organisation (the operator's terminal, the demo, or an administrator through `add`)."""
    if kind not in KINDS:
        raise InputError("kind must be provider, assessor or regulator", field="kind")
    if ctx.book.divisions.get(location) is None:
        raise InputError(f"'{location}' is not a GB/T 2260 division code", field="location")
    check_line(name, "name")
    with ctx.uow() as uow:
        org = Organisation(kind=kind, name=name, location=location, credit_code=credit_code)
        uow.session.add(org)
        uow.session.flush()
        audit.append(
            uow.session,
            ctx.now(),
            actor,
            "organisation.create",
            f"organisation:{org.id}",
            {"kind": kind, "name": name, "location": location},
        )
        uow.commit()
        return org.id


def add(ctx: Context, p: Principal, form: OrganisationForm) -> int:
    require_admin(p)
    name, location, credit = _checked(form, ctx.book)
    return create_organisation(ctx, form.kind, name, location, credit, actor=p.username)


def update(ctx: Context, p: Principal, org_id: int, form: OrganisationForm) -> None:
    """Rename or move an organisation, or set its credit code; its kind stays (its accounts depend on it)."""
    require_admin(p)
    with ctx.uow() as uow:
        org = get_for_update(uow.session, Organisation, org_id)
        if org is None:
            raise NotFoundError(f"no organisation {org_id}")
        name, location, credit = _checked(form, ctx.book, keep=org.location)
        before = {"name": org.name, "location": org.location, "credit_code": org.credit_code}
        after = {"name": name, "location": location, "credit_code": credit}
        changed = {k: [before[k], v] for k, v in after.items() if before[k] != v}
        if not changed:
            return
        org.name, org.location, org.credit_code = name, location, credit
        audit.append(uow.session, ctx.now(), p.username, "organisation.update", f"organisation:{org.id}", changed)
        uow.commit()


def _counts(ctx: Context) -> dict[int, int]:
    with ctx.reader() as uow:
        query = select(User.organisation_id, func.count()).where(User.organisation_id.is_not(None))
        rows = uow.session.execute(query.group_by(User.organisation_id)).all()
        return {int(org): int(n) for org, n in rows if org is not None}


def list_all(ctx: Context, p: Principal, kind: str = "") -> list[OrganisationRow]:
    """Every organisation (of `kind`, when given), by kind and name, with how many accounts it holds."""
    require_admin(p)
    counts = _counts(ctx)
    with ctx.reader() as uow:
        query = select(Organisation).order_by(Organisation.kind, Organisation.name, Organisation.id)
        if kind:
            query = query.where(Organisation.kind == kind)
        return [OrganisationRow.of(o, counts.get(o.id, 0)) for o in uow.session.scalars(query)]


def get(ctx: Context, p: Principal, org_id: int) -> OrganisationRow:
    require_admin(p)
    with ctx.reader() as uow:
        org = uow.session.get(Organisation, org_id)
        if org is None:
            raise NotFoundError(f"no organisation {org_id}")
        accounts = uow.session.scalar(select(func.count()).where(User.organisation_id == org_id)) or 0
        return OrganisationRow.of(org, accounts)
