"""Where a provider's report goes when it has no seat in China.

Art. 7(1) of the 2018 rule sends the report to the CAC office and public-security organ of
the place where the provider is located (所在地). A provider outside China, or one whose
seat is not stated, has no such place in the division table: redline then names no office
and says the recipient is to be determined by the competent authority, with that basis.
It never invents a city.
"""

from __future__ import annotations

from redline.domain.service import Provider
from redline.domain.text import Text

_ART_7_1 = "通过全国互联网安全管理服务平台提交所在地地市级以上网信部门和公安机关"


def no_seat(provider: Provider) -> Text:
    """The provider's place, in words, when it has no GB/T 2260 division."""
    if provider.outside_china:
        where = f"（{provider.country}）" if provider.country else ""
        where_en = f" ({provider.country})" if provider.country else ""
        return Text(f"境外{where}，在境内无所在地", f"outside China{where_en}, with no seat in China")
    return Text("服务档案未写明所在地", "the service profile states no seat")


def undetermined_recipient(provider: Provider, organ: Text) -> Text:
    """A recipient the rule ties to a seat the provider does not have (the basis: `seat_note`)."""
    return Text(
        f"由主管部门确定（{organ.zh}；提供者{no_seat(provider).zh}）",
        f"to be determined by the competent authority (由主管部门确定; {organ.en}; the provider is "
        f"{no_seat(provider).en})",
    )


def seat_note(provider: Provider) -> Text | None:
    """Why no office is named, with the basis; None when the provider has a seat in China."""
    if provider.location is not None:
        return None
    return Text(
        f"报送对象：提供者{no_seat(provider).zh}。《具有舆论属性或社会动员能力的互联网信息服务安全评估规定》第七条第一款"
        f"规定“{_ART_7_1}”，所在地无从确定，接收机关由主管部门确定，须向主管部门确认；redline 不推定任何城市。",
        f"Recipients: the provider is {no_seat(provider).en}. Art. 7(1) of the 2018 rule sends the report to the "
        f"organs “of the place where the provider is located” (“{_ART_7_1}”); there is no such place, so the "
        "recipient is to be determined by the competent authority: ask it which office receives the report. "
        "redline presumes no city.",
    )
