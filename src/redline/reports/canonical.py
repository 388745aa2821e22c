"""Canonical JSON and its SHA-256 seal.

The seal's digest covers a canonical form of the document without its `seal` member, so a report can be
pretty-printed on disk and still be verified by anyone with a JSON parser and SHA-256.

Seal version 2 (written since issue 18): SHA-256 over the RFC 8785 (JSON Canonicalization Scheme) bytes of
the document without `seal`; the seal says so (``"version": 2, "canonicalization": "RFC 8785"``), so any
language with a JCS library reproduces it. Seal version 1 (no ``version`` member): SHA-256 over
``canonical_bytes``, Python's ``json.dumps`` with sorted keys and compact separators; still verified, never
written. Signature objects, checkpoints and receipts keep signing ``canonical_bytes``: their stored bytes
must not change, and for what they hold (strings, small integers, ASCII keys) both forms are the same bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
import math
from typing import Any

import rfc8785

from redline.errors import CheckFailedError, InputError

SEAL_KEY = "seal"
SEAL_VERSION = 2
CANONICALIZATION = "RFC 8785"
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
        raise InputError(f"not JSON that redline reads: nested deeper than {MAX_DEPTH} levels", source=source) from None
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
    """Seal version 1's canonical form (sorted keys by code point, UTF-8, compact, Python number spelling)."""
    try:
        return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode(
            "utf-8"
        )
    except UnicodeEncodeError:
        raise InputError("not JSON that redline reads: a string holds a lone surrogate, not Unicode text") from None


_JCS_INT = 2**53 - 1  # RFC 8785 (and the rfc8785 package) take integers up to this magnitude


_JSON_LEAVES = frozenset({str, bool, type(None)})


def _json_is_jcs(document: Any) -> bool:
    """Whether Python's json (sorted keys, compact, UTF-8) writes exactly the RFC 8785 bytes of `document`: it
    does when every key is a string of the Basic Multilingual Plane (code-point order is then UTF-16 order),
    every number an integer RFC 8785 takes (no float: the two spell them differently), and every other value
    a string, boolean, null, list or object (exact types), nested at most MAX_DEPTH deep (which also ends the
    walk of a document that contains itself). Both escape the same characters the same way."""
    stack = [(document, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return False
        kind = type(node)
        if kind is dict:
            for key in node:
                if type(key) is not str or (not key.isascii() and max(key) > "\uffff"):
                    return False
            values = node.values()
        elif kind is list or kind is tuple:
            values = node
        else:
            values = (node,)
        for value in values:
            kind = type(value)
            if kind in _JSON_LEAVES:
                continue
            if kind is int:
                if not -_JCS_INT <= value <= _JCS_INT:
                    return False
            elif kind is dict or kind is list or kind is tuple:
                stack.append((value, depth + 1))
            else:
                return False
    return True


def jcs_bytes(document: Any) -> bytes:
    """RFC 8785 canonical JSON: keys sorted by UTF-16 code units, ECMAScript number spelling, minimal escapes.

    Written by the json module's C encoder where that gives the same bytes (`_json_is_jcs`: probe runs of
    100,000 files), else by the rfc8785 package."""
    if _json_is_jcs(document):
        try:
            return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
        except (TypeError, ValueError):
            pass  # a lone surrogate and the like: rfc8785 below says what is wrong
    try:
        return rfc8785.dumps(document)
    except rfc8785.CanonicalizationError as exc:
        raise InputError(f"not JSON that RFC 8785 can canonicalise: {exc}") from None


def seal_version(document: dict[str, Any]) -> int:
    """1 for a seal without a `version` member (reports before issue 18), else what the seal states."""
    stated = document.get(SEAL_KEY)
    version = stated.get("version", 1) if isinstance(stated, dict) else SEAL_VERSION
    if version not in (1, 2) or isinstance(version, bool):
        raise InputError(
            f"unknown seal version {version!r} (this redline verifies versions 1 and 2)", field=f"{SEAL_KEY}.version"
        )
    return int(version)


def digest(document: dict[str, Any]) -> str:
    """The seal digest of `document`, by the seal version it states (version 2 when it has no seal yet)."""
    unsealed = {k: v for k, v in document.items() if k != SEAL_KEY}
    canonical = canonical_bytes if seal_version(document) == 1 else jcs_bytes
    return hashlib.sha256(canonical(unsealed)).hexdigest()


def _seal_member(canonical: bytes) -> dict[str, Any]:
    return {
        "algorithm": "sha256",
        "version": SEAL_VERSION,
        "canonicalization": CANONICALIZATION,
        "digest": hashlib.sha256(canonical).hexdigest(),
        "covers": "RFC 8785 canonical JSON of the document without 'seal'",
    }


def seal(document: dict[str, Any]) -> dict[str, Any]:
    """`document` with a version 2 seal (any seal it had is replaced)."""
    sealed = {k: v for k, v in document.items() if k != SEAL_KEY}
    sealed[SEAL_KEY] = _seal_member(jcs_bytes(sealed))
    return sealed


def sealed_text(document: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """`seal(document)` and the sealed document as one line of JSON: the canonical text the seal covers with
    the seal added as its last member. Writing it costs no second serialisation (runs of 100,000 files)."""
    sealed = {k: v for k, v in document.items() if k != SEAL_KEY}
    canonical = jcs_bytes(sealed)
    sealed[SEAL_KEY] = _seal_member(canonical)
    member = json.dumps(sealed[SEAL_KEY], ensure_ascii=False, separators=(",", ":"))
    body = canonical.decode("utf-8")
    return sealed, (f'{body[:-1]},"{SEAL_KEY}":{member}}}' if body != "{}" else f'{{"{SEAL_KEY}":{member}}}')


def dumps(document: dict[str, Any]) -> str:
    """The file form: sorted keys, UTF-8, indented for people, ending in a newline."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def verify_document(document: Any, source: str) -> str:
    """Check a parsed sealed document's digest (seal version 1 or 2); return it, or raise naming what is wrong."""
    if not isinstance(document, dict) or not isinstance(document.get(SEAL_KEY), dict):
        raise InputError("no seal: this is not a sealed redline report", source=source, field=SEAL_KEY)
    stated = document[SEAL_KEY].get("digest")
    try:
        actual = digest(document)
    except InputError as exc:
        raise InputError(exc.message, source=source, field=exc.field) from None
    if stated != actual:
        raise CheckFailedError(
            f"seal broken: the report was changed after sealing (seal says {stated}, content hashes to {actual})",
            source=source,
        )
    return actual


def verify_text(text: str, source: str) -> str:
    """Check a sealed document's digest; return it, or raise naming what is wrong."""
    return verify_document(loads(text, source), source)
