"""Providers, their services and the summonses recorded against them, as pages and the API show them:
typed rows read once from the database, so no entry point holds a live table row."""

from __future__ import annotations

from typing import Any

from redline.services.context import Context
from redline.services.filing import queries
from redline.services.filing.snapshots import SummonsOut
from redline.services.principal import Principal
from redline.services.view_model import ViewModel
from redline.store.models import Service


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
    profile: dict[str, Any]  # as registered

    @classmethod
    def of(cls, s: Service) -> ServiceOut:
        service: Any = (s.profile or {}).get("service") if isinstance(s.profile, dict) else None
        found = service.get("capabilities") if isinstance(service, dict) else None
        tags = [str(c) for c in found] if isinstance(found, list) else []
        profile = dict(s.profile) if isinstance(s.profile, dict) else {}
        return cls(id=s.id, provider_id=s.provider_id, name=s.name, capabilities=tags, profile=profile)


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
