"""The impact of a rulebook upgrade on the filings a caller may see (services/principal.filing_scope: a
regulator's jurisdiction exactly as the queue; a provider's own filings).

Each filing records the rulebook it was assessed under; the installation keeps that rulebook
(services/filing/rulebook_versions.py), so the diff against the current one is exact. A filing whose rulebook
is not kept (made before versions were recorded) is counted, or compared with a rulebook the caller names."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from redline.domain.rule_impact import Follows, Touch, touches, weightiest
from redline.domain.workflow import FilingState
from redline.errors import PermissionDeniedError
from redline.rulebook.book import Rulebook
from redline.rulebook.diff import RulebookDiff, diff
from redline.services.context import Context
from redline.services.filing import rulebook_versions
from redline.services.principal import Principal, filing_scope
from redline.services.rulebook_impact.basis import basis_of
from redline.services.rulebook_impact.views import (
    ChangeOut,
    FilingImpactOut,
    ImpactOut,
    ReasonOut,
    ServiceImpactOut,
    UpgradeOut,
)
from redline.store.models import Filing
from redline.words.rule_changes import change_words

MAX_FILINGS = 2000  # filings looked at in one answer; a national office narrows by region


@dataclass(frozen=True)
class Upgrade:
    old: Rulebook
    new: Rulebook
    diff: RulebookDiff

    def words(self, touch: Touch) -> ReasonOut:
        books = (self.new, self.old)
        return ReasonOut(
            kind=touch.change.kind.value,
            subject=touch.change.subject,
            effective=touch.change.effective,
            follows=touch.follows.name.lower(),
            text_zh=change_words(touch.change, books, "zh-CN"),
            text_en=change_words(touch.change, books, "en"),
        )

    def out(self) -> UpgradeOut:
        books = (self.new, self.old)
        changes = [
            ChangeOut(
                kind=c.kind.value,
                subject=c.subject,
                effective=c.effective,
                text_zh=change_words(c, books, "zh-CN"),
                text_en=change_words(c, books, "en"),
            )
            for c in self.diff.changes
        ]
        return UpgradeOut(old=self.old.release(), new=self.new.release(), changes=changes)


class _Upgrades:
    """The diff from each earlier rulebook to the current one, worked out once per answer."""

    def __init__(self, session: Session, current: Rulebook, assumed: Rulebook | None) -> None:
        self.session, self.current, self.assumed = session, current, assumed
        self.found: dict[str | None, Upgrade | None] = {}

    def of(self, digest: str | None) -> Upgrade | None:
        if digest not in self.found:
            old = rulebook_versions.stored(self.session, digest, self.current) if digest else None
            if old is None and self.assumed is not None and digest in (None, self.assumed.version):
                old = self.assumed
            self.found[digest] = Upgrade(old, self.current, diff(old, self.current)) if old else None
        return self.found[digest]


def _filings(session: Session, p: Principal, current: Rulebook, states: tuple[str, ...]) -> list[Filing]:
    query = (
        select(Filing)
        .where(filing_scope(p))
        .where(or_(Filing.rulebook_version.is_(None), Filing.rulebook_version != current.version))
        .order_by(Filing.id)
        .limit(MAX_FILINGS + 1)
    )
    if states:
        query = query.where(Filing.state.in_(states))
    return list(session.scalars(query).unique())


def _filing_out(ctx: Context, filing: Filing, upgrade: Upgrade) -> FilingImpactOut | None:
    found = touches(upgrade.diff, basis_of(upgrade.old, upgrade.new, filing, ctx.calendar, ctx.today()))
    if not found:
        return None
    return FilingImpactOut(
        filing_id=filing.id,
        title=filing.title,
        state=filing.state,
        region=filing.region,
        rulebook=upgrade.old.release(),
        follows=weightiest(found).name.lower(),
        reasons=[upgrade.words(t) for t in found],
    )


def _services(rows: list[tuple[Filing, FilingImpactOut]]) -> list[ServiceImpactOut]:
    by_service: dict[int, list[tuple[Filing, FilingImpactOut]]] = defaultdict(list)
    for filing, out in rows:
        by_service[filing.service_id or 0].append((filing, out))
    services = []
    for service_id, group in by_service.items():
        first = group[0][0]
        services.append(
            ServiceImpactOut(
                service_id=service_id,
                service_name=first.service.name if first.service else first.title,
                provider_name=first.provider.name,
                follows=max((Follows[o.follows.upper()] for _, o in group), default=Follows.NOTHING).name.lower(),
                filings=[o for _, o in group],
            )
        )
    return sorted(services, key=lambda s: (-Follows[s.follows.upper()], s.provider_name, s.service_name))


def impact(ctx: Context, p: Principal, assumed: Rulebook | None = None, states: tuple[str, ...] = ()) -> ImpactOut:
    """The services and filings within `p`'s reach that a change of rulebook touches, item by item.
    `assumed`: the rulebook filings whose own is not kept here were made under (a directory, on the CLI)."""
    with ctx.reader() as uow:
        upgrades = _Upgrades(uow.session, ctx.book, assumed)
        filings = _filings(uow.session, p, ctx.book, states)
        rows: list[tuple[Filing, FilingImpactOut]] = []
        unknown = 0
        for filing in filings[:MAX_FILINGS]:
            upgrade = upgrades.of(filing.rulebook_version)
            if upgrade is None:
                unknown += 1
                continue
            out = _filing_out(ctx, filing, upgrade)
            if out is not None:
                rows.append((filing, out))
        return ImpactOut(
            current=ctx.book.release(),
            upgrades=[u.out() for u in upgrades.found.values() if u is not None and u.diff.changes],
            services=_services(rows),
            examined=min(len(filings), MAX_FILINGS),
            unknown=unknown,
            truncated=len(filings) > MAX_FILINGS,
        )


# A filing the regulators have accepted: its report stands, whatever came after (verified, closed).
ACCEPTED = (FilingState.ACCEPTED.value, FilingState.VERIFIED.value, FilingState.CLOSED.value)


def predating(ctx: Context, p: Principal) -> ImpactOut:
    """A provider's accepted filings that predate a rule change touching them (the provider's own only)."""
    if not p.is_provider:
        raise PermissionDeniedError("this list is for providers")
    return impact(ctx, p, states=ACCEPTED)
