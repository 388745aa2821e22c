"""Log line formats: nginx/Apache combined, nginx `log_format` directives, JSON lines, CSV with a header.

A regex format is kept as a template of literal text and `$variables`, so the line regex can be compiled with
capture groups only for the fields a run needs: fewer groups make the hot `findall` faster.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from redline.errors import InputError

COMBINED_DIRECTIVE = (
    "log_format combined '$remote_addr - $remote_user [$time_local] "
    '"$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"\';'
)
FORMAT_NAMES = ("auto", "combined", "nginx", "json", "csv")

_VARIABLE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"")
# Patterns for variables whose shape is known; the rest match up to the next literal character.
_KNOWN = {
    "time_local": rb"\d\d/[A-Z][a-z][a-z]/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}",
    "status": rb"\d{3}",
    "remote_addr": rb"[^ \n]+",
    "remote_port": rb"[^ \n]*",
}


@dataclass(frozen=True)
class Template:
    """A parsed `log_format`: alternating literal text and variable names."""

    name: str
    parts: tuple[tuple[str, str], ...]  # ("lit", text) or ("var", name)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(value for kind, value in self.parts if kind == "var"))

    def compile(self, capture: tuple[str, ...]) -> re.Pattern[bytes]:
        """A whole-line regex with one group per name in `capture`, in that order of first appearance."""
        pieces: list[bytes] = []
        taken: set[str] = set()
        for index, (kind, value) in enumerate(self.parts):
            if kind == "lit":
                pieces.append(re.escape(value.encode()))
                continue
            following = next((v for k, v in self.parts[index + 1 :] if k == "lit" and v), "")
            stop = re.escape(following[0].encode()) if following else b""
            body = _KNOWN.get(value, rb"[^" + stop + rb"\n]*" if stop else rb"[^\n]*")
            if value in capture and value not in taken:
                taken.add(value)
                pieces.append(b"(" + body + b")")
            else:
                pieces.append(b"(?:" + body + b")")
        return re.compile(rb"(?m)^" + b"".join(pieces) + rb"\r?$")

    def order(self, capture: tuple[str, ...]) -> tuple[str, ...]:
        """The names of the groups `compile(capture)` makes, in group order."""
        return tuple(name for name in self.fields if name in capture)


def parse_directive(text: str) -> Template:
    """Parse `log_format NAME [escape=...] 'text' 'text';` (or just the quoted strings) into a template."""
    body = text.strip()
    name = "custom"
    if body.startswith("log_format"):
        head = body[len("log_format") :].split(None, 1)
        if len(head) < 2:
            raise InputError("log_format directive has no format strings", field="log_format")
        name, body = head[0], head[1]
    body = re.sub(r"^escape=\w+\s+", "", body.strip())
    strings = [m.group(1) if m.group(1) is not None else m.group(2) for m in _QUOTED.finditer(body)]
    fmt = "".join(strings) if strings else body.rstrip(";").strip()
    if not fmt:
        raise InputError("log_format directive is empty", field="log_format")
    fmt = fmt.replace('\\"', '"').replace("\\'", "'")
    parts: list[tuple[str, str]] = []
    position = 0
    for match in _VARIABLE.finditer(fmt):
        if match.start() > position:
            parts.append(("lit", fmt[position : match.start()]))
        parts.append(("var", match.group(1) or match.group(2)))
        position = match.end()
    if position < len(fmt):
        parts.append(("lit", fmt[position:]))
    if not any(kind == "var" for kind, _ in parts):
        raise InputError("log_format has no $variables", field="log_format")
    return Template(name, tuple(parts))


def load_directive(option: str) -> Template:
    """The `log_format` option: the directive text itself, or a path to a file holding it."""
    candidate = Path(option)
    if "$" not in option and len(option) < 4096 and _is_file(candidate):
        text = candidate.read_text(encoding="utf-8", errors="replace")
        found = re.search(r"log_format\s[^;]*;", text, re.S)
        return parse_directive(found.group(0) if found else text)
    return parse_directive(option)


def _is_file(path: Path) -> bool:
    """False, not an OSError, for text that cannot be a path (a name too long, say): it is a directive."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


COMBINED = parse_directive(COMBINED_DIRECTIVE)


def sniff(sample: list[bytes], custom: Template | None) -> str:
    """The format the first lines of a file are written in: "json", "csv", "custom" or "combined"."""
    lines = [line.strip() for line in sample if line.strip()]
    if not lines:
        return "custom" if custom else "combined"
    scores: dict[str, int] = {}
    regexes = {"combined": COMBINED.compile(())}
    if custom is not None:
        regexes["custom"] = custom.compile(())
    for name, regex in regexes.items():
        scores[name] = sum(1 for line in lines if regex.fullmatch(line))
    scores["json"] = sum(1 for line in lines if _is_json_object(line))
    best = max(scores, key=lambda k: scores[k])
    if scores[best] > 0:
        return best
    if b"," in lines[0] and len(lines) > 1 and lines[0].count(b",") == lines[1].count(b","):
        return "csv"
    return "custom" if custom else "combined"


def _is_json_object(line: bytes) -> bool:
    if not line.startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False
