"""Output honesty: an obligation resting on unverified statute text says so in every format and language.

Facts: 测试论坛 of a company in 杭州市西湖区 (330106) launches a forum on 2026-04-01. Art. 3(1) of the
2018 rule (具有舆论属性或社会动员能力的互联网信息服务安全评估规定) makes a security assessment due; that the
report is due *before* the launch rests on Art. 7 para. 2, which redline holds only as a recollection
(no published source held): “应当在信息服务、新技术新应用上线或者功能增设前提交安全评估报告”. Every
rendering of that obligation must carry the unverified mark next to that quote: the terminal in zh-CN and
en (where Rich once swallowed “[unverified]” as a markup tag), JSON, the HTML report, the PDF report
(as pdftotext reads it) and the platform's filing page in both languages.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from redline.store.models import Service
from tests.e2e.conftest import Live

REDLINE = Path(sys.executable).with_name("redline")
ART_7_2 = "应当在信息服务、新技术新应用上线或者功能增设前提交安全评估报告"
MARK = {
    "terminal-zh": "[未核实]",
    "terminal-en": "[unverified]",
    "html-zh": "（条文未经核实）",
    "html-en": "(unverified text)",
}
SERVICE = """\
provider:
  name: 测试公司
  location: "330106"
service:
  name: 测试论坛
  capabilities: [forum]
basic_info:
  functions: [论坛]
  scope: 中国境内互联网用户
  facilities: 云服务器 2 台
  deployment: 华东云
  licences: [ICP 备案（虚构）]
