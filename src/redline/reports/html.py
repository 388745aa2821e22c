"""HTML rendering of sealed reports with Jinja2; zh-CN by default, English on request."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from redline.domain.judgements import question_words
from redline.i18n import DEFAULT_LANGUAGE, translations

_STATUS: dict[str | None, str] = {"met": "Met", "partly_met": "Partly met", "not_met": "Not met",
           "not_applicable": "Not applicable", None: "Unanswered"}
_CONCLUSION = {"compliant": "Compliant",
               "rectification_required": "Compliant in the main: the items found are to be rectified without delay",
               "not_compliant": "Not compliant: hidden dangers must be rectified before a report is formed",
               "incomplete": "Incomplete: items remain unanswered"}
_SEVERITY = {"low": "Low", "medium": "Medium", "high": "High", "critical": "Critical"}
_ASSESSOR = {"self": "Self-assessment", "third_party": "Third-party assessor"}
_DUE_RULE = {"before_event": "Before {date}", "ongoing": "From {date}, continuously",
             "unspecified": "No date set by the text"}


@cache
def _environment(lang: str) -> Environment:
    env = Environment(loader=PackageLoader("redline.reports", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), undefined=StrictUndefined,
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
    trans = translations(lang)
    env.install_gettext_translations(trans, newstyle=True)  # type: ignore[attr-defined]
    gettext = trans.gettext
    zh = lang == "zh-CN"
    env.globals.update(
        lang=lang,
        lang_key="zh" if zh else "en",
        status_label=lambda s: gettext(_STATUS.get(s, str(s))),
        conclusion_label=lambda c: gettext(_CONCLUSION.get(c, str(c))),
        severity_label=lambda s: gettext(_SEVERITY.get(s, str(s))),
        assessor_label=lambda k: gettext(_ASSESSOR.get(k, str(k))),
        cite_label=lambda q: q["label_zh"] if zh else q["label_en"],
        quote_title=lambda q: _quote_title(q, zh),
        place_name=lambda provider: _place_name(provider, zh),
        due_label=lambda due: _due_label(gettext, due),
        question_label=lambda q: question_words(q, zh),
    )
    return env


def _quote_title(quote: dict[str, Any], zh: bool) -> str:
    """《中文标题》 in Chinese; the English title in English (reports sealed before it was kept: Chinese)."""
    english = quote.get("regulation_title_en")
    return str(english) if english and not zh else f"《{quote['regulation_title_zh']}》"


def _place_name(provider: dict[str, Any], zh: bool) -> str:
    """The provider's place in the page's language (pinyin in English, when the report holds it)."""
    english = provider.get("location_name_en")
    return str(english) if english and not zh else str(provider["location_name"])


def _due_label(gettext: Any, due: dict[str, Any]) -> str:
    if due["rule"] in _DUE_RULE:
        return str(gettext(_DUE_RULE[due["rule"]]).format(date=due["date"]))
    return str(gettext("By {date}").format(date=due["date"]))


def render_report_html(report: dict[str, Any], lang: str = DEFAULT_LANGUAGE) -> str:
    return _environment(lang).get_template("assessment_report.html.j2").render(r=report)


def render_probe_html(document: dict[str, Any], lang: str = DEFAULT_LANGUAGE) -> str:
    """A probe run's results for people; charts (such as log coverage) are drawn here from the run's numbers,
    never taken from the document, which may be anyone's upload."""
    from redline.reports.probe_charts import coverage_chart

    coverage = coverage_chart(document.get("summary"))
    return _environment(lang).get_template("probe_run.html.j2").render(d=document, coverage=coverage)
