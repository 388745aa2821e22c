"""A provider's service profile and the changes it goes through.

A profile says who the service is for (audience), whether its users can publish or spread
content, what it can do (capabilities), what the provider declares about its public-opinion
attributes, and which algorithm filings it already holds. A change is a set of facts dated
one day: a launch, capabilities added or removed, technologies adopted, user figures, a
harmful-information incident, a written notice, a change of filed details, a termination.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import StrEnum

from redline.domain.judgements import Judgement
from redline.rulebook.schema import EventKind, Role

OUTSIDE_CHINA = "outside_china"


@dataclass(frozen=True)
class Provider:
    """互联网信息服务提供者: who runs the service, and where.

    `location` is a GB/T 2260 code; None when the provider has no seat in China, either because
    it provides the service from outside China (`outside_china`, e.g. a service the generative-AI
    measures address when it is offered to users in China from abroad) or because no seat is stated.
    """

    name: str
    location: str | None
    credit_code: str | None = None
    outside_china: bool = False
    country: str | None = None  # where a provider outside China is based, as the user writes it


@dataclass(frozen=True)
class BasicInfo:
    """The facts Art. 6(2)(1) of the 2018 rule asks the report to state."""

    functions: tuple[str, ...] = ()
    scope: str = ""
    facilities: str = ""
    deployment: str = ""
    licences: tuple[str, ...] = ()


class Audience(StrEnum):
    """Who may use the service: Art. 2 speaks of the public (社会公众, 公众舆论表达渠道)."""

    PUBLIC = "public"
    REGISTERED_USERS = "registered_users"
    CLOSED_GROUP = "closed_group"  # a closed group or the provider's own employees only


class AlgorithmClass(StrEnum):
    """What an algorithm filing (算法备案) was made for."""

    ALGORITHMIC_RECOMMENDATION = "algorithmic_recommendation"
    DEEP_SYNTHESIS = "deep_synthesis"
    GENERATIVE_AI = "generative_ai"


@dataclass(frozen=True)
class HeldFiling:
    """An algorithm filing the service already holds; `covers` empty means every class."""

    number: str = ""
    date: dt.date | None = None
    covers: tuple[AlgorithmClass, ...] = ()

    def covers_any(self, classes: set[str]) -> bool:
        return not self.covers or bool(classes.intersection(c.value for c in self.covers))


@dataclass(frozen=True)
class ServiceProfile:
    provider: Provider
    name: str
    capabilities: tuple[str, ...]
    description: str = ""
    monthly_active_users: int | None = None
    declares_public_opinion: bool | None = None  # None: derived from the profile (Art. 2)
    basic: BasicInfo = field(default_factory=BasicInfo)
    audience: Audience = Audience.PUBLIC
    user_content: bool | None = None  # users can publish or spread content; None: not stated
    filings: tuple[HeldFiling, ...] = ()
    technologies: tuple[str, ...] = ()
    roles: tuple[Role, ...] = (Role.PROVIDER,)  # the parts the organisation plays for the service


class IssuerKind(StrEnum):
    CAC = "cac"  # 网信部门
    PUBLIC_SECURITY = "public_security"  # 公安机关
    OTHER = "other"


@dataclass(frozen=True)
class Issuer:
    """Who issued a written notice: kind of organ, its GB/T 2260 division (None: national)."""

    kind: IssuerKind
    name: str = ""
    division: str | None = None
    national: bool = False


@dataclass(frozen=True)
class Notice:
    """书面通知: a regulator's written notice that an assessment is required."""

    issuer: Issuer | None
    reference: str = ""
    due: dt.date | None = None
    authority: str = ""  # free text of old change files, kept for display


@dataclass(frozen=True)
class Listing:
    """An app an app distribution platform reviews for listing (上架或者上线审核)."""

    app: str
    capabilities: tuple[str, ...] = ()


@dataclass(frozen=True)
class GrowthRule:
    """Per-change override of redline's default presumption of significant growth."""

    min_ratio: float | None = None
    min_added: int | None = None


