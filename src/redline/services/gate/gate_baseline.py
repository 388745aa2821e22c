"""What the release gate needs from the platform: a service as last accepted, and its filings.

The baseline is the service as the regulators last accepted it. A submitted report freezes
the service profile of its day (report["service"]), so the baseline is that snapshot plus
what every accepted filing of the service added (capabilities, technologies, user figures).
A service with no accepted filing falls back to its registered profile, and says so.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import select

from redline.domain.workflow import CONCLUDED, FilingState
from redline.errors import NotFoundError
from redline.rulebook.schema import EventKind
from redline.services.context import Context
from redline.services.principal import Principal
from redline.store.models import Filing, Service


class BaselineProfile(BaseModel):
    name: str
    capabilities: list[str]
    technologies: list[str]
    monthly_active_users: int | None


class BaselineBasis(BaseModel):
    kind: Literal["accepted_filing", "registered"]
    filing_id: int | None = None
    submitted_at: dt.datetime | None = None


class FilingSummary(BaseModel):
    """One filing of the service, with what its change brought in."""

    id: int
    title: str
    state: FilingState
    kind: EventKind | None
    capabilities: list[str]
    technologies: list[str]
    mau_after: int | None
    trigger_ids: list[str]
    due_date: dt.date | None
    submitted_at: dt.datetime | None


class GateBaseline(BaseModel):
    """The body of GET /api/v1/services/{id}/gate-baseline."""

    service_id: int
    basis: BaselineBasis
    profile: BaselineProfile
    filings: list[FilingSummary]


def _tech_ids(raw: Any) -> list[str]:
    return [t if isinstance(t, str) else str(t.get("id", "")) for t in raw or []]


def _summary(filing: Filing, registered: dict[str, Any]) -> FilingSummary:
    change = filing.change or {}
    kind = EventKind(change["kind"]) if change.get("kind") in {k.value for k in EventKind} else None
    caps = list(change.get("capabilities") or [])
    if kind is EventKind.LAUNCH:  # a launch brings in the whole service
        snapshot = (filing.report or {}).get("service", {}).get("capabilities")
        base = [c["id"] for c in snapshot] if snapshot else list(registered.get("capabilities", []))
        caps = list(dict.fromkeys([*base, *caps]))
    mau_after = change.get("mau_after")
    return FilingSummary(
        id=filing.id,
        title=filing.title,
        state=FilingState(filing.state),
        kind=kind,
        capabilities=caps,
        technologies=list(change.get("technologies") or []),
        mau_after=int(mau_after) if mau_after is not None else None,
        trigger_ids=[str(o.get("trigger_id")) for o in filing.obligations],
        due_date=filing.due_date,
        submitted_at=filing.submitted_at,
    )


def _accepted_profile(
    name: str, registered: dict[str, Any], accepted: list[Filing], summaries: dict[int, FilingSummary]
) -> BaselineProfile:
    last = accepted[-1]
    snapshot = (last.report or {}).get("service", {})
    caps = [c["id"] for c in snapshot.get("capabilities", [])]
    techs = _tech_ids(registered.get("technologies"))
    users = [snapshot.get("monthly_active_users")]
    for filing in accepted:
        s = summaries[filing.id]
        caps += s.capabilities
        techs += s.technologies
        if s.kind is EventKind.USER_GROWTH:
            users.append(s.mau_after)
    known = [u for u in users if isinstance(u, int)]
    return BaselineProfile(
        name=name,
        capabilities=list(dict.fromkeys(caps)),
        technologies=list(dict.fromkeys(techs)),
        monthly_active_users=max(known) if known else None,
    )


def gate_baseline(ctx: Context, p: Principal, service_id: int) -> GateBaseline:
    """The service as last accepted, and all its filings; only the provider's own users see it."""
    with ctx.reader() as uow:
        service = uow.session.get(Service, service_id)
        if service is None or not p.is_provider or service.provider_id != p.organisation_id:
            raise NotFoundError(f"no service {service_id}")
        rows = list(uow.session.scalars(select(Filing).where(Filing.service_id == service_id).order_by(Filing.id)))
        registered = dict(service.profile.get("service") or {})
        summaries = {f.id: _summary(f, registered) for f in rows}
        accepted = [f for f in rows if FilingState(f.state) in CONCLUDED and f.report]
        if accepted:
            profile = _accepted_profile(service.name, registered, accepted, summaries)
            last = accepted[-1]  # filings come in id order: the latest opened of the accepted
            basis = BaselineBasis(kind="accepted_filing", filing_id=last.id, submitted_at=last.submitted_at)
        else:
            profile = BaselineProfile(
                name=service.name,
                capabilities=list(registered.get("capabilities", [])),
                technologies=_tech_ids(registered.get("technologies")),
                monthly_active_users=registered.get("monthly_active_users"),
            )
            basis = BaselineBasis(kind="registered")
        return GateBaseline(service_id=service.id, basis=basis, profile=profile, filings=list(summaries.values()))
