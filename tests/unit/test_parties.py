"""Parties: the rules bind providers, technical supporters, platforms, app stores and users differently.

- 深度合成管理规定 Art. 23: 深度合成服务技术支持者，是指为深度合成服务提供技术支持的组织、个人.
  Arts. 14 and 15 bind "深度合成服务提供者和技术支持者"; Art. 19(2): 深度合成服务技术支持者应当参照前款
  规定履行备案和变更、注销备案手续. Arts. 16 and 17 (labels) bind only the 深度合成服务提供者.
- 标识办法 Art. 6: 提供网络信息内容传播服务的服务提供者 check implicit labels, add notices around
  published content (属于 / 可能为 / 疑似), offer a labelling function; Art. 6(2): propagation elements.
- 标识办法 Art. 7: 互联网应用程序分发平台 at listing review ask whether the app offers AI generation,
  and check the labelling materials of those that do. (Deep-synthesis rule Art. 13 is not held.)
- 标识办法 Art. 10: a user publishing AI content declares it and uses the labelling function.
All changes are dated after 2025-09-01.
"""

from __future__ import annotations

import datetime as dt

from redline.domain.calendar import WorkCalendar
from redline.domain.obligations import Evaluation, Obligation, evaluate
from redline.domain.service import Change, Listing, Provider, ServiceProfile
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import DeadlineRule, EventKind, ObligationKind, Recipient, Role
from redline.services.assessment.assessing import applicable_checklists

DAY = dt.date(2026, 4, 1)  # a Wednesday
AS_OF = dt.date(2026, 3, 1)


def run(book: Rulebook, svc: ServiceProfile, change: Change) -> Evaluation:
    return evaluate(book, svc, change, WorkCalendar(book.holidays), AS_OF)


def profile(*caps: str, roles: tuple[Role, ...], user_content: bool | None = None) -> ServiceProfile:
    return ServiceProfile(Provider("某科技公司", "330106"), "某服务", caps, roles=roles, user_content=user_content)


def duty(ev: Evaluation, trigger_id: str) -> Obligation:
    found = [o for o in ev.obligations if o.trigger_id == trigger_id]
    assert found, f"{trigger_id} not among {[o.trigger_id for o in ev.obligations]}"
    return found[0]


def skipped(ev: Evaluation, trigger_id: str) -> str:
    found = [n for n in ev.not_triggered if n.trigger_id == trigger_id]
    assert found, f"{trigger_id} not among the not-triggered {[n.trigger_id for n in ev.not_triggered]}"
    return found[0].reason.zh + " | " + found[0].reason.en


def test_a_technical_supporter_of_face_swap_owes_arts_14_15_and_a_filing_but_no_labels(book: Rulebook) -> None:
    # A company licenses its face-swap model to apps run by others: it supports, it does not provide.
    ev = run(book, profile("face_swap", roles=(Role.TECHNICAL_SUPPORTER,)), Change(EventKind.LAUNCH, DAY))
    for tid in ("dsm2022-14-1", "dsm2022-14-2", "dsm2022-15-1", "dsm2022-15", "dsm2022-19-2"):
        ob = duty(ev, tid)
        assert ob.role is Role.TECHNICAL_SUPPORTER
        assert ob.binds.zh == "技术支持者" and ob.binds.en == "technical supporter"
    filing = duty(ev, "dsm2022-19-2")
    assert filing.kind is ObligationKind.ALGORITHM_FILING
    assert filing.due.date == dt.date(2026, 4, 16)  # ten working days; 清明 (2026-04-04..06) off
    assert [r.kind for r in filing.recipients] == [Recipient.ALGORITHM_FILING_SYSTEM]
    assert "参照前款规定" in {q.cite: q.text for q in filing.quotes}["dsm2022:19.2"]
    consent = duty(ev, "dsm2022-14-2")
    assert "取得其单独同意" in consent.quotes[0].text
    assert "技术支持者" in consent.recipients[0].name.zh  # kept by the supporter, not "the provider"
    for label in ("dsm2022-16", "dsm2022-17", "ailabel2025-4-image", "ailabel2025-4-video"):
        assert label not in {o.trigger_id for o in ev.obligations}
    reason = skipped(ev, "dsm2022-16")
    assert "技术支持者本身不负有该标识义务" in reason and "technical supporter owes no such labels" in reason
    assert "dsm2022-19" in {n.trigger_id for n in ev.not_triggered}  # the provider's filing is not its own


def test_a_provider_of_face_swap_owes_labels_but_no_technical_supporters_filing(book: Rulebook) -> None:
    ev = run(book, profile("face_swap", roles=(Role.PROVIDER,)), Change(EventKind.LAUNCH, DAY))
    assert duty(ev, "dsm2022-16").role is Role.PROVIDER
    duty(ev, "dsm2022-14-2")  # Art. 14(2) binds providers too
    assert "dsm2022-19-2" not in {o.trigger_id for o in ev.obligations}


