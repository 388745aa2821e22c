"""Batch probe runs on one process and a local pool (the Dask back-end: tests/integration/test_batch_dask.py):
a batch whose worker dies is split until only the file that kills it is reported, never dropped; a cancelled
run resumes from its journal; a run whose worker hangs ends with the files still pending named."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from redline.errors import InputError
from redline.probes.backends import Limits
from redline.probes.batch import run_batch
from tests.batch_support import (
    batch_probe,
    calls_in,
    check_a_batch_whose_worker_dies_is_split_until_only_the_killer_file_is_reported,
    check_a_cancelled_run_resumes_from_its_journal_without_checking_finished_files_again,
    check_a_run_whose_worker_hangs_ends_naming_the_pending_files_and_resumes_from_its_journal,
    check_two_killer_files_in_one_batch_are_both_isolated_and_a_passing_crash_is_forgiven,
    numbered,
)

__all__ = ["batch_probe"]  # a fixture, used by name

LOCAL: dict[str, Any] = {"jobs": 2}


def test_a_batch_whose_worker_dies_is_split_until_only_the_killer_file_is_reported(
    tmp_path: Path, batch_probe: None
) -> None:
    check_a_batch_whose_worker_dies_is_split_until_only_the_killer_file_is_reported(tmp_path, LOCAL)


def test_two_killer_files_in_one_batch_are_both_isolated_and_a_passing_crash_is_forgiven(
    tmp_path: Path, batch_probe: None
) -> None:
    check_two_killer_files_in_one_batch_are_both_isolated_and_a_passing_crash_is_forgiven(tmp_path, LOCAL)


def test_a_cancelled_run_resumes_from_its_journal_without_checking_finished_files_again(
    tmp_path: Path, batch_probe: None
) -> None:
    check_a_cancelled_run_resumes_from_its_journal_without_checking_finished_files_again(tmp_path, LOCAL)


@pytest.mark.parametrize("where", [LOCAL, {"jobs": 1}], ids=["local-pool", "one-process"])
def test_a_run_whose_worker_hangs_ends_naming_the_pending_files_and_resumes_from_its_journal(
    tmp_path: Path, where: dict[str, Any], batch_probe: None
) -> None:
    check_a_run_whose_worker_hangs_ends_naming_the_pending_files_and_resumes_from_its_journal(tmp_path, where)


def test_a_stall_time_that_is_not_positive_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="positive number of seconds"):
        run_batch("aigc-label", numbered(tmp_path, 2), {}, stall_seconds=0)


def test_a_journal_of_another_run_is_refused_naming_it(tmp_path: Path, batch_probe: None) -> None:
    files = numbered(tmp_path, 5)
    journal = tmp_path / "run.jsonl"
    run_batch("batch-test", files, {}, journal=journal, jobs=1)
    with pytest.raises(InputError, match="belongs to another run") as caught:
        run_batch("batch-test", files, {"calls": str(tmp_path / "log")}, journal=journal, jobs=1)
    assert caught.value.source == str(journal) and caught.value.line == 1
    with pytest.raises(InputError, match="belongs to another run"):
        run_batch("aigc-label", files, {}, journal=journal, jobs=1)


def test_a_journal_cut_off_mid_line_resumes_and_a_damaged_one_is_refused(tmp_path: Path, batch_probe: None) -> None:
    files = numbered(tmp_path, 6)
    journal = tmp_path / "run.jsonl"
    log = tmp_path / "calls.log"
    run_batch("batch-test", files, {"calls": str(log)}, journal=journal, jobs=1)
    lines = journal.read_text().splitlines()
    journal.write_text("\n".join([*lines[:-1], lines[-1][:20]]))  # killed while writing the last line
    run_batch("batch-test", files, {"calls": str(log)}, journal=journal, jobs=1)
    assert calls_in(log)[6:] == [str(files[-1])]
    journal.write_text("\n".join([*lines[:2], "{not json", *lines[3:]]) + "\n")
    with pytest.raises(InputError, match="damaged journal record") as caught:
        run_batch("batch-test", files, {"calls": str(log)}, journal=journal, jobs=1)
    assert caught.value.line == 3


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("address", ["127.0.0.1:8786", "http://127.0.0.1:8786", "tcp://127.0.0.1", "tcp://:99"])
def test_a_malformed_scheduler_address_is_a_user_error(tmp_path: Path, address: str) -> None:
    with pytest.raises(InputError, match="not a Dask scheduler address") as caught:
        run_batch("aigc-label", numbered(tmp_path, 2), {}, scheduler=address)
    assert caught.value.field == "scheduler"


def test_an_unreachable_scheduler_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot reach the Dask scheduler") as caught:
        run_batch("aigc-label", numbered(tmp_path, 2), {}, scheduler=f"tcp://127.0.0.1:{_closed_port()}")
    assert caught.value.field == "scheduler"


def test_with_limits_each_batch_runs_in_a_child_held_to_them_and_a_hog_fails_alone(
    tmp_path: Path, batch_probe: None
) -> None:
    """B2: a platform run never checks files in the calling process (the web server), however few; a file that
    burns CPU past the limit fails on its own, in seconds, instead of running for its full minute."""
    calm = tmp_path / "calm.txt"
    calm.write_text("good\n")
    hog = tmp_path / "hog.txt"
    hog.write_text("good\n")
    limits = Limits(cpu_seconds=1, memory_bytes=2 << 30)
    result = run_batch("batch-test", [calm], {}, limits=limits)
    (only,) = result.results
    assert only.details["pid"] != os.getpid() and only.details["cpu_limit"] == 1
    started = time.monotonic()
    spun = run_batch("batch-test", [hog], {"spin": 60}, limits=limits, retries=0)
    assert spun.results[0].verdict.value == "error"
    assert time.monotonic() - started < 50  # far less than the minute the file asked for
