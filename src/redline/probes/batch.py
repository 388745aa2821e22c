"""Batch probe runs: one runner for a local process pool and Dask distributed, with retry, cancel, resume.

Files go to workers in batches of up to 256 so per-task overhead stays small. Whatever the back-end,
results come back in the order of `files` and are summed up the same way, so a run on a cluster and a run
on a laptop give the same document. A task that fails is tried again on its own (nothing else running), so
a file that kills its worker cannot take its neighbours down with it: a worker death while several tasks
ran is blamed on none of them, and each gets its own run. A task that fails `retries` more times on its own
(or raises while sharing, which is its own doing) is split in halves, each run on its own, until the
failing part is a single file (see `_next_runs`): only such a file is reported as an error, never dropped,
listed under "failed_tasks" in the summary and kept out of the journal; its neighbours get real results.

A run in which no task finishes for `stall_seconds` (a worker that hangs, a cluster that stopped answering)
ends with RunStalled, naming the files still pending; the workers are stopped, the journal keeps every finished
file, and the same command with the same journal resumes.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redline.domain.assessment import Severity
from redline.errors import InputError, RedlineError
from redline.probes.backends import Backend, DaskBackend, InlineBackend, LimitedBackend, Limits, PoolBackend
from redline.probes.base import FileResult, ProbeFinding, Verdict
from redline.probes.journal import Journal, Stamp
from redline.probes.runner import ProbeRun
from redline.words.findings import TASK_FAILED

POLL_SECONDS = 0.2
SMALL_RUN = 32  # fewer files than this run in-process: starting workers would cost more than it saves
STALL_SECONDS = 600.0  # default: no task finished for this long means the run is stuck
NAMED_PENDING = 10  # how many pending files a stall message names, those in flight first


class RunCancelled(RedlineError):  # noqa: N818  (the name is the contract)
    """The run was cancelled (or interrupted); the journal keeps every finished file."""

    exit_code = 130


class RunStalled(RedlineError):  # noqa: N818  (the name is the contract)
    """No task finished for the configured time; the journal keeps every finished file. `in_flight` holds
    the files of the tasks that were running (one of them hangs), `pending` every file without a result."""

    exit_code = 1

    def __init__(self, message: str, *, in_flight: list[str], pending: list[str], source: str | None) -> None:
        super().__init__(message, source=source)
        self.in_flight, self.pending = in_flight, pending


@dataclass
class _Task:
    positions: list[int]
    attempts: int = 0  # runs that failed, counting those of the task it was split from
    charged: int = 0  # failures that were the task's own doing: not a worker death while others ran too
    solo: bool = False
    part: bool = False  # a half of a task that failed for good: one failure on its own splits it again
    gave_up: bool = False  # its files get ERROR results, kept out of the journal so a rerun tries them again
    errors: list[str] = field(default_factory=list)


class _Stop(Exception):  # noqa: N818  (control flow, not an error)
    pass


class _Stalled(Exception):  # noqa: N818  (control flow: run_batch turns it into RunStalled)
    def __init__(self, seconds: float, in_flight: list[int]) -> None:
        super().__init__(seconds)
        self.seconds, self.in_flight = seconds, in_flight


def batch_size(files: int, workers: int) -> int:
    """About eight tasks per worker, between 8 and 256 files each."""
    return max(8, min(256, files // (workers * 8) or 8))


def run_batch(
    name: str,
    files: list[Path],
    options: Mapping[str, Any],
    *,
    scheduler: str | None = None,
    jobs: int | None = None,
    journal: Path | None = None,
    retries: int = 2,
    on_progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    stall_seconds: float | None = STALL_SECONDS,
    limits: Limits | None = None,
) -> ProbeRun:
    """Check every file with probe `name`; see the module docstring. Raises RunCancelled when `cancel()`
    turns True or on Ctrl-C, RunStalled when no task finishes for `stall_seconds` (None: wait for ever),
    and InputError for a journal of another run or an unusable scheduler. With `limits` (and no scheduler)
    every batch runs in a child process held to them, however few the files."""
    if stall_seconds is not None and not stall_seconds > 0:
        raise InputError(
            f"the stall time must be a positive number of seconds, not {stall_seconds}", field="stall_seconds"
        )
    from redline.probes.registry import probe

    selected = probe(name)
    selected.info  # noqa: B018  (a built-in probe loads here, once, not in each forked worker)
    started = dt.datetime.now(dt.UTC)
    results: list[FileResult | None] = [None] * len(files)
    # not in a long-lived process (a web server or job worker runs with limits): freezing would keep its other
    # threads' garbage uncollected until the run ends
    freeze = limits is None and scheduler is None
    book = Journal(journal, selected.info, options) if journal is not None else None
    stamps = [Stamp.of(p) for p in files] if book is not None else []
    try:
        todo = _resume(book, files, stamps, results, on_progress)
        backend = _backend(name, options, scheduler, jobs, len(todo), limits)
        size = batch_size(len(todo), backend.workers)
        tasks = [_Task(todo[i : i + size]) for i in range(0, len(todo), size)]

        def finish(task: _Task, batch: list[FileResult]) -> None:
            for position, result in zip(task.positions, batch, strict=True):
                results[position] = result
                if book is not None and not task.gave_up:
                    book.record(files[position], stamps[position], result)
            if book is not None:
                book.flush()
            if on_progress:
                on_progress(len(batch), sum(r.size for r in batch))
            if freeze:
                # the results are kept to the end: out of the collector's reach, full collections no longer walk
                # every result so far (in a 2-worker pool this process took 40 % less CPU, CPU the workers need)
                gc.freeze()

        failed = _drive(backend, files, tasks, retries, cancel, finish, stall_seconds)
    except _Stalled as stalled:
        raise _stall_error(files, results, stalled, journal) from None
    except (_Stop, KeyboardInterrupt):
        done = sum(r is not None for r in results)
        hint = "run again with the same journal to resume" if journal else "give --journal to be able to resume"
        raise RunCancelled(
            f"cancelled after {done} of {len(files)} files; {hint}", source=str(journal) if journal else None
        ) from None
    finally:
        if freeze:
            gc.unfreeze()
        if book is not None:
            book.close()
    ordered = [r for r in results if r is not None]
    summary = selected.summarise(ordered)
    if failed:
        summary["failed_tasks"] = [
            {"files": [str(files[p]) for p in t.positions], "attempts": t.attempts, "error": t.errors[-1]}
            for t in failed
        ]
    return ProbeRun(selected.info, started, dt.datetime.now(dt.UTC), dict(options), ordered, summary)


def _resume(
    book: Journal | None,
    files: list[Path],
    stamps: list[Stamp | None],
    results: list[FileResult | None],
    on_progress: Callable[[int, int], None] | None,
) -> list[int]:
    """Fill in what the journal already holds; return the positions still to check."""
    if book is None:
        return list(range(len(files)))
    todo: list[int] = []
    for position, path in enumerate(files):
        results[position] = book.done(path, stamps[position])
        if results[position] is None:
            todo.append(position)
    resumed = [r for r in results if r is not None]
    if resumed and on_progress:
        on_progress(len(resumed), sum(r.size for r in resumed))
    return todo


def _backend(
    name: str,
    options: Mapping[str, Any],
    scheduler: str | None,
    jobs: int | None,
    files: int,
    limits: Limits | None = None,
) -> Backend:
    if scheduler:
        return DaskBackend(name, options, scheduler)
    jobs = max(1, jobs or os.cpu_count() or 1)
    if limits is not None:
        return LimitedBackend(name, options, max(1, min(jobs, -(-files // batch_size(files, jobs)))), limits)
    if jobs == 1 or files < SMALL_RUN:
        return InlineBackend(name, options)
    return PoolBackend(name, options, jobs)


def _stall_error(
    files: list[Path], results: list[FileResult | None], stalled: _Stalled, journal: Path | None
) -> RunStalled:
    in_flight = [str(files[n]) for n in sorted(stalled.in_flight)]
    pending = in_flight + [str(files[n]) for n, r in enumerate(results) if r is None and n not in stalled.in_flight]
    named = ", ".join(pending[:NAMED_PENDING]) + (
        f" and {len(pending) - NAMED_PENDING} more" if len(pending) > NAMED_PENDING else ""
    )
    hint = "run again with the same journal to resume" if journal else "give --journal to be able to resume"
    return RunStalled(
        f"no file finished for {stalled.seconds:g} s (a worker hangs or stopped answering); "
        f"{len(pending)} of {len(files)} files pending, {len(in_flight)} of them in flight: {named}; "
        f"{hint}",
        in_flight=in_flight,
        pending=pending,
        source=str(journal) if journal else None,
    )


def _drive(
    backend: Backend,
    files: list[Path],
    tasks: list[_Task],
    retries: int,
    cancel: Callable[[], bool] | None,
    finish: Callable[[_Task, list[FileResult]], None],
    stall_seconds: float | None = None,
) -> list[_Task]:
    """Keep the workers busy; retry failed tasks, each on its own; return the tasks that failed for good.
    Raises _Stalled when tasks are in flight and none finished for `stall_seconds`."""
    queue, solo = deque(tasks), deque[_Task]()
    inflight: dict[Any, _Task] = {}
    failed: list[_Task] = []
    progress_at, stalled = time.monotonic(), False
    try:
        while queue or solo or inflight:
            if cancel is not None and cancel():
                raise _Stop
            if stall_seconds is not None and inflight and time.monotonic() - progress_at > stall_seconds:
                stalled = True
                raise _Stalled(stall_seconds, [n for task in inflight.values() for n in task.positions])
            if solo and not inflight:
                task = solo.popleft()
                task.solo = True
                inflight[backend.submit([files[p] for p in task.positions])] = task
            while not solo and queue and len(inflight) < backend.slots:
                task = queue.popleft()
                inflight[backend.submit([files[p] for p in task.positions])] = task
            for future in backend.wait_any(list(inflight), POLL_SECONDS):
                progress_at = time.monotonic()
                task = inflight.pop(future)
                outcome = backend.outcome(future)
                if not isinstance(outcome, BaseException):
                    finish(task, outcome)
                    continue
                task.attempts += 1
                task.errors.append(f"{type(outcome).__name__}: {outcome}"[:500])
                task.charged += task.solo or not backend.died(outcome)
                again = _next_runs(task, retries)
                if not again:
                    task.gave_up = True
                    failed.append(task)
                    finish(task, _failed_results(files, task))
                solo.extend(again)
    finally:
        backend.close(list(inflight), stop_workers=stalled)
    return sorted(failed, key=lambda t: t.positions[0])  # the order of the input, whatever the timing


def _next_runs(task: _Task, retries: int) -> list[_Task]:
    """What to run after `task` failed: itself again, its two halves, or nothing (it is given up).

    A task that failed for good is halved, and a half that fails on its own is halved again at once (its
    parent's retries already showed the failure is no fluke), so a file that kills its worker costs at most
    2·⌈log2(batch size)⌉ extra runs until it runs alone; alone, it gets the usual `retries`, not more. A single
    file that still fails is given up; the other files of its batch get their real results."""
    if len(task.positions) > 1 and (task.part or task.charged > retries):
        middle = len(task.positions) // 2
        return [
            _Task(half, attempts=task.attempts, part=True)
            for half in (task.positions[:middle], task.positions[middle:])
        ]
    return [] if task.charged > retries else [task]


def _failed_results(files: list[Path], task: _Task) -> list[FileResult]:
    params = {"attempts": task.attempts, "error": task.errors[-1]}
    return [
        FileResult(
            str(files[p]),
            "",
            0,
            Verdict.ERROR,
            findings=(ProbeFinding.coded("", Severity.LOW, str(files[p]), TASK_FAILED, params, ""),),
        )
        for p in task.positions
    ]
