"""What a list of filings is filtered and sorted by, read from a request's parameters and written back to them.

Every value is checked against a closed set (states, capability tags, sort keys, directions) or a fixed shape
(a six-digit division code, an ISO date, one line of search text); nothing a user typed reaches SQL other
than as a bound parameter, and a sort key picks one of the orders in `queries` by name.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields

from redline.domain.filenames import line_problem
from redline.domain.workflow import FilingState
from redline.errors import InputError
from redline.rulebook.schema import CapabilityTag

MAX_SEARCH = 100
REGION = re.compile(r"[0-9]{6}")


class QueueSort(enum.StrEnum):
    PRIORITY = "priority"  # overdue first, then by the deadline owed: the queue's default
    AGE = "age"  # days since the report was first submitted
    TIME_LEFT = "time_left"  # working days to the next running deadline
    DUE = "due"  # the statutory due date
    STATE = "state"  # in the workflow's order
    PROVIDER = "provider"  # the provider's name


class Assignee(enum.StrEnum):
    ANYONE = ""
    ME = "me"
    NOBODY = "none"


@dataclass(frozen=True)
class FilingFilter:
    state: str | None = None
    region: str | None = None
    technology: str | None = None
    overdue_only: bool = False
    limit: int = 50
    offset: int = 0
    search: str = ""
    assignee: Assignee = Assignee.ANYONE
    due_from: dt.date | None = None  # a deadline running and falling due in [due_from, due_to]
    due_to: dt.date | None = None
    sort: QueueSort = QueueSort.PRIORITY
    descending: bool = False


# The parameter names, in the order a link or a saved view writes them.
PARAMS = ("q", "state", "region", "technology", "overdue", "assignee", "due_from", "due_to", "sort", "order")


def parse(params: Mapping[str, str], *, limit: int = 50, offset: int = 0) -> FilingFilter:
    """The filter `params` describe (unknown parameter names are ignored, as a page's other parameters are);
    a value outside what the queue offers is refused with the parameter's name."""
    value = {name: str(params.get(name) or "").strip() for name in PARAMS}
    return FilingFilter(
        state=_member(value["state"], FilingState, "state") if value["state"] else None,
        region=_region(value["region"]) or None,
        technology=_member(value["technology"], CapabilityTag, "technology") if value["technology"] else None,
        overdue_only=_flag(value["overdue"], "overdue"),
        limit=limit,
        offset=offset,
        search=_search(value["q"]),
        assignee=Assignee(_member(value["assignee"], Assignee, "assignee")),
        due_from=_date(value["due_from"], "due_from"),
        due_to=_date(value["due_to"], "due_to"),
        sort=QueueSort(_member(value["sort"] or QueueSort.PRIORITY.value, QueueSort, "sort")),
        descending=_order(value["order"]),
    )


def params_of(f: FilingFilter) -> dict[str, str]:
    """The parameters that give `f` back through `parse` (defaults left out), in `PARAMS` order."""
    out = {
        "q": f.search,
        "state": f.state or "",
        "region": f.region or "",
        "technology": f.technology or "",
        "overdue": "true" if f.overdue_only else "",
        "assignee": f.assignee.value,
        "due_from": f.due_from.isoformat() if f.due_from else "",
        "due_to": f.due_to.isoformat() if f.due_to else "",
        "sort": "" if f.sort is QueueSort.PRIORITY else f.sort.value,
        "order": "desc" if f.descending else "",
    }
    return {k: v for k, v in out.items() if v}


def without_paging(f: FilingFilter, limit: int) -> FilingFilter:
    """`f` from its first row, up to `limit` rows (an export takes every matching row, not one page)."""
    return FilingFilter(**{x.name: getattr(f, x.name) for x in fields(f)} | {"limit": limit, "offset": 0})


def _member(value: str, choices: type[enum.StrEnum], name: str) -> str:
    allowed = {c.value for c in choices}
    if value not in allowed:
        raise InputError(f"not one of the {name} values the queue offers", field=name)
    return value


def _region(value: str) -> str:
    if value and not REGION.fullmatch(value):
        raise InputError("a region is a six-digit division code", field="region")
    return value


def _flag(value: str, name: str) -> bool:
    if value.lower() in ("", "false", "0", "off"):
        return False
    if value.lower() in ("true", "1", "on"):
        return True
    raise InputError("true or false", field=name)


def _search(value: str) -> str:
    if len(value) > MAX_SEARCH:
        raise InputError(f"at most {MAX_SEARCH} characters", field="q")
    problem = line_problem(value)
    if problem:
        raise InputError(problem, field="q")
    return value


def _date(value: str, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError("a date is YYYY-MM-DD", field=name) from None


def _order(value: str) -> bool:
    if value not in ("", "asc", "desc"):
        raise InputError("asc or desc", field="order")
    return value == "desc"
