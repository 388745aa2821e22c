"""HTML rendering of sealed reports with Jinja2; zh-CN by default, English on request."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from redline.domain.judgements import question_words
from redline.i18n import DEFAULT_LANGUAGE, translations
from redline.words import findings, labels
from redline.words.deadlines import due_words
from redline.words.labels import label


@cache
def environment(lang: str) -> Environment:
    """The reports' Jinja environment in `lang`: the catalogue's words and the labels of stored codes."""
    env = Environment(
        loader=PackageLoader("redline.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    trans = translations(lang)
    env.install_gettext_translations(trans, newstyle=True)  # type: ignore[attr-defined]
    zh = lang == "zh-CN"
    env.globals.update(
        lang=lang,
        lang_key="zh" if zh else "en",
        status_label=lambda s: label(labels.ANSWERS, s, lang),
        conclusion_label=lambda c: label(labels.CONCLUSIONS, c, lang),
        severity_label=lambda s: label(labels.SEVERITIES, s, lang),
        assessor_label=lambda k: label(labels.ASSESSORS, k, lang),
        finding_text=lambda f: findings.text_of(f, lang),
        cite_label=lambda q: q["label_zh"] if zh else q["label_en"],
        quote_title=lambda q: _quote_title(q, zh),
        place_name=lambda provider: _place_name(provider, zh),
        due_label=lambda due: due_words(str(due["rule"]), due["date"], lang),
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


def render_report_html(report: dict[str, Any], lang: str = DEFAULT_LANGUAGE) -> str:
    return environment(lang).get_template("assessment_report.html.j2").render(r=report)


def render_probe_html(document: dict[str, Any], lang: str = DEFAULT_LANGUAGE) -> str:
    """A probe run's results for people; charts (such as log coverage) are drawn here from the run's numbers,
    never taken from the document, which may be anyone's upload."""
    from redline.reports.probe_charts import coverage_chart

    coverage = coverage_chart(document.get("summary"))
    return environment(lang).get_template("probe_run.html.j2").render(d=document, coverage=coverage)
