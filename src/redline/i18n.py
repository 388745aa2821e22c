"""Languages: zh-CN by default, English on request; catalogs are Babel .po files.

Catalogs are compiled in memory when first used, so no build step is needed.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from redline.errors import InputError

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = {"zh-CN": "zh_CN", "en": "en"}
DEFAULT_LANGUAGE = "zh-CN"


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise InputError(f"unknown language '{lang}' (use one of: {', '.join(LANGUAGES)})", field="lang")
    return lang


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """Message catalog for `lang`; English is the source language of the msgids."""
    locale = LANGUAGES[check_language(lang)]
    po_path = LOCALE_DIR / locale / "LC_MESSAGES" / "redline.po"
    if not po_path.exists():
        return gettext.NullTranslations()
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)
