"""The release gate's comparison: manifest against baseline, obligations, and what covers them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from redline.domain.calendar import WorkCalendar
from redline.domain.workflow import FilingState
from redline.errors import InputError
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import EventKind
from redline.services.gate.gate import (
    Baseline,
    Coverage,
    GateResult,
    Manifest,
    baseline_from_manifest,
    manifest_from,
    read_manifest,
    run_gate,
)
from redline.services.gate.gate_baseline import FilingSummary
from redline.yamldoc import parse_yaml

Write = Callable[[str, str], Path]
DAY = dt.date(2026, 3, 2)


def manifest(book: Rulebook, caps: str, *, mau: int | None = None, techs: str = "") -> Manifest:
    text = (
        f"provider: {{name: 杭州声浪（虚构）, location: '330106'}}\nservice:\n  name: 声浪\n  capabilities: [{caps}]\n"
    )
    if mau is not None:
        text += f"  monthly_active_users: {mau}\n"
    if techs:
        text += f"  technologies:\n{techs}"
    return manifest_from(book, parse_yaml(text, "service.yaml"))


def gate(book: Rulebook, new: Manifest, base: Baseline, *, require_accepted: bool = False) -> GateResult:
    return run_gate(book, WorkCalendar(book.holidays), new, base, DAY, require_accepted=require_accepted)


def filing(
    fid: int,
    state: FilingState,
    caps: tuple[str, ...] = ("voice_chat_room",),
    triggers: tuple[str, ...] = ("sa2018-3-1",),
    kind: EventKind = EventKind.ADD_CAPABILITY,
    mau_after: int | None = None,
    techs: tuple[str, ...] = (),
) -> FilingSummary:
    return FilingSummary(
        id=fid,
        title="t",
        state=state,
        kind=kind,
        capabilities=list(caps),
        technologies=list(techs),
        mau_after=mau_after,
        trigger_ids=list(triggers),
        due_date=None,
        submitted_at=None,
    )


def with_filings(base: Baseline, *filings: FilingSummary) -> Baseline:
    return Baseline(
        base.source, "accepted_filing", base.capabilities, base.technologies, base.monthly_active_users, filings
    )


def test_adding_a_voice_chat_room_without_a_filing_fails_with_the_2018_articles_and_the_release_date(
    book: Rulebook,
) -> None:
    base = baseline_from_manifest(manifest(book, "group_chat"))
    result = gate(book, manifest(book, "group_chat, voice_chat_room"), base)
    assert not result.passed
    (item,) = result.blocking()
    assert item.obligation.trigger_id == "sa2018-3-1"
    assert item.change.capabilities == ("voice_chat_room",)
    assert item.coverage is Coverage.MISSING and item.filing_id is None
    assert [q.cite for q in item.obligation.quotes] == ["sa2018:3(1)"]
    assert "安全评估规定" in item.obligation.quotes[0].regulation_title_zh
    assert item.obligation.due.date == DAY and item.obligation.due.rule.value == "before_event"


def test_an_unchanged_manifest_passes_with_no_change(book: Rulebook) -> None:
    same = manifest(book, "group_chat, voice_chat_room", mau=850000)
    result = gate(book, same, baseline_from_manifest(same))
    assert result.passed and result.changes == () and result.items == ()


def test_a_removed_capability_is_no_change(book: Rulebook) -> None:
    result = gate(
        book, manifest(book, "group_chat"), baseline_from_manifest(manifest(book, "group_chat, voice_chat_room"))
    )
    assert result.passed and result.changes == ()


def test_growth_under_the_default_factor_passes_and_a_doubling_fails_within_30_working_days(book: Rulebook) -> None:
    base = baseline_from_manifest(manifest(book, "forum", mau=1_000_000))
    under = gate(book, manifest(book, "forum", mau=1_900_000), base)
    assert under.passed and [c.kind for c in under.changes] == [EventKind.USER_GROWTH] and not under.items
    doubled = gate(book, manifest(book, "forum", mau=2_000_000), base)
    (item,) = doubled.blocking()
    assert item.obligation.trigger_id == "sa2018-3-3"
    assert item.obligation.due.date == WorkCalendar(book.holidays).add_working_days(DAY, 30).date
    assert item.obligation.due.date is not None and item.obligation.due.date > DAY + dt.timedelta(days=40)


def test_a_technology_adopted_with_a_material_change_triggers_article_3_2(book: Rulebook) -> None:
    base = baseline_from_manifest(manifest(book, "voice_chat_room", techs="    - deep_learning\n"))
    new = manifest(
        book,
        "voice_chat_room",
        techs="    - deep_learning\n    - {id: virtual_reality, material_change: true, aspects: [function]}\n",
    )
    result = gate(book, new, base)
    by_trigger = {i.obligation.trigger_id: i for i in result.blocking()}
    assert set(by_trigger) == {"sa2018-3-2", "av2019-10"}  # a voice chat room is an audio-video service too
    item = by_trigger["sa2018-3-2"]
    assert item.change.technologies == ("virtual_reality",)
    assert [q.cite for q in item.obligation.quotes] == ["sa2018:3(2)"]


def test_a_technology_of_unstated_materiality_passes_with_a_warning(book: Rulebook) -> None:
    base = baseline_from_manifest(manifest(book, "voice_chat_room"))
    result = gate(book, manifest(book, "voice_chat_room", techs="    - blockchain\n"), base)
    assert result.passed and not result.items
    assert any("blockchain" in w.en and "material_change" in w.en for w in result.warnings)


def test_labels_are_listed_but_do_not_gate(book: Rulebook) -> None:
    base = baseline_from_manifest(manifest(book, "image_generation"))
    result = gate(book, manifest(book, "image_generation, speech_synthesis"), base)
    assert result.passed
    # Art. 16/17 of the deep-synthesis rule, the audio label of the 2025 measures (Art. 4(2)), and
    # Art. 12 of the generative-AI measures: synthesised speech is generated content. Arts. 14(1) and 15(1)
    # (training data, periodic review of the algorithms) are ongoing management duties: listed, not gating.
    assert {i.obligation.trigger_id for i in result.items} == {
        "dsm2022-16",
        "dsm2022-17",
        "ailabel2025-4-audio",
        "genai2023-12",
        "dsm2022-14-1",
        "dsm2022-15-1",
    }
    assert not any(i.gating for i in result.items)


@pytest.mark.parametrize(
    ("state", "passes", "passes_strict", "coverage"),
    [
        (FilingState.DRAFT, False, False, Coverage.MISSING),
        (FilingState.REASSESSMENT_ORDERED, False, False, Coverage.MISSING),
        (FilingState.SUBMITTED, True, False, Coverage.PENDING),
        (FilingState.UNDER_REVIEW, True, False, Coverage.PENDING),
        (FilingState.ACCEPTED, True, True, Coverage.ACCEPTED),
        (FilingState.VERIFIED, True, True, Coverage.ACCEPTED),
        (FilingState.CLOSED, True, True, Coverage.ACCEPTED),
    ],
)
def test_a_filing_covers_the_capability_by_its_state(
    book: Rulebook, state: FilingState, passes: bool, passes_strict: bool, coverage: Coverage
) -> None:
    base = with_filings(baseline_from_manifest(manifest(book, "group_chat")), filing(7, state))
    new = manifest(book, "group_chat, voice_chat_room")
    result = gate(book, new, base)
    assert result.passed is passes
    assert result.items[0].coverage is coverage and result.items[0].filing_id == 7
    assert gate(book, new, base, require_accepted=True).passed is passes_strict


def test_the_best_of_several_filings_counts_and_a_filing_of_another_capability_does_not(book: Rulebook) -> None:
    plain = baseline_from_manifest(manifest(book, "group_chat"))
    new = manifest(book, "group_chat, voice_chat_room, live_streaming")
    base = with_filings(
        plain,
        filing(3, FilingState.DRAFT),
        filing(4, FilingState.ACCEPTED),
        filing(5, FilingState.ACCEPTED, caps=("live_streaming",), triggers=("dsm2022-16",)),
    )
    result = gate(book, new, base)
    by_cap = {i.change.capabilities[0]: i for i in result.items}
    assert by_cap["voice_chat_room"].filing_id == 4 and by_cap["voice_chat_room"].coverage is Coverage.ACCEPTED
    assert by_cap["live_streaming"].coverage is Coverage.MISSING  # filing 5 did not list sa2018-3-1
    assert [i.change.capabilities for i in result.blocking()] == [("live_streaming",)]


def test_a_growth_filing_covers_growth_up_to_what_it_filed_but_not_a_further_doubling(book: Rulebook) -> None:
    plain = baseline_from_manifest(manifest(book, "forum", mau=1_000_000))
    growth = filing(
        9, FilingState.SUBMITTED, caps=(), triggers=("sa2018-3-3",), kind=EventKind.USER_GROWTH, mau_after=3_000_000
    )
    base = with_filings(plain, growth)
    assert gate(book, manifest(book, "forum", mau=3_500_000), base).passed
    assert not gate(book, manifest(book, "forum", mau=6_000_000), base).passed


def test_a_manifest_with_an_unknown_technology_names_the_line_and_field(book: Rulebook, write: Write) -> None:
    path = write(
        "service.yaml",
        """\
        provider: {name: 测试, location: '330106'}
        service:
          name: 测试
          capabilities: [forum]
          technologies:
            - deep_learning
            - {id: quantum_gossip, material_change: true}
        """,
    )
    with pytest.raises(InputError) as caught:
        read_manifest(book, path)
    assert caught.value.line == 7 and caught.value.field == "service.technologies.1"
    assert "quantum_gossip" in caught.value.message


def test_a_technology_entry_with_an_unknown_key_is_refused(book: Rulebook) -> None:
    text = (
        "provider: {name: 测试, location: '330106'}\nservice:\n  name: 测试\n  capabilities: [forum]\n"
        "  technologies:\n    - {id: blockchain, materiel: true}\n"
    )
    with pytest.raises(InputError) as caught:
        manifest_from(book, parse_yaml(text, "m.yaml"))
    assert caught.value.field == "service.technologies.0.materiel" and caught.value.line == 6
