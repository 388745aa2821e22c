"""Places named in the page's language: 浙江省杭州市 in Chinese, Hangzhou, Zhejiang Province in English."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request

from redline.domain.jurisdiction import NATIONAL
from redline.services.context import Context
from redline.web.templating import request_lang
from redline.words import N_, gettext_for


def namer(ctx: Context, request: Request) -> Callable[[str | None], str]:
    """A function naming a GB/T 2260 code ("" for none; an unknown code as it is)."""
    lang = request_lang(request)
    zh = lang == "zh-CN"
    national = gettext_for(lang)(N_("National (all of China)"))
    divisions = ctx.book.divisions

    def name(code: str | None) -> str:
        if not code:
            return ""
        if code == NATIONAL:
            return national
        if divisions.get(code) is None:
            return code
        return divisions.full_name(code) if zh else divisions.full_name_en(code)

    return name
