"""The regulators' queue as a table of words: the page shows these cells and the CSV and XLSX exports hold the
very same, so a spreadsheet says what the officer saw (in the officer's language, names instead of codes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from redline.services.context import Context
from redline.services.filing import dashboards
from redline.services.filing.views import QueueRow, TimeLeftOut
from redline.services.principal import Principal
from redline.words import N_, gettext_for
from redline.words.labels import AUTHORITIES, DEADLINE_KINDS, STATES, TECHNOLOGIES, label

COLUMNS = (
    ("id", N_("Filing No.")),
    ("title", N_("Filing")),
    ("provider", N_("Provider")),
    ("district", N_("District")),
    ("state", N_("State")),
    ("assignee", N_("Assigned to")),
    ("age", N_("Case age (days)")),
    ("time_left", N_("Time left (working days)")),
    ("due", N_("Statutory due date")),
    ("technology", N_("Technology")),
)
NONE = "—"
SORT_NAMES = {
    "priority": N_("Priority (overdue first, then the deadline owed)"),
    "age": N_("Case age"),
    "time_left": N_("Time left"),
    "due": N_("Statutory due date"),
    "state": N_("State"),
    "provider": N_("Provider"),
}


@dataclass(frozen=True)
class Table:
    """Column keys and headings, and per row its filing, its cells (lines within a cell split by "\\n")."""

    keys: list[str]
    headings: list[str]
    rows: list[tuple[QueueRow, list[str]]]


def place_name(ctx: Context, lang: str) -> Callable[[str], str]:
    """A division's own name in `lang` (西湖区 / Xihu District); the code itself when it is unknown."""
    divisions = ctx.book.divisions

    def name(code: str) -> str:
        division = divisions.get(code)
        if division is None:
            return code
        return division.name if lang == "zh-CN" else divisions.name_en(code)

    return name


def table(ctx: Context, p: Principal, rows: list[QueueRow], lang: str) -> Table:
    gettext = gettext_for(lang)
    place = place_name(ctx, lang)
    return Table(
        keys=[key for key, _ in COLUMNS],
        headings=[gettext(heading) for _, heading in COLUMNS],
        rows=[(r, _cells(r, lang, place(dashboards.district_of(ctx, p, r.region)))) for r in rows],
    )


def _cells(r: QueueRow, lang: str, district: str) -> list[str]:
    gettext = gettext_for(lang)
    state = [label(STATES, r.state, lang)]
    state += [f"{label(AUTHORITIES, t.authority, lang)}: {label(STATES, t.state, lang)}" for t in r.review_lines]
    due = r.due_date.isoformat() if r.due_date else NONE
    if r.due_date and r.due_provisional:
        due += f" ({gettext('provisional')})"
    return [
        str(r.id),
        r.title,
        r.provider,
        district,
        "\n".join(state),
        r.assignee.display_name if r.assignee else NONE,
        NONE if r.age_days is None else str(r.age_days),
        time_left_words(r.time_left, lang),
        due,
        "\n".join(label(TECHNOLOGIES, t, lang) for t in r.technologies) or NONE,
    ]


def time_left_words(left: TimeLeftOut | None, lang: str) -> str:
    """The next deadline's clock in words, then its kind and date on a second line."""
    if left is None:
        return NONE
    gettext = gettext_for(lang)
    if left.clock == "due_today":
        clock = gettext("due today")
    elif left.clock == "overdue":
        clock = gettext("overdue by %(n)s working days") % {"n": left.working_days}
    else:
        clock = gettext("%(n)s working days left") % {"n": left.working_days}
    if left.provisional:
        clock += " " + gettext("(estimated: holiday notice not yet published)")
    return f"{clock}\n{label(DEADLINE_KINDS, left.kind, lang)} {left.due.isoformat()}"
