"""How a date is written in a printed document: 2026年11月24日, November 24, 2026."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

from redline.i18n import LANGUAGES


def long_date(value: object, lang: str) -> str:
    """An ISO date (or the start of an ISO timestamp) in words; a dash when there is none, the value itself when
    it is not a date."""
    if value is None or value == "":
        return "—"
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return str(format_date(day, format="long", locale=LANGUAGES[lang]))
