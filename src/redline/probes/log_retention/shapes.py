"""Masked shapes of values, so a report shows what a field looks like without the personal data in it."""

from __future__ import annotations

import re

_IPV4 = re.compile(r"\b(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}\b")
_IPV6 = re.compile(r"\b([0-9A-Fa-f]{1,4}):[0-9A-Fa-f:]{2,}\b")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_DIGITS = re.compile(r"\d{4,}")
_METHOD = re.compile(r"[A-Z]{3,10}")
EXAMPLE_CHARS = 80


def shape(role: str, value: str) -> str:
    """A masked example of a field's value: `1.2.x.x`, `user_***`, `GET`, `99999`."""
    value = value.strip()
    if role == "operation":
        head = value.split(" ", 1)[0]
        return head if _METHOD.fullmatch(head) else _generic(head)
    if role in ("source_address", "destination_address"):
        first = value.split(",", 1)[0].strip()
        if _IPV4.fullmatch(first):
            return _IPV4.sub(r"\1.\2.x.x", first)
        if ":" in first:
            return first.split(":", 1)[0] + ":x:x"
        return _generic(first)
    if role in ("source_port", "destination_port"):
        return "9" * len(value) if value.isdigit() else _generic(value)
    if role == "time":
        return value[:40]
    if role == "account":
        if "@" in value:
            return value[:1] + "***@***"
        prefix = re.match(r"[A-Za-z_\-]{0,5}", value)
        return (prefix.group(0) if prefix else "") + "***"
    return _generic(value)


def _generic(value: str) -> str:
    """Letters to a/A, digits to 9, the rest kept; at most 24 characters."""
    out = []
    for char in value[:24]:
        if char.isdigit():
            out.append("9")
        elif char.isalpha():
            out.append("A" if char.isupper() else "a")
        else:
            out.append(char)
    return "".join(out) + ("…" if len(value) > 24 else "")


def masked_line(raw: bytes) -> str:
    """An unparsed line for the report: truncated, addresses, e-mail and long numbers masked."""
    text = raw[: EXAMPLE_CHARS * 2].decode("utf-8", "replace")
    text = "".join(c if c.isprintable() else "?" for c in text)
    text = _EMAIL.sub("***@***", text)
    text = _IPV4.sub(r"\1.\2.x.x", text)
    text = _IPV6.sub(r"\1:x:x", text)
    text = _DIGITS.sub(lambda m: "9" * len(m.group(0)), text)
    return text[:EXAMPLE_CHARS] + ("…" if len(text) > EXAMPLE_CHARS or len(raw) > EXAMPLE_CHARS * 2 else "")
