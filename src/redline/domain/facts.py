"""A change's facts in words, and what in it does not square with the profile."""

from __future__ import annotations

from redline.domain import words
from redline.domain.notices import describe
from redline.domain.service import Change, ServiceProfile
from redline.domain.text import Text
from redline.rulebook.book import Rulebook


def facts(book: Rulebook, service: ServiceProfile, change: Change) -> tuple[Text, ...]:
    """What the change consists of, one line per fact."""
    out: list[Text] = []
    if change.is_launch():
        out.append(Text("服务上线", "the service launches"))
    elif change.capabilities:
        names = words.capabilities(book, change.capabilities)
        out.append(Text(f"增设功能：{names.zh}", f"adds: {names.en}"))
    if change.capabilities_removed:
        names = words.capabilities(book, change.capabilities_removed)
        out.append(Text(f"撤下功能：{names.zh}", f"removes: {names.en}"))
    if change.technologies:
        names = words.technologies(book, change.technologies)
        out.append(Text(f"采用新技术新应用：{names.zh}", f"adopts: {names.en}"))
    if change.mau_after is not None:
        before = change.users_before(service)
        shown = f"{before:,}" if before is not None else "?"
        out.append(
            Text(f"月活跃用户：{shown} → {change.mau_after:,}", f"monthly active users: {shown} → {change.mau_after:,}")
        )
    if change.harmful_incident:
        out.append(Text("发生违法有害信息传播扩散", "harmful information spread"))
    if change.notice is not None:
        issuer = (
            describe(book.divisions, change.notice.issuer)
            if change.notice.issuer
            else Text(change.notice.authority, change.notice.authority)
        )
        out.append(Text(f"书面通知：{issuer.zh}", f"written notice from {issuer.en}"))
    if change.filing_change:
        out.append(Text("算法备案信息发生变更", "the filed algorithm details change"))
    if change.terminate:
        out.append(Text("终止服务", "the service ends"))
    return tuple(out)


def change_notes(book: Rulebook, service: ServiceProfile, change: Change) -> tuple[Text, ...]:
    """Warnings: facts the profile already has, or that contradict it."""
    out: list[Text] = []
    readded = change.readded(service)
    if readded:
        names = words.capabilities(book, readded)
        out.append(
            Text(
                f"服务档案已有{names.zh}；再次增设不视为增设新功能。",
                f"The service profile already has {names.en}; adding it again is not adding a new function.",
            )
        )
    absent = [c for c in change.capabilities_removed if c not in service.capabilities]
    if absent:
        names = words.capabilities(book, absent)
        out.append(Text(f"服务档案没有{names.zh}，无从撤下。", f"The service profile has no {names.en} to remove."))
    known = [t for t in change.technologies if t in service.technologies]
    if known:
        names = words.technologies(book, known)
        out.append(
            Text(
                f"服务档案已使用{names.zh}，不是新技术。",
                f"The service profile already uses {names.en}; it is not a new technology.",
            )
        )
    profile, stated = service.monthly_active_users, change.mau_before
    if profile is not None and stated is not None and profile != stated:
        out.append(
            Text(
                f"变更文件所称变更前月活跃用户 {stated:,} 与服务档案记载的 {profile:,} 不一致；"
                "按变更文件计算，请核对。",
                f"The change file gives {stated:,} monthly active users before the change, the service "
                f"profile {profile:,}; the change file's figure is used. Please check.",
            )
        )
    return tuple(out)
