"""Printed documents kept in memory by what was printed: a report's PDF is the same for the same HTML, page
style and title (a sealed report never changes), so a second download of a package or a PDF costs no second
layout, which takes WeasyPrint seconds. Bounded in bytes; the least recently used go first; thread-safe (the
web server's threads share it). A second copy of the same bytes is also what a user expects of one sealed
document downloaded twice."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

MAX_BYTES = 32 << 20  # all kept PDFs together
MAX_ONE = 8 << 20  # a larger PDF is made each time, not kept


class PdfCache:
    def __init__(self, max_bytes: int = MAX_BYTES, max_one: int = MAX_ONE) -> None:
        self.max_bytes, self.max_one = max_bytes, max_one
        self._kept: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    @staticmethod
    def key(*parts: str) -> str:
        digest = hashlib.sha256()
        for part in parts:
            encoded = part.encode("utf-8", "surrogatepass")
            digest.update(len(encoded).to_bytes(8, "big"))  # lengths first: no two inputs give one key
            digest.update(encoded)
        return digest.hexdigest()

    def get_or_make(self, key: str, make: Callable[[], bytes]) -> bytes:
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
                return kept
        made = make()  # outside the lock: two threads may both render a new document, never wait on each other
        if len(made) <= self.max_one:
            with self._lock:
                if key not in self._kept:
                    self._kept[key] = made
                    self._size += len(made)
                while self._size > self.max_bytes:
                    _, dropped = self._kept.popitem(last=False)
                    self._size -= len(dropped)
        return made

    def __len__(self) -> int:
        return len(self._kept)


PRINTED = PdfCache()
