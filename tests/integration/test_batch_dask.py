"""Batch probe runs on a real Dask cluster (two worker processes): the same results as one process and a
local pool, worker deaths isolated to the killer files, cancel and resume, and a hanging worker ends the run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dask
import pytest
from distributed import LocalCluster

from redline.probes.batch import run_batch
from tests.batch_support import (
    aigc_corpus,
    batch_probe,
    check_a_batch_whose_worker_dies_is_split_until_only_the_killer_file_is_reported,
    check_a_cancelled_run_resumes_from_its_journal_without_checking_finished_files_again,
    check_a_run_whose_worker_hangs_ends_naming_the_pending_files_and_resumes_from_its_journal,
    check_two_killer_files_in_one_batch_are_both_isolated_and_a_passing_crash_is_forgiven,
    plain,
)

__all__ = ["batch_probe"]  # a fixture, used by name


@pytest.fixture(scope="module")
def scheduler(batch_probe: None) -> Iterator[str]:
    """Two single-threaded worker processes; a task on a worker that dies fails at once (no silent
    rescheduling by Dask), so the runner's own retry is what is tested."""
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
    ):
        yield cluster.scheduler_address


def test_one_process_local_pool_and_dask_give_identical_results(tmp_path: Path, scheduler: str) -> None:
    files = aigc_corpus(tmp_path, 150)
    single = plain(run_batch("aigc-label", files, {}, jobs=1))
    pooled = plain(run_batch("aigc-label", files, {}, jobs=2))
    spread = plain(run_batch("aigc-label", files, {}, scheduler=scheduler))
    assert [r["path"] for r in single["results"]] == [str(p) for p in files]
    verdicts = {r["verdict"] for r in single["results"]}
    assert {"compliant", "no_label", "non_compliant"} <= verdicts
    assert pooled == single
    assert spread == single


def test_a_batch_whose_worker_dies_is_split_until_only_the_killer_file_is_reported(
    tmp_path: Path, scheduler: str
) -> None:
    check_a_batch_whose_worker_dies_is_split_until_only_the_killer_file_is_reported(tmp_path, {"scheduler": scheduler})


def test_two_killer_files_in_one_batch_are_both_isolated_and_a_passing_crash_is_forgiven(
    tmp_path: Path, scheduler: str
) -> None:
    check_two_killer_files_in_one_batch_are_both_isolated_and_a_passing_crash_is_forgiven(
        tmp_path, {"scheduler": scheduler}
    )


def test_a_cancelled_run_resumes_from_its_journal_without_checking_finished_files_again(
    tmp_path: Path, scheduler: str
) -> None:
    check_a_cancelled_run_resumes_from_its_journal_without_checking_finished_files_again(
        tmp_path, {"scheduler": scheduler}
    )


def test_a_run_whose_worker_hangs_ends_naming_the_pending_files_and_resumes_from_its_journal(
    tmp_path: Path, scheduler: str
) -> None:
    check_a_run_whose_worker_hangs_ends_naming_the_pending_files_and_resumes_from_its_journal(
        tmp_path, {"scheduler": scheduler}
    )
