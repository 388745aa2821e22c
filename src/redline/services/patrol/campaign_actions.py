"""Acting on a patrol finding: a summons (约谈), a rectification order (责令整改) or a request for a
supplement, made through the existing review use cases so the workflow rules apply unchanged.

The campaign, the finding's message and clause, the sample's digest and the probe's name and
version go into the text of the summons record or the order, so the document the provider
receives says exactly what was found, in which file, by which tool.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.domain.workflow import Action
from redline.errors import ConflictError, InputError, NotFoundError
from redline.services import audit
from redline.services.context import Context
from redline.services.filing import review
from redline.services.patrol.campaigns import require_campaign, require_officer
from redline.services.principal import Principal, filing_scope, require_filing
from redline.store.locking import get_for_update
from redline.store.models import (
    Campaign,
    CampaignFinding,
    Filing,
    Organisation,
    RectificationItem,
)


class FindingAction(StrEnum):
    SUPPLEMENT = "supplement"
    RECTIFICATION = "rectification"
    SUMMONS = "summons"


WORKFLOW = {
    FindingAction.SUPPLEMENT: Action.REQUEST_SUPPLEMENT,
    FindingAction.RECTIFICATION: Action.ORDER_RECTIFICATION,
}


@dataclass(frozen=True)
class Acted:
    finding_id: int
    action: FindingAction
    filing_id: int | None
    ref: int  # summons id, rectification item id, or the filing event of the supplement request


def finding_text(campaign: Campaign, f: CampaignFinding) -> str:
    """What travels into the summons record or the order: finding, clause, file digest, tool."""
    clause = f"（{f.clause}）" if f.clause else ""
    digest = f.sample_sha256 or f.evidence
    where = f"，样本 {f.location}" if f.location else ""
    return (
        f"巡查检查“{campaign.name}”发现：{f.message}{clause}{where}；"
        f"证据摘要 SHA-256 {digest}；探针 {f.probe}@{f.probe_version}。"
    )


def _load(ctx: Context, p: Principal, finding_id: int) -> tuple[CampaignFinding, Campaign, Organisation]:
    with ctx.reader() as uow:
        s = uow.session
        finding = s.get(CampaignFinding, finding_id)
        if finding is None:
            raise NotFoundError(f"no campaign finding {finding_id}")
        campaign = require_campaign(s, p, finding.campaign_id)
        if p.is_provider and finding.provider_id != p.organisation_id:
            raise NotFoundError(f"no campaign finding {finding_id}")
        require_officer(p, campaign)
        org = s.get(Organisation, finding.provider_id)
        assert org is not None
        return finding, campaign, org


@dataclass(frozen=True)
class FilingChoice:
    """A filing an officer may name when acting on a finding: shown by its title and state, never by id alone."""

    id: int
    title: str
    state: str


MAX_CHOICES = 100


def filing_choices(ctx: Context, p: Principal, provider_id: int) -> list[FilingChoice]:
    """The provider's filings within `p`'s jurisdiction, newest first."""
    with ctx.reader() as uow:
        rows = uow.session.execute(
            select(Filing.id, Filing.title, Filing.state)
            .where(filing_scope(p), Filing.provider_id == provider_id)
            .order_by(Filing.id.desc())
            .limit(MAX_CHOICES)
        ).all()
    return [FilingChoice(r.id, r.title, r.state) for r in rows]


def filing_choices_for(ctx: Context, p: Principal, finding_id: int) -> list[FilingChoice]:
    """The filings the officer may name when acting on `finding_id` (those of the finding's provider)."""
    return filing_choices(ctx, p, _load(ctx, p, finding_id)[2].id)


OTHER_PROVIDER = "that filing belongs to another provider"
CHOOSE_FILING = "choose the provider's filing in which to act (a summons needs none)"


def campaign_of(ctx: Context, p: Principal, finding_id: int) -> int:
    """The campaign a finding belongs to, for a caller who may act on it."""
    return _load(ctx, p, finding_id)[1].id


def _filing_for(filing_id: int | None) -> int:
    """The filing the officer chose: a supplement request or an order is made in a filing, never in one picked
    for the officer."""
    if filing_id is None:
        raise InputError(CHOOSE_FILING, field="filing_id")
    return filing_id


def _due(ctx: Context, due: dt.date | None) -> dt.date:
    return due or ctx.calendar.add_working_days(ctx.today(), ctx.settings.supplement_working_days).date


def _summons(
    session: Session,
    ctx: Context,
    p: Principal,
    org: Organisation,
    text: str,
    due: dt.date | None,
    filing_id: int | None,
) -> int:
    return review.record_summons_in(
        session,
        ctx,
        p,
        review.SummonsRecord(
            provider_id=org.id,
            date=ctx.today(),
            agencies=p.display_name,
            attendees=f"{org.name}负责人",
            problems=text,
            demands="针对上述问题立即整改，并书面报告整改情况；" + text,
            deadline=due,
            filing_id=filing_id,
        ),
    )


def _workflow(
    session: Session, ctx: Context, p: Principal, action: FindingAction, filing_id: int, text: str, due: dt.date | None
) -> int:
    """The workflow step in the caller's transaction; returns the rectification item or the timeline event."""
    if action is FindingAction.RECTIFICATION:
        event = review.act_in(
            session,
            ctx,
            p,
            filing_id,
            Action.ORDER_RECTIFICATION,
            text,
            {"items": [review.RectificationDemand(text, _due(ctx, due))]},
        )
        item = session.scalar(
            select(RectificationItem.id).where(
                RectificationItem.filing_id == filing_id, RectificationItem.round == event.data["round"]
            )
        )
        assert item is not None
        return item
    event = review.act_in(session, ctx, p, filing_id, Action.REQUEST_SUPPLEMENT, text, {"due": due} if due else {})
    return event.id


def act_on_finding(
    ctx: Context,
    p: Principal,
    finding_id: int,
    action: str,
    *,
    filing_id: int | None = None,
    due: dt.date | None = None,
    note: str = "",
) -> Acted:
    """Turn a finding into a summons, a rectification order or a supplement request."""
    try:
        chosen = FindingAction(action)
    except ValueError:
        raise InputError(f"action must be one of {', '.join(a.value for a in FindingAction)}", field="action") from None
    finding, campaign, org = _load(ctx, p, finding_id)
    if finding.action:
        raise ConflictError(f"finding {finding_id} was already acted on: {finding.action}", field="action")
    text = finding_text(campaign, finding) + (f" {note.strip()}" if note.strip() else "")
    target = filing_id if chosen is FindingAction.SUMMONS else _filing_for(filing_id)
    # One transaction: the summons or the order, and the finding marked as acted on, or none of it. The
    # finding is re-read under a row lock, so two officers acting at once cannot both act.
    with ctx.uow() as uow:
        s = uow.session
        row = s.scalar(select(CampaignFinding).where(CampaignFinding.id == finding_id).with_for_update())
        assert row is not None
        if row.action:
            raise ConflictError(f"finding {finding_id} was already acted on: {row.action}", field="action")
        if chosen is FindingAction.SUMMONS:
            ref = _summons(s, ctx, p, org, text, due, filing_id)
        else:
            assert target is not None
            filing = require_filing(p, get_for_update(s, Filing, target), target)
            if filing.provider_id != org.id:
                raise InputError(OTHER_PROVIDER, field="filing_id")
            ref = _workflow(s, ctx, p, chosen, target, text, due)
        row.action, row.filing_id, row.action_ref, row.acted_at = chosen.value, target, ref, ctx.now()
        audit.append(
            s,
            ctx.now(),
            p.username,
            "campaign.finding.act",
            f"campaign_finding:{finding_id}",
            {
                "action": chosen.value,
                "filing": target,
                "ref": ref,
                "campaign": campaign.id,
                "sample_sha256": finding.sample_sha256,
                "probe": f"{finding.probe}@{finding.probe_version}",
            },
        )
        uow.commit()
    return Acted(finding_id, chosen, target, ref)
