"""Where the tasks of a batch run execute: in this process, on a local process pool, or on Dask.

All three offer the same small interface (submit a batch of files, wait for any task, read its outcome),
so `redline.probes.batch` schedules, retries and journals once for every back-end.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import socket
import threading
from collections.abc import Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor
from concurrent.futures import wait as wait_local
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from redline.errors import InputError
from redline.probes.base import FileResult
from redline.probes.tasks import check_batch

Outcome = list[FileResult] | BaseException
CONNECT_SECONDS = 5.0


class Backend(Protocol):
    workers: int  # processes or threads that check files at the same time
    slots: int  # how many tasks to keep in flight: enough to keep every worker busy

    def submit(self, batch: list[Path]) -> Any: ...

    def wait_any(self, futures: list[Any], timeout: float) -> list[Any]: ...

    def outcome(self, future: Any) -> Outcome: ...

    def died(self, error: BaseException) -> bool:
        """Did the worker die (rather than the task raise)? Such a failure cannot be blamed on one task."""
        ...

    def close(self, pending: list[Any], *, stop_workers: bool = False) -> None:
        """Release the back-end; `stop_workers` when tasks in flight hang: stop them instead of waiting."""
        ...


class InlineBackend:
    """In this process: for one job or a handful of files, where starting processes costs more.

    The task runs in a daemon thread so that the run can give up on a task that hangs (the thread cannot be
    stopped, but it no longer holds up the run, nor the exit of the process)."""

    workers = slots = 1

    def __init__(self, name: str, options: Mapping[str, Any]) -> None:
        self.name, self.options = name, options

    def submit(self, batch: list[Path]) -> Future[list[FileResult]]:
        future: Future[list[FileResult]] = Future()

        def check() -> None:
            try:
                future.set_result(check_batch(self.name, batch, self.options))
            except BaseException as exc:
                future.set_exception(exc)

        threading.Thread(target=check, name="redline-inline-probe", daemon=True).start()
        return future

    def wait_any(self, futures: list[Any], timeout: float) -> list[Any]:
        done, _ = wait_local(futures, timeout=timeout, return_when=FIRST_COMPLETED)
        return list(done)

    def outcome(self, future: Any) -> Outcome:
        return future.exception() or future.result()  # type: ignore[no-any-return]

    def died(self, error: BaseException) -> bool:
        return False

    def close(self, pending: list[Any], *, stop_workers: bool = False) -> None:
        return None


@dataclass(frozen=True)
class Limits:
    """What one worker process may use for one batch: CPU seconds (then SIGXCPU ends it) and address space
    (then allocations fail with MemoryError). A worker runs one batch only, so each batch gets the full amount."""

    cpu_seconds: int
    memory_bytes: int


def _ignore_interrupt() -> None:
    # Ctrl-C is the parent's to handle (it keeps the journal); workers finish their batch and exit
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _start_limited(limits: Limits) -> None:
    _ignore_interrupt()
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))


class PoolBackend:
    """A local process pool, made again when a worker process dies (the pool is then broken)."""

    def __init__(self, name: str, options: Mapping[str, Any], jobs: int) -> None:
        self.name, self.options, self.workers = name, options, jobs
        self.slots = jobs * 2
        # forking a process that runs other threads (a web server, a Dask client) can copy a held lock
        self._context = _context(threading.active_count() > 1)
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=self._context, initializer=_ignore_interrupt)

    def submit(self, batch: list[Path]) -> Future[list[FileResult]]:
        try:
            return self._pool.submit(check_batch, self.name, batch, self.options)
        except BrokenProcessPool:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._start()
            return self._pool.submit(check_batch, self.name, batch, self.options)

    def wait_any(self, futures: list[Any], timeout: float) -> list[Any]:
        done, _ = wait_local(futures, timeout=timeout, return_when=FIRST_COMPLETED)
        return list(done)

    def outcome(self, future: Any) -> Outcome:
        return future.exception() or future.result()  # type: ignore[no-any-return]

    def died(self, error: BaseException) -> bool:
        return isinstance(error, BrokenProcessPool)

    def close(self, pending: list[Any], *, stop_workers: bool = False) -> None:
        # tasks not started are dropped; running ones (one batch per worker) end before the run returns,
        # unless they hang: then the worker processes are killed (the executor offers no public way before 3.14)
        if stop_workers:
            _kill_workers(self._pool)
        self._pool.shutdown(wait=True, cancel_futures=True)


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """Kill a pool's worker processes (the executor has no public way to before Python 3.14)."""
    for process in list((pool._processes or {}).values()):
        process.kill()


