"""Art. 2 of the 2018 rule: does a service have public-opinion attributes or social-mobilisation capability?

本规定所称具有舆论属性或社会动员能力的互联网信息服务，包括下列情形：
（一）开办论坛、博客、微博客、聊天室、通讯群组、公众账号、短视频、网络直播、信息分享、小程序等信息服务或者附设相应功能；
（二）开办提供公众舆论表达渠道或者具有发动社会公众从事特定活动能力的其他互联网信息服务。

The determination is derived from the profile (listed capabilities, audience, whether users
can publish or spread content) and can be declared by the provider. Where the text leaves room
(a closed service, user content without a listed function, a declaration against the list),
the result says it requires judgement, and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from redline.domain import words
from redline.domain.judgements import Judgement
from redline.domain.service import Audience, ServiceProfile
from redline.domain.text import Text
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import CapabilityTag

ART_2_1 = (
    "开办论坛、博客、微博客、聊天室、通讯群组、公众账号、短视频、网络直播、信息分享、小程序等信息服务或者附设相应功能"
)
ART_2_2 = "开办提供公众舆论表达渠道或者具有发动社会公众从事特定活动能力的其他互联网信息服务"
_CITE_1 = Text(f"第二条第（一）项：“{ART_2_1}”", f"Art. 2(1) of the 2018 rule: “{ART_2_1}”")
_CITE_2 = Text(f"第二条第（二）项：“{ART_2_2}”", f"Art. 2(2) of the 2018 rule: “{ART_2_2}”")


class Ground(StrEnum):
    LISTED = "listed"  # a function Art. 2(1) lists
    DECLARED = "declared"  # the provider declares it (Art. 2(2))
    USER_CONTENT = "user_content"  # users publish to others: presumed a channel of public opinion
    CLOSED = "closed"  # closed group or staff only
    GENERATIVE = "generative"  # a public generative-AI service with no listed function: a question
    JUDGED = "judged"  # a recorded judgement decided it
    NONE = "none"


@dataclass(frozen=True)
class Applicability:
    public_opinion: bool
    ground: Ground
    requires_judgement: bool
    explanation: Text
    listed: tuple[str, ...] = ()
    judgement: Judgement | None = None


def listed_capabilities(book: Rulebook, caps: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(c for c in caps if CapabilityTag.PUBLIC_OPINION in book.capability(c).tags)


def determine(
    book: Rulebook, service: ServiceProfile, caps: tuple[str, ...] | None = None, judgement: Judgement | None = None
) -> Applicability:
    """The Art. 2 determination for `service` with capabilities `caps` (default: its own); where it
    requires judgement, a recorded `judgement` decides it."""
    found = _determine(book, service, caps)
    if judgement is None or not found.requires_judgement:
        return found
    return Applicability(
        judgement.answer,
        Ground.JUDGED,
        False,
        found.explanation + Text("。该问题已由人工判断：", ". The question has been decided: ") + judgement.words(),
        found.listed,
        judgement,
    )


def _determine(book: Rulebook, service: ServiceProfile, caps: tuple[str, ...] | None) -> Applicability:
    caps = service.capabilities if caps is None else caps
    listed = listed_capabilities(book, caps)
    declared = service.declares_public_opinion
    if declared:
        return Applicability(
            True,
            Ground.DECLARED,
            False,
            Text(
                "提供者申报该服务具有舆论属性或社会动员能力，",
                "The provider declares that the service has "
                "public-opinion attributes or social-mobilisation capability, under ",
            )
            + _CITE_2,
            listed,
        )
    if service.audience is Audience.CLOSED_GROUP:
        return _closed(book, listed)
    if listed:
        return _listed(book, listed, declared_no=declared is False)
    if service.user_content:
        return _user_content(service, declared_no=declared is False)
    if declared is None and CapabilityTag.GENERATIVE_AI in book.tags_of(caps):
        return _generative(service)
    return Applicability(False, Ground.NONE, False, _none_reason(service))


def _listed(book: Rulebook, listed: tuple[str, ...], declared_no: bool) -> Applicability:
    names = words.capabilities(book, listed)
    text = (
        Text(f"服务开办或附设{names.zh}，属于", f"The service runs or includes {names.en}, a service listed in ")
        + _CITE_1
    )
    if declared_no:
        text += Text(
            "。提供者申报不具有舆论属性，但第二条第（一）项已列明上述功能，redline 按具有舆论属性处理，需要判断。",
            ". The provider declares no public-opinion attributes, but Art. 2(1) lists these "
            "functions; redline treats the service as having them: this requires judgement.",
        )
    return Applicability(True, Ground.LISTED, declared_no, text, listed)


def _user_content(service: ServiceProfile, declared_no: bool) -> Applicability:
    who = words.AUDIENCES[service.audience]
    if declared_no:
        return Applicability(
            False,
            Ground.NONE,
            False,
            Text(
                f"用户可以向{who.zh}发布或传播信息，但提供者判断该服务不是",
                f"Users can publish or spread content to "
                f"{who.en}, but the provider judges that the service is not the kind of service described in ",
            )
            + _CITE_2,
        )
    return Applicability(
        True,
        Ground.USER_CONTENT,
        True,
        Text(
            f"服务未开办第二条第（一）项所列功能，但用户可以向{who.zh}发布或传播信息，redline 推定其属于",
            f"The service runs none of the functions Art. 2(1) lists, but users can publish or spread content "
            f"to {who.en}; redline presumes it is a service described in ",
        )
        + _CITE_2
        + Text(
            "。这是推定，需要判断；如判断不属于，请在服务档案中申报。",
            ". This is a presumption and requires judgement; if it does not hold, declare so in the service profile.",
        ),
    )


def _generative(service: ServiceProfile) -> Applicability:
    who = words.AUDIENCES[service.audience]
    users = (
        Text("用户不能向他人发布或传播信息", "its users cannot publish or spread content")
        if service.user_content is False
        else Text(
            "服务档案未说明用户能否发布或传播信息",
            "the profile does not say whether users can publish or spread content",
        )
    )
    return Applicability(
        False,
        Ground.GENERATIVE,
        True,
        Text(
            f"服务是向{who.zh}提供的生成式人工智能服务，未开办第二条第（一）项所列功能，{users.zh}；它是否属于",
            f"The service is a generative-AI service for {who.en}; it runs none of the functions Art. 2(1) lists "
            f"and {users.en}. Whether it is a service described in ",
        )
        + _CITE_2
        + Text(
            "，即是否属于《生成式人工智能服务管理暂行办法》第十七条所称“具有舆论属性或者社会动员能力的生成式人工智能"
            "服务”，需要判断；redline 不作推定。",
            ", and so a “generative-AI service with public-opinion attributes or social-mobilisation "
            "capability” under Art. 17 of the generative-AI measures, requires judgement; redline presumes "
            "neither way.",
        ),
    )


def _closed(book: Rulebook, listed: tuple[str, ...]) -> Applicability:
    functions = words.capabilities(book, listed)
    text = (
        Text(
            "服务仅向封闭群体或本单位员工提供，不面向社会公众。第二条所称服务面向公众（",
            "The service is open only to a closed group or the provider's own staff, not to the "
            "public. Art. 2 concerns services open to the public (",
        )
        + _CITE_2
        + Text(
            "），封闭服务通常不在其列，因此不视为具有舆论属性或社会动员能力。",
            "), which a closed service usually is not, so it is not taken to have public-opinion "
            "attributes or social-mobilisation capability.",
        )
    )
    if listed:
        text += Text(
            f"但服务含有第二条第（一）项所列的{functions.zh}，该项文字不以面向公众为要件；",
            f"But it runs {functions.en}, which Art. 2(1) lists without saying they must be open to the public;",
        )
    text += Text(
        "需要人工判断，必要时咨询所在地网信部门。",
        "this requires human judgement; if in doubt, ask the local CAC office.",
    )
    return Applicability(False, Ground.CLOSED, True, text, listed)


def _none_reason(service: ServiceProfile) -> Text:
    users = (
        Text("用户不能发布或传播信息", "users cannot publish or spread content")
        if service.user_content is False
        else Text(
            "服务档案未说明用户能否发布或传播信息",
            "the profile does not say whether users can publish or spread content",
        )
    )
    return Text(
        "服务未开办第二条第（一）项所列的论坛、博客、微博客、聊天室、通讯群组、公众账号、短视频、网络直播、"
        "信息分享、小程序等信息服务或相应功能；",
        "The service runs none of the services or functions "
        "Art. 2(1) lists (forums, blogs, microblogs, chat rooms, group chats, public accounts, short "
        "video, live streaming, information sharing, mini programs and the like);",
    ) + Text(
        f"{users.zh}；提供者也未申报其提供公众舆论表达渠道或具有发动社会公众从事特定活动的能力"
        "（第二条第（二）项）。"
        "因此不属于第二条所称具有舆论属性或社会动员能力的互联网信息服务。",
        f"{users.en}; and the provider does not declare that it offers a channel for public "
        "opinion or can mobilise the public (Art. 2(2)). So it is not a service with "
        "public-opinion attributes or social-mobilisation capability under Art. 2.",
    )
