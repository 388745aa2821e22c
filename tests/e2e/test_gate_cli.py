"""`redline gate` with a local baseline, as a CI job runs it: real process, real files, exit codes."""

from __future__ import annotations

import json
import socket
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from redline.cli.main import main
from tests.e2e.test_cli import assert_user_error, redline

Write = Callable[[str, str], Path]


@pytest.fixture
def here(capsys: pytest.CaptureFixture[str]) -> Callable[..., subprocess.CompletedProcess[str]]:
    """`redline` run in this process: the same funnel to messages and exit codes, minus the start-up."""

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return subprocess.CompletedProcess([], code, captured.out, captured.err)

    return run


Here = Callable[..., subprocess.CompletedProcess[str]]

BASE = """\
provider:
  name: 杭州声浪网络科技有限公司（虚构）
  location: "330106"
service:
  name: 声浪 SoundWave
  capabilities: [group_chat]
  monthly_active_users: 850000
  technologies: [deep_learning]
"""
WITH_VOICE = BASE.replace("[group_chat]", "[group_chat, voice_chat_room]")


def test_a_manifest_adding_a_voice_chat_room_fails_the_gate_with_exit_1(write: Write) -> None:
    base, manifest = write("baseline.yaml", BASE), write("service.yaml", WITH_VOICE)
    result = redline("gate", manifest, "--baseline", base, "--date", "2026-12-15")
    assert result.returncode == 1, result.stderr
    assert "sa2018-3-1" in result.stdout and "2026-12-15" in result.stdout and "未提交" in result.stdout
    assert "第三条第（一）项" in result.stdout
    assert "gate failed: 1 security assessment(s) due" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_json_names_articles_due_date_and_coverage(write: Write) -> None:
    base, manifest = write("baseline.yaml", BASE), write("service.yaml", WITH_VOICE)
    result = redline("gate", manifest, "--baseline", base, "--date", "2026-12-15", "--json")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["passed"] is False and data["date"] == "2026-12-15" and data["baseline"]["basis"] == "file"
    assert [c["kind"] for c in data["changes"]] == ["add_capability"]
    (ob,) = data["obligations"]
    assert ob["trigger_id"] == "sa2018-3-1" and ob["capabilities"] == ["voice_chat_room"]
    assert ob["coverage"] == "missing" and ob["blocking"] is True and ob["filing"] is None
    assert ob["due"] == {"rule": "before_event", "date": "2026-12-15", "provisional": False}
    assert ob["articles"][0]["cite"] == "sa2018:3(1)" and ob["articles"][0]["status"] in ("verified", "unverified")


def test_an_unchanged_manifest_passes_with_exit_0_in_english(write: Write, here: Here) -> None:
    manifest = write("service.yaml", WITH_VOICE)
    result = here("gate", manifest, "--baseline", manifest, "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "no change" in result.stdout and "PASS" in result.stdout


def test_growth_under_the_default_factor_passes(write: Write, here: Here) -> None:
    base = write("baseline.yaml", BASE)
    manifest = write("service.yaml", BASE.replace("850000", "1600000"))
    result = here("gate", manifest, "--baseline", base, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["obligations"] == []


def test_a_bad_manifest_exits_2_naming_file_line_and_field(write: Write, here: Here) -> None:
    base = write("baseline.yaml", BASE)
    manifest = write("service.yaml", BASE.replace("[deep_learning]", "[deep_learning, telepathy]"))
    result = redline("gate", manifest, "--baseline", base)
    assert_user_error(result, "service.yaml:8", "service.technologies.1", "unknown technology 'telepathy'")
    typo = write("typo.yaml", BASE.replace("  capabilities:", "  capabilites:"))
    # capabilities may be empty now (a service with none of the vocabulary's tagged functions): the typo is
    # reported where it stands
    assert_user_error(here("gate", typo, "--baseline", base), "typo.yaml:6", "service.capabilites", "unknown field")


def test_missing_baseline_or_token_is_a_user_error(write: Write, here: Here, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDLINE_PLATFORM_URL", raising=False)
    monkeypatch.delenv("REDLINE_TOKEN", raising=False)
    manifest = write("service.yaml", WITH_VOICE)
    assert_user_error(here("gate", manifest), "--baseline")
    assert_user_error(here("gate", manifest, "--platform", "http://127.0.0.1:9"), "--token")
    assert_user_error(here("gate", manifest, "--platform", "http://127.0.0.1:9", "--token", "t"), "--service")
    assert_user_error(here("gate", manifest, "--baseline", manifest, "--service", "3"), "not both")
    assert_user_error(here("gate", write("empty.yaml", ""), "--baseline", manifest), "empty")
    assert_user_error(here("gate", manifest, "--baseline", write("b.yaml", "service: [")), "b.yaml")


def test_an_unreachable_platform_exits_3(write: Write) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    manifest = write("service.yaml", WITH_VOICE)
    result = redline("gate", manifest, "--platform", f"http://127.0.0.1:{port}", "--token", "rl_x", "--service", "1")
    assert result.returncode == 3, result.stderr
    assert "cannot reach the platform" in result.stderr and "Traceback" not in result.stderr


def test_the_help_documents_the_exit_codes() -> None:
    result = redline("gate", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for fragment in ("0 pass", "1 gate failed", "2 bad input", "3 the platform"):
        assert fragment in text, text