def _context(server: bool) -> multiprocessing.context.BaseContext:
    method = "forkserver" if server and os.name == "posix" else None
    context = multiprocessing.get_context(method)
    if method == "forkserver":  # workers start from a server that has imported the probes once
        context.set_forkserver_preload(["redline.probes.runner", "redline.probes.registry", "redline.probes.builtin"])
    return context


class LimitedBackend:
    """Each batch in a fresh child process held to `limits`, so a batch has the whole CPU budget and a probe
    never runs in the calling process (a web server, a job worker). Children start from a fork server: the
    caller runs threads, which forking would copy mid-lock. (One single-worker pool per batch rather than
    `max_tasks_per_child=1`, which can deadlock on Python 3.11.)"""

    def __init__(self, name: str, options: Mapping[str, Any], jobs: int, limits: Limits) -> None:
        self.name, self.options, self.limits = name, options, limits
        self.workers = self.slots = jobs
        self._context = _context(True)
        self._pools: dict[Future[list[FileResult]], ProcessPoolExecutor] = {}

    def submit(self, batch: list[Path]) -> Future[list[FileResult]]:
        pool = ProcessPoolExecutor(
            max_workers=1, mp_context=self._context, initializer=_start_limited, initargs=(self.limits,)
        )
        future = pool.submit(check_batch, self.name, batch, self.options)
        self._pools[future] = pool
        return future

    def wait_any(self, futures: list[Any], timeout: float) -> list[Any]:
        done, _ = wait_local(futures, timeout=timeout, return_when=FIRST_COMPLETED)
        return list(done)

    def outcome(self, future: Any) -> Outcome:
        result: Outcome = future.exception() or future.result()
        pool = self._pools.pop(future, None)
        if pool is not None:
            pool.shutdown(wait=True)
        return result

    def died(self, error: BaseException) -> bool:
        return isinstance(error, BrokenProcessPool)

    def close(self, pending: list[Any], *, stop_workers: bool = False) -> None:
        # running batches end (within their CPU limit) before the run returns, unless they hang: then killed
        for pool in self._pools.values():
            if stop_workers:
                _kill_workers(pool)
            pool.shutdown(wait=True, cancel_futures=True)
        self._pools.clear()


def check_scheduler(address: str) -> tuple[str, int]:
    """HOST and PORT of a `tcp://HOST:PORT` (or tls://) address, or an InputError naming the setting."""
    parts = urlsplit(address)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme not in ("tcp", "tls") or not parts.hostname or port is None or parts.path not in ("", "/"):
        raise InputError(f"'{address}' is not a Dask scheduler address like tcp://HOST:PORT", field="scheduler")
    return parts.hostname, port


class DaskBackend:
    """A Dask distributed cluster; its workers must see the files under the same paths."""

    def __init__(self, name: str, options: Mapping[str, Any], address: str) -> None:
        from distributed import Client, as_completed

        host, port = check_scheduler(address)
        try:  # a refused port fails at once here instead of after the client's retries
            socket.create_connection((host, port), timeout=CONNECT_SECONDS).close()
            client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as exc:
            raise InputError(f"cannot reach the Dask scheduler at {address}: {exc}", field="scheduler") from None
        self._client: Any = client
        self._finished: Any = as_completed(loop=client.loop)  # type: ignore[no-untyped-call]
        self.name, self.options = name, options
        self.workers = max(1, sum(client.nthreads().values()))  # type: ignore[no-untyped-call]
        self.slots = self.workers * 2

    def submit(self, batch: list[Path]) -> Any:
        future = self._client.submit(check_batch, self.name, batch, self.options, pure=False)
        self._finished.add(future)
        return future

    def wait_any(self, futures: list[Any], timeout: float) -> list[Any]:
        with self._finished.thread_condition:  # notified, under this lock, when a future finishes
            if not self._finished.has_ready():
                self._finished.thread_condition.wait(timeout)
        return [f for f in self._finished.next_batch(block=False) if f in futures]

    def outcome(self, future: Any) -> Outcome:
        try:
            if future.status == "error":
                return future.exception()  # type: ignore[no-any-return]
            return future.result()  # type: ignore[no-any-return]
        except Exception as exc:  # cancelled by the scheduler, lost connection
            return exc
        finally:
            future.release()

    def died(self, error: BaseException) -> bool:
        from distributed.client import FutureCancelledError
        from distributed.scheduler import KilledWorker

        return isinstance(error, KilledWorker | FutureCancelledError)

    def close(self, pending: list[Any], *, stop_workers: bool = False) -> None:
        # a hanging task cannot be stopped from here: cancelling releases it, and its worker's own
        # nanny or the cluster's operator has to restart that worker
        try:
            if pending:
                self._client.cancel(pending, force=stop_workers)
        finally:
            if stop_workers:
                self._client.close(timeout=CONNECT_SECONDS)
            else:
                self._client.close()
