"""File names people upload: no invisible or direction-changing characters.

A right-to-left override (U+202E) makes `invoice‮fdp.exe` read as `invoiceexe.pdf` on a regulator's
screen; zero-width and other format characters make two different names look the same. Such names are
refused, never shown: the error names the code points, not the text."""

from __future__ import annotations

import unicodedata

from redline.errors import InputError

# Controls, format characters (bidi embeddings, overrides and isolates, zero-width, BOM), line and
# paragraph separators, surrogates.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def hidden_characters(name: str) -> list[str]:
    """The refused code points in `name`, as U+XXXX, in order, without repeats."""
    found: list[str] = []
    for char in name:
        code = f"U+{ord(char):04X}"
        if unicodedata.category(char) in REFUSED_CATEGORIES and code not in found:
            found.append(code)
    return found


def check_file_name(name: str, field: str = "file") -> str:
    """`name` if it holds no refused character; otherwise a user error naming the code points."""
    hidden = hidden_characters(name)
    if hidden:
        raise InputError(
            f"the file name holds invisible or direction-changing characters ({', '.join(hidden[:5])})", field=field
        )
    return name


def line_problem(text: str) -> str | None:
    """Why `text` cannot be a name or title (one line that may reach a mail header, a file name or a document
    title), or None: a line break or any other control or invisible character is refused."""
    hidden = hidden_characters(text)
    if hidden:
        return f"a name or title must be one line without control or invisible characters ({', '.join(hidden[:5])})"
    return None


def check_line(text: str, field: str) -> str:
    """`text` if it is fit for a name or title; otherwise a user error naming the field and the code points."""
    problem = line_problem(text)
    if problem:
        raise InputError(problem, field=field)
    return text


def line_value(text: str) -> str:
    """`check_line` for a pydantic model field (the model's error then names file, line and field)."""
    problem = line_problem(text)
    if problem:
        raise ValueError(problem)
    return text
