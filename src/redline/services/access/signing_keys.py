"""Registered signing keys: a signature counts only when its key is registered to an organisation here and
approved. Anyone can make a key in any name, so the name inside a key is never shown as the signer: a
trusted signature names the organisation the key is registered to; any other is shown as untrusted.

Who may act: the platform admin for any organisation; an organisation's provider_admin for its own
organisation's keys (register, approve, revoke). Each step writes an audit entry.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.domain.workflow import Role
from redline.errors import InputError, NotFoundError, PermissionDeniedError
from redline.reports.signatures import load_public_key
from redline.services import audit
from redline.services.context import Context
from redline.services.principal import Principal
from redline.services.view_model import ViewModel
from redline.store.models import Organisation, SigningKey

UNTRUSTED_ZH, UNTRUSTED_EN = "不受信任", "untrusted"


class KeyStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REVOKED = "revoked"


@dataclass(frozen=True)
class Trust:
    """What a verified signature may be shown as."""

    trusted: bool
    signer: str | None  # the registered organisation's name, only when trusted
    label: str  # for people, zh-CN first


def _may_manage(p: Principal, organisation_id: int) -> None:
    if p.role is Role.PLATFORM_ADMIN:
        return
    if p.role is Role.PROVIDER_ADMIN and p.organisation_id == organisation_id:
        return
    raise PermissionDeniedError("only the platform admin or the organisation's admin may manage its signing keys")


def register(ctx: Context, p: Principal, organisation_id: int, public_key: Path) -> str:
    """Register a public key file (`redline keys new`) to an organisation, pending approval; returns its key id."""
    key = load_public_key(public_key)
    with ctx.uow() as uow:
        if uow.session.get(Organisation, organisation_id) is None:
            raise NotFoundError(f"no organisation {organisation_id}")
        _may_manage(p, organisation_id)
        if uow.session.scalar(select(SigningKey.id).where(SigningKey.key_id == key.key_id)) is not None:
            raise InputError(f"key {key.key_id} is registered already", field="public_key")
        uow.session.add(
            SigningKey(
                key_id=key.key_id,
                algorithm=key.algorithm.value,
                claimed_signer=key.signer,
                public_key=base64.b64encode(key.raw).decode("ascii"),
                status=KeyStatus.PENDING,
                organisation_id=organisation_id,
                registered_by=p.user_id,
                registered_at=ctx.now(),
            )
        )
        audit.append(
            uow.session,
            ctx.now(),
            p.username,
            "signing_key.register",
            f"signing_key:{key.key_id}",
            {"organisation": organisation_id, "algorithm": key.algorithm.value, "claimed_signer": key.signer},
        )
        uow.commit()
        return key.key_id


def _decide(ctx: Context, p: Principal, key_id: str, status: KeyStatus) -> None:
    with ctx.uow() as uow:
        row = uow.session.scalar(select(SigningKey).where(SigningKey.key_id == key_id))
        if row is None:
            raise NotFoundError(f"no registered key {key_id}")
        _may_manage(p, row.organisation_id)
        if row.status == KeyStatus.REVOKED:
            raise InputError(f"key {key_id} is revoked; register a new key", field="key_id")
        row.status, row.decided_by, row.decided_at = status.value, p.user_id, ctx.now()
        audit.append(
            uow.session,
            ctx.now(),
            p.username,
            f"signing_key.{status.value}",
            f"signing_key:{key_id}",
            {"organisation": row.organisation_id},
        )
        uow.commit()


def approve(ctx: Context, p: Principal, key_id: str) -> None:
    _decide(ctx, p, key_id, KeyStatus.APPROVED)


def revoke(ctx: Context, p: Principal, key_id: str) -> None:
    _decide(ctx, p, key_id, KeyStatus.REVOKED)


class SigningKeyOut(ViewModel):
    key_id: str
    algorithm: str
    organisation: str  # its name
    status: str
    claimed_signer: str  # who the key file says it belongs to: a claim, not a fact


def list_keys(ctx: Context, p: Principal) -> list[SigningKeyOut]:
    """The keys `p` may manage: all for the platform admin, its organisation's for a provider admin."""
    with ctx.reader() as uow:
        query = select(SigningKey).order_by(SigningKey.id)
        if p.role is not Role.PLATFORM_ADMIN:
            if p.role is not Role.PROVIDER_ADMIN or p.organisation_id is None:
                raise PermissionDeniedError("only the platform admin or an organisation's admin lists signing keys")
            query = query.where(SigningKey.organisation_id == p.organisation_id)
        return [
            SigningKeyOut(
                key_id=k.key_id,
                algorithm=k.algorithm,
                organisation=k.organisation.name,
                status=k.status,
                claimed_signer=k.claimed_signer,
            )
            for k in uow.session.scalars(query)
        ]


def trust_of(session: Session, signature: dict[str, Any]) -> Trust:
    """How a signature that verified (signatures.verify) may be shown: by its registered organisation when its
    key is registered and approved here, otherwise as untrusted, naming the claim only as a claim."""
    kid, claim = str(signature.get("key_id", "")), str(signature.get("signer", ""))
    try:
        raw = base64.b64decode(str(signature.get("public_key", "")), validate=True)
    except binascii.Error:
        raw = b""
    row = session.scalar(select(SigningKey).where(SigningKey.key_id == kid))
    if (
        row is not None
        and row.status == KeyStatus.APPROVED
        and row.algorithm == signature.get("algorithm")
        and base64.b64decode(row.public_key) == raw
    ):
        return Trust(True, row.organisation.name, f"签名者 signed by {row.organisation.name} (key {kid})")
    why: dict[str | None, str] = {
        None: "not registered here",
        KeyStatus.PENDING.value: "registered, not approved",
        KeyStatus.REVOKED.value: "revoked",
    }
    reason = why.get(row.status if row else None, "does not match the registered key")
    return Trust(False, None, f"{UNTRUSTED_ZH} {UNTRUSTED_EN} signature: key {kid} claims to be '{claim}' ({reason})")
