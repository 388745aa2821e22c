"""Who is acting, and the one authorization rule: who may see which filing or summons."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, true
from sqlalchemy.orm import InstrumentedAttribute

from redline.domain import jurisdiction
from redline.domain.workflow import PROVIDER_ROLES, REGULATOR_ROLES, Actor, Role
from redline.errors import NotFoundError, PermissionDeniedError
from redline.store.models import Filing, Summons, User


@dataclass(frozen=True)
class Principal:
    user_id: int
    username: str
    display_name: str
    role: Role
    organisation_id: int | None
    jurisdiction: str | None
    # the password was set by an administrator: until the owner chooses one, pages offer only that
    must_change_password: bool = False

    @classmethod
    def of(cls, user: User) -> Principal:
        return cls(
            user.id,
            user.username,
            user.display_name,
            Role(user.role),
            user.organisation_id,
            user.jurisdiction,
            bool(user.must_change_password),
        )

    @property
    def is_admin(self) -> bool:
        return self.role is Role.PLATFORM_ADMIN

    @property
    def is_provider(self) -> bool:
        return self.role in PROVIDER_ROLES

    @property
    def is_regulator(self) -> bool:
        return self.role in REGULATOR_ROLES

    @property
    def agency(self) -> str | None:
        return {Role.CAC_OFFICER: "cac", Role.MPS_OFFICER: "mps"}.get(self.role)


def located_under(column: ColumnElement[str] | InstrumentedAttribute[str], code_prefix: str) -> ColumnElement[bool]:
    """`column` (a division code) starts with `code_prefix`, said as a range of codes so an index on the column
    answers it on SQLite and PostgreSQL alike (neither uses a plain index for LIKE 'prefix%')."""
    if not code_prefix:
        return true()
    low, high = jurisdiction.code_range(code_prefix)
    return and_(column >= low, column < high)


def filing_scope(p: Principal) -> ColumnElement[bool]:
    """SQL condition selecting exactly the filings `p` may see."""
    if p.is_provider:
        return Filing.provider_id == p.organisation_id
    if p.is_regulator and p.jurisdiction:
        visible = Filing.visible_to_regulator.is_(True)
        under = jurisdiction.prefix(p.jurisdiction)
        return visible & located_under(Filing.region, under) if under else visible
    if p.role is Role.ASSESSOR:
        return Filing.assessor_id == p.user_id
    return false()


def can_see_filing(p: Principal, filing: Filing) -> bool:
    if p.is_provider:
        return filing.provider_id == p.organisation_id
    if p.is_regulator and p.jurisdiction:
        return filing.visible_to_regulator and jurisdiction.covers(p.jurisdiction, filing.region)
    if p.role is Role.ASSESSOR:
        return filing.assessor_id == p.user_id
    return False


def actor(p: Principal, filing: Filing) -> Actor:
    """`p` as the workflow rules see them on `filing`: the role, and whether `p` is the assessor its provider
    invited."""
    return Actor(p.role, invited=p.role is Role.ASSESSOR and filing.assessor_id == p.user_id)


def require_filing(p: Principal, filing: Filing | None, filing_id: int) -> Filing:
    """The filing if `p` may see it; otherwise 'not found', so ids reveal nothing."""
    if filing is None or not can_see_filing(p, filing):
        raise NotFoundError(f"no filing {filing_id}")
    return filing


def summons_scope(p: Principal) -> ColumnElement[bool]:
    if p.is_provider:
        return Summons.provider_id == p.organisation_id
    if p.is_regulator and p.jurisdiction:
        under = jurisdiction.prefix(p.jurisdiction)
        return located_under(Summons.region, under)
    return false()


def require_admin(p: Principal) -> None:
    """Accounts, organisations and their credentials are managed by platform administrators only."""
    if not p.is_admin:
        raise PermissionDeniedError("only a platform administrator may do this")


def may_read_audit(p: Principal) -> bool:
    """The audit log holds every jurisdiction's entries (logins, filings, summonses): no office may read
    another's, and the log has no per-jurisdiction view, so only platform administrators read it."""
    return p.is_admin


def require_audit_reader(p: Principal) -> None:
    if not may_read_audit(p):
        raise PermissionDeniedError("only a platform administrator may read the audit log")


def require_regulator(p: Principal) -> None:
    if not p.is_regulator or not p.jurisdiction:
        raise PermissionDeniedError("only a CAC or public-security officer may do this")


def regulator_reaches(p: Principal, location: str) -> bool:
    return p.is_regulator and bool(p.jurisdiction) and jurisdiction.covers(p.jurisdiction or "", location)


def require_regulator_over(p: Principal, location: str) -> None:
    """For a place the caller named itself (a region, a package's provider); the refusal echoes no code.
    For an object looked up by id, use `regulator_reaches` and answer as if it did not exist."""
    require_regulator(p)
    if not regulator_reaches(p, location):
        raise PermissionDeniedError("this lies outside your jurisdiction")
