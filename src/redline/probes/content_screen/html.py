"""Visible text of an HTML page, with offsets, and the hidden elements a reader never sees.

Hidden text is how injected links and terms hide from readers but not from search engines:
`display:none`, `visibility:hidden`, a font size of 0-2px, text coloured like its background (inline
styles, and `<style>` rules with simple tag, class or id selectors), the `hidden` attribute. The
extracted text holds visible and hidden text alike (so terms are matched in both), block elements
end lines (so spam detectors see the page's lines), and each hidden element's range is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_BLOCK = """address article aside blockquote br dd div dl dt fieldset figcaption figure footer form h1 h2 h3
h4 h5 h6 header hr li main nav ol p pre section table td th tr ul title"""
BLOCK = frozenset(_BLOCK.split())
SKIP = frozenset({"script", "style", "noscript", "template"})
_VOID = "area base br col embed hr img input link meta param source track wbr"
VOID = frozenset(_VOID.split())
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
SIMPLE_SELECTOR = re.compile(r"^(?:[a-z][a-z0-9]*)?(?:[.#][\w-]+)?$", re.IGNORECASE)
MAX_STYLE = 1 << 22  # characters: a longer `<style>` block is not read for rules (nor held in memory)
STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>", re.IGNORECASE | re.DOTALL)
TINY_FONT = re.compile(r"^(?:0|[0-1](?:\.\d+)?|2(?:\.0+)?)(?:px|pt)?$|^0(?:\.\d+)?(?:em|rem|%)$")


@dataclass
class HiddenElement:
    start: int
    end: int
    tag: str
    reason: str
    links: list[str] = field(default_factory=list)


@dataclass
class ExtractedPage:
    text: str
    hidden: list[HiddenElement]
    links: list[str]


def _declarations(style: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in style.split(";"):
        name, sep, value = part.partition(":")
        if sep:
            out[name.strip().lower()] = value.strip().lower().replace("!important", "").strip()
    return out


def _colour(value: str) -> str:
    value = value.replace(" ", "")
    short = re.fullmatch(r"#([0-9a-f])([0-9a-f])([0-9a-f])", value)
    if short:
        return "#" + "".join(c * 2 for c in short.groups())
    return {"white": "#ffffff", "black": "#000000", "rgb(255,255,255)": "#ffffff", "rgb(0,0,0)": "#000000"}.get(
        value, value
    )


def _hiding(style: dict[str, str], inherited_background: str) -> str | None:
    if style.get("display") == "none":
        return "display:none"
    if style.get("visibility") in ("hidden", "collapse"):
        return "visibility:hidden"
    size = style.get("font-size")
    if size is not None and TINY_FONT.match(size.replace(" ", "")):
        return f"font-size:{size}"
    colour = style.get("color")
    background = style.get("background-color") or style.get("background") or inherited_background
    if colour and background and _colour(colour) == _colour(background):
        return f"colour same as background ({colour})"
    return None


class _Extractor(HTMLParser):
    def __init__(self, rules: dict[str, dict[str, str]]) -> None:
        super().__init__(convert_charrefs=True)
        self.rules = rules
        self.parts: list[str] = []
        self.length = 0
        self.stack: list[tuple[str, str, str | None, HiddenElement | None]] = []  # tag, background, hidden
        self.hidden: list[HiddenElement] = []
        self.links: list[str] = []
        self.skip = 0
        self.data: list[str] = []

    def _style(self, tag: str, attrs: dict[str, str]) -> dict[str, str]:
        style: dict[str, str] = {}
        for selector in (
            tag,
            *(f".{c}" for c in attrs.get("class", "").split()),
            *(f"{tag}.{c}" for c in attrs.get("class", "").split()),
            *((f"#{attrs['id']}",) if attrs.get("id") else ()),
        ):
            style.update(self.rules.get(selector.lower(), {}))
        style.update(_declarations(attrs.get("style", "")))
        return style

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        self.flush()
        attrs = {k.lower(): v or "" for k, v in attrs_list}
        if tag in SKIP:
            self.skip += tag not in VOID
            return
        if tag in BLOCK:
            self._newline()
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
            if self._open_hidden():
                self._open_hidden()[-1].links.append(attrs["href"])  # type: ignore[index]
        if tag in VOID:
            return
        style = self._style(tag, attrs)
        background = (
            style.get("background-color") or style.get("background") or (self.stack[-1][1] if self.stack else "")
        )
        reason = "hidden attribute" if "hidden" in attrs else _hiding(style, self.stack[-1][1] if self.stack else "")
        element = None
        if reason and not self._open_hidden():
            element = HiddenElement(self.length, self.length, tag, reason)
            self.hidden.append(element)
        self.stack.append((tag, background, reason, element))

    def _open_hidden(self) -> list[HiddenElement] | None:
        opened = [e for _, _, _, e in self.stack if e is not None]
        return opened or None

    def handle_endtag(self, tag: str) -> None:
        self.flush()
        if tag in SKIP:
            self.skip = max(0, self.skip - 1)
            return
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                for _, _, _, element in self.stack[depth:]:
                    if element is not None:
                        element.end = self.length
                del self.stack[depth:]
                break
        if tag in BLOCK:
            self._newline()

    def handle_data(self, data: str) -> None:
        """Text is held until the next markup: the parser may hand one run of text over in several calls
        (where the page is fed in blocks, at each border), and a run is one text, its spaces collapsed once."""
        self.data.append(data)

    def flush(self) -> None:
        data = "".join(self.data)
        self.data.clear()
        if self.skip or not data:
            return
        text = re.sub(r"\s+", " ", data)
        if not text.strip():
            text = " " if self.parts and not self.parts[-1].endswith(("\n", " ")) else ""
        if text:
            self._append(text)

    def _newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self._append("\n")

    def _append(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def handle_comment(self, data: str) -> None:
        self.flush()

    def handle_decl(self, decl: str) -> None:
        self.flush()

    def handle_pi(self, data: str) -> None:
        self.flush()

    def unknown_decl(self, data: str) -> None:
        self.flush()

    def close(self) -> None:
        super().close()
        self.flush()


def style_blocks(html: str) -> list[str]:
    """The bodies of the page's `<style>` blocks, but those longer than MAX_STYLE characters."""
    return [block for block in STYLE_BLOCK.findall(html) if len(block) <= MAX_STYLE]


def style_rules(blocks: list[str] | tuple[str, ...]) -> dict[str, dict[str, str]]:
    """Rules with simple selectors in the `<style>` blocks, by selector."""
    rules: dict[str, dict[str, str]] = {}
    for block in blocks:
        for selectors, body in RULE.findall(re.sub(r"/\*.*?\*/", "", block, flags=re.DOTALL)):
            for selector in selectors.split(","):
                selector = selector.strip().lower()
                if SIMPLE_SELECTOR.match(selector):
                    rules.setdefault(selector, {}).update(_declarations(body))
    return rules


def extract(html: str) -> ExtractedPage:
    """The page's text (visible and hidden), its hidden elements and its links; never raises on bad HTML."""
    parser = _Extractor(style_rules(style_blocks(html)))
    parser.feed(html)
    parser.close()
    for _, _, _, element in parser.stack:
        if element is not None:
            element.end = parser.length
    text = "".join(parser.parts)
    hidden = [h for h in parser.hidden if text[h.start : h.end].strip() or h.links]
    for h in hidden:  # report the text itself, not the spaces and line breaks around it
        while h.start < h.end and text[h.start].isspace():
            h.start += 1
        while h.end > h.start and text[h.end - 1].isspace():
            h.end -= 1
    return ExtractedPage(text, hidden, parser.links)
