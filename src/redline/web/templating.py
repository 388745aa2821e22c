"""Jinja2 for pages: zh-CN by default, English on request, CSRF token in every form."""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Callable, Hashable
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from pydantic import BaseModel

from redline.domain.judgements import question_words
from redline.i18n import DEFAULT_LANGUAGE, LANGUAGES, translations
from redline.rulebook.book import Rulebook
from redline.services.inbox import reading
from redline.services.principal import Principal
from redline.words import findings, labels, pick, rule_changes
from redline.words import inbox as inbox_words
from redline.words.labels import label, name_in
from redline.words.terms import Terms

LANG_COOKIE = "redline_lang"
CSRF_COOKIE = "redline_csrf"


def request_lang(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def code_spans(text: object) -> Markup:
    """A text with `names` in backticks, shown as code; everything else escaped as usual."""
    parts = str(text).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: show the text as it is
        return escape(str(text))
    return Markup("").join(Markup("<code>{}</code>").format(p) if n % 2 else escape(p) for n, p in enumerate(parts))


@cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=PackageLoader("redline.web", "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    gettext = translations(lang).gettext
    env.globals["_"] = env.globals["gettext"] = _remembered_gettext(gettext)
    env.globals["state_label"] = lambda state: label(labels.STATES, state, lang)
    env.globals["role_label"] = lambda role: label(labels.ROLES, role, lang)
    env.globals["kind_label"] = lambda kind: label(labels.ORGANISATION_KINDS, kind, lang)
    env.globals["authority_label"] = lambda a: label(labels.AUTHORITIES, a, lang)
    env.globals["severity_label"] = lambda sev: label(labels.SEVERITIES, sev, lang)
    env.globals["job_kind"] = lambda kind: label(labels.JOB_KINDS, kind, lang)
    env.globals["job_state"] = lambda state: label(labels.JOB_STATES, state, lang)
    # Data that may have a translation (an error's text): plain gettext, no %-formatting of the text.
    env.globals["data_label"] = lambda text: gettext(str(text))
    # The templates translate these three themselves (`_(action_label(a))`): the English name here.
    env.globals["action_label"] = lambda a: name_in(labels.ACTIONS, a)
    env.globals["answer_label"] = lambda a: name_in(labels.ANSWERS, a or "")
    env.globals["event_label"] = lambda a: name_in(labels.EVENTS, a)
    env.globals["deadline_label"] = lambda k: label(labels.DEADLINES, k, lang)
    env.globals["deadline_kind"] = lambda k: label(labels.DEADLINE_KINDS, k, lang)
    env.globals["technology_label"] = lambda t: label(labels.TECHNOLOGIES, t, lang)
    env.globals["follows_label"] = lambda f: label(rule_changes.FOLLOWS, f, lang)
    env.globals["finding_text"] = lambda f: findings.text_of(f, lang)
    env.globals["finding_kind"] = lambda code: findings.kind_label(str(code), lang)
    env.globals["inbox_kind"] = lambda kind: inbox_words.kind_name(str(kind), lang)
    env.globals["inbox_sentence"] = lambda i: inbox_words.sentence(
        i.kind, lang, reason=i.note, reference=i.document_reference, due=i.due
    )
    env.globals["question_label"] = lambda q: question_words(str(q), lang == "zh-CN")
    env.globals["lang"] = lang
    env.globals["zh"] = lang == "zh-CN"
    env.filters["code_spans"] = code_spans
    env.filters["pick"] = lambda text, key=None: pick(text, lang)
    env.filters["date"] = lambda d: d.isoformat() if isinstance(d, (dt.date, dt.datetime)) else (d or "—")
    env.filters["when"] = lambda d: d.strftime("%Y-%m-%d %H:%M") if isinstance(d, dt.datetime) else "—"
    return env


def _remembered_gettext(gettext: Callable[[str], str]) -> Callable[..., Markup]:
    """Jinja's new-style `_` as the pages use it (every template is HTML, so autoescaped: the translation is
    markup and always a %-format, its variables escaped), with each text's translation looked up once: a
    checklist page says a few hundred texts, and Jinja's own `_` looks each up and formats it every time."""
    formats: dict[str, Markup] = {}
    plain: dict[str, Markup] = {}  # the text said without variables ("%%" read as "%", as Jinja does)

    def translated(text: str, **variables: Any) -> Markup:
        if not variables:
            said = plain.get(text)
            if said is None:
                said = plain[text] = Markup(gettext(text)) % {}
            return said
        found = formats.get(text)
        if found is None:
            found = formats[text] = Markup(gettext(text))
        return found % variables

    return translated


def _table_row_in(value: Any, depth: int = 0) -> str | None:
    """The class name of a database table row found in `value` (looking into lists, dicts, dataclasses and
    pydantic models a few levels deep), or None. A row would load more from the database as the template
    reads it, after its session closed; pages get typed values from the use cases instead."""
    if hasattr(value, "_sa_instance_state"):
        return type(value).__name__
    if depth >= 4 or isinstance(value, (str, bytes, int, float, bool, type(None), dt.date)):
        return None
    if isinstance(value, dict):
        children: Any = value.values()
    elif isinstance(value, list):
        children = value[:1]  # a page's lists hold one kind of value: the first tells (a list of rows is the mistake)
    elif isinstance(value, (tuple, set, frozenset)):
        children = value
    elif isinstance(value, BaseModel):
        children = value.__dict__.values()
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        children = (getattr(value, f.name) for f in dataclasses.fields(value))
    else:
        return None
    for child in children:
        found = _table_row_in(child, depth + 1)
        if found:
            return found
    return None


def _book(request: Request) -> Rulebook | None:
    try:
        ctx = request.app.state.ctx
    except (AttributeError, KeyError):  # a request made outside the app (a unit test)
        return None
    book: Rulebook = ctx.book
    return book


def _unread(request: Request, principal: Principal) -> int:
    """The header's count of unread inbox items, at the data version the request began with."""
    return reading.unread_count(request.app.state.ctx, principal, getattr(request.state, "version", None))


def _refuse_rows(template: str, context: dict[str, Any]) -> None:
    for name, value in context.items():
        row = _table_row_in(value)
        if row:
            raise TypeError(f"{template}: '{name}' holds a {row} table row; pass the use case's typed view")


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(_page(request, template, getattr(request.state, "csrf", ""), context), status_code=status)


def _page(request: Request, template: str, csrf: str, context: dict[str, Any]) -> str:
    _refuse_rows(template, context)
    lang = request_lang(request)
    context.setdefault("terms", Terms(_book(request), lang))
    principal = getattr(request.state, "principal", None)
    if principal is not None and "inbox_unread" not in context:
        context["inbox_unread"] = _unread(request, principal)
    return (
        environment(lang)
        .get_template(template)
        .render(request=request, csrf_token=csrf, me=principal, path=request.url.path, **context)
    )


# Stands for the session's CSRF token in a page kept in the cache, and is replaced by it in each answer. Random
# per process, so no text a user writes into a page can be it.
CSRF_STAND_IN = "csrf-" + secrets.token_hex(16)


def render_cached(
    request: Request, key: Hashable, template: str, context: Callable[[], dict[str, Any]]
) -> HTMLResponse:
    """`template` with `context()`, kept in the page cache while the data version stays the one the request began
    with. `key` must name everything the page shows apart from the data: who asks (their principal: the header
    names them and counts their unread items), the filing, the day, the filter; the language and the path are
    added here. The session's CSRF token is put in on every answer, so a kept page serves each session of its
    user. `context` is called only when the page is not kept: the use cases it calls authorise as always."""
    ctx = request.app.state.ctx
    lang = request_lang(request)

    def compute() -> str:
        return _page(request, template, CSRF_STAND_IN, context())

    full = ("page", template, lang, request.url.path, key)
    html: str = ctx.pages.get_or_compute(full, request.state.version, compute)
    return HTMLResponse(html.replace(CSRF_STAND_IN, getattr(request.state, "csrf", "")))


def render_error(request: Request, status: int, message: str) -> HTMLResponse:
    # no inbox count: an error page must not need the database that may be what failed
    return render(request, "error.html", status=status, status_code=status, message=message, inbox_unread=None)
