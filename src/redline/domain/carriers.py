"""Which kind of AI content a change brings in: text, audio, images, video or virtual scenes.

The 2025 labelling measures (Art. 4) set a different explicit label for each carrier, and
only for services within Art. 17(1) of the deep-synthesis rule; so a carrier trigger needs
one introduced capability that is both in that class and produces that carrier.
"""

from __future__ import annotations

from redline.domain.text import Text
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import ContentCarrier, Trigger

CARRIER_NAMES: dict[ContentCarrier, Text] = {
    ContentCarrier.TEXT: Text("文本", "text"),
    ContentCarrier.AUDIO: Text("音频", "audio"),
    ContentCarrier.IMAGE: Text("图片", "images"),
    ContentCarrier.VIDEO: Text("视频", "video"),
    ContentCarrier.VIRTUAL_SCENE: Text("虚拟场景", "virtual scenes"),
}


def carrier_reason(book: Rulebook, trigger: Trigger, introduced: tuple[str, ...]) -> Text | None:
    """None when an introduced capability of the trigger's class produces its carrier, else why not."""
    carrier = trigger.when.carrier
    if carrier is None:
        return None
    wanted = set(trigger.when.introduces_any)
    for cap_id in introduced:
        cap = book.capability(cap_id)
        if carrier in cap.outputs and (not wanted or wanted.intersection(cap.tags)):
            return None
    name = CARRIER_NAMES[carrier]
    return Text(
        f"该变更未引入生成{name.zh}且属于深度合成管理规定第十七条第一款（须显著标识）的功能",
        f"the change introduces no function that produces {name.en} and is listed in Art. 17(1) "
        f"of the deep-synthesis rule (prominent labels)",
    )
