"""A provider's service profile and the changes it goes through."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from redline.rulebook.schema import EventKind


@dataclass(frozen=True)
class Provider:
    """互联网信息服务提供者: who runs the service, and where (GB/T 2260 code)."""

    name: str
    location: str
    credit_code: str | None = None


@dataclass(frozen=True)
class BasicInfo:
    """The facts Art. 6(2)(1) of the 2018 rule asks the report to state."""

    functions: tuple[str, ...] = ()
    scope: str = ""
    facilities: str = ""
    deployment: str = ""
    licences: tuple[str, ...] = ()


@dataclass(frozen=True)
class ServiceProfile:
    provider: Provider
    name: str
    capabilities: tuple[str, ...]
    description: str = ""
    monthly_active_users: int | None = None
    declares_public_opinion: bool = False
    basic: BasicInfo = field(default_factory=BasicInfo)


@dataclass(frozen=True)
class Notice:
    """书面通知: a regulator's written notice that an assessment is required."""

    authority: str
    reference: str = ""
    due: dt.date | None = None


@dataclass(frozen=True)
class Change:
    """A change to a service: the event that may make an assessment or filing due.

    `date` is the day of the event: the planned launch for launch-type changes, the day
    the situation arose for growth, incidents and notices.
    """

    kind: EventKind
    date: dt.date
    description: str = ""
    capabilities: tuple[str, ...] = ()
    technologies: tuple[str, ...] = ()
    aspects: tuple[str, ...] = ()
    material_change: bool | None = None
    mau_before: int | None = None
    mau_after: int | None = None
    notice: Notice | None = None

    def introduced(self, service: ServiceProfile) -> tuple[str, ...]:
        """Capabilities the change brings in; a launch brings in the whole service."""
        if self.kind is EventKind.LAUNCH:
            return tuple(dict.fromkeys((*service.capabilities, *self.capabilities)))
        if self.kind is EventKind.ADD_CAPABILITY:
            return self.capabilities
        return ()

    def capabilities_after(self, service: ServiceProfile) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*service.capabilities, *self.capabilities)))