"""
CHANGE = "kind: launch\ndate: 2026-04-01\ndescription: 论坛上线\n"


def redline(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    result = subprocess.run(
        [str(REDLINE), *map(str, args)], capture_output=True, text=True, env=env, timeout=180, check=False
    )
    assert result.returncode == 0, result.stderr
    return result


def _squeeze(text: str) -> str:
    """Text without whitespace: terminals and PDFs break lines where they wrap them."""
    return re.sub(r"\s+", "", text)


def _page_text(markup: str) -> str:
    return _squeeze(html.unescape(re.sub(r"<[^>]+>", "", markup)))


def assert_marked(text: str, mark: str) -> None:
    """The Art. 7(2) quote is followed, within its own line, by the unverified mark."""
    flat = _squeeze(text)
    at = flat.find(ART_7_2)
    assert at >= 0, f"the Art. 7(2) quote is missing:\n{text}"
    assert _squeeze(mark) in flat[at : at + len(ART_7_2) + 40], f"no {mark!r} after the Art. 7(2) quote:\n{text}"


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("honest")
    (folder / "service.yaml").write_text(SERVICE, encoding="utf-8")
    (folder / "change.yaml").write_text(CHANGE, encoding="utf-8")
    redline(
        "assess", "init", folder / "service.yaml", "--change", folder / "change.yaml", "-o", folder / "answers.yaml"
    )
    redline("assess", "report", folder / "answers.yaml", "--draft", "--format", "json", "-o", folder / "report.json")
    return folder


def _terminal(lang: str) -> Callable[[Path], str]:
    return lambda case: (
        redline(
            "check", case / "service.yaml", "--change", case / "change.yaml", "--as-of", "2026-03-01", "--lang", lang
        ).stdout
    )


def _html(lang: str) -> Callable[[Path], str]:
    def render(case: Path) -> str:
        redline("assess", "report", case / "answers.yaml", "--draft", "--lang", lang, "-o", case / f"r-{lang}.html")
        return _page_text((case / f"r-{lang}.html").read_text(encoding="utf-8"))

    return render


def _pdf(lang: str) -> Callable[[Path], str]:
    def render(case: Path) -> str:
        from redline.reports.pdf import cjk_font_available

        if shutil.which("pdftotext") is None or not cjk_font_available():
            pytest.skip("pdftotext (poppler-utils) or the Noto CJK font is missing")
        redline("pdf", "report", case / "report.json", "--lang", lang, "-o", case / f"r-{lang}.pdf")
        return subprocess.run(
            ["pdftotext", str(case / f"r-{lang}.pdf"), "-"], capture_output=True, text=True, check=True, timeout=120
        ).stdout

    return render


@pytest.mark.parametrize(
    ("fmt", "render"),
    [
        pytest.param("terminal-zh", _terminal("zh-CN"), id="terminal-zh"),
        pytest.param("terminal-en", _terminal("en"), id="terminal-en"),
        pytest.param("html-zh", _html("zh-CN"), id="html-zh"),
        pytest.param("html-en", _html("en"), id="html-en"),
        pytest.param("pdf-zh", _pdf("zh-CN"), id="pdf-zh"),
        pytest.param("pdf-en", _pdf("en"), id="pdf-en"),
    ],
)
def test_the_unverified_deadline_basis_is_marked_in_the_terminal_and_the_reports(
    case: Path, fmt: str, render: Callable[[Path], str]
) -> None:
    shown = render(case)
    assert_marked(shown, MARK[fmt.replace("pdf", "html")])
    assert "\\[" not in shown  # the mark as written, never with the escape that keeps it from Rich


def test_the_unverified_deadline_basis_is_marked_in_json(case: Path) -> None:
    data = json.loads(redline("check", case / "service.yaml", "--change", case / "change.yaml", "--json").stdout)
    (ob,) = [o for o in data["obligations"] if o["trigger_id"] == "sa2018-3-1"]
    assert [(q["cite"], q["status"]) for q in ob["due_quotes"]] == [("sa2018:7.2", "unverified")]
    report = json.loads((case / "report.json").read_text(encoding="utf-8"))
    (ob,) = [o for o in report["other"]["change_and_obligations"]["obligations"] if o["trigger_id"] == "sa2018-3-1"]
    assert [(q["cite"], q["status"]) for q in ob["due_quotes"]] == [("sa2018:7.2", "unverified")]


def test_the_unverified_deadline_basis_is_marked_on_the_platforms_filing_page(live: Live) -> None:
    with live.ctx.reader() as uow:
        service_id = uow.session.scalars(select(Service.id).where(Service.name == "声浪 SoundWave")).one()
    change = {"kind": "add_capability", "date": "2026-12-15", "capabilities": ["forum"]}
    created = live.api("hz-admin").post("/api/v1/filings", json={"service_id": service_id, "change": change})
    assert created.status_code == 201, created.text
    client = live.browser_login("hz-admin")
    assert_marked(_page_text(client.get(f"/filings/{created.json()['id']}").text), MARK["html-zh"])
    client.get("/lang/en?next=/")
    assert_marked(_page_text(client.get(f"/filings/{created.json()['id']}").text), MARK["html-en"])


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_a_name_that_looks_like_markup_is_printed_as_written(tmp_path: Path, lang: str) -> None:
    name = "论坛 [bold]Forum[/bold] [unverified] \\"
    service = tmp_path / "service.yaml"
    service.write_text(SERVICE.replace("name: 测试论坛", f"name: '{name}'"), encoding="utf-8")
    (tmp_path / "change.yaml").write_text(CHANGE, encoding="utf-8")
    printed = redline("check", service, "--change", tmp_path / "change.yaml", "--lang", lang).stdout
    assert name in printed


def test_english_output_names_the_recipients_place_in_pinyin_and_cites_english_titles(case: Path) -> None:
    # A provider in 西湖区 reports to the CAC office and the public-security organ of 杭州市 (Art. 7 para. 1).
    printed = _terminal("en")(case)
    assert "the CAC office of Hangzhou" in printed and "the public-security organ of Hangzhou" in printed
    assert "杭州" not in printed and "《" not in printed
    assert "Provisions on the Security Assessment of Internet Information Services" in printed
    data = json.loads(redline("check", case / "service.yaml", "--change", case / "change.yaml", "--json").stdout)
    (ob,) = [o for o in data["obligations"] if o["trigger_id"] == "sa2018-3-1"]
    assert [a["name"]["en"] for a in ob["recipients"]] == [
        "the CAC office of Hangzhou (prefecture level or above)",
        "the public-security organ of Hangzhou (prefecture level or above)",
    ]
    assert [a["name"]["zh"] for a in ob["recipients"]] == [
        "杭州市网信部门（所在地地市级以上）",
        "杭州市公安机关（所在地地市级以上）",
    ]
    html_en = _html("en")(case)
    assert "杭州" not in html_en and "《" not in html_en
    assert "XihuDistrict,Hangzhou,ZhejiangProvince(330106)" in html_en  # the page text, whitespace squeezed
