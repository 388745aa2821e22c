"""PDF rendering with WeasyPrint: the sealed assessment report and the regulator's documents.

Chinese text is set in Noto Sans CJK SC (Debian `fonts-noto-cjk`), which WeasyPrint embeds as a
subset. Every page carries the document's SHA-256 digest and its page number. Rendering never
touches the network: the URL fetcher refuses every URL that is not a `data:` URL.

Regulator documents (书面审查意见, 约谈记录, 责令整改通知书) are rendered from plain dicts; their
digest is the SHA-256 of the canonical JSON of that dict, so anyone holding the input can check
the printed digest.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Mapping
from functools import cache
from typing import Any, TypedDict, cast

from jinja2 import Environment, PackageLoader, StrictUndefined, UndefinedError, select_autoescape
from markupsafe import Markup

from redline.errors import InputError, MissingSystemPackageError, RedlineError
from redline.i18n import DEFAULT_LANGUAGE, check_language, translations
from redline.reports.canonical import canonical_bytes, jsonable
from redline.reports.pdf_cache import PRINTED
from redline.reports.report_print import render_print_html
from redline.words.dates import long_date

CJK_FAMILY = "Noto Sans CJK SC"
FONT_STACK = '"Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif'
# English in a Latin font when one is installed: the CJK font sets ‘ ’ “ ” full width, as Chinese wants them.
LATIN_STACK = f'"Liberation Sans", {FONT_STACK}'
MONO_STACK = '"Noto Sans Mono CJK SC", "DejaVu Sans Mono", monospace'  # digests: one width per hex digit


# ---- inputs of the regulator documents: plain dicts ----


class CommentEntry(TypedDict):
    """A written review comment on one checklist item (store: ReviewComment)."""

    item_id: str
    text: str
    author: str
    date: str


class InspectionEntry(TypedDict):
    """An on-site inspection (store: Inspection)."""

    date: str
    inspectors: str
    findings: str


class RectificationEntry(TypedDict):
    """One item of a rectification order (store: RectificationItem)."""

    text: str
    due: str


class _DocumentBase(TypedDict):
    authority: str  # the issuing authority, e.g. 杭州市互联网信息办公室
    reference: str  # the document's own reference number (文号)
    date: str  # ISO date of issue
    provider: str  # the provider's name
    service: str  # the service's name
    filing_reference: str  # the filing's number
    filing_title: str
    signatures: str  # the signatures line, e.g. "审查人：张三、李四"


class ReviewOpinion(_DocumentBase):
    """书面审查意见: the written review of a submitted assessment report."""

    comments: list[CommentEntry]
    inspections: list[InspectionEntry]
    opinion: str
    demands: list[str]
    deadline: str | None


class SummonsRecord(_DocumentBase):
    """约谈记录 (store: Summons)."""

    agencies: str
    attendees: str
    problems: list[str]
    demands: list[str]
    deadline: str | None


class RectificationOrder(_DocumentBase):
    """责令整改通知书 (store: RectificationItem rows of one round)."""

    round: int
    basis: str
    items: list[RectificationEntry]
    deadline: str | None


# ---- rendering ----

MISSING_FONT = (
    f"字体 {CJK_FAMILY} 未安装，PDF 中的中文会显示为空白方框；请安装 Debian 软件包 fonts-noto-cjk "
    f"(font {CJK_FAMILY} is missing, Chinese would print as empty boxes: install the Debian package "
    "fonts-noto-cjk)"
)


def require_cjk_font() -> None:
    """Refuse to print when the CJK font is missing: a PDF of empty boxes must never be produced."""
    if not cjk_font_available():
        raise MissingSystemPackageError(MISSING_FONT)


@cache
def cjk_font_available() -> bool:
    """Whether fontconfig knows Noto Sans CJK SC (without it Chinese would not render); asked once a process."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    listed = subprocess.run(
        [fc_list, f":family={CJK_FAMILY}", "family"], capture_output=True, text=True, check=False, timeout=30
    )
    return CJK_FAMILY in listed.stdout


def _css_string(text: str) -> str:
    """`text` as a quoted CSS string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ").replace("\r", "")
    return f'"{escaped}"'


def print_stylesheet(digest: str | None, title: str = "") -> str:
    """The page rules added to every PDF: A4, digest bottom left, page number bottom right."""
    digest_box = (
        (
            f"@bottom-left {{ content: {_css_string(f'SHA-256 {digest}')}; font-size: 6.5pt; "
            f"color: #5f6368; vertical-align: top; padding-top: 3mm; }}"
        )
        if digest
        else ""
    )
    title_box = (
        (
            f"@top-center {{ content: {_css_string(title)}; font-size: 8pt; color: #5f6368; "
            f"vertical-align: bottom; padding-bottom: 3mm; }}"
        )
        if title
        else ""
    )
    return f"""
@page {{
  size: A4;
  margin: 20mm 15mm 22mm 15mm;
  {title_box}
  {digest_box}
  @bottom-right {{ content: counter(page) " / " counter(pages); font-size: 8pt; color: #5f6368;
                   vertical-align: top; padding-top: 3mm; width: 22mm; }}
}}
html, body, body * {{ font-family: {FONT_STACK} !important; }}
html:lang(en), html:lang(en) body, html:lang(en) body * {{ font-family: {LATIN_STACK} !important; }}
html body .digest {{ font-family: {MONO_STACK} !important; }}
body {{ margin: 0 !important; max-width: none !important; padding: 0 !important; }}
footer {{ position: static !important; }}
"""


@cache
def _offline_fetcher_class() -> type[Any]:
    from weasyprint.urls import URLFetcher  # type: ignore[import-untyped]

    class OfflineFetcher(URLFetcher):  # type: ignore[misc]
        """Serves `data:` URLs only; everything else (http, https, file, ...) is refused."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.lower().startswith("data:"):
                raise ValueError(f"redline renders PDFs offline and fetches nothing: refused {url}")
            return super().fetch(url, headers)

    return OfflineFetcher


