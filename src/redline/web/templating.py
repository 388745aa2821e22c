"""Jinja2 for pages: zh-CN by default, English on request, CSRF token in every form."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from redline.domain.judgements import question_words
from redline.i18n import DEFAULT_LANGUAGE, LANGUAGES, translations

LANG_COOKIE = "redline_lang"
STATE_LABELS = {
    "notice_issued": "Notice issued", "draft": "Draft", "submitted": "Submitted",
    "under_review": "Under review", "accepted": "Accepted", "closed": "Closed",
    "supplement_requested": "Supplement requested", "reassessment_ordered": "Re-assessment ordered",
    "onsite_inspection": "On-site inspection", "rectification_ordered": "Rectification ordered",
    "rectification_submitted": "Rectification submitted", "verified": "Rectification verified",
}
ACTION_LABELS = {
    "start": "Start the assessment", "submit": "Submit the report", "start_review": "Start the written review",
    "accept": "Accept", "request_supplement": "Request a supplement", "order_reassessment": "Order re-assessment",
    "reopen": "Reopen the assessment", "start_inspection": "Start on-site inspection",
    "finish_inspection": "Record the on-site inspection", "order_rectification": "Order rectification",
    "submit_rectification": "Submit the rectification", "verify": "Verify the rectification",
    "reject_rectification": "Send the rectification back", "close": "Close the filing",
}
ANSWER_LABELS = {"met": "Met", "partly_met": "Partly met", "not_met": "Not met",
                 "not_applicable": "Not applicable", "": "Unanswered"}
EVENT_LABELS = {**ACTION_LABELS, "open": "Change recorded", "notify": "Written notice issued",
                "answers": "Answers saved", "evidence": "Evidence uploaded", "invite_assessor": "Assessor invited",
                "sign": "Conclusion signed",
                "signature_withdrawn": "Assessor's signature withdrawn", "comment": "Review comment",
                "rectification_answer": "Item answered", "judgement": "Judgement recorded"}
ROLE_LABELS = {
    "provider_admin": "Provider administrator", "provider_member": "Provider member",
    "assessor": "Third-party assessor", "cac_officer": "CAC officer", "mps_officer": "Public-security officer",
    "platform_admin": "Platform administrator",
}
DEADLINE_LABELS = {"statutory": "Statutory due date (from the obligation)", "supplement": "Supplement due",
                   "reassessment": "Re-assessment due", "rectification": "Rectification item due"}
AUTHORITY_LABELS = {"cac": "CAC office", "mps": "Public-security organ"}
SEVERITY_LABELS = {"low": "Low", "medium": "Medium", "high": "High", "critical": "Critical"}
CSRF_COOKIE = "redline_csrf"


def request_lang(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


@cache
def environment(lang: str) -> Environment:
    env = Environment(loader=PackageLoader("redline.web", "templates"),
                      autoescape=select_autoescape(["html"]), extensions=["jinja2.ext.i18n"],
                      trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    gettext = translations(lang).gettext
    env.globals["state_label"] = lambda state: gettext(STATE_LABELS.get(str(state), str(state)))
    env.globals["role_label"] = lambda role: gettext(ROLE_LABELS.get(str(role), str(role)))
    env.globals["authority_label"] = lambda a: gettext(AUTHORITY_LABELS.get(str(a), str(a)))
    env.globals["severity_label"] = lambda sev: gettext(SEVERITY_LABELS.get(str(sev), str(sev)))
    # Data that may have a translation (a finding's kind): plain gettext, no %-formatting of the text.
    env.globals["data_label"] = lambda text: gettext(str(text))
    env.globals["action_label"] = lambda a: ACTION_LABELS.get(str(a), str(a))
    env.globals["answer_label"] = lambda a: ANSWER_LABELS.get(str(a or ""), str(a))
    env.globals["event_label"] = lambda a: EVENT_LABELS.get(str(a), str(a))
    env.globals["deadline_label"] = lambda k: gettext(DEADLINE_LABELS.get(str(k), str(k)))
    env.globals["question_label"] = lambda q: question_words(str(q), lang == "zh-CN")
    env.globals["lang"] = lang
    env.globals["zh"] = lang == "zh-CN"
    env.filters["pick"] = lambda text, key=None: _pick(text, lang)
    env.filters["date"] = lambda d: d.isoformat() if isinstance(d, (dt.date, dt.datetime)) else (d or "—")
    env.filters["when"] = lambda d: d.strftime("%Y-%m-%d %H:%M") if isinstance(d, dt.datetime) else "—"
    return env


def _pick(text: Any, lang: str) -> str:
    """A {zh, en} pair (dict or object) in the page's language."""
    key = "zh" if lang == "zh-CN" else "en"
    if isinstance(text, dict):
        return str(text.get(key, ""))
    return str(getattr(text, key, text))


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    lang = request_lang(request)
    csrf = getattr(request.state, "csrf", "")
    principal = getattr(request.state, "principal", None)
    html = environment(lang).get_template(template).render(
        request=request, csrf_token=csrf, me=principal, path=request.url.path, **context)
    return HTMLResponse(html, status_code=status)


def render_error(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status=status, status_code=status, message=message)
