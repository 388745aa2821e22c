"""Words for the classes and facts redline reasons with, so no identifier reaches a reader."""

from __future__ import annotations

from redline.domain.service import Audience, IssuerKind
from redline.domain.text import Text, join
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import CapabilityTag

TAGS: dict[CapabilityTag, Text] = {
    CapabilityTag.PUBLIC_OPINION: Text("具有舆论属性或社会动员能力", "public-opinion or social-mobilisation"),
    CapabilityTag.DEEP_SYNTHESIS: Text("深度合成", "deep-synthesis"),
    CapabilityTag.BIOMETRIC_EDITING: Text(
        "生成或者编辑人脸、人声等生物识别信息", "face- or voice-generating or -editing"
    ),
    CapabilityTag.PROMINENT_LABEL: Text(
        "可能导致公众混淆或者误认、须显著标识的深度合成",
        "deep-synthesis that may confuse the public and must be labelled",
    ),
    CapabilityTag.AUDIO_VIDEO: Text("网络音视频信息服务", "online audio-video"),
    CapabilityTag.ALGORITHMIC_RECOMMENDATION: Text("算法推荐", "algorithmic-recommendation"),
    CapabilityTag.GENERATIVE_AI: Text("生成式人工智能", "generative-AI"),
    CapabilityTag.LABEL_FUNCTION: Text(
        "须提供显著标识功能的深度合成（第十七条第二款）", "deep-synthesis owing a labelling function (Art. 17(2))"
    ),
    CapabilityTag.NEWS: Text("互联网新闻信息服务", "internet news information"),
}

AUDIENCES: dict[Audience, Text] = {
    Audience.PUBLIC: Text("社会公众", "the public"),
    Audience.REGISTERED_USERS: Text("注册用户", "registered users"),
    Audience.CLOSED_GROUP: Text("封闭群体或本单位员工", "a closed group or the provider's own staff"),
}

ISSUERS: dict[IssuerKind, Text] = {
    IssuerKind.CAC: Text("网信部门", "cyberspace-affairs (CAC) office"),
    IssuerKind.PUBLIC_SECURITY: Text("公安机关", "public-security organ"),
    IssuerKind.OTHER: Text("其他机关", "other authority"),
}


def tags(wanted: list[CapabilityTag]) -> Text:
    return join([TAGS[t] for t in wanted], "或", " or ")


def capabilities(book: Rulebook, cap_ids: tuple[str, ...] | list[str]) -> Text:
    """Capability names in both languages ("无" / "none" when empty)."""
    if not cap_ids:
        return Text("无", "none")
    return join([Text(book.capability(c).zh, book.capability(c).en) for c in cap_ids])


def technologies(book: Rulebook, tech_ids: tuple[str, ...] | list[str]) -> Text:
    names = {t.id: Text(t.zh, t.en) for t in book.technologies}
    return join([names.get(t, Text(t, t)) for t in tech_ids])
