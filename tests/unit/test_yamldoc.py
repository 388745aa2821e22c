from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict

from redline.errors import InputError
from redline.yamldoc import load_model, parse_yaml


class Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str


class Outer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    items: list[Inner]


def test_an_unknown_field_is_reported_with_its_line_and_path() -> None:
    doc = parse_yaml("items:\n  - name: a\n  - name: b\n    colour: red\n", "f.yaml")
    with pytest.raises(InputError) as caught:
        load_model(Outer, doc)
    assert (caught.value.line, caught.value.field, caught.value.message) == (4, "items.1.colour", "unknown field")
    assert str(caught.value) == "f.yaml:4, field 'items.1.colour': unknown field"


def test_a_syntax_error_names_the_line() -> None:
    with pytest.raises(InputError, match="YAML syntax error") as caught:
        parse_yaml("a: 1\nb: [1, 2\nc: 3\n", "f.yaml")
    assert caught.value.line == 3


def test_a_duplicate_key_is_refused() -> None:
    with pytest.raises(InputError, match="duplicate key 'a'") as caught:
        parse_yaml("a: 1\nb: 2\na: 3\n", "f.yaml")
    assert caught.value.line == 3


def test_an_impossible_date_is_refused_with_its_line() -> None:
    with pytest.raises(InputError, match="2026-02-30") as caught:
        parse_yaml("x: 1\ndate: 2026-02-30\n", "f.yaml")
    assert (caught.value.line, caught.value.field) == (2, "date")


def test_an_empty_document_is_refused() -> None:
    with pytest.raises(InputError, match="empty"):
        load_model(Outer, parse_yaml("# nothing\n", "f.yaml"))


def test_a_control_character_is_refused_as_a_yaml_error_not_a_crash() -> None:
    with pytest.raises(InputError, match="YAML error"):
        parse_yaml("name: a\x1f\n", "f.yaml")
