"""RFC 8785 bytes from json's C encoder (reports/canonical.py): always the rfc8785 package's bytes, or its error.

The fast path serves sealed probe runs of 100,000 files; a seal that differed from what another language's JCS
library computes would make every such report unverifiable, so it is compared here on documents made to hit
each difference between the two writers: floats, integers past 2^53, keys outside the BMP that sort
differently in UTF-16, control characters, lone surrogates, tuples and enums."""

from __future__ import annotations

import enum
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.errors import InputError
from redline.reports.canonical import jcs_bytes


class Colour(enum.StrEnum):
    RED = "红"


keys = st.text(alphabet=st.characters(codec="utf-8"), max_size=6) | st.sampled_from(
    ["\U0001f600", "\ufb33", "\ue000", "a", "A", "\x7f", "\u2028", ""]
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(["\x00", "\x1f", "\b", '"', "\\"]))
    | st.just(Colour.RED)
)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=30,
)


def _reference(document: Any) -> bytes | str:
    try:
        return rfc8785.dumps(document)
    except (rfc8785.CanonicalizationError, UnicodeEncodeError) as exc:
        return type(exc).__name__


def _ours(document: Any) -> bytes | str:
    try:
        return jcs_bytes(document)
    except InputError:
        return "CanonicalizationError-like"
    except UnicodeEncodeError as exc:
        return type(exc).__name__


@settings(max_examples=200, deadline=None)
@given(documents)
def test_the_fast_writer_gives_the_rfc8785_bytes_for_any_document(document: Any) -> None:
    reference, ours = _reference(document), _ours(document)
    if isinstance(reference, bytes):
        assert ours == reference
    else:
        assert not isinstance(ours, bytes)


@pytest.mark.parametrize(
    "document",
    [
        {"\ufb33": 1, "\U0001f600": 2},  # UTF-16 puts the surrogate pair first, code points the other way
        {"n": 2**53 - 1, "m": -(2**53) + 1},
        {"f": 1.0, "g": 1e21, "h": 0.1},
        {"s": '\x00\x1f\u2028\x7f"\\'},
        {"t": (1, "a"), "e": Colour.RED},
    ],
)
def test_documents_where_the_two_writers_could_differ_give_the_rfc8785_bytes(document: Any) -> None:
    assert jcs_bytes(document) == rfc8785.dumps(document)


@pytest.mark.parametrize("document", [{"s": "\ud800"}, {"n": 2**53}, {"f": float("nan")}, {1: "a"}])
def test_what_rfc8785_refuses_is_still_refused_as_a_user_error(document: Any) -> None:
    with pytest.raises(InputError):
        jcs_bytes(document)
