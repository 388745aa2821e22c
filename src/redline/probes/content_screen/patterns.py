"""The one place that compiles regular expressions a user wrote (term lists): on RE2, a linear-time engine.

Python's `re` backtracks: `(a+)+$` against 28 × `a` and `!` takes tens of seconds, and a term list is chosen
by whoever runs the screen (a regulator's campaign, a CLI user). RE2 matches in time linear in the text for
every pattern, so it cannot run backreferences or lookaround; those are refused here as a user error naming
the term list's file and line. RE2's classes `\\d`, `\\w` and `\\b` are ASCII; `\\p{Han}`, `\\pL` and the like
name Unicode classes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import re2

from redline.errors import InputError

MAX_PATTERN_CHARS = 1000
LOOKAROUND = ("(?=", "(?!", "(?<=", "(?<!")
MAX_PROGRAM_BYTES = 8 << 20  # RE2's own default; a larger compiled program is refused, not grown


class PatternMatch(Protocol):
    def start(self) -> int: ...

    def end(self) -> int: ...

    def group(self) -> str: ...


class UserPattern(Protocol):
    """What callers use of a compiled user pattern."""

    def finditer(self, text: str) -> Iterator[PatternMatch]: ...

    def match(self, text: str) -> PatternMatch | None: ...


def _reason(engine_message: str) -> str:
    if engine_message.endswith(LOOKAROUND):
        return "lookaround ((?=, (?!, (?<=, (?<!) is not supported: the screen uses a linear-time engine (RE2)"
    if engine_message.startswith("invalid escape sequence: \\") and engine_message[-1:].isdigit():
        return "a backreference (\\1 …) is not supported: the screen uses a linear-time engine (RE2)"
    return engine_message


def compile_user_pattern(pattern: str, *, source: str, line: int, ignore_case: bool = True) -> UserPattern:
    """`pattern` compiled on RE2, or an InputError naming `source` and `line` that says why not."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise InputError(f"regular expression longer than {MAX_PATTERN_CHARS} characters", source=source, line=line)
    options = re2.Options()
    options.log_errors = False
    options.case_sensitive = not ignore_case
    options.max_mem = MAX_PROGRAM_BYTES
    try:
        compiled: UserPattern = re2.compile(pattern, options)
    except re2.error as exc:
        raw = exc.args[0] if exc.args else exc
        message = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        raise InputError(f"bad regular expression '{pattern}': {_reason(message)}", source=source, line=line) from None
    return compiled
