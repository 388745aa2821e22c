"""Written notices for a selection of affected services, in one step: one frozen notice per service (the same
document as `filings.notify` issues, services/filing/issuing.py), its opinion listing the rule changes that
touch the service's filings. All or none: the notices commit together."""

from __future__ import annotations

import datetime as dt

from redline.errors import InputError, NotFoundError
from redline.services import audit
from redline.services.context import Context
from redline.services.filing import filings
from redline.services.principal import Principal, require_regulator
from redline.services.rulebook_impact.impact import impact
from redline.services.rulebook_impact.views import NoticesOut, ServiceImpactOut
from redline.store.models import IssuedDocument
from redline.words import gettext_for
from redline.words.rule_changes import FOLLOWS

MAX_SELECTION = 200


def opinion(service: ServiceImpactOut, current: str) -> str:
    """The notice's opinion, in Chinese as the issued documents are: each filing and each change touching it."""
    gettext = gettext_for("zh-CN")
    lines = [f"规则库已更新为 {current}。以下规则变化涉及你单位该服务的备案："]
    for filing in service.filings:
        lines.append(f"备案 #{filing.filing_id}（{filing.title}，依据规则库 {filing.rulebook}）：")
        for reason in filing.reasons:
            day = f"（{reason.effective.isoformat()} 起施行）" if reason.effective else ""
            lines.append(f"- {reason.text_zh}{day}：{gettext(FOLLOWS[reason.follows])}")
    return "\n".join(lines)


def issue_notices(
    ctx: Context, p: Principal, service_ids: list[int], reference: str, due: dt.date | None = None
) -> NoticesOut:
    """A regulator notifies each selected service its rule changes touch; a service out of reach or not
    touched is 'not found', like any id outside the caller's reach."""
    require_regulator(p)
    chosen = list(dict.fromkeys(service_ids))
    if not chosen:
        raise InputError("choose at least one service", field="service_ids")
    if len(chosen) > MAX_SELECTION:
        raise InputError(f"choose at most {MAX_SELECTION} services at a time", field="service_ids")
    found = {s.service_id: s for s in impact(ctx, p).services}
    for service_id in chosen:
        if service_id not in found:
            raise NotFoundError(f"no affected service {service_id}")
    current = ctx.book.release()
    with ctx.uow() as uow:
        made = [
            filings.notify_in(uow.session, ctx, p, sid, reference, opinion(found[sid], current), due) for sid in chosen
        ]
        uow.session.flush()
        ids = [f.id for f in made]
        references = [
            d.reference for fid in ids for d in uow.session.query(IssuedDocument).filter_by(filing_id=fid).all()
        ]
        audit.append(
            uow.session,
            ctx.now(),
            p.username,
            "rules.impact.notices",
            f"rulebook:{ctx.book.version}",
            {"services": chosen, "filings": ids, "reference": reference},
        )
        uow.commit()
    return NoticesOut(filing_ids=ids, references=references)
