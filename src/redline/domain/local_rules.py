"""Local rules in place: a local package's trigger reaches only providers inside its division."""

from __future__ import annotations

from redline.domain.service import ServiceProfile
from redline.domain.text import Text
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import Trigger


def outside_jurisdiction(book: Rulebook, trigger: Trigger, service: ServiceProfile) -> Text | None:
    """Why a local trigger does not reach this service (its provider sits elsewhere, or nowhere stated);
    None when it does, or when the trigger is a national one."""
    scope = book.trigger_scope(trigger.id)
    location = service.provider.location
    if scope is None or book.applies_at(scope, location):
        return None
    head = Text(
        f"地方规则，只在{scope.place_zh}适用（{scope.issuer_zh}）",
        f"A local rule, in force only in {scope.place_en} ({scope.issuer_en})",
    )
    if location is None:
        return head + Text("；服务提供者所在地未写明。", "; no seat of the provider is stated.")
    where = Text(book.divisions.full_name(location), book.divisions.full_name_en(location))
    return head + Text("；服务提供者位于", "; the provider sits in ") + where + Text("。", ".")
