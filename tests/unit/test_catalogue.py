"""Every word a person reads comes from the one catalogue, and every catalogue word has its Chinese.

The msgids are extracted the way gettext tools do (Babel's extractors over src/redline: Python with the
`_`, `gettext` and `N_` keywords, Jinja2 templates with the i18n extension), so a string added in code or
in a template without a zh-CN translation fails here, not in front of a user.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import redline
from redline.i18n import LOCALE_DIR

SRC = Path(redline.__file__).parent
METHODS = [("**/templates/**.html", "jinja2"), ("**/templates/**.j2", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}}
KEYWORDS = {"_": None, "gettext": None, "N_": None}


def _msgids() -> dict[str, str]:
    found: dict[str, str] = {}
    for filename, line, message, _comments, _context in extract_from_dir(SRC, METHODS, OPTIONS, KEYWORDS):
        text = message if isinstance(message, str) else message[0]
        if text and re.search(r"[A-Za-z]", text):
            found.setdefault(text, f"{filename}:{line}")
    return found


def _chinese() -> dict[str, str]:
    with (LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "redline.po").open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string}


def test_every_message_in_the_code_and_templates_has_a_chinese_translation() -> None:
    chinese = _chinese()
    missing = {text: where for text, where in _msgids().items() if text not in chinese}
    assert not missing, f"msgids without a zh-CN msgstr: {missing}"


def test_a_translation_keeps_the_fields_its_english_fills() -> None:
    """A msgstr may leave a field out (a hint only English readers get), never invent one."""

    def fields(text: str) -> set[str]:
        return set(re.findall(r"(?<!\{)\{(\w+)\}(?!\})", text))

    wrong = {m: s for m, s in _chinese().items() if not fields(s) <= fields(m)}
    assert not wrong


def test_the_extraction_sees_the_cli_and_the_probe_findings() -> None:
    """Guards the test above: an extractor that found nothing would pass it."""
    where = set(_msgids().values())
    assert any(w.startswith("cli/gate.py") for w in where) and any(w.startswith("words/findings.py") for w in where)


def test_the_cli_has_no_language_branch_left() -> None:
    """Words are looked up in the catalogue, never chosen with `if zh` in a command."""
    branch = re.compile(r"\bif zh\b|\bzh else\b|lang == |zh = ")
    found = [
        f"{path.name}:{n}"
        for path in sorted((SRC / "cli").glob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if branch.search(line)
    ]
    assert not found
