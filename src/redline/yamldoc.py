"""YAML documents that remember where each value stood, so errors can name file and line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from redline.errors import InputError, RedlineError

Key = tuple[str | int, ...]
ModelT = TypeVar("ModelT", bound=BaseModel)

# Hostile input bounds. Aliases are expanded into plain values, so a few lines of "billion laughs"
# would otherwise build millions of values; and nesting recurses, so depth is bounded well below
# Python's recursion limit. Every real document is far inside both.
MAX_DEPTH = 64
MAX_VALUES = 200_000


class _BoundedLoader(yaml.SafeLoader):
    """A safe loader whose composer refuses nesting deeper than MAX_DEPTH."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep", event.start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


@dataclass(frozen=True)
class YamlDoc:
    """Parsed YAML plus the 1-based line of every mapping key and sequence entry."""

    source: str
    data: Any
    lines: dict[Key, int] = field(default_factory=dict)

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """Line of the deepest part of `path` that exists in the document."""
        key = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), None)


def _build(node: yaml.Node, path: Key, lines: dict[Key, int], loader: yaml.SafeLoader, source: str) -> Any:
    # An alias can point at its own ancestor, and aliases multiply: both are bounded here too.
    if len(path) > MAX_DEPTH:
        raise InputError(
            f"nested more than {MAX_DEPTH} levels deep (through an alias?)",
            source=source,
            line=node.start_mark.line + 1,
        )
    if len(lines) > MAX_VALUES:
        raise InputError(
            f"more than {MAX_VALUES} values once aliases are expanded", source=source, line=node.start_mark.line + 1
        )
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _construct(key_node, path, loader, source)
            if isinstance(key, (list, dict)):
                raise InputError(
                    "a mapping key must be a plain value", source=source, line=key_node.start_mark.line + 1
                )
            if key in out:
                raise InputError(f"duplicate key '{key}'", source=source, line=key_node.start_mark.line + 1)
            child = (*path, str(key))
            lines[child] = key_node.start_mark.line + 1
            out[key] = _build(value_node, child, lines, loader, source)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), lines, loader, source) for i, item in enumerate(node.value)]
    return _construct(node, path, loader, source)


def _construct(node: yaml.Node, path: Key, loader: yaml.SafeLoader, source: str) -> Any:
    """A key or scalar as a Python value; a bad tagged value (`2024-13-45`, `!!float x`) is an InputError."""
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, TypeError, OverflowError, yaml.constructor.ConstructorError) as exc:
        shown = repr(node.value) if isinstance(node, yaml.ScalarNode) else "(a collection)"
        raise InputError(
            f"invalid value {shown}: {exc}",
            source=source,
            line=node.start_mark.line + 1,
            field=".".join(str(p) for p in path) or None,
        ) from None


def parse_yaml(text: str, source: str) -> YamlDoc:
    """Parse one YAML document; syntax errors become InputError with the line."""
    try:
        loader = _BoundedLoader(text)  # the reader rejects control characters already here
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {exc}", source=source) from None
    try:
        node = loader.get_single_node()
        lines: dict[Key, int] = {}
        data = None if node is None else _build(node, (), lines, loader, source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = None if mark is None else mark.line + 1
        raise InputError(f"YAML syntax error: {exc.problem or exc}", source=source, line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {exc}", source=source) from None
    finally:
        loader.dispose()
    return YamlDoc(source=source, data=data, lines=lines)


def read_yaml(path: Path) -> YamlDoc:
    """Read and parse a YAML file, with clear errors for a missing or unreadable file."""
    return parse_yaml(read_text_file(path), str(path))


def read_text_file(path: Path) -> str:
    """A UTF-8 text file's content; a missing, unreadable or binary file is an InputError naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file not found", source=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a directory, expected a YAML file", source=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", source=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=str(path)) from None


def validation_error(
    exc: ValidationError, doc: YamlDoc, prefix: Key = (), error_type: type[RedlineError] = InputError
) -> RedlineError:
    """Turn the first pydantic error into one message naming file, line and field."""
    first = exc.errors()[0]
    loc = (*prefix, *first["loc"])
    field_name = ".".join(str(part) for part in loc) or None
    message = first["msg"]
    if first["type"] == "extra_forbidden":
        message = "unknown field"
    elif first["type"] == "missing":
        message = "required field is missing"
    more = len(exc.errors()) - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return error_type(message, source=doc.source, line=doc.line_of(loc), field=field_name)


def load_model(
    model: type[ModelT], doc: YamlDoc, data: Any = None, prefix: Key = (), error_type: type[RedlineError] = InputError
) -> ModelT:
    """Validate `data` (default: the whole document) as `model`, errors located in the file."""
    payload = doc.data if data is None else data
    if payload is None:
        raise error_type("the document is empty", source=doc.source, line=1)
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise validation_error(exc, doc, prefix, error_type) from None
