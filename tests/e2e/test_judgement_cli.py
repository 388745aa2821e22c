"""`redline check` on a change that turns on a judgement: before it is recorded, and after, in every output.

Art. 3(3) of the 2018 rule: 用户规模显著增加，导致信息服务的舆论属性或者社会动员能力发生重大变化的 — a forum growing
from 10 million to 17 million monthly users (x1.7) is a question for a person, not for redline.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.conftest import EXAMPLES

Write = Callable[[str, str], Path]
REDLINE = Path(sys.executable).with_name("redline")
SERVICE = """\
provider: {name: 杭州某论坛（虚构）, location: '330106'}
service:
  name: 西湖论坛
  capabilities: [forum]
  monthly_active_users: 10000000
"""
CHANGE = "date: 2026-11-02\nmau_after: 17000000\n"
JUDGED = (
    CHANGE
    + """\
judgements:
  - question: significant_growth
    answer: yes
    by: 王敏（合规负责人）
    date: 2026-11-03
    reasons: 新增用户集中于时政话题版块，[公共讨论] 明显增多。
"""
)


def check(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [str(REDLINE), "check", *map(str, args), "--as-of", "2026-10-01"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_before_a_judgement_the_duty_waits_on_it_in_both_languages_and_json(write: Write) -> None:
    service, change = write("service.yaml", SERVICE), write("change.yaml", CHANGE)
    zh = check(service, "--change", change)
    assert zh.returncode == 0, zh.stderr
    assert "（待判断）" in zh.stdout and "待判断的问题" in zh.stdout and "如判断为是：2026-12-14" in zh.stdout
    assert "用户规模是否显著增加" in zh.stdout and "question: significant_growth" in zh.stdout
    en = check(service, "--change", change, "--lang", "en")
    assert "(depends on judgement)" in en.stdout and "Questions to decide" in en.stdout
    assert "If no: none of the duties waiting on it" in en.stdout
    data = json.loads(check(service, "--change", change, "--json").stdout)
    (ob,) = data["obligations"]
    assert ob["outcome"] == "depends_on_judgement" and ob["questions"] == ["significant_growth"]
    assert data["questions"][0]["id"] == "significant_growth"


def test_after_a_judgement_the_duty_is_due_and_every_output_names_who_judged(write: Write) -> None:
    service, change = write("service.yaml", SERVICE), write("change.yaml", JUDGED)
    zh = check(service, "--change", change)
    assert zh.returncode == 0, zh.stderr
    assert "待判断" not in zh.stdout and "依据 王敏（合规负责人） 的判断" in zh.stdout
    assert "[公共讨论]" in zh.stdout and "\\[" not in zh.stdout  # user text shown as written, escaped once
    en = check(service, "--change", change, "--lang", "en")
    assert "rests on a judgement by 王敏（合规负责人）" in en.stdout and "judged yes" in en.stdout
    data = json.loads(check(service, "--change", change, "--json").stdout)
    (ob,) = data["obligations"]
    assert ob["outcome"] == "due" and ob["due"]["date"] == "2026-12-14"
    assert ob["judgements"][0]["by"] == "王敏（合规负责人）" and data["questions"] == []


def test_a_judgement_without_reasons_exits_2_naming_file_line_and_field(write: Write) -> None:
    service = write("service.yaml", SERVICE)
    without_reasons = "".join(line for line in JUDGED.splitlines(keepends=True) if "reasons:" not in line)
    change = write("change.yaml", without_reasons)
    result = check(service, "--change", change)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "change.yaml:4" in result.stderr and "judgements.0.reasons" in result.stderr


def test_the_report_shows_the_judgement_a_duty_rests_on(tmp_path: Path) -> None:
    # 今闻: 2 M → 20 M monthly users (Art. 3(3)); the compliance head judges the growth significant.
    here = tmp_path / "news"
    shutil.copytree(EXAMPLES / "news-growth", here)
    answers = here / "answers.yaml"
    text = answers.read_text(encoding="utf-8").replace(
        "  mau_after: 20000000\n",
        """\
  mau_after: 20000000
  judgements:
  - question: significant_growth
    answer: yes
    by: 赵磊（合规部）
    date: 2026-11-21
    reasons: 评论区与话题讨论用户同比增长十倍，舆论影响明显扩大。
""",
    )
    answers.write_text(text, encoding="utf-8")
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    for fmt, name in (("json", "r.json"), ("html", "r.html")):
        done = subprocess.run(
            [str(REDLINE), "assess", "report", str(answers), "-f", fmt, "-o", str(here / name)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    report = json.loads((here / "r.json").read_text(encoding="utf-8"))
    co = report["other"]["change_and_obligations"]
    (ob,) = co["obligations"]
    assert ob["outcome"] == "due" and ob["judgements"][0]["by"] == "赵磊（合规部）"
    assert co["judgements"][0]["reasons"].startswith("评论区") and co["questions"] == []
    html = (here / "r.html").read_text(encoding="utf-8")
    assert "依据判断，判断人 赵磊（合规部）" in html and "已记录的判断" in html and "用户规模是否显著增加" in html