def offline_url_fetcher() -> Any:
    """A WeasyPrint URL fetcher that refuses every non-`data:` URL."""
    return _offline_fetcher_class()(allowed_protocols=("data",), allow_redirects=False)


def render_pdf(html: str, *, digest: str | None = None, title: str = "") -> bytes:
    """HTML to PDF bytes: A4, CJK font embedded, digest and page number on every page."""
    try:
        import weasyprint  # type: ignore[import-untyped]
    except (ImportError, OSError) as exc:  # OSError: Pango and friends missing
        raise RedlineError(f"PDF rendering needs WeasyPrint and its system libraries (Pango): {exc}") from None
    require_cjk_font()
    stylesheet = print_stylesheet(digest, title)

    def make() -> bytes:
        fetcher = offline_url_fetcher()
        document = weasyprint.HTML(string=html, url_fetcher=fetcher).render(
            stylesheets=[weasyprint.CSS(string=stylesheet, url_fetcher=fetcher)]
        )
        if title:
            document.metadata.title = title
        return cast(bytes, document.write_pdf())

    return PRINTED.get_or_make(PRINTED.key(html, stylesheet, title), make)


def report_pdf(report: dict[str, Any], lang: str = DEFAULT_LANGUAGE) -> bytes:
    """The sealed assessment report as a printed document: cover, contents, one block per checklist item,
    signatures and seal (the same content as its HTML form, laid out for paper)."""
    check_language(lang)
    seal = report.get("seal")
    if not isinstance(seal, dict) or not isinstance(seal.get("digest"), str):
        raise InputError("no seal: this is not a sealed redline report", field="seal")
    try:
        html = render_print_html(report, lang)
        name = report["service"]["name"]
    except (UndefinedError, KeyError, TypeError) as exc:
        raise InputError(f"not a redline assessment report: {exc}") from None
    title = f"{translations(lang).gettext('Security assessment report')} · {name}"
    return render_pdf(html, digest=seal["digest"], title=title)


# ---- regulator documents ----


def document_digest(doc: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a regulator document's input (as printed on its pages)."""
    return hashlib.sha256(canonical_bytes(jsonable(dict(doc)))).hexdigest()


@cache
def _environment(lang: str) -> Environment:
    env = Environment(
        loader=PackageLoader("redline.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(lang=lang, date_label=lambda value: long_date(value, lang), document_css=Markup(DOCUMENT_CSS))
    return env


DOCUMENT_CSS = """
body { font-size: 11pt; line-height: 1.7; color: #1b1b1f; }
.authority { text-align: center; font-size: 14pt; letter-spacing: .08em; margin-top: 4mm; }
h1 { text-align: center; font-size: 20pt; font-weight: 700; margin: 2mm 0 1mm; letter-spacing: .05em; }
.reference { text-align: center; color: #5f6368; margin-bottom: 6mm; }
.addressee { font-weight: 700; }
h2 { font-size: 12.5pt; font-weight: 700; margin: 6mm 0 2mm; break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0; font-size: 10pt; }
th, td { border: 1px solid #c4c7cc; padding: 1.2mm 2mm; vertical-align: top; text-align: left; }
th { background: #f3f4f6; font-weight: 700; }
table.facts th { width: 38mm; }
tr { break-inside: avoid; }
ol { margin: 1mm 0; padding-left: 8mm; }
.none { color: #5f6368; }
.closing { margin-top: 10mm; text-align: right; }
.signatures { margin-top: 8mm; }
"""

_REQUIRED: dict[str, frozenset[str]] = {
    "review_opinion": ReviewOpinion.__required_keys__,
    "summons_record": SummonsRecord.__required_keys__,
    "rectification_order": RectificationOrder.__required_keys__,
}
_TITLE = {
    "review_opinion": "Written review opinion",
    "summons_record": "Record of summons",
    "rectification_order": "Order to rectify",
}


def _render_document(kind: str, doc: Mapping[str, Any], lang: str) -> bytes:
    check_language(lang)
    missing = sorted(_REQUIRED[kind] - set(doc))
    if missing:
        raise InputError(f"missing {', '.join(missing)}", field=missing[0])
    plain = jsonable(dict(doc))
    digest = document_digest(plain)
    try:
        html = _environment(lang).get_template(f"{kind}.html.j2").render(d=plain, digest=digest)
    except (UndefinedError, TypeError) as exc:
        raise InputError(f"malformed {kind.replace('_', ' ')}: {exc}") from None
    title = f"{translations(lang).gettext(_TITLE[kind])} · {plain['provider']}"
    return render_pdf(html, digest=digest, title=title)


def review_opinion_pdf(doc: ReviewOpinion, lang: str = DEFAULT_LANGUAGE) -> bytes:
    """书面审查意见 as PDF."""
    return _render_document("review_opinion", doc, lang)


def summons_pdf(doc: SummonsRecord, lang: str = DEFAULT_LANGUAGE) -> bytes:
    """约谈记录 as PDF."""
    return _render_document("summons_record", doc, lang)


def rectification_order_pdf(doc: RectificationOrder, lang: str = DEFAULT_LANGUAGE) -> bytes:
    """责令整改通知书 as PDF."""
    return _render_document("rectification_order", doc, lang)
