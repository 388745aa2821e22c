"""Local rules end to end: a separately installed package adds a regulator's rules through the
`redline.rulebooks` entry point; they pass `rules lint`, show as local in `rules list|show`, and
`check` applies them to a service inside their division only. REDLINE_RULEBOOKS does the same by path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT

REDLINE = Path(sys.executable).with_name("redline")
PACKAGE = ROOT / "tests" / "plugins" / "redline-example-rulebook"
RULES = PACKAGE / "redline_example_rulebook" / "rules"
CHATBOT = EXAMPLES / "chatbot-genai"  # a generative-AI launch by a provider in 上海市浦东新区 (310115)
TRIGGER = "sh-genai2026-3"
PIP_INSTALL = (sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [*PIP_INSTALL, "--target", str(target), str(PACKAGE)],
        check=True,
        capture_output=True,
        cwd=target,
    )
    return target


def redline(*args: str | Path, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    inherited = {k: v for k, v in os.environ.items() if k != "REDLINE_RULEBOOKS"}
    full = {**inherited, "COLUMNS": "150", "NO_COLOR": "1", **env}
    return subprocess.run(
        [str(REDLINE), *map(str, args)], capture_output=True, text=True, env=full, timeout=120, check=False, cwd=cwd
    )


def _service_in(location: str, tmp_path: Path) -> Path:
    text = (CHATBOT / "service.yaml").read_text(encoding="utf-8").replace('"310115"', f'"{location}"')
    path = tmp_path / f"service-{location}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _duties(result: subprocess.CompletedProcess[str]) -> set[str]:
    assert result.returncode in (0, 1), result.stderr
    return {o["trigger_id"] for o in json.loads(result.stdout)["obligations"]}


def test_an_installed_package_is_linted_and_listed_as_local(site: Path) -> None:
    env = {"PYTHONPATH": str(site)}
    linted = redline("rules", "lint", env=env, cwd=site)
    assert linted.returncode == 0, linted.stderr
    listed = json.loads(redline("rules", "list", "--json", env=env, cwd=site).stdout)
    (local,) = [r for r in listed["regulations"] if r["jurisdiction"]]
    assert local["id"] == "sh-genai2026"
    assert (local["jurisdiction"]["division"], local["jurisdiction"]["place_en"]) == ("310000", "Shanghai")
    assert all(r["jurisdiction"] is None for r in listed["regulations"] if r["id"] != "sh-genai2026")
    table = redline("rules", "list", "--lang", "en", env={**env, "COLUMNS": "400"}, cwd=site).stdout
    assert "Shanghai only (local rule of Shanghai Cyberspace Administration (fictional))" in table
    assert "Nationwide" in table
    shown = json.loads(redline("rules", "show", TRIGGER, "--json", env=env, cwd=site).stdout)
    assert shown["jurisdiction"]["package"] == "sh-example"
    assert shown["title_zh"].startswith("【上海市地方规则】")


def test_check_applies_the_local_trigger_inside_its_division_only(site: Path, tmp_path: Path) -> None:
    env = {"PYTHONPATH": str(site)}
    change = CHATBOT / "change.yaml"
    inside = redline("check", _service_in("310115", tmp_path), "--change", change, "--json", env=env, cwd=site)
    outside = redline("check", _service_in("330106", tmp_path), "--change", change, "--json", env=env, cwd=site)
    assert TRIGGER in _duties(inside)
    assert TRIGGER not in _duties(outside)
    assert "只在上海市适用" in outside.stdout
    text = redline("check", _service_in("310115", tmp_path), "--change", change, env=env, cwd=site).stdout
    assert "【上海市地方规则】" in text


def test_a_package_named_by_path_works_without_installing_and_without_it_nothing_is_local(tmp_path: Path) -> None:
    change = CHATBOT / "change.yaml"
    by_path = redline(
        "check", _service_in("310115", tmp_path), "--change", change, "--json",
        env={"REDLINE_RULEBOOKS": str(RULES)}, cwd=tmp_path,
    )  # fmt: skip
    assert TRIGGER in _duties(by_path)
    plain = redline("check", _service_in("310115", tmp_path), "--change", change, "--json", env={}, cwd=tmp_path)
    assert TRIGGER not in _duties(plain)
    missing = redline("rules", "list", env={"REDLINE_RULEBOOKS": str(tmp_path / "nowhere")}, cwd=tmp_path)
    assert missing.returncode == 2 and "not found" in missing.stderr and "Traceback" not in missing.stderr
