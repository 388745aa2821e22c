"""Text files: the Markdown front-matter carrier of the implicit label, and the explicit text label.

Implicit (carrier `markdown/front-matter`): a YAML front matter block (first line `---`, closed by
`---` or `...` within 64 KiB) with a top-level key `AIGC:` whose value is the label JSON as a string,
or the label as a mapping (flow or block style). This is the form seen in the wild (Markdown files
in public repositories, written by AI coding tools); the TC260 text guide's own carrier has not been read.

Explicit: GB 45438-2025 §5.1 and 人工智能生成合成内容标识办法 第四条第（一）项 ask for a text prompt at
the start, the end or a suitable middle position of the text, containing the AI element (人工智能 or
AI) and the generation element (生成 and/or 合成). This checks the first and last 200 characters and
the first and last five non-blank lines (a leading front matter block is skipped, as it is not shown).
To keep ordinary prose from counting, the two elements must stand within 20 characters of each other,
and 生成式 (as in 生成式人工智能, "generative AI") is not a generation element. A middle-of-text label
is not looked for.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from redline.probes.aigc.carriers import Buffer, CarrierError
from redline.probes.aigc.label import RawLabel

CARRIER = "markdown/front-matter"
MAX_FRONT_MATTER = 64 << 10
MAX_NODES = 10_000
MAX_DEPTH = 20
CLAUSE = "人工智能生成合成内容标识办法 第四条第（一）项"
WINDOW = 200
EDGE_LINES = 5
MAX_LINE = 1000
PROXIMITY = 20
AI_ELEMENT = re.compile(r"人工智能|(?<![A-Za-z0-9])AI(?![A-Za-z0-9])", re.IGNORECASE)
GENERATION_ELEMENT = re.compile(r"生成(?!式)|合成")
_KEY = re.compile(r"^AIGC[ \t]*:", re.MULTILINE)


# --- implicit: front matter ----------------------------------------------------------------------


def _front_matter(text: str) -> tuple[str, int] | None:
    """The front matter block's text and the offset just after its closing line, or None."""
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None
    offset = len(lines[0]) + 1
    for index, line in enumerate(lines[1:], start=1):
        if offset > MAX_FRONT_MATTER:
            return None
        if line.rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), offset + len(line) + 1
        offset += len(line) + 1
    return None


def _plain(value: Any, budget: list[int], depth: int = 0) -> Any:
    """A JSON-ready copy of a YAML value, bounded (YAML aliases can make a small text a huge tree)."""
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        raise CarrierError("the AIGC front matter value is too large or too deeply nested")
    if isinstance(value, dict):
        return {str(k): _plain(v, budget, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, budget, depth + 1) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)  # dates, timestamps, binary


def _raw_block(front: str) -> str:
    """The `AIGC:` line and its indented continuation, as written (for front matter YAML rejects)."""
    match = _KEY.search(front)
    if match is None:
        return ""
    lines = front[match.start() :].split("\n")
    block = [lines[0]]
    for line in lines[1:]:
        if line and not line[0].isspace():
            break
        block.append(line)
    return "\n".join(block).rstrip()


def read_markdown(data: Buffer) -> list[RawLabel]:
    """The AIGC entry of a Markdown file's YAML front matter (see the module docstring)."""
    head = bytes(data[: MAX_FRONT_MATTER + 4096]).decode("utf-8", errors="replace")
    found = _front_matter(head)
    if found is None:
        return []
    front = found[0]
    if _KEY.search(front) is None:
        return []
    try:
        document = yaml.safe_load(front)
    except (yaml.YAMLError, RecursionError, ValueError, OverflowError):
        # The label is there but the YAML is broken: report it as written, so the check says so.
        return [RawLabel(CARRIER, _raw_block(front), 0)]
    if not isinstance(document, dict) or "AIGC" not in document:
        return []
    value = document["AIGC"]
    if isinstance(value, str):
        return [RawLabel(CARRIER, value, 0)]
    plain = _plain(value, [MAX_NODES])
    return [RawLabel(CARRIER, json.dumps(plain, ensure_ascii=False), 0)]


# --- explicit label ------------------------------------------------------------------------------


def find_elements(text: str) -> str | None:
    """The snippet where an AI element and a generation element stand close together, or None."""
    ai = [m.span() for m in AI_ELEMENT.finditer(text)]
    if not ai:
        return None
    for g_start, g_end in (m.span() for m in GENERATION_ELEMENT.finditer(text)):
        for a_start, a_end in ai:
            if max(a_start, g_start) - min(a_end, g_end) <= PROXIMITY:
                start, end = min(a_start, g_start), max(a_end, g_end)
                line_start = text.rfind("\n", 0, start) + 1
                line_end = text.find("\n", end)
                snippet = text[line_start : line_end if line_end >= 0 else len(text)].strip()
                return snippet if len(snippet) <= 120 else text[start:end]
    return None


def explicit_label(text: str) -> dict[str, Any]:
    """Whether the text's head or tail carries an explicit AI-generation label (see the docstring)."""
    found = _front_matter(text[: MAX_FRONT_MATTER + 4096])
    body = (text.removeprefix("\ufeff")[found[1] :] if found else text).strip()
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    places = (
        ("head", body[:WINDOW]),
        ("tail", body[-WINDOW:]),
        *(("head", line[:MAX_LINE]) for line in lines[:EDGE_LINES]),
        *(("tail", line[-MAX_LINE:]) for line in lines[-EDGE_LINES:]),
    )
    for where, window in places:
        snippet = find_elements(window)
        if snippet is not None:
            return {"found": True, "where": where, "text": snippet, "clause": CLAUSE}
    return {"found": False, "where": None, "text": None, "clause": CLAUSE}
