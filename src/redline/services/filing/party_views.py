"""Providers, their services and the summonses recorded against them, as pages and the API show them:
typed rows read once from the database, so no entry point holds a live table row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from redline.services.context import Context
from redline.services.filing import queries
from redline.services.principal import Principal
from redline.services.view_model import ViewModel
from redline.store.models import Service, Summons


class OrganisationOut(ViewModel):
    id: int
    kind: str
    name: str
    location: str


class ServiceOut(ViewModel):
    id: int
    provider_id: int
    name: str
    capabilities: list[str]  # from the service's profile; a malformed stored profile shows none

    @classmethod
    def of(cls, s: Service) -> ServiceOut:
        service: Any = (s.profile or {}).get("service") if isinstance(s.profile, dict) else None
        found = service.get("capabilities") if isinstance(service, dict) else None
        tags = [str(c) for c in found] if isinstance(found, list) else []
        return cls(id=s.id, provider_id=s.provider_id, name=s.name, capabilities=tags)


class SummonsOut(ViewModel):
    id: int
    provider_id: int
    provider: str  # the provider's name
    filing_id: int | None
    date: dt.date
    agencies: str
    attendees: str
    problems: str
    demands: str
    deadline: dt.date | None

    @classmethod
    def of(cls, s: Summons) -> SummonsOut:
        return cls(
            id=s.id,
            provider_id=s.provider_id,
            provider=s.provider.name,
            filing_id=s.filing_id,
            date=s.date,
            agencies=s.agencies,
            attendees=s.attendees,
            problems=s.problems,
            demands=s.demands,
            deadline=s.deadline,
        )


def provider_rows(ctx: Context, p: Principal) -> list[OrganisationOut]:
    """The providers in a regulator's jurisdiction, by name (none for anybody else)."""
    return [OrganisationOut.model_validate(o) for o in queries.providers_under(ctx, p)]


def service_rows(ctx: Context, p: Principal) -> list[ServiceOut]:
    """A provider's own services (none for anybody else)."""
    return [ServiceOut.of(s) for s in queries.services_of(ctx, p)]


def services_under(ctx: Context, p: Principal) -> list[tuple[OrganisationOut, ServiceOut]]:
    """Each service of each provider in a regulator's jurisdiction, with its provider."""
    return [
        (OrganisationOut.model_validate(o), ServiceOut.of(s))
        for o in queries.providers_under(ctx, p)
        for s in queries.services_of_provider(ctx, o.id)
    ]


def summons_rows(ctx: Context, p: Principal) -> list[SummonsOut]:
    """The summonses `p` may see, newest first."""
    return [SummonsOut.of(s) for s in queries.list_summonses(ctx, p)]


def summons_view(ctx: Context, p: Principal, summons_id: int) -> SummonsOut:
    """One summons `p` may see; otherwise 'not found'."""
    return SummonsOut.of(queries.get_summons(ctx, p, summons_id))
