"""Parties: which part an organisation plays for a service, and so which duties bind it.

The deep-synthesis rule (Art. 23) defines the provider (深度合成服务提供者) and the technical
supporter (深度合成服务技术支持者, "为深度合成服务提供技术支持的组织、个人"). A technical
supporter owes Arts. 14, 15 and the filing of Art. 19(2), but not the labels of Arts. 16 and 17,
which bind the provider only. The 2025 labelling measures add platforms that spread content
(Art. 6), app distribution platforms (Art. 7) and users who publish AI content (Art. 10).
"""

from __future__ import annotations

from redline.domain.service import Change, ServiceProfile
from redline.domain.text import Text, join
from redline.rulebook.schema import EventKind, ObligationKind, Role, Trigger

ROLES: dict[Role, Text] = {
    Role.PROVIDER: Text("服务提供者", "service provider"),
    Role.TECHNICAL_SUPPORTER: Text("技术支持者", "technical supporter"),
    Role.CONTENT_PLATFORM: Text("网络信息内容传播平台", "platform that spreads content"),
    Role.APP_DISTRIBUTION_PLATFORM: Text("互联网应用程序分发平台", "app distribution platform"),
    Role.USER_ORGANISATION: Text("使用服务的组织（用户）", "user organisation"),
}


def roles(wanted: list[Role] | tuple[Role, ...]) -> Text:
    return join([ROLES[r] for r in wanted], "或", " or ")


def bound_role(trigger: Trigger, service: ServiceProfile, change: Change) -> Role | None:
    """The role in which the duty binds the organisation, or None when it plays none of them.

    A change that only takes on a role (no launch, no other fact the trigger listens to) reaches
    the trigger only if the role taken is one the trigger binds.
    """
    held = change.roles_after(service)
    relevant = change.events().intersection(trigger.events)
    if relevant == {EventKind.TAKE_ROLE}:
        held = change.roles_taken
    return next((r for r in trigger.roles if r in held), None)


def role_reason(trigger: Trigger, service: ServiceProfile, change: Change) -> Text:
    """Why a duty does not bind: it binds other parties than the ones the organisation is."""
    binds = roles(trigger.roles)
    held = roles(change.roles_after(service))
    text = Text(
        f"该义务约束{binds.zh}；本单位在该服务中的角色为{held.zh}。",
        f"This duty binds the {binds.en}; for this service the organisation is the {held.en}.",
    )
    if Role.TECHNICAL_SUPPORTER in change.roles_after(service) and trigger.obligation is ObligationKind.LABELLING:
        text += Text(
            "深度合成管理规定第十六条、第十七条的标识义务约束深度合成服务提供者，技术支持者本身不负有该标识义务。",
            "The labels of Arts. 16 and 17 of the deep-synthesis rule bind the deep-synthesis "
            "service provider; a technical supporter owes no such labels of its own.",
        )
    return text
