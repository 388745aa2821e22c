"""The `redline` command as a user runs it: a real process, real files, real exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT

Write = Callable[[str, str], Path]
REDLINE = Path(sys.executable).with_name("redline")


def redline(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    return subprocess.run(
        [str(REDLINE), *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, timeout=120, check=False
    )


def assert_user_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


SERVICE = """\
provider:
  name: 测试公司
  location: "330106"
service:
  name: 测试
  capabilities: [forum]
"""


def test_check_prints_the_obligations_as_json(write: Write) -> None:
    service = write("service.yaml", SERVICE)
    change = write("change.yaml", "kind: launch\ndate: 2026-04-01\n")
    result = redline("check", service, "--change", change, "--json", "--as-of", "2026-03-01")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    (ob,) = [o for o in data["obligations"] if o["trigger_id"] == "sa2018-3-1"]
    assert ob["due"]["date"] == "2026-04-01" and ob["due"]["strictly_before"] is True
    assert ob["quotes"][0]["text"] == "具有舆论属性或社会动员能力的信息服务上线，或者信息服务增设相关功能的"


def test_check_prints_a_table_in_chinese_by_default_and_english_on_request(write: Write) -> None:
    service = write("service.yaml", SERVICE)
    change = write("change.yaml", "kind: launch\ndate: 2026-04-01\n")
    zh = redline("check", service, "--change", change)
    assert zh.returncode == 0 and "信息服务上线或者增设相关功能的安全评估" in zh.stdout
    assert "杭州市网信部门" in zh.stdout
    en = redline("check", service, "--change", change, "--lang", "en")
    assert "The change launches a service, or adds a function" in en.stdout


@pytest.mark.parametrize(
    ("service_text", "change_text", "fragments"),
    [
        (SERVICE, "kind: launch\n\tdate: 2026-04-01\n", ["change.yaml:2", "YAML syntax error"]),
        (
            SERVICE,
            "kind: launch\ndate: 2026-04-01\ncolour: red\n",
            ["change.yaml:3", "field 'colour'", "unknown field"],
        ),
        (
            SERVICE.replace("[forum]", "[forum, telepathy]"),
            "kind: launch\ndate: 2026-04-01\n",
            ["service.yaml:6", "service.capabilities.1", "unknown capability 'telepathy'"],
        ),
        (SERVICE, "kind: launch\ndate: 2026-02-30\n", ["change.yaml:2", "2026-02-30"]),
        (SERVICE, "kind: launch\ndate: tomorrow\n", ["change.yaml:2", "field 'date'"]),
        (SERVICE, "kind: add_capability\ndate: 2026-04-01\n", ["field 'capabilities'", "needs 'capabilities'"]),
        (SERVICE, "kind: teleport\ndate: 2026-04-01\n", ["change.yaml:1", "field 'kind'"]),
        (
            SERVICE.replace('"330106"', '"999999"'),
            "kind: launch\ndate: 2026-04-01\n",
            ["service.yaml:3", "provider.location", "999999"],
        ),
    ],
)
def test_bad_input_gets_one_clear_message_and_exit_code_2(
    write: Write, service_text: str, change_text: str, fragments: list[str]
) -> None:
    service = write("service.yaml", service_text)
    change = write("change.yaml", change_text)
    assert_user_error(redline("check", service, "--change", change), *fragments)


def test_change_given_twice_evaluates_both_files(write: Write) -> None:
    service = write("service.yaml", SERVICE)
    first = write("a.yaml", "kind: launch\ndate: 2026-04-01\n")
    second = write("b.yaml", "date: 2026-05-06\nharmful_incident: true\n")
    result = redline("check", service, "--change", first, "--change", second, "--json", "--as-of", "2026-03-01")
    assert result.returncode == 0, result.stderr
    launch, incident = json.loads(result.stdout)
    assert "sa2018-3-1" in {o["trigger_id"] for o in launch["obligations"]}
    assert [o["trigger_id"] for o in incident["obligations"]] == ["sa2018-3-4"]
    table = redline("check", service, "--change", first, "--change", second, "--lang", "en")
    assert "2026-04-01" in table.stdout and "2026-05-06" in table.stdout
    assert "harmful information spread" in table.stdout


def test_a_service_without_public_opinion_attributes_is_told_why_in_the_words_of_article_2(write: Write) -> None:
    service = write("service.yaml", SERVICE.replace("[forum]", "[information_lookup]\n  user_content: false"))
    change = write("change.yaml", "kind: launch\ndate: 2026-04-01\n")
    result = redline("check", service, "--change", change, "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "Public-opinion attributes (Art. 2): no" in result.stdout
    assert "users cannot publish or spread content" in result.stdout and "tagged" not in result.stdout


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    assert_user_error(redline("check", missing, "--change", missing), "nope.yaml", "file not found")


def test_a_bad_option_is_a_usage_error(write: Write) -> None:
    service = write("service.yaml", SERVICE)
    result = redline("check", service)
    assert result.returncode == 2 and "--change" in result.stderr


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    target = tmp_path / "photo"
    shutil.copytree(EXAMPLES / "photo-faceswap", target)
    return target


def test_assess_init_writes_a_questionnaire_for_the_applicable_checklists(photo: Path) -> None:
    out = photo / "q.yaml"
    result = redline("assess", "init", photo / "service.yaml", "--change", photo / "change.yaml", "-o", out)
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "dsm2022-15-tool-security-assessment:" in text and "sa2018-5-1-security-lead:" in text
    assert "[未核实 unverified]" in text  # Art. 5 is held as unverified text, and says so
    again = redline("assess", "init", photo / "service.yaml", "-o", out)
    assert_user_error(again, "already exists")


def test_a_fresh_questionnaire_makes_only_a_draft(photo: Path) -> None:
    out = photo / "q.yaml"
    assert redline("assess", "init", photo / "service.yaml", "-o", out).returncode == 0
    report = photo / "draft.json"
    assert_user_error(redline("assess", "report", out, "--format", "json", "-o", report), "have no status", "--draft")
    assert not report.exists()
    result = redline("assess", "report", out, "--format", "json", "-o", report, "--draft")
    assert result.returncode == 0, result.stderr
    assert json.loads(report.read_text(encoding="utf-8"))["conclusion"]["result"] == "incomplete"


def test_report_json_and_html_carry_the_same_digest_and_verify(photo: Path) -> None:
    js, html = photo / "r.json", photo / "r.html"
    assert redline("assess", "report", photo / "answers.yaml", "-f", "json", "-o", js).returncode == 0
    assert redline("assess", "report", photo / "answers.yaml", "-o", html).returncode == 0
    digest = json.loads(js.read_text(encoding="utf-8"))["seal"]["digest"]
    assert digest in html.read_text(encoding="utf-8")
    ok = redline("report", "verify", js)
    assert ok.returncode == 0 and digest in ok.stdout
    js.write_text(js.read_text(encoding="utf-8").replace("拾光相册", "拾光相冊"), encoding="utf-8")
    broken = redline("report", "verify", js)
    assert broken.returncode == 1 and "seal broken" in broken.stderr


def test_a_bad_answers_file_writes_nothing(photo: Path) -> None:
    answers = photo / "answers.yaml"
    answers.write_text(
        answers.read_text(encoding="utf-8").replace("status: partly_met", "status: mostly"), encoding="utf-8"
    )
    out = photo / "r.html"
    assert_user_error(redline("assess", "report", answers, "-o", out), "answers.yaml:", "status")
    assert not out.exists()
    assert not list(photo.glob(".r.html.*"))


def test_rules_lint_passes_and_reports_unverified_text() -> None:
    result = redline("rules", "lint")
    assert result.returncode == 0, result.stderr
    assert "0 error(s)" in result.stdout and "unverified" in result.stdout


def test_rules_lint_fails_with_exit_1_on_a_broken_rulebook(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "src" / "redline" / "rulebook" / "data", data)
    triggers = data / "triggers.yaml"
    triggers.write_text(
        triggers.read_text(encoding="utf-8").replace(
            "地市级以上网信部门或者公安机关书面通知", "地市级以上网信部门书面通知", 1
        ),
        encoding="utf-8",
    )
    result = redline("rules", "lint", "--data", data)
    assert result.returncode == 1
    assert "trigger sa2018-3-5" in result.stderr and "not verbatim" in result.stderr


def test_rules_show_a_clause_and_a_regulation() -> None:
    clause = redline("rules", "show", "sa2018:3(5)", "--json")
    assert clause.returncode == 0
    assert json.loads(clause.stdout)["label"] == "第三条第（五）项"
    reg = redline("rules", "show", "sa2018")
    assert "第三条" in reg.stdout and "未核实" in reg.stdout
    assert_user_error(redline("rules", "show", "nothing-here"), "nothing called 'nothing-here'")


def test_the_demo_writes_the_example_reports_and_names_every_party_in_both_languages(tmp_path: Path) -> None:
    env = {**os.environ, "REDLINE_DEMO_OUT": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "run_demo.py")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    reports = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.glob("*/report.json"))
    assert reports == [
        f"{n}/report.json"
        for n in (
            "chatbot-genai",
            "forum-aigc",
            "model-supporter",
            "news-growth",
            "offshore-genai",
            "photo-faceswap",
            "shop-community",
            "voice-social",
        )
    ]
    results = {
        p.parent.name: json.loads(p.read_text(encoding="utf-8"))["conclusion"]["result"]
        for p in tmp_path.glob("*/report.json")
    }
    assert results == {
        "chatbot-genai": "compliant",
        "news-growth": "not_compliant",
        "photo-faceswap": "rectification_required",
        "voice-social": "rectification_required",
        "forum-aigc": "compliant",
        "model-supporter": "compliant",
        "offshore-genai": "compliant",
        "shop-community": "compliant",
    }
    # every party the rules address, and a judgement still open, named in both languages
    for zh, en in (
        ("技术支持者", "technical supporter"),
        ("网络信息内容传播平台", "platform that spreads content"),
        ("互联网应用程序分发平台", "app distribution platform"),
        ("由主管部门确定", "to be determined by the competent authority"),
        ("待判断", "depends on judgement"),
    ):
        assert zh in "".join(result.stdout.split()) and en in " ".join(result.stdout.split()), (zh, en)


def test_check_refuses_a_claimed_growth_with_fewer_users_after_naming_file_line_and_field(write: Write) -> None:
    service = write("service.yaml", SERVICE)
    change = write("change.yaml", "kind: user_growth\ndate: 2026-04-01\nmau_before: 2000000\nmau_after: 1500000\n")
    assert_user_error(redline("check", service, "--change", change), "change.yaml:4", "mau_after", "not growth")
