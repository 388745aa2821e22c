"""`redline check` on changes dated before a rule took effect: every output says so, with the date."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.e2e.test_cli import redline

Write = Callable[[str, str], Path]

SHARING_APP = """\
provider:
  name: 测试公司
  location: "440305"
service:
  name: 测试
  capabilities: [information_sharing]
"""


def _check(write: Write, change: str, *extra: str) -> str:
    service = write("service.yaml", SHARING_APP)
    change_file = write("change.yaml", change)
    result = redline("check", service, "--change", change_file, "--as-of", "2026-11-26", *extra)
    assert result.returncode == 0, result.stderr
    return result.stdout


FACE_SWAP_2022 = "kind: add_capability\ndate: 2022-12-01\ncapabilities: [face_swap]\n"
SPEECH_2024 = "kind: add_capability\ndate: 2024-06-03\ncapabilities: [speech_synthesis]\n"


def test_face_swap_in_december_2022_is_not_yet_under_the_deep_synthesis_rule_in_every_output(write: Write) -> None:
    zh = _check(write, FACE_SWAP_2022)
    assert "未生效（2023-01-10 起施行）" in zh and "互联网信息服务深度合成管理规定" in zh
    en = _check(write, FACE_SWAP_2022, "--lang", "en")
    assert "not yet in force (2023-01-10)" in en
    data = json.loads(_check(write, FACE_SWAP_2022, "--json"))
    assert data["obligations"] == []
    dated = {n["trigger_id"]: n for n in data["not_triggered"] if n["in_force_from"]}
    assert {"dsm2022-15", "dsm2022-16", "dsm2022-17"} <= set(dated)
    assert dated["dsm2022-17"]["in_force_from"] == "2023-01-10"
    assert "not yet in force (2023-01-10)" in dated["dsm2022-17"]["reason"]["en"]
    assert "未生效（2023-01-10 起施行）" in dated["dsm2022-17"]["reason"]["zh"]


def test_a_2024_voice_feature_is_labelled_under_the_2022_rule_and_told_the_2025_measures_come_later(
    write: Write,
) -> None:
    zh = _check(write, SPEECH_2024)
    assert "《人工智能生成合成内容标识办法》第四条第一款：未生效（2025-09-01 起施行）" in zh
    en = _check(write, SPEECH_2024, "--lang", "en")
    assert "Art. 4 para. 1: not yet in force (2025-09-01)" in en
    data = json.loads(_check(write, SPEECH_2024, "--json"))
    label = next(o for o in data["obligations"] if o["trigger_id"] == "dsm2022-17")
    assert [p["in_force_from"] for p in label["not_yet_in_force"]] == ["2025-09-01"]
    audio = next(n for n in data["not_triggered"] if n["trigger_id"] == "ailabel2025-4-audio")
    assert audio["in_force_from"] == "2025-09-01"


def test_a_voice_feature_today_prints_the_voice_or_rhythm_cue(write: Write) -> None:
    change = "kind: add_capability\ndate: 2026-12-01\ncapabilities: [speech_synthesis]\n"
    zh = _check(write, change)
    assert "生成合成音频的显式标识" in zh and "音频节奏标识应为‘短长短短’的节奏。" in zh and "5.3 c)" in zh
    en = _check(write, change, "--lang", "en")
    assert "short-long-short-short" in en and "clause 5.3 c)" in en
