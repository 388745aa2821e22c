"""Citations such as `sa2018:3(1)`: regulation, article, optional paragraph (款) and item (项)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from redline.rulebook.schema import Article, Paragraph, Regulation, RegulationKind, TextStatus

CITE_PATTERN = re.compile(r"^(?P<reg>[a-z0-9][a-z0-9-]*):(?P<art>\d+)(?:\.(?P<para>\d+))?(?:\((?P<item>\d+)\))?$")
CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 -> 一, 12 -> 十二, 24 -> 二十四: the numbering used in article labels."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    if n < 100:
        head = "" if tens == 1 else CN_DIGITS[tens]
        return head + "十" + (CN_DIGITS[ones] if ones else "")
    return str(n)


@dataclass(frozen=True)
class Citation:
    regulation: str
    article: int
    paragraph: int | None = None
    item: int | None = None

    @classmethod
    def parse(cls, text: str) -> Citation:
        match = CITE_PATTERN.match(text)
        if match is None:
            raise ValueError(f"not a citation: {text!r} (expected e.g. sa2018:3(1))")
        para, item = match["para"], match["item"]
        return cls(
            match["reg"], int(match["art"]), None if para is None else int(para), None if item is None else int(item)
        )

    def __str__(self) -> str:
        out = f"{self.regulation}:{self.article}"
        if self.paragraph is not None:
            out += f".{self.paragraph}"
        if self.item is not None:
            out += f"({self.item})"
        return out

    def label_zh(self) -> str:
        """第三条第一款第（一）项, in the form Chinese legal texts cite themselves."""
        out = f"第{chinese_number(self.article)}条"
        if self.paragraph is not None:
            out += f"第{chinese_number(self.paragraph)}款"
        if self.item is not None:
            out += f"第（{chinese_number(self.item)}）项"
        return out

    def label_en(self) -> str:
        out = f"Art. {self.article}"
        if self.paragraph is not None:
            out += f" para. {self.paragraph}"
        if self.item is not None:
            out += f" item ({self.item})"
        return out


@dataclass(frozen=True)
class Fragment:
    """The stored text a citation points at, with the status of that text."""

    citation: Citation
    regulation: Regulation
    article: Article
    texts: tuple[tuple[str, TextStatus], ...]

    def quote_status(self, quote: str) -> TextStatus | None:
        """Status of the stored text that holds `quote` verbatim; None if none does."""
        for text, status in self.texts:
            if quote in text:
                return status
        return None

    def label_zh(self) -> str:
        """第十七条第一款 for a statute; 5.3 c) for a clause of a national standard."""
        if self.regulation.kind is RegulationKind.STANDARD:
            return clause_label(self.citation)
        return self.citation.label_zh()

    def label_en(self) -> str:
        if self.regulation.kind is RegulationKind.STANDARD:
            return f"clause {clause_label(self.citation)}"
        return self.citation.label_en()

    @property
    def status(self) -> TextStatus:
        verified = all(s is TextStatus.VERIFIED for _, s in self.texts)
        return TextStatus.VERIFIED if verified else TextStatus.UNVERIFIED


def clause_label(citation: Citation) -> str:
    """`gb45438:5.3(3)` -> 5.3 c): standards number clauses and letter their list items."""
    out = str(citation.article)
    if citation.paragraph is not None:
        out += f".{citation.paragraph}"
    if citation.item is not None:
        out += f" {chr(ord('a') + citation.item - 1)})"
    return out


def _paragraph_texts(paragraph: Paragraph, default: TextStatus) -> tuple[tuple[str, TextStatus], ...]:
    """The paragraph's lead-in and each item, each with the status it is held at."""
    own = paragraph.status or default
    items = tuple((text, paragraph.item_status(i, default)) for i, text in enumerate(paragraph.item_texts()))
    return ((paragraph.text, own), *items)


class UnresolvedCitationError(LookupError):
    pass


def resolve(citation: Citation, regulation: Regulation) -> Fragment:
    """Find the article, paragraph or item a citation names, or say which part is missing."""
    article = next((a for a in regulation.articles if a.number == citation.article), None)
    if article is None:
        raise UnresolvedCitationError(f"{citation}: {regulation.id} has no article {citation.article}")
    paragraphs = article.numbered_paragraphs()
    if citation.paragraph is not None:
        paragraphs = [(n, p) for n, p in paragraphs if n == citation.paragraph]
        if not paragraphs:
            held = ", ".join(str(n) for n, _ in article.numbered_paragraphs())
            raise UnresolvedCitationError(
                f"{citation}: article {citation.article} holds no paragraph {citation.paragraph} (held: {held})"
            )
    if citation.item is not None:
        with_items = [(n, p) for n, p in paragraphs if p.items]
        if not with_items or not 1 <= citation.item <= len(with_items[0][1].items):
            raise UnresolvedCitationError(f"{citation}: no item {citation.item} there")
        paragraph = with_items[0][1]
        index = citation.item - 1
        texts: tuple[tuple[str, TextStatus], ...] = (
            (paragraph.item_texts()[index], paragraph.item_status(index, article.status)),
        )
    else:
        texts = tuple(pair for _, p in paragraphs for pair in _paragraph_texts(p, article.status))
    return Fragment(citation, regulation, article, texts)
