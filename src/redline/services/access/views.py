"""Accounts, organisations and API tokens as the pages and the terminal show them: typed rows read once."""

from __future__ import annotations

import datetime as dt

from redline.services.view_model import ViewModel
from redline.store.models import Organisation, User


class TokenInfo(ViewModel):
    """An API token as its owner (or an operator) sees it: never the token itself, nor its hash."""

    id: int
    username: str
    name: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None

    def active(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


class UserOut(ViewModel):
    id: int
    username: str
    display_name: str
    role: str
    organisation_id: int | None
    organisation: str  # its name, "" for none
    jurisdiction: str | None
    is_active: bool
    must_change_password: bool
    locked_until: dt.datetime | None
    created_at: dt.datetime

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            organisation_id=user.organisation_id,
            organisation=user.organisation.name if user.organisation else "",
            jurisdiction=user.jurisdiction,
            is_active=user.is_active,
            must_change_password=user.must_change_password,
            locked_until=user.locked_until,
            created_at=user.created_at,
        )


class UserPage(ViewModel):
    rows: list[UserOut]
    total: int


class UserDetail(ViewModel):
    user: UserOut
    tokens: list[TokenInfo]
    open_sessions: int


class NewPassword(ViewModel):
    """A password an administrator set: shown once, on the answer to the request that set it."""

    username: str
    password: str
    ended: int  # sessions and tokens that ended with the old password


class OrganisationRow(ViewModel):
    id: int
    kind: str
    name: str
    location: str
    credit_code: str | None
    issuer_key: str | None  # a regulator office the platform made for an agency and jurisdiction
    accounts: int

    @classmethod
    def of(cls, org: Organisation, accounts: int) -> OrganisationRow:
        return cls(
            id=org.id,
            kind=org.kind,
            name=org.name,
            location=org.location,
            credit_code=org.credit_code,
            issuer_key=org.issuer_key,
            accounts=accounts,
        )


class Place(ViewModel):
    """A GB/T 2260 division offered as a choice: its code and its name in both languages."""

    code: str
    zh: str
    en: str
