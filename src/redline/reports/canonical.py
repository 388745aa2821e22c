"""Canonical JSON and its SHA-256 seal.

The digest covers the compact canonical form (sorted keys, UTF-8, no insignificant
whitespace) of the document without its `seal` member, so a report can be pretty-printed
on disk and still be verified by anyone with a JSON parser and SHA-256.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
import math
from typing import Any

from redline.errors import CheckFailedError, InputError

SEAL_KEY = "seal"
MAX_DEPTH = 64  # far deeper than any document redline writes; deeper input is refused, never recursed into


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text} is too large for a JSON number")
    return value


def _depth(value: Any) -> int:
    """How deeply arrays and objects nest in `value`, walked without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


def loads(text: str, source: str) -> Any:
    """Strict JSON: no NaN or Infinity (they have no canonical form) and at most MAX_DEPTH levels of
    nesting; anything else raises InputError naming `source`, never a crash."""
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg}", source=source, line=exc.lineno) from None
    except ValueError as exc:
        raise InputError(f"not JSON: {exc} (NaN and Infinity are not allowed)", source=source) from None
    except RecursionError:
        raise InputError(f"not JSON that redline reads: nested deeper than {MAX_DEPTH} levels",
                         source=source) from None
    if _depth(value) > MAX_DEPTH:
        raise InputError(f"not JSON that redline reads: nested deeper than {MAX_DEPTH} levels", source=source)
    return value


def jsonable(value: Any) -> Any:
    """Plain JSON values from dataclasses, enums, dates and tuples."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def canonical_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def digest(document: dict[str, Any]) -> str:
    unsealed = {k: v for k, v in document.items() if k != SEAL_KEY}
    return hashlib.sha256(canonical_bytes(unsealed)).hexdigest()


def seal(document: dict[str, Any]) -> dict[str, Any]:
    sealed = {k: v for k, v in document.items() if k != SEAL_KEY}
    sealed[SEAL_KEY] = {"algorithm": "sha256", "digest": digest(sealed),
                        "covers": "canonical JSON of the document without 'seal'"}
    return sealed


def dumps(document: dict[str, Any]) -> str:
    """The file form: sorted keys, UTF-8, indented for people, ending in a newline."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def verify_text(text: str, source: str) -> str:
    """Check a sealed report's digest; return it, or raise naming what is wrong."""
    document = loads(text, source)
    if not isinstance(document, dict) or not isinstance(document.get(SEAL_KEY), dict):
        raise InputError("no seal: this is not a sealed redline report", source=source,
                         field=SEAL_KEY)
    stated = document[SEAL_KEY].get("digest")
    actual = digest(document)
    if stated != actual:
        raise CheckFailedError(f"seal broken: the report was changed after sealing "
                          f"(seal says {stated}, content hashes to {actual})", source=source)
    return actual
