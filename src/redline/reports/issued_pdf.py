"""An issued document as PDF, from its frozen content only: every word printed was fixed when it was issued.

The page footer carries the SHA-256 of the frozen content, so a reader can check the print against the
platform's record.
"""

from __future__ import annotations

from typing import Any

from jinja2 import UndefinedError

from redline.errors import InputError
from redline.i18n import DEFAULT_LANGUAGE, check_language
from redline.reports.pdf import _environment, render_pdf


def issued_document_html(content: dict[str, Any], sha256: str, lang: str = DEFAULT_LANGUAGE) -> str:
    check_language(lang)
    try:
        return _environment(lang).get_template("issued_document.html.j2").render(d=content, digest=sha256)
    except (UndefinedError, TypeError) as exc:
        raise InputError(f"malformed issued document: {exc}") from None


def issued_document_pdf(content: dict[str, Any], sha256: str, lang: str = DEFAULT_LANGUAGE) -> bytes:
    html = issued_document_html(content, sha256, lang)
    return render_pdf(html, digest=sha256, title=f"{content.get('title', '')} {content.get('reference', '')}")
