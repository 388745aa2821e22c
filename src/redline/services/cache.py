"""A small read cache stamped with the data version: the audit chain's length.

Every use case that changes data appends an audit entry in the same transaction, so the audit
head's sequence number changes whenever anything readable may have changed. A cached value is
used only while that number is the one it was computed at; reading the number is one primary-key
lookup. Hand-written because it is on the hot path of every list request (bench/platform.py).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from redline.store.db import UnitOfWork

FLIGHT_WAIT_SECONDS = 30.0  # the longest a reader waits for another's computation before doing it itself


class VersionedCache:
    """At most `maxsize` values, least recently used dropped first; with `max_chars`, text values (rendered
    pages) also count their length, and the cache keeps their sum within it."""

    def __init__(self, maxsize: int = 2048, max_chars: int | None = None) -> None:
        self._data: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.maxsize = maxsize
        self.max_chars = max_chars
        self._chars = 0
        self._flights: dict[tuple[Hashable, int], threading.Event] = {}

    def get_or_compute(self, key: Hashable, version: int, compute: Callable[[], Any]) -> Any:
        """The value kept for `key` at `version`, or `compute()`'s. While one thread computes a value, others
        asking for the same key and version wait for it rather than compute it too (fifty clients opening a
        page the moment its data changed compute it once)."""
        if self.maxsize == 0:
            return compute()
        with self._lock:
            hit = self._data.get(key)
            if hit is not None and hit[0] == version:
                self._data.move_to_end(key)
                return hit[1]
            flight = self._flights.get((key, version))
            if flight is None:
                self._flights[(key, version)] = threading.Event()
        if flight is not None:
            flight.wait(FLIGHT_WAIT_SECONDS)
            with self._lock:
                hit = self._data.get(key)
                if hit is not None and hit[0] == version:
                    return hit[1]
            return compute()  # it failed, took too long, or was too large to keep: compute it here
        try:
            value = compute()
            self._keep(key, version, value)
        finally:
            with self._lock:
                self._flights.pop((key, version)).set()
        return value

    def _keep(self, key: Hashable, version: int, value: Any) -> None:
        size = _chars(value)
        if self.max_chars is not None and size > self.max_chars:
            return  # never kept: it would push out everything else
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._chars -= _chars(old[1])
            self._data[key] = (version, value)
            self._chars += size
            while len(self._data) > self.maxsize or (self.max_chars is not None and self._chars > self.max_chars):
                _, (_, dropped) = self._data.popitem(last=False)
                self._chars -= _chars(dropped)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._chars = 0


def _chars(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def data_version(uow: UnitOfWork) -> int:
    value = uow.session.connection().exec_driver_sql("SELECT seq FROM audit_head WHERE id = 1").scalar()
    return int(value or 0)
