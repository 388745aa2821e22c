"""The queue's parameters: only values the queue offers pass, before any SQL; what passes comes back the same
through a link or a saved view."""

from __future__ import annotations

import datetime as dt

import pytest

from redline.errors import InputError
from redline.rulebook.schema import CapabilityTag
from redline.services.filing import queue_filter
from redline.services.filing.queue_filter import Assignee, FilingFilter, QueueSort
from redline.words.labels import TECHNOLOGIES


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "title; DROP TABLE filings"},
        {"sort": "id desc, (SELECT 1)"},
        {"sort": "__class__"},
        {"sort": "Age"},
        {"order": "desc; --"},
        {"order": "DESC"},
        {"state": "draft' OR '1'='1"},
        {"region": "33%"},
        {"region": "３３０１００"},  # full-width digits are not a division code
        {"technology": 'public_opinion" OR "'},
        {"assignee": "1 OR 1=1"},
        {"due_from": "2026-02-30"},
        {"overdue": "maybe"},
        {"q": "a\x00b"},
        {"q": "line\nbreak"},
        {"q": "x" * 101},
        {"q": "\u202eevil"},
    ],
)
def test_a_value_the_queue_does_not_offer_is_refused_naming_its_parameter(params: dict[str, str]) -> None:
    with pytest.raises(InputError) as refused:
        queue_filter.parse(params)
    assert refused.value.field == next(iter(params))


def test_no_parameters_is_the_plain_queue_and_unknown_names_are_ignored() -> None:
    assert queue_filter.parse({"page": "3", "done": "assign", "csrf_token": "x"}) == FilingFilter()
    assert queue_filter.params_of(FilingFilter()) == {}


def test_what_parses_comes_back_the_same_through_its_parameters() -> None:
    params = {
        "q": "50% 折扣_'\"",
        "state": "rectification_ordered",
        "region": "330106",
        "technology": "generative_ai",
        "overdue": "true",
        "assignee": "none",
        "due_from": "2026-03-01",
        "due_to": "2026-03-31",
        "sort": "time_left",
        "order": "desc",
    }
    f = queue_filter.parse(params)
    assert f.search == params["q"] and f.assignee is Assignee.NOBODY and f.sort is QueueSort.TIME_LEFT
    assert f.descending and f.due_from == dt.date(2026, 3, 1) and f.overdue_only
    assert queue_filter.params_of(f) == params
    assert queue_filter.parse(queue_filter.params_of(f)) == f


def test_an_export_takes_every_row_from_the_first() -> None:
    f = queue_filter.parse({"sort": "age"}, limit=50, offset=100)
    whole = queue_filter.without_paging(f, 10_000)
    assert (whole.limit, whole.offset, whole.sort) == (10_000, 0, QueueSort.AGE)


def test_every_technology_a_filing_can_carry_has_words() -> None:
    assert set(TECHNOLOGIES) == {t.value for t in CapabilityTag}
