"""Where the implicit label (隐式标识) goes, per kind of content, and who writes which fields.

Art. 5 of the 2025 labelling measures puts the provider's production elements in the file
metadata; Art. 6(2) has the platform that spreads content add its propagation elements. Where in
each file format the metadata sits is set by the TC260 practice guides "based on GB 45438-2025",
which this rulebook holds only as relayed by third parties (GitHub research notes quoting them); the standard's
Annex E was not read. Every sentence here says so, and asks for a check against the guide.
"""

from __future__ import annotations

from redline.domain.carriers import CARRIER_NAMES
from redline.domain.text import Text
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import ContentCarrier, Role, Trigger

_WHERE: dict[ContentCarrier, Text] = {
    ContentCarrier.IMAGE: Text(
        "JPEG 在 APP1 的 XMP 中（TC260 命名空间 http://www.tc260.org.cn/ns/AIGC/1.0/ 下的 AIGC 键），"
        "或在 EXIF UserComment 中；PNG 在关键字为“AIGC”的 tEXt 块，或 iTXt 中的 XMP；WebP 在“XMP ”块",
        "JPEG: XMP in APP1 (key AIGC in the TC260 namespace http://www.tc260.org.cn/ns/AIGC/1.0/) or EXIF "
        'UserComment; PNG: a tEXt chunk with keyword "AIGC", or XMP in iTXt; WebP: the "XMP " chunk',
    ),
    ContentCarrier.AUDIO: Text(
        "WAV 在 RIFF 块“AIGC”中；MP3 在描述为“AIGC”的 ID3v2 TXXX 帧中",
        'WAV: a RIFF chunk "AIGC"; MP3: an ID3v2 TXXX frame with description "AIGC"',
    ),
    ContentCarrier.VIDEO: Text(
        "MP4/MOV 在 moov.udta.meta（keys/ilst）中的“AIGC”键", 'MP4/MOV: the key "AIGC" in moov.udta.meta (keys/ilst)'
    ),
    ContentCarrier.TEXT: Text("文本文件的存放方式本库未取得", "where text files carry it is not held here"),
    ContentCarrier.VIRTUAL_SCENE: Text(
        "虚拟场景的存放方式本库未取得", "where virtual scenes carry it is not held here"
    ),
}

_SOURCE = Text(
    "以上存放位置据 TC260 实践指南（经第三方转述，非 GB 45438-2025 原文），须对照指南和标准核对。",
    "These places follow the TC260 practice guides as relayed by third parties, not the text of "
    "GB 45438-2025; check them against the guides and the standard.",
)


def carrier_details(trigger: Trigger, introduced: tuple[str, ...], book: Rulebook) -> Text:
    """Per-carrier detail for a trigger that asks for it; empty otherwise."""
    if not trigger.carrier_details:
        return Text("", "")
    if Role.CONTENT_PLATFORM in trigger.roles:
        return _propagation()
    return _production(_carriers(book, introduced))


def _carriers(book: Rulebook, introduced: tuple[str, ...]) -> list[ContentCarrier]:
    found = {c for cap in introduced for c in book.capability(cap).outputs}
    return [c for c in ContentCarrier if c in found]


def _production(carriers: list[ContentCarrier]) -> Text:
    text = Text(
        "隐式标识写入制作要素（字段 Label、ContentProducer、ProduceID）",
        " The implicit label carries the production elements (fields Label, ContentProducer, ProduceID)",
    )
    for carrier in carriers:
        name = CARRIER_NAMES[carrier]
        text += Text(f"；{name.zh}：{_WHERE[carrier].zh}", f"; {name.en}: {_WHERE[carrier].en}")
    text += Text(
        "。标识在文件元数据中，用户下载、导出的文件须保留该隐式标识（第五条）。",
        ". It sits in the file's metadata, so files users download or export keep the implicit label (Art. 5).",
    )
    return text + _SOURCE


def _propagation() -> Text:
    return (
        Text(
            "传播要素写入隐式标识的 ContentPropagator（传播平台编码）和 PropagateID（传播内容编号）字段，"
            "保留提供者写入的 ContentProducer、ProduceID；字段对应关系为推断，附录 E 原文本库未取得。",
            " The propagation elements go into the implicit label's ContentPropagator (platform code) and "
            "PropagateID (content ID) fields, keeping the provider's ContentProducer and ProduceID; this "
            "field mapping is inferred, as Annex E's text is not held here.",
        )
        + _SOURCE
    )
