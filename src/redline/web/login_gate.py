"""Where password checks run in the server: a few worker threads of their own, and a bounded queue.

argon2 is deliberately slow. Run in the shared thread pool, a burst of logins (no account needed) would take
every thread and core, and the server would stop answering everyone else. Here at most `SLOTS` checks run at
once in their own threads, others wait as coroutines (costing no thread), and beyond `QUEUE` waiting a
login is refused at once, before any hashing, with 429 and Retry-After.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread

from redline.errors import ThrottledError
from redline.services.access.accounts import HASH_SLOTS

SLOTS = HASH_SLOTS
QUEUE = 64
RETRY_SECONDS = 5
T = TypeVar("T")

_limiter: anyio.CapacityLimiter | None = None
_waiting = 0


async def run(check: Callable[..., T], *args: object) -> T:
    """`check(*args)` in a login thread, or ThrottledError when too many logins are already waiting."""
    global _limiter, _waiting
    if _limiter is None:  # made inside the event loop that uses it
        _limiter = anyio.CapacityLimiter(SLOTS)
    if _waiting >= QUEUE:
        raise ThrottledError(
            "the server is busy checking other logins; try again in a few seconds", retry_after=RETRY_SECONDS
        )
    _waiting += 1
    try:
        return await anyio.to_thread.run_sync(lambda: check(*args), limiter=_limiter)
    finally:
        _waiting -= 1
