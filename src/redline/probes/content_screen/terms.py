"""Term lists the user supplies: plain text (one term per line) or CSV (term,category,severity).

Plain text: UTF-8, one term per line, `#` starts a comment line; a line may add a category and a severity
after tabs (`term<TAB>category<TAB>severity`). Lines after a `[regex]` line are regular expressions
(a `[terms]` line switches back). CSV: a header `term,category,severity`; a term written `re:PATTERN`
is a regular expression. Regular expressions are RE2 syntax (patterns.py): no backreferences, no lookaround.
redline ships only a neutral demo list; real lists belong to the user.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from redline.domain.assessment import Severity
from redline.errors import InputError
from redline.probes.content_screen.patterns import compile_user_pattern

if TYPE_CHECKING:
    from _csv import Reader

DEFAULT_CATEGORY = "default"
DEFAULT_SEVERITY = Severity.MEDIUM
DEMO_TERMS = Path(__file__).parent / "data" / "demo_terms.txt"


@dataclass(frozen=True)
class Term:
    """One entry of a term list: literal text or a regular expression, with where it was written."""

    text: str
    category: str
    severity: Severity
    line: int
    regex: bool = False


@dataclass(frozen=True)
class TermList:
    source: str
    terms: tuple[Term, ...]

    @property
    def literals(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if not t.regex)

    @property
    def regexes(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.regex)


def _severity(value: str, source: str, line: int) -> Severity:
    if not value.strip():
        return DEFAULT_SEVERITY
    try:
        return Severity(value.strip().lower())
    except ValueError:
        allowed = ", ".join(s.value for s in Severity)
        raise InputError(f"unknown severity '{value.strip()}' (one of {allowed})", source=source, line=line) from None


def _checked(term: Term, source: str) -> Term:
    if term.regex:
        compiled = compile_user_pattern(term.text, source=source, line=term.line)
        if compiled.match(""):
            raise InputError(f"regular expression '{term.text}' matches empty text", source=source, line=term.line)
    return term


def _parse_text(text: str, source: str) -> list[Term]:
    terms: list[Term] = []
    regex = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip("\r\n")
        bare = line.strip()
        if not bare or bare.startswith("#"):
            continue
        if bare.lower() in ("[regex]", "[terms]"):
            regex = bare.lower() == "[regex]"
            continue
        fields = line.split("\t")
        value = fields[0] if regex else fields[0].strip()
        if not value:
            continue
        category = fields[1].strip() if len(fields) > 1 and fields[1].strip() else DEFAULT_CATEGORY
        severity = _severity(fields[2] if len(fields) > 2 else "", source, number)
        terms.append(_checked(Term(value, category, severity, number, regex), source))
    return terms


def _parse_csv(text: str, source: str) -> list[Term]:
    reader = csv.reader(io.StringIO(text, newline=""))  # newline="": csv itself reads \r, \r\n and quoted breaks
    try:
        return _csv_terms(reader, source)
    except csv.Error as exc:  # an oversized field, say
        raise InputError(f"not a CSV term list: {exc}", source=source, line=reader.line_num or 1) from None


def _csv_terms(reader: Reader, source: str) -> list[Term]:
    header = [h.strip().lower() for h in next(reader, [])]
    if "term" not in header:
        raise InputError(
            "CSV term list needs a header with a 'term' column (term,category,severity)", source=source, line=1
        )
    column = {name: header.index(name) for name in ("term", "category", "severity") if name in header}
    terms: list[Term] = []
    for row in reader:
        number = reader.line_num
        cell = {name: (row[i] if i < len(row) else "") for name, i in column.items()}
        value = cell["term"].strip()
        if not value or value.startswith("#"):
            continue
        is_regex = value.startswith("re:")
        terms.append(
            _checked(
                Term(
                    value[3:] if is_regex else value,
                    cell.get("category", "").strip() or DEFAULT_CATEGORY,
                    _severity(cell.get("severity", ""), source, number),
                    number,
                    is_regex,
                ),
                source,
            )
        )
    return terms


def load_terms(path: Path) -> TermList:
    """Read and check a term list; an error names the file and line."""
    source = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError("term list not found", source=source) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"term list is not UTF-8 (byte {exc.start})", source=source) from None
    first = text.lstrip().split("\n", 1)[0].strip().lower()
    is_csv = path.suffix.lower() == ".csv" or first.replace(" ", "").startswith("term,")
    terms = _parse_csv(text, source) if is_csv else _parse_text(text, source)
    if not terms:
        raise InputError("term list holds no terms", source=source)
    return TermList(source, tuple(terms))
