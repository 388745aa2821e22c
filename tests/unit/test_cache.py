from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from redline.services.cache import VersionedCache


def test_a_value_is_reused_only_at_the_version_it_was_computed_at() -> None:
    cache = VersionedCache()
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert cache.get_or_compute("k", 7, compute) == 1
    assert cache.get_or_compute("k", 7, compute) == 1
    assert cache.get_or_compute("k", 8, compute) == 2
    assert len(calls) == 2


def test_the_oldest_entries_go_first_and_size_zero_turns_it_off() -> None:
    cache = VersionedCache(maxsize=2)
    for key in ("a", "b", "c"):
        cache.get_or_compute(key, 1, lambda key=key: key)
    assert cache.get_or_compute("a", 1, lambda: "recomputed") == "recomputed"
    off = VersionedCache(maxsize=0)
    assert off.get_or_compute("x", 1, lambda: 1) == 1
    assert off.get_or_compute("x", 1, lambda: 2) == 2


def test_rendered_text_is_kept_within_its_length_bound_oldest_dropped_first() -> None:
    pages = VersionedCache(maxsize=100, max_chars=10)
    computed: list[str] = []

    def page(text: str) -> str:
        computed.append(text)
        return text

    pages.get_or_compute("a", 1, lambda: page("aaaa"))
    pages.get_or_compute("b", 1, lambda: page("bbbb"))
    pages.get_or_compute("c", 1, lambda: page("cccc"))  # 12 characters: "a" goes
    pages.get_or_compute("b", 1, lambda: page("bbbb"))
    pages.get_or_compute("c", 1, lambda: page("cccc"))
    pages.get_or_compute("a", 1, lambda: page("aaaa"))
    assert computed == ["aaaa", "bbbb", "cccc", "aaaa"]


def test_a_text_longer_than_the_bound_is_given_but_never_kept() -> None:
    pages = VersionedCache(maxsize=100, max_chars=10)
    pages.get_or_compute("small", 1, lambda: "xx")
    assert pages.get_or_compute("huge", 1, lambda: "y" * 11) == "y" * 11
    assert pages.get_or_compute("huge", 1, lambda: "again") == "again"
    assert pages.get_or_compute("small", 1, lambda: "recomputed") == "xx"


def test_a_value_replaced_at_a_new_version_frees_its_old_length() -> None:
    pages = VersionedCache(maxsize=100, max_chars=10)
    for version in range(1, 20):
        pages.get_or_compute("page", version, lambda: "z" * 6)
    pages.get_or_compute("other", 1, lambda: "w" * 4)
    assert pages.get_or_compute("page", 19, lambda: "recomputed") == "z" * 6


def test_clients_asking_at_once_for_a_missing_value_compute_it_once() -> None:
    cache = VersionedCache()
    calls: list[int] = []
    start = threading.Barrier(8)

    def slow() -> str:
        calls.append(1)
        time.sleep(0.3)
        return "page"

    def ask(_: int) -> str:
        start.wait()
        return str(cache.get_or_compute("dashboard", 5, slow))

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(ask, range(8)))
    assert answers == ["page"] * 8
    assert len(calls) == 1


def test_when_the_first_computation_fails_the_waiting_clients_compute_it_themselves() -> None:
    cache = VersionedCache()
    started = threading.Event()

    def failing() -> str:
        started.set()
        time.sleep(0.2)
        raise RuntimeError("the database went away")

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(cache.get_or_compute, "k", 1, failing)
        started.wait()
        second = pool.submit(cache.get_or_compute, "k", 1, lambda: "computed again")
        with pytest.raises(RuntimeError):
            first.result()
        assert second.result() == "computed again"
