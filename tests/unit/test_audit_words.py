"""Every action the use cases write to the audit log has words in the viewer, in both languages: the codes
are read from the source (each `audit.append` call's action), so an action added without words fails here
instead of showing `user.something` to an administrator."""

from __future__ import annotations

import ast
from pathlib import Path

import redline
from redline.domain.workflow import Action
from redline.services.access.signing_keys import KeyStatus
from redline.words import audit as words
from redline.words.labels import EVENTS

SRC = Path(redline.__file__).parent


def _written_actions() -> tuple[set[str], set[str]]:
    """The action codes passed to `audit.append` as text, and the prefixes of those built with f-strings."""
    codes: set[str] = set()
    prefixes: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and ast.unparse(node.func) == "audit.append" and len(node.args) > 3):
                continue
            action = node.args[3]
            for part in (action.body, action.orelse) if isinstance(action, ast.IfExp) else (action,):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    codes.add(part.value)
                elif isinstance(part, ast.JoinedStr) and isinstance(part.values[0], ast.Constant):
                    prefixes.add(str(part.values[0].value))
    return codes, prefixes


def test_every_action_the_services_write_has_words() -> None:
    codes, prefixes = _written_actions()
    assert len(codes) > 20 and {"filing.", "receipt.", "signing_key."} <= prefixes  # the scan sees them
    nameless = {c for c in codes if words.action_label(c, "en") == c}
    assert not nameless


def test_the_actions_built_from_a_value_have_words_for_every_value() -> None:
    built = [f"filing.{e}" for e in (*EVENTS, *(a.value for a in Action))]
    built += [f"signing_key.{s.value}" for s in KeyStatus] + ["receipt.submission", "receipt.acknowledgement"]
    built += ["reminder.send", "reminder.fail", "reminder.escalate"]  # chosen by the delivery's outcome
    assert [c for c in built if words.action_label(c, "en") == c] == []


def test_actions_and_objects_read_in_chinese() -> None:
    assert words.action_label("user.password_reset", "zh-CN") == "管理员设置密码"
    assert words.action_label("filing.submit", "zh-CN") == "案件：提交评估报告"
    assert words.subject_label("filing:12", "zh-CN") == "案件 12"
    assert words.action_label("something.new", "zh-CN") == "something.new"  # shown as it is, never blank
