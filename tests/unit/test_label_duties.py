"""Label duties: every carrier of AI content gets the explicit label its rule asks for.

- 深度合成管理规定 Art. 17(1): prominent labels for (1) text, (2) synthetic voice, (3) faces,
  (4) immersive scenes, (5) 其他具有生成或者显著改变信息内容功能的服务 (text-to-image, text-to-video).
- Art. 17(2): other deep-synthesis services must 提供显著标识功能，并提示深度合成服务使用者可以进行显著标识.
- 标识办法 Art. 4(1)-(5): text, audio, image, video, virtual scene; Art. 4 last paragraph: exported files.
- GB 45438-2025 5.3: audio labels are a voice cue (语音标识) or the 短长短短 rhythm (音频节奏标识).
All changes are dated after 2025-09-01, when the measures and the standard are in force.
"""

from __future__ import annotations

import datetime as dt

from redline.domain.calendar import WorkCalendar
from redline.domain.obligations import Evaluation, Obligation, evaluate
from redline.domain.service import Change, Provider, ServiceProfile
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import DeadlineRule, EventKind, ObligationKind, Recipient, TextStatus

DAY = dt.date(2026, 4, 1)
AS_OF = dt.date(2026, 3, 1)


def launch(book: Rulebook, *caps: str) -> Evaluation:
    svc = ServiceProfile(Provider("测试公司", "330106"), "测试服务", caps)
    return evaluate(book, svc, Change(EventKind.LAUNCH, DAY), WorkCalendar(book.holidays), AS_OF)


def duty(ev: Evaluation, trigger_id: str) -> Obligation:
    found = [o for o in ev.obligations if o.trigger_id == trigger_id]
    assert found, f"{trigger_id} not among {[o.trigger_id for o in ev.obligations]}"
    return found[0]


def quoted(ob: Obligation) -> dict[str, str]:
    return {q.cite: q.text for q in ob.quotes}


def test_a_text_to_image_service_must_label_each_image_prominently(book: Rulebook) -> None:
    ev = launch(book, "image_generation")
    general = duty(ev, "dsm2022-17")
    assert general.kind is ObligationKind.LABELLING
    image = duty(ev, "ailabel2025-4-image")
    assert image.kind is ObligationKind.LABELLING
    assert quoted(image)["ailabel2025:4.1(3)"] == "在图片的适当位置添加显著的提示标识"
    assert "ailabel2025:4.2" in quoted(image)  # exported files keep the label
    assert "图片" in image.explanation.zh and "image" in image.explanation.en
    assert (image.due.rule, image.due.date) == (DeadlineRule.ONGOING, DAY)
    assert [r.kind for r in image.recipients] == [Recipient.KEPT_BY_PROVIDER]
    assert "ailabel2025-4-video" not in {o.trigger_id for o in ev.obligations}


def test_a_text_to_video_service_must_label_the_opening_frame_and_around_playback(book: Rulebook) -> None:
    ev = launch(book, "video_generation")
    video = duty(ev, "ailabel2025-4-video")
    text = quoted(video)["ailabel2025:4.1(4)"]
    assert "视频起始画面和视频播放周边的适当位置添加显著的提示标识" in text
    assert "可以在视频末尾和中间适当位置添加显著的提示标识" in text
    assert "起始画面" in video.explanation.zh and "opening frame" in video.explanation.en


def test_the_deep_synthesis_basis_of_text_to_image_and_video_is_article_17_1_item_5(book: Rulebook) -> None:
    for cap in ("image_generation", "video_generation"):
        basis = {q.cite: q.text for q in book.capability(cap).basis}
        assert basis["dsm2022:17.1(5)"] == "其他具有生成或者显著改变信息内容功能的服务"


def test_a_voice_service_gets_the_audio_rule_voice_cue_or_short_long_short_short_rhythm(book: Rulebook) -> None:
    ev = launch(book, "speech_synthesis")
    audio = duty(ev, "ailabel2025-4-audio")
    q = quoted(audio)
    assert "添加语音提示或者音频节奏提示等标识" in q["ailabel2025:4.1(2)"]
    assert q["gb45438:5.3(1)"] == "音频内容显式标识应采用语音标识或音频节奏标识。"
    assert q["gb45438:5.3(3)"] == "音频节奏标识应为‘短长短短’的节奏。"
    cited = {c.cite: c for c in audio.quotes}
    assert cited["gb45438:5.3(3)"].label_zh == "5.3 c)"
    assert cited["gb45438:5.3(3)"].status is TextStatus.VERIFIED
    assert "短长短短" in audio.explanation.zh and "short-long-short-short" in audio.explanation.en
    assert "ailabel2025-4-image" not in {o.trigger_id for o in ev.obligations}


def test_a_voice_cloning_service_gets_the_audio_rule_too(book: Rulebook) -> None:
    assert duty(launch(book, "voice_cloning"), "ailabel2025-4-audio")


def test_a_chatbot_labels_text_at_the_start_end_or_middle_or_in_the_interface(book: Rulebook) -> None:
    text = duty(launch(book, "text_generation"), "ailabel2025-4-text")
    assert "在文本的起始、末尾或者中间适当位置添加文字提示或者通用符号提示等标识" in quoted(text)["ailabel2025:4.1(1)"]
    assert "起始、末尾或中间" in text.explanation.zh


def test_a_virtual_scene_is_labelled_on_its_opening_view(book: Rulebook) -> None:
    scene = duty(launch(book, "virtual_scene"), "ailabel2025-4-virtual-scene")
    assert "呈现虚拟场景时，在起始画面的适当位置添加显著的提示标识" in quoted(scene)["ailabel2025:4.1(5)"]


def test_face_swap_output_is_labelled_as_image_and_as_video(book: Rulebook) -> None:
    ev = launch(book, "face_swap")
    assert {"ailabel2025-4-image", "ailabel2025-4-video"} <= {o.trigger_id for o in ev.obligations}


def test_image_enhancement_must_offer_a_labelling_function_under_article_17_2(book: Rulebook) -> None:
    ev = launch(book, "image_enhancement")
    function = duty(ev, "dsm2022-17-2")
    assert quoted(function)["dsm2022:17.2"] == (
        "深度合成服务提供者提供前款规定之外的深度合成服务的，应当提供显著标识功能，并提示深度合成服务使用者可以进行显著标识。"
    )
    triggered = {o.trigger_id for o in ev.obligations}
    assert "dsm2022-17" not in triggered and "ailabel2025-4-image" not in triggered
    assert "dsm2022-16" in triggered  # implicit labels still apply to all deep synthesis


def test_a_prominently_labelled_service_is_not_also_told_to_offer_a_labelling_function(book: Rulebook) -> None:
    assert "dsm2022-17-2" not in {o.trigger_id for o in launch(book, "image_generation").obligations}


def test_a_service_without_ai_content_gets_no_label_duty_and_is_told_why(book: Rulebook) -> None:
    ev = launch(book, "forum")
    assert not [o for o in ev.obligations if o.kind is ObligationKind.LABELLING]
    reason = next(n.reason for n in ev.not_triggered if n.trigger_id == "ailabel2025-4-audio")
    assert "audio" in reason.en and "音频" in reason.zh
