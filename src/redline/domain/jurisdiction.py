"""Jurisdictions: a regulator holds a GB/T 2260 code and sees providers located under it."""

from __future__ import annotations

from collections.abc import Iterable

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


def code_range(code_prefix: str) -> tuple[str, str]:
    """The codes starting with `code_prefix` (a non-empty string of digits) are exactly those from the first
    value up to, not including, the second: the form a database index answers from ('3301' → '3301'..'3302')."""
    return code_prefix, code_prefix[:-1] + chr(ord(code_prefix[-1]) + 1)


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


def one_level_below(code: str, location: str) -> str:
    """The division one level below jurisdiction `code` that holds `location`: the province for a national
    office, the prefecture for a provincial one, the county (district) for a city or county office."""
    if code == NATIONAL:
        return location[:2] + "0000"
    if level(code) == "province":
        return location[:4] + "00"
    return location


def nearest(codes: Iterable[str], location: str) -> str | None:
    """Of the jurisdictions `codes`, the closest over `location`: a city's before its province's, a province's
    before the national one; None when none covers it."""
    covering = [c for c in codes if covers(c, location)]
    return max(covering, key=lambda c: (len(prefix(c)), c), default=None)
