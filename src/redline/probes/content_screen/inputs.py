"""What a file holds to screen: plain text, an HTML page, or JSON lines of posts (one document a line)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from redline.errors import InputError
from redline.probes.content_screen.decode import decode
from redline.probes.content_screen.html import HiddenElement, extract

FORMATS = ("auto", "text", "html", "jsonl")
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})


@dataclass
class Document:
    """One text to screen; `where` prefixes its locations (the path, or path:line for a post)."""

    where: str
    text: str
    kind: str
    hidden: list[HiddenElement] = field(default_factory=list)


def detect(path: Path, head: str) -> str:
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    sniff = head.lstrip()[:512].lower()
    if sniff.startswith(("<!doctype html", "<html")) or "<body" in sniff:
        return "html"
    return "text"


def post(path: Path, number: int, line: str, field_name: str) -> Document | None:
    """The document of line `number` (without its line break), None for a blank line or a post without the
    field; a line that is not JSON, or whose field is not text, is an input error."""
    if not line.strip():
        return None
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"not a JSON line: {exc.msg}", source=str(path), line=number) from None
    text = value.get(field_name) if isinstance(value, dict) else None
    if text is None:
        return None  # a post without the field has nothing to screen
    if not isinstance(text, str):
        raise InputError(f"field '{field_name}' is not text", source=str(path), line=number)
    return Document(f"{path}:{number}", text, "jsonl")


def posts(path: Path, lines: Iterable[str], field_name: str) -> Iterator[Document]:
    """A document for each line (`str.splitlines` without line breaks) holding a post with the field."""
    for number, line in enumerate(lines, start=1):
        doc = post(path, number, line, field_name)
        if doc is not None:
            yield doc


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InputError(f"unknown format '{fmt}' (one of {', '.join(FORMATS)})", field="format")
    return fmt


def documents(path: Path, fmt: str = "auto", field_name: str = "text", text: str | None = None) -> Iterator[Document]:
    """The documents in a file's text (read from the file unless given); a binary file is an input error."""
    check_format(fmt)
    if text is None:
        decoded = decode(path.read_bytes())
        if decoded.text is None:
            raise InputError(decoded.reason, source=str(path))
        text = decoded.text
    kind = detect(path, text) if fmt == "auto" else fmt
    if kind == "jsonl":
        yield from posts(path, text.splitlines(), field_name)
    elif kind == "html":
        page = extract(text)
        yield Document(str(path), page.text, "html", page.hidden)
    else:
        yield Document(str(path), text, "text")
