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


class VersionedCache:
    def __init__(self, maxsize: int = 2048) -> None:
        self._data: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.maxsize = maxsize

    def get_or_compute(self, key: Hashable, version: int, compute: Callable[[], Any]) -> Any:
        if self.maxsize == 0:
            return compute()
        with self._lock:
            hit = self._data.get(key)
            if hit is not None and hit[0] == version:
                self._data.move_to_end(key)
                return hit[1]
        value = compute()
        with self._lock:
            self._data[key] = (version, value)
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


def data_version(uow: UnitOfWork) -> int:
    value = uow.session.connection().exec_driver_sql("SELECT seq FROM audit_head WHERE id = 1").scalar()
    return int(value or 0)
