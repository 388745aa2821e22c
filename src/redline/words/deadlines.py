"""How a due date is said: the CLI (`check`, `gate`) and the sealed report's pages say it the same way.

A due date is a rule (before an event, by a date, from a date onwards, none in the text) and a date that may
still be provisional (a year whose holiday notice is not out yet can move it, see domain/calendar.py).
"""

from __future__ import annotations

import datetime as dt

from redline.domain.obligations import Due
from redline.words import N_, gettext_for

BEFORE = N_("before {date}")
BEFORE_RELEASE = N_("before release ({date})")
ONGOING = N_("from {date}, ongoing")
BY = N_("by {date}")
NO_DATE = N_("no date set by the text")
PROVISIONAL = N_(" (provisional)")
PROVISIONAL_RANGE = N_(" (provisional: between {earliest} and {latest})")
OVERDUE = N_("overdue")


def due_words(rule: str, date: object, lang: str, *, release: bool = False) -> str:
    """The due date in `lang`. `rule` is a `DeadlineRule` value; `release` says the event is a release
    (the gate), so "before" reads "before release"."""
    gettext = gettext_for(lang)
    if rule == "before_event" and date is not None:
        return gettext(BEFORE_RELEASE if release else BEFORE).format(date=date)
    if date is None or rule == "unspecified":
        return gettext(NO_DATE)
    if rule == "ongoing":
        return gettext(ONGOING).format(date=date)
    return gettext(BY).format(date=date)


def provisional_words(earliest: dt.date | None, latest: dt.date | None, lang: str) -> str:
    """What follows a provisional date: the range it can still move in, when known."""
    gettext = gettext_for(lang)
    if earliest is None or latest is None or earliest == latest:
        return gettext(PROVISIONAL)
    return gettext(PROVISIONAL_RANGE).format(earliest=earliest, latest=latest)


def due_of(due: Due, lang: str, *, release: bool = False) -> str:
    """A computed `Due` in words, with its provisional range (plain text, not marked up)."""
    text = due_words(due.rule.value, due.date, lang, release=release)
    if due.provisional and due.date is not None and not (release and due.rule.value == "before_event"):
        text += provisional_words(due.earliest, due.latest, lang)
    return text


def overdue_words(lang: str) -> str:
    return gettext_for(lang)(OVERDUE)
