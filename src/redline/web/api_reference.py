"""The OpenAPI document as rows for the /docs page: operations by tag, parameters, bodies, answers, schemas.

The page renders the document the API serves, nothing else, so the reference cannot drift from the API.
Texts stay English msgids here; the template translates them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from redline.words import N_

SUCCESS = N_("Success")
PLACES = {"path": N_("path"), "query": N_("query"), "header": N_("header"), "cookie": N_("cookie")}
CONSTRAINTS = {
    "minimum": N_("minimum"),
    "maximum": N_("maximum"),
    "minLength": N_("min. length"),
    "maxLength": N_("max. length"),
    "minItems": N_("min. items"),
    "maxItems": N_("max. items"),
    "pattern": N_("pattern"),
    "enum": N_("one of"),
    "default": N_("default"),
}


@dataclass(frozen=True)
class Piece:
    """Part of a type as written for people; `ref` names the schema it links to."""

    text: str
    ref: str = ""


@dataclass(frozen=True)
class Constraint:
    label: str
    value: str


@dataclass(frozen=True)
class Field:
    name: str
    place: str  # "" for a body field
    type: tuple[Piece, ...]
    required: bool
    constraints: tuple[Constraint, ...]
    description: str


@dataclass(frozen=True)
class Content:
    media_type: str
    type: tuple[Piece, ...]


@dataclass(frozen=True)
class Body:
    required: bool
    contents: tuple[Content, ...]
    fields: tuple[Field, ...]  # of the body's object schema, shown in place


@dataclass(frozen=True)
class Answer:
    status: str
    description: str
    contents: tuple[Content, ...]
    problem: bool


@dataclass(frozen=True)
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    needs_token: bool
    parameters: tuple[Field, ...]
    body: Body | None
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class Tag:
    name: str
    description: str
    operations: tuple[Operation, ...]


@dataclass(frozen=True)
class Schema:
    name: str
    description: str
    type: tuple[Piece, ...]
    fields: tuple[Field, ...]
    constraints: tuple[Constraint, ...]


@dataclass(frozen=True)
class Scheme:
    name: str
    kind: str
    scheme: str
    bearer_format: str


@dataclass(frozen=True)
class Reference:
    title: str
    version: str
    tags: tuple[Tag, ...]
    schemes: tuple[Scheme, ...]
    problems: tuple[Answer, ...]  # every problem status the API documents, with its meaning
    schemas: tuple[Schema, ...]
    operations: int


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_of(schema: dict[str, Any]) -> tuple[Piece, ...]:
    """`FilingOut`, `string (date)`, `FilingOut[]`, `{string: AnswerIn}`, `integer | null`."""
    if "$ref" in schema:
        name = _ref_name(schema["$ref"])
        return (Piece(name, name),)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            pieces: list[Piece] = []
            for n, option in enumerate(schema[key]):
                pieces += [Piece(" | ")] if n else []
                pieces += type_of(option)
            return tuple(pieces)
    kind = schema.get("type", "any")
    if isinstance(kind, list):
        return (Piece(" | ".join(str(k) for k in kind)),)
    if kind == "array":
        return (*type_of(schema.get("items", {})), Piece("[]"))
    extra = schema.get("additionalProperties")
    if kind == "object" and isinstance(extra, dict) and extra and "properties" not in schema:
        return (Piece("{string: "), *type_of(extra), Piece("}"))
    fmt = schema.get("format")
    return (Piece(f"{kind} ({fmt})" if fmt else str(kind)),)


def constraints_of(schema: dict[str, Any]) -> tuple[Constraint, ...]:
    found: list[Constraint] = []
    for key, label in CONSTRAINTS.items():
        if key not in schema or (key == "default" and schema[key] in (None, [], {})):
            continue
        value = schema[key]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        shown = ", ".join(str(v) for v in value) if key == "enum" else json.dumps(value, ensure_ascii=False)
        found.append(Constraint(label, shown.strip('"') if key == "pattern" else shown))
    return tuple(found)


def _field(name: str, schema: dict[str, Any], required: bool, place: str = "") -> Field:
    return Field(name, place, type_of(schema), required, constraints_of(schema), str(schema.get("description", "")))


def fields_of(schema: dict[str, Any], components: dict[str, Any]) -> tuple[Field, ...]:
    """The properties of an object schema (following one reference), in their order."""
    if "$ref" in schema:
        schema = components.get(_ref_name(schema["$ref"]), {})
    required = set(schema.get("required", []))
    return tuple(_field(name, s, name in required) for name, s in schema.get("properties", {}).items())


def _contents(content: dict[str, Any]) -> tuple[Content, ...]:
    return tuple(
        Content(media, type_of(c.get("schema", {})) if c.get("schema") else ()) for media, c in content.items()
    )


def _answer(status: str, response: dict[str, Any]) -> Answer:
    content = response.get("content", {})
    description = str(response.get("description", ""))
    if status.startswith("2") and description in ("", "Successful Response"):
        description = SUCCESS
    return Answer(status, description, _contents(content), "application/problem+json" in content)


def _body(request: dict[str, Any], components: dict[str, Any]) -> Body:
    content: dict[str, Any] = request.get("content", {})
    media: dict[str, Any] = next(iter(content.values()), {})
    first: dict[str, Any] = media.get("schema", {})
    options: list[dict[str, Any]] = first.get("anyOf", [first])
    objects = [o for o in options if "$ref" in o or o.get("type") == "object"]
    fields = fields_of(objects[0], components) if len(objects) == 1 else ()
    return Body(bool(request.get("required")), _contents(content), fields)


def _operation(method: str, path: str, op: dict[str, Any], components: dict[str, Any]) -> Operation:
    parameters = tuple(
        _field(p["name"], p.get("schema", {}), bool(p.get("required")), PLACES.get(p["in"], p["in"]))
        for p in op.get("parameters", [])
    )
    request = op.get("requestBody")
    return Operation(
        anchor="op-" + str(op.get("operationId", f"{method}-{path}")),
        method=method.upper(),
        path=path,
        summary=str(op.get("summary", "")),
        description=str(op.get("description", "")),
        needs_token=bool(op.get("security")),
        parameters=parameters,
        body=_body(request, components) if request else None,
        answers=tuple(_answer(status, r) for status, r in op.get("responses", {}).items()),
    )


def _problems(operations: list[Operation]) -> tuple[Answer, ...]:
    seen = {a.status: a for op in operations for a in op.answers if a.problem}
    return tuple(seen[s] for s in sorted(seen))


def reference(document: dict[str, Any]) -> Reference:
    components: dict[str, Any] = document.get("components", {}).get("schemas", {})
    declared = [(str(t["name"]), str(t.get("description", ""))) for t in document.get("tags", [])]
    by_tag: dict[str, list[Operation]] = {name: [] for name, _ in declared}
    for path, item in document.get("paths", {}).items():
        for method, op in item.items():
            tag = (op.get("tags") or [""])[0]
            by_tag.setdefault(tag, []).append(_operation(method, path, op, components))
    descriptions = dict(declared)
    tags = tuple(Tag(name, descriptions.get(name, ""), tuple(ops)) for name, ops in by_tag.items() if ops)
    schemes = tuple(
        Scheme(name, str(s.get("type", "")), str(s.get("scheme", "")), str(s.get("bearerFormat", "")))
        for name, s in document.get("components", {}).get("securitySchemes", {}).items()
    )
    schemas = tuple(
        Schema(name, str(s.get("description", "")), type_of(s), fields_of(s, components), constraints_of(s))
        for name, s in sorted(components.items(), key=lambda kv: kv[0].lower())
    )
    operations = [op for t in tags for op in t.operations]
    info = document.get("info", {})
    return Reference(
        str(info.get("title", "")),
        str(info.get("version", "")),
        tags,
        schemes,
        _problems(operations),
        schemas,
        len(operations),
    )