def test_a_forum_that_hosts_users_ai_images_owes_art_6_and_the_labelling_checklist(book: Rulebook) -> None:
    # A forum generates nothing; its users upload AI pictures made elsewhere.
    svc = profile("forum", roles=(Role.CONTENT_PLATFORM,), user_content=True)
    ev = run(book, svc, Change(EventKind.LAUNCH, DAY))
    spread = duty(ev, "ailabel2025-6")
    assert spread.kind is ObligationKind.LABELLING and spread.role is Role.CONTENT_PLATFORM
    cites = {q.cite for q in spread.quotes}
    assert {"ailabel2025:6.1(1)", "ailabel2025:6.1(2)", "ailabel2025:6.1(3)", "ailabel2025:6.1(4)"} <= cites
    assert "疑似" in spread.explanation.zh and "suspected" in spread.explanation.en
    assert spread.due.rule is DeadlineRule.ONGOING
    fields = duty(ev, "ailabel2025-6-2")
    assert "ContentPropagator" in fields.explanation.en and "PropagateID" in fields.explanation.zh
    duty(ev, "sa2018-3-1")  # the forum itself still owes the 2018 assessment, as whoever runs it
    assert "dsm2022-16" not in {o.trigger_id for o in ev.obligations}
    assert "ailabel2025" in {c.id for c in applicable_checklists(book, svc, None)}


def test_a_provider_that_hosts_users_content_is_also_its_own_platform(book: Rulebook) -> None:
    svc = profile(
        "information_sharing", "image_generation", roles=(Role.PROVIDER, Role.CONTENT_PLATFORM), user_content=True
    )
    ev = run(book, svc, Change(EventKind.LAUNCH, DAY))
    assert duty(ev, "ailabel2025-4-image").role is Role.PROVIDER  # its own output: Art. 4
    assert duty(ev, "dsm2022-16").role is Role.PROVIDER  # Art. 5 production elements
    assert duty(ev, "ailabel2025-6").role is Role.CONTENT_PLATFORM  # what users post: Art. 6
    assert duty(ev, "ailabel2025-6-2").role is Role.CONTENT_PLATFORM


def test_starting_to_host_user_uploads_makes_art_6_due_from_that_day(book: Rulebook) -> None:
    svc = profile("image_generation", roles=(Role.PROVIDER,))
    ev = run(book, svc, Change(None, DAY, roles_taken=(Role.CONTENT_PLATFORM,)))
    assert duty(ev, "ailabel2025-6").due.date == DAY
    assert "ailabel2025-4-image" not in {o.trigger_id for o in ev.obligations}  # nothing new generated


def test_an_app_store_listing_a_face_swap_app_asks_and_checks_labelling_materials(book: Rulebook) -> None:
    svc = profile("search", roles=(Role.APP_DISTRIBUTION_PLATFORM,))
    ev = run(book, svc, Change(None, DAY, listing=Listing("换脸相机", ("face_swap",))))
    ask = duty(ev, "ailabel2025-7")
    assert ask.kind is ObligationKind.LISTING_REVIEW and ask.role is Role.APP_DISTRIBUTION_PLATFORM
    assert (ask.due.rule, ask.due.date) == (DeadlineRule.BEFORE_EVENT, DAY)
    materials = duty(ev, "ailabel2025-7-materials")
    assert "核验其生成合成内容标识相关材料" in materials.quotes[0].text
    assert "第十三条" in materials.explanation.zh and "not held" in materials.explanation.en
    assert not any(o.role is Role.PROVIDER for o in ev.obligations)  # the app's duties are not the store's
    assert "ailabel2025" in {c.id for c in applicable_checklists(book, svc, None)}


def test_an_app_store_listing_a_weather_app_only_asks(book: Rulebook) -> None:
    svc = profile("search", roles=(Role.APP_DISTRIBUTION_PLATFORM,))
    ev = run(book, svc, Change(None, DAY, listing=Listing("天气", ("information_lookup",))))
    duty(ev, "ailabel2025-7")
    assert "不提供" in skipped(ev, "ailabel2025-7-materials")


def test_a_user_organisation_publishing_ai_content_declares_it(book: Rulebook) -> None:
    svc = profile("provider_publishing", roles=(Role.USER_ORGANISATION,))
    ev = run(book, svc, Change(EventKind.LAUNCH, DAY))
    ob = duty(ev, "ailabel2025-10")
    assert ob.role is Role.USER_ORGANISATION and "主动声明" in ob.quotes[0].text
    assert "ailabel2025-6" not in {o.trigger_id for o in ev.obligations}


def test_a_profile_without_roles_is_a_provider_as_before(book: Rulebook) -> None:
    svc = ServiceProfile(Provider("某科技公司", "330106"), "某服务", ("voice_cloning",))
    ev = run(book, svc, Change(EventKind.LAUNCH, DAY))
    assert duty(ev, "ailabel2025-4-audio").binds.en == "service provider"
    assert "ailabel2025-6" in {n.trigger_id for n in ev.not_triggered}


def test_a_voice_cloning_provider_is_told_where_audio_files_carry_the_implicit_label(book: Rulebook) -> None:
    # Art. 5: the implicit label sits in the file metadata, so exported audio keeps it; the carriers
    # come from the TC260 guides as relayed by third-party research notes, marked for checking.
    ev = run(book, profile("voice_cloning", roles=(Role.PROVIDER,)), Change(EventKind.LAUNCH, DAY))
    implicit = duty(ev, "dsm2022-16").explanation
    assert "TXXX" in implicit.en and "RIFF" in implicit.zh and "导出的文件须保留该隐式标识" in implicit.zh
    assert "check them against the guides and the standard" in implicit.en
    assert "moov.udta.meta" not in implicit.en  # no video carrier for a voice service
    audio = duty(ev, "ailabel2025-4-audio")
    assert "短长短短" in audio.explanation.zh and {q.cite for q in audio.quotes} >= {"gb45438:5.3(3)"}
