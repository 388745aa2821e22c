"""The dashboard's charts and deadline calendar: titled, with labelled axes and values, in the reader's
language, each bar, point and day a link to the queue filtered to what it counts."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from redline.domain.workflow import FilingState
from redline.services.filing.dashboards import CalendarDay, Dashboard
from redline.web import charts as svg
from redline.words import N_, gettext_for
from redline.words.labels import STATES, TECHNOLOGIES, label

CHART_WIDTH = 520  # the dashboard keeps a chart at least this wide (app.css), so its text stays 12-13 px
WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    svg: str


def queue_link(**params: str) -> str:
    return "/regulator?" + urlencode(params)


def charts(d: Dashboard, lang: str, place: Callable[[str], str]) -> list[Chart]:
    gettext = gettext_for(lang)
    axis = gettext("Number of filings")
    states = [s.value for s in FilingState if d.by_state.get(s.value)]
    districts = sorted(d.by_region.items(), key=lambda kv: (-kv[1], kv[0]))
    tags = sorted(d.by_technology.items(), key=lambda kv: (-kv[1], kv[0]))
    months = d.overdue_by_month
    made = {
        "state": (
            gettext("Filings by state"),
            [(label(STATES, s, lang), d.by_state[s]) for s in states],
            [queue_link(state=s) for s in states],
        ),
        "district": (
            gettext("Filings by district"),
            [(place(code), n) for code, n in districts],
            [queue_link(region=code) for code, _ in districts],
        ),
        "technology": (
            gettext("Filings by technology"),
            [(label(TECHNOLOGIES, t, lang), n) for t, n in tags],
            [queue_link(technology=t) for t, _ in tags],
        ),
    }
    out = [
        Chart(key, title, svg.bar_chart(title, data, width=CHART_WIDTH, links=links, axis=axis))
        for key, (title, data, links) in made.items()
    ]
    title = gettext("Overdue filings, by month due")
    line = svg.line_chart(
        title,
        months,
        width=CHART_WIDTH,
        links=[_month_link(m) for m, _ in months],
        x_axis=gettext("Month due"),
        y_axis=axis,
    )
    return [*out, Chart("overdue", title, line)]


def _month_link(month: str) -> str:
    year, number = (int(x) for x in month.split("-"))
    last = calendar.monthrange(year, number)[1]
    return queue_link(overdue="true", due_from=f"{month}-01", due_to=f"{month}-{last:02d}")


def weeks(days: list[CalendarDay]) -> list[list[CalendarDay]]:
    """The calendar's days in rows of seven, Monday first (the service starts it on a Monday)."""
    return [days[i : i + 7] for i in range(0, len(days), 7)]


def day_link(day: dt.date) -> str:
    return queue_link(due_from=day.isoformat(), due_to=day.isoformat(), sort="time_left")
