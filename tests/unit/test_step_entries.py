"""What a regulator's step refuses in what was typed, asked by the step and by its confirmation page alike."""

from __future__ import annotations

import datetime as dt

import pytest

from redline.domain.workflow import Action
from redline.errors import InputError
from redline.services.filing.review import RectificationDemand, check_entered

TODAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize(
    ("action", "extra", "field"),
    [
        (Action.ORDER_RECTIFICATION, {"items": []}, "items"),
        (
            Action.ORDER_RECTIFICATION,
            {"items": [RectificationDemand("补齐日志", TODAY - dt.timedelta(days=1))]},
            "items.due",
        ),
        (Action.REQUEST_SUPPLEMENT, {"due": TODAY - dt.timedelta(days=1)}, "due"),
        (Action.ORDER_REASSESSMENT, {"due": dt.date(2000, 1, 1)}, "due"),
    ],
)
def test_an_order_without_items_or_a_date_in_the_past_is_refused(
    action: Action, extra: dict[str, object], field: str
) -> None:
    with pytest.raises(InputError) as refused:
        check_entered(TODAY, action, extra)
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("action", "extra"),
    [
        (Action.ORDER_RECTIFICATION, {"items": [RectificationDemand("补齐日志", TODAY)]}),
        (Action.REQUEST_SUPPLEMENT, {"due": None}),  # set later from the working-day calendar
        (Action.ACCEPT, {"due": dt.date(2000, 1, 1)}),  # a date means nothing to an acceptance
    ],
)
def test_what_a_step_may_take_passes(action: Action, extra: dict[str, object]) -> None:
    check_entered(TODAY, action, extra)