_KIND_FACTS: dict[EventKind, str] = {
    EventKind.LAUNCH: "launch",
    EventKind.HARMFUL_INCIDENT: "harmful_incident",
    EventKind.FILING_CHANGE: "filing_change",
    EventKind.TERMINATE: "terminate",
}


@dataclass(frozen=True)
class Change:
    """A change to a service: the facts that may make an assessment or filing due.

    `date` is the day of the change: the planned launch for launch-type facts, the day the
    situation arose for growth, incidents and notices. `kind` is kept for old one-fact change
    files and for titles; what a change is comes from its facts (`events`).
    `capabilities` are the capabilities the change adds.
    """

    kind: EventKind | None
    date: dt.date
    description: str = ""
    capabilities: tuple[str, ...] = ()
    technologies: tuple[str, ...] = ()
    aspects: tuple[str, ...] = ()
    material_change: bool | None = None
    mau_before: int | None = None
    mau_after: int | None = None
    notice: Notice | None = None
    launch: bool = False
    capabilities_removed: tuple[str, ...] = ()
    harmful_incident: bool = False
    filing_change: bool = False
    terminate: bool = False
    growth_rule: GrowthRule | None = None
    roles_taken: tuple[Role, ...] = ()  # roles the organisation starts to play with the change
    listing: Listing | None = None
    judgements: tuple[Judgement, ...] = ()  # answers to questions the law leaves to judgement

    def events(self) -> frozenset[EventKind]:
        """Every kind of event the change's facts amount to."""
        found = {kind for kind, attr in _KIND_FACTS.items() if getattr(self, attr)}
        if self.kind is not None:
            found.add(self.kind)
        if self.capabilities and EventKind.LAUNCH not in found:
            found.add(EventKind.ADD_CAPABILITY)
        if self.technologies and EventKind.LAUNCH not in found:
            found.add(EventKind.ADOPT_TECHNOLOGY)  # what a new service is built with is part of its launch
        if self.mau_after is not None:
            found.add(EventKind.USER_GROWTH)
        if self.notice is not None:
            found.add(EventKind.REGULATOR_NOTICE)
        if self.roles_taken:
            found.add(EventKind.TAKE_ROLE)
        if self.listing is not None:
            found.add(EventKind.APP_LISTING)
        return frozenset(found)

    def is_launch(self) -> bool:
        return EventKind.LAUNCH in self.events()

    def readded(self, service: ServiceProfile) -> tuple[str, ...]:
        """Capabilities the change adds that the profile already has."""
        if self.is_launch():
            return ()
        return tuple(c for c in self.capabilities if c in service.capabilities)

    def introduced(self, service: ServiceProfile) -> tuple[str, ...]:
        """Capabilities the change brings in; a launch brings in the whole service."""
        if self.is_launch():
            return tuple(dict.fromkeys((*service.capabilities, *self.capabilities)))
        return tuple(c for c in dict.fromkeys(self.capabilities) if c not in service.capabilities)

    def capabilities_after(self, service: ServiceProfile) -> tuple[str, ...]:
        kept = [c for c in service.capabilities if c not in self.capabilities_removed]
        return tuple(dict.fromkeys((*kept, *self.capabilities)))

    def roles_after(self, service: ServiceProfile) -> tuple[Role, ...]:
        return tuple(dict.fromkeys((*service.roles, *self.roles_taken)))

    def users_before(self, service: ServiceProfile) -> int | None:
        return self.mau_before if self.mau_before is not None else service.monthly_active_users

    def applied_to(self, service: ServiceProfile) -> ServiceProfile:
        """The profile as it stands after the change (for the next change in a sequence)."""
        users = self.mau_after if self.mau_after is not None else service.monthly_active_users
        techs = tuple(dict.fromkeys((*service.technologies, *self.technologies)))
        return replace(
            service,
            capabilities=self.capabilities_after(service),
            monthly_active_users=users,
            technologies=techs,
            roles=self.roles_after(service),
        )
