"""Who receives an inbox item: the users of the provider organisation, or of one authority's office.

A provider's items go to its active provider accounts (the ones `principal.filing_scope` lets see its
filings). A regulator's go to the officers of one office, an office being the officers of one authority
(CAC or public security) holding one jurisdiction: the office whose officer last took a step on that
authority's review track of the filing, or, before any did, the nearest office over the filing's region that
has officers on the platform (a city's before its province's). Officers who may not see the filing receive
nothing.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.domain import jurisdiction
from redline.domain.parallel_review import AUTHORITY_OF_ROLE, Authority
from redline.domain.workflow import PROVIDER_ROLES, Role
from redline.services.principal import Principal, can_see_filing
from redline.store.models import Filing, FilingReview, User

OFFICER_ROLE = {a: r for r, a in AUTHORITY_OF_ROLE.items()}


def provider_users(session: Session, provider_id: int) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(
                User.organisation_id == provider_id,
                User.role.in_([r.value for r in PROVIDER_ROLES]),
                User.is_active.is_(True),
            )
            .order_by(User.id)
        )
    )


def office_users(session: Session, role: Role, code: str) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(User.role == role.value, User.jurisdiction == code, User.is_active.is_(True))
            .order_by(User.id)
        )
    )


def _office_of_track(session: Session, filing: Filing, authority: Authority) -> str | None:
    """The jurisdiction of the office that last acted on the track, or of the nearest one over the filing."""
    role = OFFICER_ROLE[authority]
    officer_id = session.scalar(
        select(FilingReview.officer_id).where(
            FilingReview.filing_id == filing.id, FilingReview.authority == authority.value
        )
    )
    officer = session.get(User, officer_id) if officer_id is not None else None
    if officer is not None and officer.role == role.value and officer.jurisdiction:
        return officer.jurisdiction
    codes = session.scalars(
        select(User.jurisdiction)
        .where(User.role == role.value, User.is_active.is_(True), User.jurisdiction.is_not(None))
        .distinct()
    )
    return jurisdiction.nearest([c for c in codes if c], filing.region)


def regulator_users(session: Session, filing: Filing, authority: Authority) -> list[User]:
    code = _office_of_track(session, filing, authority)
    if code is None:
        return []
    users = office_users(session, OFFICER_ROLE[authority], code)
    return [u for u in users if can_see_filing(Principal.of(u), filing)]


def issuing_office_users(session: Session, issued_by: int, region: str) -> tuple[Authority | None, list[User]]:
    """The authority and the office of the officer who issued a document to a provider in `region` (nobody,
    should that office no longer hold the region)."""
    officer = session.get(User, issued_by)
    if officer is None or not officer.jurisdiction or Role(officer.role) not in AUTHORITY_OF_ROLE:
        return None, []
    role = Role(officer.role)
    if not jurisdiction.covers(officer.jurisdiction, region):
        return AUTHORITY_OF_ROLE[role], []
    return AUTHORITY_OF_ROLE[role], office_users(session, role, officer.jurisdiction)
