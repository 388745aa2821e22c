"""Jurisdictions: a regulator holds a GB/T 2260 code and sees providers located under it."""

from __future__ import annotations

NATIONAL = "100000"


def prefix(code: str) -> str:
    """The code prefix every division under `code` shares ('' for national)."""
    if code == NATIONAL:
        return ""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def covers(jurisdiction: str, location: str) -> bool:
    return location.startswith(prefix(jurisdiction))


def level(code: str) -> str:
    if code == NATIONAL:
        return "national"
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county"
