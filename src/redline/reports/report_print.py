"""The sealed assessment report laid out for paper: a cover, the contents, one block per checklist item, and a
signature and seal block (rendered to PDF by reports/pdf.py).

The printed form shows what the sealed JSON holds and nothing else; it is a rendering, so the seal does not
change. Statutes are listed once, numbered, and cited by number ([1] 第五条第（一）项), so a long title is not
printed again under every item. Quoted statute text stays in Chinese in every language: it is the only
authentic text redline holds, and a translation of our own would be no quote.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from redline.i18n import DEFAULT_LANGUAGE
from redline.reports.html import environment
from redline.words.dates import long_date

CHINESE_DIGITS = "零一二三四五六七八九"


class Statute(BaseModel):
    """A regulation cited somewhere in the report, with the number it is cited by."""

    number: int
    title_zh: str
    title_en: str


def _quotes(value: Any) -> Iterator[dict[str, Any]]:
    """Every cited quote in `value`, in an order that does not depend on how the JSON was written."""
    if isinstance(value, dict):
        if "cite" in value and "regulation_title_zh" in value:
            yield value
            return
        for key in sorted(value):
            yield from _quotes(value[key])
    elif isinstance(value, list):
        for element in value:
            yield from _quotes(element)


def statute_key(quote: dict[str, Any]) -> str:
    """The regulation a quote is from: the part of its citation before the colon (`sa2018` of `sa2018:5(1)`)."""
    return str(quote["cite"]).split(":", 1)[0]


def statutes_cited(report: dict[str, Any]) -> dict[str, Statute]:
    """The regulations the report cites, numbered in the order the printed report first cites them."""
    found: dict[str, Statute] = {}
    for part in ("structure_basis", "measures", "other"):
        for quote in _quotes(report.get(part)):
            key = statute_key(quote)
            if key not in found:
                found[key] = Statute(
                    number=len(found) + 1,
                    title_zh=str(quote["regulation_title_zh"]),
                    title_en=str(quote.get("regulation_title_en") or ""),
                )
    return found


def report_number(digest: str) -> str:
    """The report's number: the first 16 hex digits of its seal, in groups of four (anyone holding the JSON
    report can work it out again)."""
    head = digest[:16].upper()
    return "-".join(head[i : i + 4] for i in range(0, len(head), 4))


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (up to 99)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CHINESE_DIGITS[tens] + "十")
    return head + ("" if ones == 0 else CHINESE_DIGITS[ones])


def part_mark(n: int, lang: str) -> str:
    """The mark of the n-th checklist within section 2: （一） in Chinese, 2.1 in English."""
    return f"（{chinese_numeral(n)}）" if lang == "zh-CN" else f"2.{n}"


def seal_organisation(report: dict[str, Any]) -> str:
    """Whose seal goes on the report: the third-party assessor's organisation, else the provider."""
    assessor = report["assessment"]["assessor"]
    if assessor.get("kind") == "third_party" and assessor.get("organisation"):
        return str(assessor["organisation"])
    return str(report["provider"]["name"])


def render_print_html(report: dict[str, Any], lang: str = DEFAULT_LANGUAGE) -> str:
    """The report as print HTML (A4), for WeasyPrint."""
    statutes = statutes_cited(report)
    return (
        environment(lang)
        .get_template("assessment_report_print.html.j2")
        .render(
            r=report,
            statutes=sorted(statutes.values(), key=lambda s: s.number),
            statute_number=lambda q: statutes[statute_key(q)].number,
            date_words=lambda value: long_date(value, lang),
            part_mark=lambda n: part_mark(n, lang),
            report_number=report_number(str(report["seal"]["digest"])),
            seal_organisation=seal_organisation(report),
        )
    )
