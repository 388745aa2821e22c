"""A printed document is kept by what was printed (reports/pdf_cache.py): the same sealed report downloaded
twice gives the same bytes without a second layout, another report or language is never served from it, and
the memory it keeps stays bounded."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from redline.reports import pdf_cache
from redline.reports.canonical import seal
from redline.reports.document import build_report
from redline.reports.pdf import report_pdf
from redline.rulebook.book import Rulebook
from redline.services.assessment.assessing import run_assessment
from tests.conftest import EXAMPLES


def test_a_kept_document_is_given_again_and_made_once() -> None:
    cache = pdf_cache.PdfCache()
    made: list[int] = []

    def make() -> bytes:
        made.append(1)
        return b"%PDF-1" + bytes(len(made))

    key = cache.key("<html>a</html>", "css", "title")
    assert cache.get_or_make(key, make) == cache.get_or_make(key, make)
    assert len(made) == 1


def test_keys_tell_apart_what_only_joins_alike() -> None:
    # "ab"+"c" and "a"+"bc" join to the same text: their documents must not be confused
    assert pdf_cache.PdfCache.key("ab", "c", "") != pdf_cache.PdfCache.key("a", "bc", "")


def test_memory_is_bounded_and_the_least_recently_used_go_first() -> None:
    cache = pdf_cache.PdfCache(max_bytes=300, max_one=200)
    for name in ("a", "b", "c"):
        cache.get_or_make(name, lambda: bytes(100))
    cache.get_or_make("a", lambda: pytest.fail("a was kept"))  # a is now the most recent
    cache.get_or_make("d", lambda: bytes(100))  # b goes
    assert len(cache) == 3
    remade: list[str] = []
    cache.get_or_make("b", lambda: remade.append("b") or bytes(100))
    assert remade == ["b"]
    cache.get_or_make("big", lambda: bytes(201))  # larger than one may be: made, not kept
    assert "big" not in cache._kept
    assert cache._size <= 300


def test_threads_asking_at_once_all_get_the_document() -> None:
    cache = pdf_cache.PdfCache()
    got: list[bytes] = []
    threads = [threading.Thread(target=lambda: got.append(cache.get_or_make("k", lambda: b"%PDF-x"))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [b"%PDF-x"] * 8 and len(cache) == 1


@pytest.fixture(scope="module")
def report(book: Rulebook) -> dict[str, Any]:
    return build_report(book, run_assessment(book, EXAMPLES / "voice-social" / "answers.yaml"))


def test_a_report_printed_twice_is_the_same_document_and_another_is_not(report: dict[str, Any]) -> None:
    first = report_pdf(report, "zh-CN")
    assert report_pdf(report, "zh-CN") == first
    assert report_pdf(report, "en") != first  # the other language is printed, not taken from the first
    changed = seal({**report, "service": {**report["service"], "name": report["service"]["name"] + "（改）"}})
    assert changed["seal"]["digest"] != report["seal"]["digest"]
    assert report_pdf(changed, "zh-CN") != first
