"""The sealed assessment report on paper, read back the way a reader meets it: page by page, with pypdf.

A realistic report (examples/voice-social: 25 checklist items, a finding, a triggered obligation) is printed in
Chinese and in English. An official document has a cover, contents that point to the right pages, every item
with its basis, result, evidence and findings, a place to sign and seal, and no program codes; it is not
twenty pages of a column two characters wide.

Needs WeasyPrint's system libraries and Debian `fonts-noto-cjk`; skips with the reason when one is missing.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from typing import Any

import pytest

from redline.reports.document import build_report
from redline.reports.pdf import report_pdf
from redline.rulebook.book import Rulebook
from redline.services.assessment.assessing import run_assessment
from tests.conftest import EXAMPLES
from tests.unit.test_pdf import _squeeze, pytestmark  # noqa: F401 - skipped where the PDF tests skip

pypdf = pytest.importorskip("pypdf")


CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")
READABLE = 50  # half-width characters a wrapped line holds at the least (25 Chinese ones); A4 holds about 110

# What a reader of each language expects to find, written out here rather than taken from the catalogue.
WORDS: dict[str, dict[str, Any]] = {
    "zh-CN": {
        "title": "互联网信息服务安全评估报告",
        "contents": "目录",
        "trigger": "增设功能：一对一语音聊天",
        "obligation": "信息服务上线或者增设相关功能的安全评估",
        "date": "2026年11月24日",
        "number": "报告编号",
        "parts": [
            "一、互联网信息服务的基本情况和相关证照获取情况",
            "二、安全管理制度和技术措施落实情况及风险防控效果",
            "三、安全评估结论",
            "四、其他应当说明的相关情况",
            "签署与盖章",
        ],
        "results": {"met": "符合", "partly_met": "部分符合", "not_met": "不符合", "not_applicable": "不适用"},
        "signoff": [
            "签署与盖章",
            "评估人（签字）",
            "负责人（签字）",
            "签署日期",
            "单位（盖章）",
            "redline report verify",
        ],
    },
    "en": {
        "title": "Security assessment report",
        "contents": "Contents",
        "trigger": "adds: one-to-one voice chat",
        "obligation": "Security assessment for launching a service, or adding a function, with public-opinion "
        "attributes",
        "date": "November 24, 2026",
        "number": "Report number",
        "parts": [
            "1. Basic information of the service",
            "2. Security management systems, technical measures and their effect",
            "3. Conclusion of the security assessment",
            "4. Other matters",
            "Signatures and seal",
        ],
        "results": {"met": "Met", "partly_met": "Partly met", "not_met": "Not met", "not_applicable": "Not applicable"},
        "signoff": [
            "Signatures and seal",
            "Assessor's signature",
            "Signature of the person in charge",
            "Date signed",
            "Seal of the organisation",
            "redline report verify",
        ],
    },
}


@dataclass(frozen=True)
class Printed:
    lang: str
    pages: list[str]

    @property
    def key(self) -> str:
        return "zh" if self.lang == "zh-CN" else "en"

    @property
    def words(self) -> dict[str, Any]:
        return WORDS[self.lang]

    @property
    def text(self) -> str:
        return "\n".join(self.pages)

    @property
    def lines(self) -> list[str]:
        return [line for page in self.pages for line in page.splitlines()]


def _items(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for measure in report["measures"] for item in measure["items"]]


@pytest.fixture(scope="module")
def report(book: Rulebook) -> dict[str, Any]:
    return build_report(book, run_assessment(book, EXAMPLES / "voice-social" / "answers.yaml"))


@pytest.fixture(scope="module", params=["zh-CN", "en"])
def printed(request: pytest.FixtureRequest, report: dict[str, Any]) -> Printed:
    reader = pypdf.PdfReader(io.BytesIO(report_pdf(report, request.param)))
    return Printed(request.param, [page.extract_text() for page in reader.pages])


def test_the_report_runs_to_about_a_page_for_every_four_items(report: dict[str, Any], printed: Printed) -> None:
    items = len(_items(report))
    assert items >= 20, "the example should be a realistic report"
    assert len(printed.pages) <= math.ceil(items / 4) + 3, len(printed.pages)


def test_the_cover_says_what_was_assessed_when_why_and_under_which_seal(
    report: dict[str, Any], printed: Printed
) -> None:
    cover, words = _squeeze(printed.pages[0]), printed.words
    digest = report["seal"]["digest"]
    for expected in (
        words["title"],
        report["provider"]["name"],
        report["service"]["name"],
        words["trigger"],
        words["obligation"],
        words["date"],
        report["generator"]["rulebook"],
        digest,
    ):
        assert _squeeze(expected) in cover, expected
    number = re.search(re.escape(_squeeze(words["number"])) + r"([0-9A-F]{4}(?:-[0-9A-F]{4}){3})", cover)
    assert number, "no report number on the cover"
    assert digest.startswith(number.group(1).replace("-", "").lower()), "the report number is not the seal's head"
    assert _squeeze(words["contents"]) not in cover, "the cover is a page of its own"


def _contents(page: str) -> dict[str, int]:
    """The entries of a contents page (title → page number); a title may wrap onto a second line."""
    entries: dict[str, int] = {}
    title = ""
    for line in page.splitlines():
        listed = re.fullmatch(r"(.*?)\s*\.{3,}\s*(\d+)\s*", line)
        if listed:
            entries[_squeeze(title + listed.group(1))] = int(listed.group(2))
            title = ""
        else:
            title += line
    return entries


def test_the_contents_point_to_the_pages_the_parts_start_on(printed: Printed) -> None:
    toc_page = next(n for n, page in enumerate(printed.pages, start=1) if printed.words["contents"] in page)
    contents = _contents(printed.pages[toc_page - 1])
    for part in printed.words["parts"]:
        page = next((n for title, n in contents.items() if title.endswith(_squeeze(part))), None)
        assert page is not None, f"{part} is not in the contents: {contents}"
        # on the contents page itself the heading is there twice: in the list and in the text
        times = _squeeze(printed.pages[page - 1]).count(_squeeze(part))
        assert times >= (2 if page == toc_page else 1), f"{part} does not start on page {page}"


def test_every_item_is_printed_with_its_basis_result_reason_evidence_and_findings(
    report: dict[str, Any], printed: Printed
) -> None:
    text = _squeeze(printed.text)
    items = _items(report)
    starts: list[int] = []
    for item in items:
        at = text.find(_squeeze(item["question"][printed.key]), starts[-1] + 1 if starts else 0)
        assert at >= 0, f"item {item['id']} is missing, or out of order"
        starts.append(at)
    ends = [*starts[1:], text.find(_squeeze(printed.words["parts"][2]), starts[-1])]
    for item, start, end in zip(items, starts, ends, strict=True):
        block = text[start:end]
        assert _squeeze(printed.words["results"][item["status"]]) in block, item["id"]
        for quote in item["citations"]:
            assert _squeeze(quote[f"label_{printed.key}"]) in block and _squeeze(quote["text"]) in block, item["id"]
        for evidence in item["evidence"]:
            assert evidence["sha256"] in block and _squeeze(evidence["file"]) in block, item["id"]
        for finding in item["findings"]:
            assert _squeeze(finding["text"]) in block, item["id"]
        assert _squeeze(item["reason"]) in block
    assert any(item["findings"] for item in items), "the example should have a finding to show"


def test_the_report_closes_with_signatures_the_organisations_seal_and_how_to_check_it(
    report: dict[str, Any], printed: Printed
) -> None:
    last = _squeeze(printed.pages[-1])
    for expected in [*printed.words["signoff"], report["provider"]["name"], report["seal"]["digest"]]:
        assert _squeeze(expected) in last, expected
    assert last.index(_squeeze(printed.words["parts"][-1])) > 0


def test_no_program_code_is_printed(report: dict[str, Any], printed: Printed) -> None:
    assert CODE.findall(printed.text) == []
    assert not re.search(r"\bNone\b|\bnull\b", printed.text)
    codes = [report["other"]["change_and_obligations"]["change"]["kind"], report["conclusion"]["result"]]
    codes += [c["id"] for c in report["service"]["capabilities"]]
    assert [code for code in codes if code in printed.text] == []


def _given(report: dict[str, Any]) -> list[str]:
    """Words the provider wrote themselves, printed as given in every language."""
    assessment, conclusion = report["assessment"], report["conclusion"]
    found = [report["provider"]["name"], report["service"]["name"], report["service"]["description"]]
    found += [assessment["assessor"]["name"], assessment["assessor"]["organisation"], conclusion["statement"]]
    for value in report["basic_information"].values():
        found += value if isinstance(value, list) else [value]
    for item in _items(report):
        found += [item["reason"], *(f["text"] for f in item["findings"])]
        found += [part for e in item["evidence"] for part in (e["file"], e["description"])]
    found.append(report["other"]["change_and_obligations"]["change"]["description"])
    return sorted({_squeeze(str(s)) for s in found if s}, key=len, reverse=True)


def test_english_prints_chinese_only_in_quoted_statutes_and_the_providers_own_words(report: dict[str, Any]) -> None:
    """Decided: quoted statute text (between “ ”) and statute titles (《 》) stay in the original Chinese, the only
    authentic text redline holds; so do the names and answers the provider wrote. Every label is English."""
    reader = pypdf.PdfReader(io.BytesIO(report_pdf(report, "en")))
    text = _squeeze("\n".join(page.extract_text() for page in reader.pages))
    for given in _given(report):
        text = text.replace(given, "")
    text = re.sub(r"“[^”]*”|《[^》]*》", "", text)
    assert CJK.findall(text) == []


def _width(text: str) -> int:
    """Width in half-width characters: a Chinese character is as wide as two Latin ones."""
    return sum(2 if CJK.match(c) else 1 for c in text)


def _set_in(lines: list[str], words: str) -> list[int] | None:
    """How wide a part of `words` each line it is set in holds (None: not found)."""
    target = _squeeze(words)
    for at, line in enumerate(lines):
        here = _squeeze(line)
        if target in here:
            return [_width(target)]
        head = max((k for k in range(4, len(target)) if here.endswith(target[:k])), default=0)
        if not head:
            continue
        got, lengths = target[:head], [_width(target[:head])]
        for following in lines[at + 1 :]:
            part = _squeeze(following)
            rest = target[len(got) :]
            if not part or not (rest.startswith(part) or part.startswith(rest)):
                break
            taken = part[: len(rest)]
            got += taken
            lengths.append(_width(taken))
            if got == target:
                return lengths
    return None


def test_no_text_is_squeezed_into_a_narrow_column(report: dict[str, Any], printed: Printed) -> None:
    """Every line a wrapped question or statute quote is set in, but its last, holds a readable width of text."""
    texts = [item["question"][printed.key] for item in _items(report)]
    texts += [q["text"] for item in _items(report) for q in item["citations"] if len(q["text"]) > 20]
    wrapped = 0
    for text in texts:
        lengths = _set_in(printed.lines, text)
        assert lengths is not None, f"not found as printed: {text}"
        wrapped += len(lengths) > 1
        assert all(n >= READABLE for n in lengths[:-1]), (text, lengths)
    assert wrapped >= 3, "nothing wrapped: the check would pass on any layout"
