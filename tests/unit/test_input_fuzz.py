"""Hostile user files: whatever the bytes, reading a service, change or answers file ends in a result or
an InputError naming the file — never another exception."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redline.errors import InputError
from redline.rulebook.book import Rulebook
from redline.rulebook.loader import default_rulebook
from redline.services.assessment.documents import change_from, service_from
from redline.yamldoc import parse_yaml

BOOK: Rulebook = default_rulebook()

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20), st.dates()
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=20,
)
keys = st.sampled_from(
    [
        "provider",
        "service",
        "basic_info",
        "name",
        "location",
        "capabilities",
        "kind",
        "date",
        "notice",
        "mau_before",
        "mau_after",
        "technologies",
        "x",
    ]
)
documents = st.dictionaries(keys, values, max_size=6)


def _read(text: str) -> None:
    try:
        doc = parse_yaml(text, "fuzz.yaml")
        service_from(BOOK, doc)
    except InputError as exc:
        assert exc.source == "fuzz.yaml"
    try:
        doc = parse_yaml(text, "fuzz.yaml")
        change_from(BOOK, doc)
    except InputError as exc:
        assert exc.source == "fuzz.yaml"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_text_is_read_or_refused_with_a_located_error(text: str) -> None:
    _read(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_arbitrary_yaml_structures_are_read_or_refused_with_a_located_error(document: dict[str, object]) -> None:
    _read(yaml.safe_dump(document, allow_unicode=True))
