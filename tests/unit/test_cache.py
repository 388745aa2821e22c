from __future__ import annotations

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
