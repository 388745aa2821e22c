"""Reading a CISO Assistant framework library back, and checking the structure its loader requires.

CISO Assistant's loader is part of a Django application and needs its database, so it cannot run
here. `problems` checks what that loader requires (the library's urn, ref_id, name, locale, version
and objects; a library URN of the shape it matches; a framework with urn, ref_id and requirement
nodes, each with a urn) and, beyond it, what redline holds its own exports to: node URNs of the same
shape, unique without case (the loader lower-cases them), parents that are earlier nodes, depths that
follow the parents, a whole-number version, a publication date, and translations holding only the
fields CISO Assistant translates. The loader itself lets some published libraries through that break
these stricter rules (a missing depth, a string version).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from redline.errors import CheckFailedError
from redline.reports.ciso_assistant import QUOTE_SEPARATOR
from redline.yamldoc import parse_yaml

# The shape CISO Assistant accepts for a URN: urn:<namespace>:<domain>:<kind>[:<scope>]:<id>.
URN_SHAPE = re.compile(r"^urn:[a-z0-9_-]+:[a-z0-9_-]+:[a-z0-9_-]+(:[a-z0-9_-]+)?:[0-9a-z\[\]()\-._:]+$")
LIBRARY_FIELDS = ("urn", "ref_id", "name", "locale", "version", "objects")
NODE_TRANSLATED = frozenset({"name", "description", "annotation", "typical_evidence"})
LIBRARY_TRANSLATED = frozenset({"name", "description", "annotation", "copyright"})
_CITE = r"[a-z0-9][a-z0-9-]*:\d+(?:\.\d+)?(?:\(\d+\))?"
_QUOTE_ZH = re.compile(rf"^(?P<where>.+?)（(?P<cite>{_CITE})）：“(?P<text>.*)”$", re.DOTALL)
_QUOTE_EN = re.compile(rf"^(?P<where>.+?) \((?P<cite>{_CITE})\): “(?P<text>.*)”$", re.DOTALL)


@dataclass(frozen=True)
class ReadQuote:
    cite: str
    where: str
    text: str


@dataclass(frozen=True)
class ReadRequirement:
    """One requirement node as read back, in both languages."""

    ref_id: str
    path: tuple[str, ...]  # the ref_ids of its ancestors, top first
    assessable: bool
    name: dict[str, str]
    description: dict[str, str]
    who: dict[str, str]
    quotes: dict[str, tuple[ReadQuote, ...]]
    evidence: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class ReadLibrary:
    urn: str
    ref_id: str
    locale: str
    version: int
    name: dict[str, str]
    provider: str
    packager: str
    publication_date: dt.date
    requirements: tuple[ReadRequirement, ...]

    def requirement(self, ref_id: str) -> ReadRequirement:
        return next(r for r in self.requirements if r.ref_id == ref_id)


def _urn_problems(where: str, urn: Any) -> list[str]:
    if not isinstance(urn, str) or not URN_SHAPE.match(urn.lower()):
        return [f"{where}: '{urn}' is not a URN CISO Assistant accepts"]
    return []


def _translation_problems(where: str, owner: dict[str, Any], allowed: frozenset[str]) -> list[str]:
    translations = owner.get("translations", {})
    if not isinstance(translations, dict):
        return [f"{where}.translations: not a mapping of locale to fields"]
    problems = []
    for locale, fields in translations.items():
        if not isinstance(fields, dict) or not set(fields) <= allowed:
            problems.append(f"{where}.translations.{locale}: only {', '.join(sorted(allowed))} are translated")
    return problems


def _node_problems(nodes: list[Any]) -> list[str]:
    problems: list[str] = []
    depth_of: dict[str, int] = {}
    for index, node in enumerate(nodes):
        where = f"requirement_nodes[{index}]"
        if not isinstance(node, dict) or "urn" not in node:
            problems.append(f"{where}: a node needs a urn")
            continue
        problems += _urn_problems(where, node["urn"]) + _translation_problems(where, node, NODE_TRANSLATED)
        urn = str(node["urn"]).lower()
        if urn in depth_of:
            problems.append(f"{where}: urn {urn} repeats an earlier node's")
        parent = node.get("parent_urn")
        expected = 1
        if parent is not None:
            if str(parent).lower() not in depth_of:
                problems.append(f"{where}: parent_urn {parent} is not an earlier node")
            expected = depth_of.get(str(parent).lower(), 0) + 1
        if node.get("depth") != expected:
            problems.append(f"{where}: depth {node.get('depth')} where its parent gives {expected}")
        if not isinstance(node.get("assessable"), bool):
            problems.append(f"{where}: assessable must be true or false")
        depth_of[urn] = expected
    return problems


def problems(document: Any) -> list[str]:
    """What CISO Assistant's loader would refuse in a framework library, and what redline's exports must
    not hold beside; empty for a library that loads as written."""
    if not isinstance(document, dict):
        return ["a library is a YAML mapping"]
    found = [f"library: '{key}' is required" for key in LIBRARY_FIELDS if not document.get(key)]
    found += _urn_problems("library.urn", document.get("urn"))
    found += _translation_problems("library", document, LIBRARY_TRANSLATED)
    if not isinstance(document.get("version"), int) or isinstance(document.get("version"), bool):
        found.append("library: version must be a whole number")
    try:
        dt.date.fromisoformat(str(document.get("publication_date")))
    except ValueError:
        found.append("library: publication_date must be a date")
    objects = document.get("objects")
    framework = objects.get("framework") if isinstance(objects, dict) else None
    if not isinstance(framework, dict):
        return [*found, "library: objects.framework is required"]
    found += [f"framework: '{key}' is required" for key in ("urn", "ref_id") if not framework.get(key)]
    found += _urn_problems("framework.urn", framework.get("urn"))
    nodes = framework.get("requirement_nodes")
    if not isinstance(nodes, list) or not nodes:
        return [*found, "framework: requirement_nodes must list at least one node"]
    return found + _node_problems(nodes)


def _quotes(annotation: str, pattern: re.Pattern[str]) -> tuple[ReadQuote, ...]:
    quotes = []
    for block in annotation.split(QUOTE_SEPARATOR):
        match = pattern.match(block)
        if match is None:
            raise CheckFailedError(f"annotation part is not a cited quote: {block[:80]!r}")
        quotes.append(ReadQuote(match["cite"], match["where"], match["text"]))
    return tuple(quotes)


def _who_and_quotes(annotation: str, lang: str) -> tuple[str, tuple[ReadQuote, ...]]:
    head, _, rest = annotation.partition(QUOTE_SEPARATOR)
    prefix = "负责：" if lang == "zh" else "Responsible: "
    if not head.startswith(prefix):
        raise CheckFailedError(f"annotation does not open with who is responsible: {head[:80]!r}")
    return head.removeprefix(prefix), _quotes(rest, _QUOTE_ZH if lang == "zh" else _QUOTE_EN)


def _in_both(node: dict[str, Any], key: str) -> dict[str, str]:
    english = node.get("translations", {}).get("en", {})
    return {lang: str(v) for lang, v in (("zh", node.get(key)), ("en", english.get(key))) if v is not None}


def _requirement(node: dict[str, Any], path: tuple[str, ...]) -> ReadRequirement:
    who: dict[str, str] = {}
    quotes: dict[str, tuple[ReadQuote, ...]] = {}
    for lang, annotation in _in_both(node, "annotation").items():
        who[lang], quotes[lang] = _who_and_quotes(annotation, lang)
    evidence = {lang: tuple(text.split("\n")) for lang, text in _in_both(node, "typical_evidence").items()}
    return ReadRequirement(
        ref_id=str(node["ref_id"]),
        path=path,
        assessable=bool(node["assessable"]),
        name=_in_both(node, "name"),
        description=_in_both(node, "description"),
        who=who,
        quotes=quotes,
        evidence=evidence,
    )


def read_library(text: str, source: str) -> ReadLibrary:
    """Parse a library written by the exporter; raise CheckFailedError when its structure is not one
    CISO Assistant loads, or an annotation is not in the form the exporter writes."""
    document = parse_yaml(text, source).data
    found = problems(document)
    if found:
        raise CheckFailedError(f"{source}: {found[0]} ({len(found)} problem(s))")
    ref_of: dict[str, tuple[str, ...]] = {}
    requirements = []
    for node in document["objects"]["framework"]["requirement_nodes"]:
        parent = node.get("parent_urn")
        path = ref_of[parent.lower()] if parent else ()
        ref_of[node["urn"].lower()] = (*path, str(node["ref_id"]))
        requirements.append(_requirement(node, path))
    return ReadLibrary(
        urn=document["urn"],
        ref_id=str(document["ref_id"]),
        locale=document["locale"],
        version=document["version"],
        name=_in_both(document, "name"),
        provider=str(document.get("provider")),
        packager=str(document.get("packager")),
        publication_date=dt.date.fromisoformat(str(document["publication_date"])),
        requirements=tuple(requirements),
    )
