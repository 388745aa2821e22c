"""What a counted deadline tells its reader about the calendar it was counted on."""

from __future__ import annotations

from redline.domain.calendar import CountedDate
from redline.rulebook.statutory_holidays import REVISIONS, law_for


def calendar_notes(counted: CountedDate) -> tuple[str, str]:
    """(zh-CN, English) sentences on how certain the date is; empty when it rests on known notices."""
    zh: list[str] = []
    en: list[str] = []
    if counted.overridden_years:
        years_zh = "、".join(str(y) for y in counted.overridden_years)
        years_en = ", ".join(str(y) for y in counted.overridden_years)
        zh.append(f"{years_zh} 年的官方节假日安排（chinesecalendar）已被用户节假日文件替代。")
        en.append(
            f"The official holiday schedule for {years_en} (chinesecalendar) was overridden by a user holiday file."
        )
    if counted.provisional:
        z, e = _provisional(counted)
        zh.append(z)
        en.append(e)
    return "".join(zh), " ".join(en)


def _provisional(counted: CountedDate) -> tuple[str, str]:
    years_zh = "、".join(str(y) for y in counted.missing_years)
    years_en = ", ".join(str(y) for y in counted.missing_years)
    law = law_for(max(counted.missing_years[-1], REVISIONS[0].effective.year))
    zh = (
        f"暂定：国务院 {years_zh} 年节假日安排尚未收录，已按{law.title_zh}计入法定节假日"
        "（逢周末的按惯例在其后的工作日补假）。年度安排只在节日前后调休：调休上班可使期限提前，"
        "调休放假可使期限推后；"
    )
    en = (
        f"Provisional: the State Council holiday schedule for {years_en} is not known; the "
        f"holidays fixed by the {law.title_en} were counted as days off (with a weekday made up "
        "after any that falls on a weekend, as the notices do). A notice only swaps days around "
        "festivals: weekend days worked in exchange can bring the date earlier, bridging days "
        "off can push it later; "
    )
    if counted.earliest == counted.latest:
        zh += "按 2008 年以来各年安排的做法，调休在此期限前相互抵消，预计不会改变该日期。"
        en += "judging by every notice since 2008 they cancel out before this date, so it is not expected to move."
    else:
        zh += f"按 2008 年以来各年安排的做法，期限在 {counted.earliest} 至 {counted.latest} 之间。"
        en += f"judging by every notice since 2008 the date falls between {counted.earliest} and {counted.latest}."
    return zh, en
