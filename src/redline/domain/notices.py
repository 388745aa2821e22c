"""Art. 3(5) of the 2018 rule: which written notices oblige an assessment.

地市级以上网信部门或者公安机关书面通知需要进行安全评估的其他情形 — only a CAC office or a
public-security organ at prefecture level or above. Anything else is reported as not
qualifying, naming the actual issuer; nothing claims a prefecture-level office sent it.
"""

from __future__ import annotations

from dataclasses import dataclass

from redline.domain import words
from redline.domain.service import Issuer, IssuerKind, Notice
from redline.domain.text import Text
from redline.rulebook.divisions import Divisions, Level

ART_3_5 = "地市级以上网信部门或者公安机关书面通知需要进行安全评估的其他情形"
_LEVELS = {
    Level.PROVINCE: Text("省级", "province level"),
    Level.PREFECTURE: Text("地市级", "prefecture level"),
    Level.COUNTY: Text("县级", "county level"),
}


@dataclass(frozen=True)
class NoticeFinding:
    qualifies: bool
    requires_judgement: bool
    issuer: Text  # who sent it, in words
    reason: Text


def describe(divisions: Divisions, issuer: Issuer) -> Text:
    kind = words.ISSUERS[issuer.kind]
    if issuer.national:
        where = Text("国家级", "national level")
    elif issuer.division is None:
        where = Text("行政区划未说明", "division not stated")
    else:
        division = divisions.get(issuer.division)
        level = _LEVELS[division.level] if division else Text("级别不明", "level unknown")
        where = Text(
            f"{divisions.full_name(issuer.division)}，{level.zh}", f"{divisions.full_name(issuer.division)}, {level.en}"
        )
    name = issuer.name or kind.zh
    return Text(f"{name}（{kind.zh}，{where.zh}）", f"{issuer.name or kind.en} ({kind.en}, {where.en})")


def _level_ok(divisions: Divisions, issuer: Issuer) -> bool:
    if issuer.national:
        return True
    division = divisions.get(issuer.division) if issuer.division else None
    return division is not None and division.level in (Level.PROVINCE, Level.PREFECTURE)


def qualify(divisions: Divisions, notice: Notice) -> NoticeFinding:
    rule = Text(
        f"第三条第（五）项只涉及“{ART_3_5}”。",
        f"Art. 3(5) covers only “{ART_3_5}” (a written notice "
        "from a CAC office or a public-security organ at prefecture level or above).",
    )
    issuer = notice.issuer
    if issuer is None:
        said = notice.authority or "—"
        return NoticeFinding(
            False,
            True,
            Text(said, said),
            Text(
                f"通知（{said}）未说明发出机关的类别和行政区划。",
                f"The notice ({said}) does not say what kind of authority issued it or where.",
            )
            + rule
            + Text("请在变更文件中写明发出机关。", " State the issuer in the change file."),
        )
    who = describe(divisions, issuer)
    if issuer.kind is IssuerKind.OTHER:
        return NoticeFinding(
            False,
            False,
            who,
            Text(
                f"发出通知的是{who.zh}，不是网信部门或公安机关。",
                f"The notice was issued by {who.en}, which is neither a CAC office nor a public-security organ.",
            )
            + rule,
        )
    if not _level_ok(divisions, issuer):
        return NoticeFinding(
            False,
            True,
            who,
            Text(
                f"发出通知的是{who.zh}，不是地市级以上机关。",
                f"The notice was issued by {who.en}, which is not at prefecture level or above.",
            )
            + rule
            + Text(
                "如该通知是代表地市级以上机关发出的，请将该机关记为发出机关；需要判断。",
                " If it was sent on behalf of a prefecture-level or higher organ, record that organ as the "
                "issuer; this requires judgement.",
            ),
        )
    return NoticeFinding(
        True,
        False,
        who,
        Text(f"{who.zh}书面通知需要进行安全评估。", f"{who.en} gave written notice that an assessment is required."),
    )
