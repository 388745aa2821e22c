"""How a quoted article is cited in plain text (the CLI's `check` and `gate`): title, article, words."""

from __future__ import annotations

from redline.domain.obligations import CitedQuote
from redline.words import N_, gettext_for, pick

QUOTE = N_("{title}, {label}: “{text}”")
UNVERIFIED = N_(" [unverified]")


def quote_words(q: CitedQuote, lang: str) -> str:
    """One quote, marked when its text is not verified against the official source (plain text)."""
    gettext = gettext_for(lang)
    title = pick({"zh": q.regulation_title_zh, "en": q.regulation_title_en}, lang)
    label = pick({"zh": q.label_zh, "en": q.label_en}, lang)
    mark = "" if q.status.value == "verified" else gettext(UNVERIFIED)
    return gettext(QUOTE).format(title=title, label=label, text=q.text) + mark
