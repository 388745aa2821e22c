"""Every word a person reads that more than one entry point shows, keyed by a stable code or an enum value.

The English text is the msgid of the one message catalogue (`redline/locale/*/LC_MESSAGES/redline.po`); the
CLI, the pages, the reports and the documents all look it up here, so a wording is changed in one place.
"""

from __future__ import annotations

from collections.abc import Callable

from redline.i18n import translations

Gettext = Callable[[str], str]


def N_(msgid: str) -> str:  # noqa: N802 - the name gettext extractors know
    """Marks an English msgid for the catalogue's extractor without translating it (tables are translated
    when read, in the reader's language)."""
    return msgid


def gettext_for(lang: str) -> Gettext:
    """The catalogue's lookup for `lang` (English is the source language, so it returns the msgid)."""
    return translations(lang).gettext


def pick(text: object, lang: str) -> str:
    """One side of a {zh, en} pair (a rulebook `Text`, a dict, or anything with `zh`/`en` attributes):
    data carries both languages itself, so it is chosen, not translated."""
    key = "zh" if lang == "zh-CN" else "en"
    if isinstance(text, dict):
        return str(text.get(key, ""))
    return str(getattr(text, key, text))
