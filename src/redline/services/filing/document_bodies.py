"""What each issued document says: its title, legal basis (quoted from the rulebook) and body, taken from the
state of the filing or summons at the moment of issue. The result is frozen by services/filing/issuing.py.

Texts are in Chinese, the language of the documents; the legal basis is quoted as stored, with its status
(an unverified recollection is marked so on the document).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol

from redline.domain.workflow import Action
from redline.errors import NotFoundError
from redline.rulebook.book import Rulebook
from redline.store.models import Filing, Summons


class Demand(Protocol):
    """One demand of a rectification order: stored (`RectificationItem`) or about to be (a preview)."""

    @property
    def text(self) -> str: ...

    @property
    def due(self) -> dt.date: ...


TITLES = {
    "notice": "关于开展安全评估的书面通知",
    "acceptance": "书面审查意见",
    "supplement_request": "补充材料通知书",
    "reassessment_order": "责令限期重新评估通知书",
    "rectification_order": "责令整改通知书",
    "inspection_record": "现场检查记录",
    "verification": "整改核验意见",
    "closure": "结案通知书",
    "summons_notice": "约谈通知书",
    "summons_record": "约谈记录",
}
BASIS = {
    "notice": ("sa2018:3(5)",),
    "acceptance": ("sa2018:8",),
    "supplement_request": ("sa2018:8",),
    "reassessment_order": ("sa2018:8",),
    "rectification_order": ("sa2018:6.1", "sa2018:8"),
    "inspection_record": ("sa2018:8",),
    "verification": ("sa2018:6.1",),
    "closure": ("sa2018:8",),
    "summons_notice": ("interview2015:2.2",),
    "summons_record": ("interview2015:2.2",),
}
KIND_OF_ACTION = {
    Action.ACCEPT: "acceptance",
    Action.REQUEST_SUPPLEMENT: "supplement_request",
    Action.ORDER_REASSESSMENT: "reassessment_order",
    Action.ORDER_RECTIFICATION: "rectification_order",
    Action.FINISH_INSPECTION: "inspection_record",
    Action.VERIFY: "verification",
    Action.REJECT_RECTIFICATION: "verification",
    Action.CLOSE: "closure",
}


def legal_basis(book: Rulebook, kind: str) -> list[dict[str, str]]:
    """The articles a document rests on, each with the regulation's title, the article and the stored text."""
    out = []
    for cite in BASIS[kind]:
        try:
            fragment = book.fragment(cite)
        except NotFoundError:  # a rulebook without the article: cite nothing rather than something wrong
            continue
        out.append(
            {
                "cite": cite,
                "regulation": fragment.regulation.title_zh,
                "article": fragment.label_zh(),
                "text": "".join(text for text, _ in fragment.texts),
                "status": fragment.status.value,
            }
        )
    return out


def basis_sentence(basis: list[dict[str, str]]) -> str:
    """依据《规定》第六条第一款、第八条: each regulation named once, its articles after it."""
    by_regulation: dict[str, list[str]] = {}
    for b in basis:
        by_regulation.setdefault(b["regulation"], []).append(b["article"])
    return "依据" + "，".join(f"《{reg}》{'、'.join(arts)}" for reg, arts in by_regulation.items())


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _filing_facts(filing: Filing) -> dict[str, Any]:
    return {
        "service": filing.service.name if filing.service else "",
        "filing_reference": f"#{filing.id}",
        "filing_title": filing.title,
        "report_digest": filing.report_digest,
    }


def for_filing(
    book: Rulebook, kind: str, filing: Filing, note: str, data: dict[str, Any], items: Sequence[Demand]
) -> dict[str, Any]:
    """The body of a document a workflow step issues; `data` is what the step recorded (due date, round)."""
    basis = legal_basis(book, kind)
    facts = _filing_facts(filing)
    opening = {
        "acceptance": f"经对你单位报送的{facts['service']}安全评估报告进行书面审查，{basis_sentence(basis)}，"
        "审查意见如下。",
        "supplement_request": f"经对你单位报送的{facts['service']}安全评估报告进行书面审查，发现报告内容、项目缺失。"
        f"{basis_sentence(basis)}，请按下列意见补充材料。",
        "reassessment_order": f"经对你单位报送的{facts['service']}安全评估报告进行书面审查，发现下列问题。"
        f"{basis_sentence(basis)}，责令你单位限期重新评估。",
        "rectification_order": f"经对你单位{facts['service']}的安全评估进行审查，发现下列问题。"
        f"{basis_sentence(basis)}，责令你单位在规定期限内整改，并书面报告整改情况。",
        "inspection_record": f"{basis_sentence(basis)}，对你单位{facts['service']}进行现场检查，情况记录如下。",
        "verification": f"{basis_sentence(basis)}，对你单位{facts['service']}的整改情况进行核验，意见如下。",
        "closure": f"你单位{facts['service']}安全评估案件{facts['filing_reference']}经审查办结，"
        f"{basis_sentence(basis)}，现予结案。",
    }[kind]
    body: dict[str, Any] = {
        **facts,
        "title": TITLES[kind],
        "basis": basis,
        "opening": opening,
        "opinion": _lines(note),
        "items": [],
        "deadline": None,
    }
    if kind == "rectification_order":
        body["items"] = [{"text": i.text, "due": i.due} for i in items]
        body["deadline"] = max((i.due for i in items), default=None)
        body["round"] = data.get("round")
    elif kind in ("supplement_request", "reassessment_order"):
        body["deadline"] = data.get("due")
    elif kind == "inspection_record":
        body["inspection"] = {
            "date": data.get("inspection_date"),
            "inspectors": data.get("inspectors", ""),
            "findings": _lines(str(data.get("findings", ""))),
        }
    elif kind == "acceptance":
        body["result"] = "经书面审查，未发现安全评估报告内容、项目缺失或者安全评估方法明显不当的情形，审查通过。"
    elif kind == "verification":
        body["result"] = "整改已通过核验" if data.get("verified") else "整改未通过核验，请继续整改"
    return body


def for_summons(book: Rulebook, summons: Summons, service_names: list[str], today: dt.date) -> dict[str, Any]:
    kind = "summons_notice" if summons.date > today else "summons_record"
    basis = legal_basis(book, kind)
    service = "、".join(service_names)
    return {
        "title": TITLES[kind],
        "summons_kind": kind,
        "basis": basis,
        "service": service,
        "filing_reference": f"#{summons.filing_id}" if summons.filing_id else "",
        "opening": (
            f"{basis_sentence(basis)}，定于{summons.date.isoformat()}约见你单位相关负责人。"
            if kind == "summons_notice"
            else f"{basis_sentence(basis)}，于{summons.date.isoformat()}约见你单位相关负责人，记录如下。"
        ),
        "meeting_date": summons.date,
        "agencies": summons.agencies,
        "attendees": summons.attendees,
        "problems": _lines(summons.problems),
        "demands": _lines(summons.demands),
        "deadline": summons.deadline,
        "opinion": [],
        "items": [],
    }


def for_notice(
    book: Rulebook, service_name: str, note: str, due: dt.date | None, filing_id: int, own_reference: str
) -> dict[str, Any]:
    basis = legal_basis(book, "notice")
    return {
        "title": TITLES["notice"],
        "basis": basis,
        "service": service_name,
        "filing_reference": f"#{filing_id}",
        "notice_reference": own_reference,
        "opening": f"{basis_sentence(basis)}，你单位{service_name}需要进行安全评估。请自行开展安全评估，"
        "并将安全评估报告通过全国互联网安全管理服务平台提交。",
        "opinion": _lines(note),
        "deadline": due,
        "items": [],
    }
