"""Art. 3(3) of the 2018 rule: significant user growth, as redline presumes it.

用户规模显著增加，导致信息服务的舆论属性或者社会动员能力发生重大变化的 — the rule sets no
figure. redline presumes growth significant past a ratio AND an absolute number of added users
(its own default, in the rulebook, overridable per change), flags large growth below the ratio
for judgement, and never calls a fall in users growth. A presumption is never a finding: the
result always says it requires judgement unless the provider decided in the change file.
"""

from __future__ import annotations

from dataclasses import dataclass

from redline.domain.service import Change, ServiceProfile
from redline.domain.text import Text
from redline.rulebook.schema import Growth


@dataclass(frozen=True)
class GrowthFinding:
    significant: bool
    requires_judgement: bool
    explanation: Text


def _n(value: int) -> str:
    return f"{value:,}"


def _rule(default: Growth, change: Change) -> tuple[float, int, Text]:
    override = change.growth_rule
    ratio = override.min_ratio if override and override.min_ratio is not None else default.min_ratio
    added = override.min_added if override and override.min_added is not None else default.min_added
    if override and (override.min_ratio is not None or override.min_added is not None):
        whose = Text("本变更文件设定的标准", "the threshold set in this change file")
    else:
        whose = Text("redline 的默认推定标准", "redline's default presumption")
    return (
        ratio,
        added,
        whose
        + Text(
            f"（至少增至 {ratio:g} 倍且至少增加 {_n(added)} 名月活跃用户）",
            f"(at least x{ratio:g} and at least {_n(added)} more monthly active users)",
        ),
    )


def assess_growth(default: Growth, service: ServiceProfile, change: Change) -> GrowthFinding:
    if change.material_change is not None:
        return _decided(change.material_change)
    before, after = change.users_before(service), change.mau_after
    if before is None or after is None:
        return GrowthFinding(
            False,
            True,
            Text(
                "缺少变更前或变更后的月活跃用户数，无法判断用户规模是否显著增加。",
                "The monthly-active-user figure before or after the change is missing, so growth cannot be judged.",
            ),
        )
    moved = Text(f"月活跃用户由 {_n(before)} ", f"Monthly active users went from {_n(before)} ")
    if after < before:
        return GrowthFinding(
            False,
            False,
            moved
            + Text(
                f"降至 {_n(after)}。用户减少不是第三条第（三）项所称“用户规模显著增加”。",
                f"down to {_n(after)}. A fall in users is not the significant increase of Art. 3(3).",
            ),
        )
    if after == before:
        return GrowthFinding(
            False,
            False,
            moved + Text(f"不变（{_n(after)}），用户规模没有增加。", f"to the same {_n(after)}: no growth."),
        )
    return _measured(default, change, before, after, moved)


def _measured(default: Growth, change: Change, before: int, after: int, moved: Text) -> GrowthFinding:
    ratio, added = after / before, after - before
    min_ratio, min_added, rule = _rule(default, change)
    grew = moved + Text(
        f"增至 {_n(after)}（增加 {_n(added)}，为原来的 {ratio:.2f} 倍），",
        f"to {_n(after)} (+{_n(added)}, x{ratio:.2f}),",
    )
    question = Text(
        "规定未给出“显著增加”的数值标准；是否“导致信息服务的舆论属性或者社会动员能力发生重大变化”需要判断。",
        " The rule sets no figure for a significant increase; whether it changes the service's "
        "public-opinion attributes materially requires judgement.",
    )
    if ratio >= min_ratio and added >= min_added:
        return GrowthFinding(
            True,
            True,
            grew
            + Text("达到", " which meets ")
            + rule
            + Text("，推定为显著增加。", ", so it is presumed significant.")
            + question,
        )
    if added >= min_added and ratio >= min(default.judgement_ratio, min_ratio):
        return GrowthFinding(
            False,
            True,
            grew
            + Text("未达到", " which falls short of ")
            + rule
            + Text(
                "，不推定为显著增加；但增长幅度较大，", ", so it is not presumed significant; but the growth is large."
            )
            + question,
        )
    return GrowthFinding(
        False,
        False,
        grew
        + Text("未达到", " which falls short of ")
        + rule
        + Text("，不推定为显著增加。", ", so it is not presumed significant.")
        + Text(default.basis_zh, " " + default.basis_en),
    )


def _decided(material: bool) -> GrowthFinding:
    if material:
        return GrowthFinding(
            True,
            False,
            Text(
                "变更文件判断用户规模增加导致舆论属性或社会动员能力发生重大变化。",
                "The change file judges that the growth materially changes the service's public-opinion attributes.",
            ),
        )
    return GrowthFinding(
        False,
        False,
        Text(
            "变更文件判断用户规模增加未导致舆论属性或社会动员能力发生重大变化。",
            "The change file judges that the growth does not materially change "
            "the service's public-opinion attributes.",
        ),
    )
