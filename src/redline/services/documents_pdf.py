"""Regulator documents as PDF, built from what the platform recorded: the written review opinion,
a summons record (约谈记录) and a rectification order (责令整改通知书)."""

from __future__ import annotations

from typing import Any, cast

from redline.errors import NotFoundError
from redline.reports import pdf
from redline.services import queries
from redline.services.context import Context
from redline.services.principal import Principal
from redline.store.models import Filing


def _base(filing: Filing, authority: str, reference: str, date: str, signatures: str) -> dict[str, Any]:
    return {"authority": authority, "reference": reference, "date": date, "provider": filing.provider.name,
            "service": filing.service.name if filing.service else "", "filing_reference": f"#{filing.id}",
            "filing_title": filing.title, "signatures": signatures}


def review_opinion(ctx: Context, p: Principal, filing_id: int, lang: str) -> bytes:
    view = queries.get_filing(ctx, p, filing_id)
    f = view.filing
    last = next((e for e in reversed(f.events) if e.action in ("accept", "request_supplement",
                                                                "order_reassessment", "order_rectification")), None)
    authors = sorted({c.author_name for c in view.comments} | ({last.actor_name} if last else set()))
    doc = {**_base(f, last.actor_name if last else "", f"审查-{f.id}", (last.at if last else f.updated_at)
                   .date().isoformat(), "、".join(authors)),
           "comments": [{"item_id": c.item_id, "text": c.text, "author": c.author_name, "date": c.at.date().isoformat()}
                        for c in view.comments],
           "inspections": [{"date": i.date.isoformat(), "inspectors": i.inspectors, "findings": i.findings}
                           for i in view.inspections],
           # the date the request itself set (its own deadline), never the filing's statutory due date
           "opinion": last.note if last else "", "demands": [],
           "deadline": str(last.data["due"]) if last and isinstance(last.data, dict) and last.data.get("due") else None}
    return pdf.review_opinion_pdf(cast(pdf.ReviewOpinion, doc), lang)


def rectification_order(ctx: Context, p: Principal, filing_id: int, lang: str) -> bytes:
    view = queries.get_filing(ctx, p, filing_id)
    f = view.filing
    if not view.rectification:
        raise NotFoundError(f"filing {filing_id} has no rectification order")
    latest = max(r.round for r in view.rectification)
    items = [r for r in view.rectification if r.round == latest]
    order = next((e for e in reversed(f.events) if e.action == "order_rectification"), None)
    doc = {**_base(f, order.actor_name if order else "", f"整改-{f.id}-{latest}",
                   (order.at if order else f.updated_at).date().isoformat(), order.actor_name if order else ""),
           "round": latest, "basis": order.note if order else "",
           "items": [{"text": r.text, "due": r.due.isoformat()} for r in items],
           "deadline": max(r.due for r in items).isoformat()}
    return pdf.rectification_order_pdf(cast(pdf.RectificationOrder, doc), lang)


def summons_record(ctx: Context, p: Principal, summons_id: int, lang: str) -> bytes:
    s = queries.get_summons(ctx, p, summons_id)
    doc = {"authority": s.agencies, "reference": f"约谈-{s.id}", "date": s.date.isoformat(),
           "provider": s.provider.name, "service": "", "filing_reference": f"#{s.filing_id}" if s.filing_id else "",
           "filing_title": "", "signatures": s.agencies, "agencies": s.agencies, "attendees": s.attendees,
           "problems": [line for line in s.problems.splitlines() if line.strip()] or [s.problems],
           "demands": [line for line in s.demands.splitlines() if line.strip()] or [s.demands],
           "deadline": s.deadline.isoformat() if s.deadline else None}
    return pdf.summons_pdf(cast(pdf.SummonsRecord, doc), lang)
