"""CISO Assistant export: each checklist as a framework library, in the YAML format of CISO Assistant's
published libraries (a library holding one framework, whose requirement nodes form a tree).

The tree is regulation (depth 1) / article (depth 2) / checklist item (depth 3, the only assessable
nodes). An item sits under the article of its first quote; all its quotes, verbatim and with their
citation, are in its annotation. The default language is zh (CISO Assistant's code for Simplified
Chinese) and every name, description, annotation and typical evidence has an `en` translation.
`reader.py` beside this module reads such a library back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import yaml

from redline.errors import RulebookError
from redline.rulebook.book import Rulebook
from redline.rulebook.citations import Citation
from redline.rulebook.schema import Checklist, ChecklistItem, Quote

URN_ROOT = "urn:redline:risk"
PACKAGER = "redline"
LOCALE = "zh"
QUOTE_SEPARATOR = "\n\n"
COPYRIGHT_ZH = "法规引文摘自所注明的官方文本；检查问题与证据清单：redline 贡献者，Apache-2.0。"
COPYRIGHT_EN = (
    "Statute quotes are taken from the official texts cited; "
    "questions and evidence lists: redline contributors, Apache-2.0."
)


def library_urn(checklist_id: str) -> str:
    return f"{URN_ROOT}:library:{checklist_id}"


def framework_urn(checklist_id: str) -> str:
    return f"{URN_ROOT}:framework:{checklist_id}"


def node_urn(checklist_id: str, ref_id: str) -> str:
    # CISO Assistant lower-cases every URN it loads; ref_ids here are lower case already.
    return f"{URN_ROOT}:req_node:{checklist_id}:{ref_id.lower()}"


@dataclass(frozen=True)
class CitedQuote:
    """A quote as it reads in the export: where it comes from, in both languages, and its words."""

    cite: str
    where_zh: str
    where_en: str
    text: str


def cited(book: Rulebook, quote: Quote) -> CitedQuote:
    fragment = book.fragment(quote.cite)
    reg = fragment.regulation
    if QUOTE_SEPARATOR in quote.text:
        raise RulebookError(f"quote {quote.cite} holds a blank line, which the export uses between quotes")
    return CitedQuote(
        quote.cite, f"《{reg.title_zh}》{fragment.label_zh()}", f"{reg.title_en}, {fragment.label_en()}", quote.text
    )


def quote_line_zh(quote: CitedQuote) -> str:
    return f"{quote.where_zh}（{quote.cite}）：“{quote.text}”"


def quote_line_en(quote: CitedQuote) -> str:
    return f"{quote.where_en} ({quote.cite}): “{quote.text}”"


def who_line_zh(who: str) -> str:
    return f"负责：{who}"


def who_line_en(who: str) -> str:
    return f"Responsible: {who}"


def _quotes_text(book: Rulebook, quotes: list[Quote]) -> tuple[str, str]:
    lines = [cited(book, q) for q in quotes]
    return (
        QUOTE_SEPARATOR.join(quote_line_zh(q) for q in lines),
        QUOTE_SEPARATOR.join(quote_line_en(q) for q in lines),
    )


def _node(checklist_id: str, ref_id: str, depth: int, parent: str | None, **fields: Any) -> dict[str, Any]:
    node: dict[str, Any] = {"urn": node_urn(checklist_id, ref_id), "assessable": depth == 3, "depth": depth}
    if parent is not None:
        node["parent_urn"] = node_urn(checklist_id, parent)
    node["ref_id"] = ref_id
    node.update(fields)
    return node


def _regulation_node(book: Rulebook, checklist_id: str, reg_id: str) -> dict[str, Any]:
    reg = book.regulation(reg_id)
    number = f"（{reg.document_number}）" if reg.document_number else ""
    issued_zh = f"{'、'.join(reg.issuers)}发布{number}，{reg.effective.isoformat()}起施行。"
    issued_en = f"Issued by {'、'.join(reg.issuers)}{number}; in force from {reg.effective.isoformat()}."
    return _node(
        checklist_id,
        reg.id,
        1,
        None,
        name=reg.title_zh,
        description=issued_zh,
        translations={"en": {"name": reg.title_en, "description": issued_en}},
    )


def article_ref(cite: str) -> str:
    citation = Citation.parse(cite)
    return f"{citation.regulation}:{citation.article}"


def _article_node(book: Rulebook, checklist_id: str, ref_id: str) -> dict[str, Any]:
    fragment = book.fragment(ref_id)
    name_en = f"{fragment.label_en()}: {fragment.article.gloss_en}"
    return _node(
        checklist_id,
        ref_id,
        2,
        fragment.regulation.id,
        name=fragment.label_zh(),
        translations={"en": {"name": name_en}},
    )


def _item_node(book: Rulebook, checklist_id: str, item: ChecklistItem) -> dict[str, Any]:
    quotes_zh, quotes_en = _quotes_text(book, list(item.quotes))
    return _node(
        checklist_id,
        item.id,
        3,
        article_ref(item.quotes[0].cite),
        description=item.question_zh,
        annotation=who_line_zh(item.who_zh) + QUOTE_SEPARATOR + quotes_zh,
        typical_evidence="\n".join(item.evidence_zh),
        translations={
            "en": {
                "description": item.question_en,
                "annotation": who_line_en(item.who_en) + QUOTE_SEPARATOR + quotes_en,
                "typical_evidence": "\n".join(item.evidence_en),
            }
        },
    )


def requirement_nodes(book: Rulebook, checklist: Checklist) -> list[dict[str, Any]]:
    """Regulation, then each of its articles followed by the items filed under it, in checklist order."""
    tree: dict[str, dict[str, list[ChecklistItem]]] = {}
    for item in checklist.items:
        ref = article_ref(item.quotes[0].cite)
        tree.setdefault(Citation.parse(ref).regulation, {}).setdefault(ref, []).append(item)
    nodes: list[dict[str, Any]] = []
    for reg_id, articles in tree.items():
        nodes.append(_regulation_node(book, checklist.id, reg_id))
        for ref, items in articles.items():
            nodes.append(_article_node(book, checklist.id, ref))
            nodes += [_item_node(book, checklist.id, item) for item in items]
    return nodes


def _publication_date(book: Rulebook, checklist: Checklist) -> dt.date:
    """The latest promulgation among the regulations the checklist cites: the data's date, never the clock's."""
    cites = [q.cite for q in checklist.quotes] + [q.cite for i in checklist.items for q in i.quotes]
    return max(book.regulation(Citation.parse(c).regulation).promulgated for c in cites)


def _authorship(book: Rulebook, checklist: Checklist) -> tuple[str, str, str]:
    """Provider and copyright (zh, en): redline's checklists, or a local package's, named by its issuer."""
    scope = book.checklist_scope(checklist.id)
    if scope is None:
        return PACKAGER, COPYRIGHT_ZH, COPYRIGHT_EN
    return (
        scope.issuer_zh,
        f"法规引文摘自所注明的官方文本；检查问题与证据清单：{scope.issuer_zh}（{scope.place_zh}地方规则）。",
        f"Statute quotes are taken from the official texts cited; questions and evidence lists: "
        f"{scope.issuer_en} (local rules of {scope.place_en}).",
    )


def library(book: Rulebook, checklist: Checklist, version: int = 1) -> dict[str, Any]:
    """One checklist as a CISO Assistant library document (plain values, ready for YAML)."""
    basis_zh, basis_en = _quotes_text(book, list(checklist.quotes))
    provider, copyright_zh, copyright_en = _authorship(book, checklist)
    rulebook = book.version or "unversioned"
    framework = {
        "urn": framework_urn(checklist.id),
        "ref_id": checklist.id,
        "name": checklist.title_zh,
        "description": basis_zh,
        "translations": {"en": {"name": checklist.title_en, "description": basis_en}},
        "requirement_nodes": requirement_nodes(book, checklist),
    }
    return {
        "urn": library_urn(checklist.id),
        "locale": LOCALE,
        "ref_id": checklist.id,
        "name": checklist.title_zh,
        "description": basis_zh,
        "annotation": f"redline 规则库 {rulebook} 导出。",
        "copyright": copyright_zh,
        "version": version,
        "publication_date": _publication_date(book, checklist).isoformat(),
        "provider": provider,
        "packager": PACKAGER,
        "translations": {
            "en": {
                "name": checklist.title_en,
                "description": basis_en,
                "annotation": f"Exported from redline rulebook {rulebook}.",
                "copyright": copyright_en,
            }
        },
        "objects": {"framework": framework},
    }


def file_name(checklist_id: str) -> str:
    """The file a checklist's library is written to; checklist ids are rulebook idents (a-z0-9_-)."""
    return f"redline-{checklist_id}.yaml"


class _Dumper(yaml.SafeDumper):
    """Multi-line texts (annotations, evidence lists) as literal blocks, as people write them."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_Dumper.add_representer(str, _text)


def to_yaml(document: dict[str, Any]) -> str:
    text: str = yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)
    return text
