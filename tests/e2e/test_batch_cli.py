"""`redline probe run --scheduler/--journal` as a user runs it: a real Dask cluster on loopback gives the
same results as the local pool; a bad scheduler is a user error; Ctrl-C keeps the journal and a rerun
finishes the job."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from distributed import LocalCluster

from tests.batch_support import aigc_corpus
from tests.unit import batch_probe

REDLINE = Path(sys.executable).with_name("redline")


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


def redline(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "REDLINE_DASK_SCHEDULER"}
    return subprocess.run(
        [str(REDLINE), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**environment, "COLUMNS": "150", **(env or {})},
        check=False,
    )


def results(stdout: str) -> dict[str, Any]:
    document = json.loads(stdout)
    return {"results": document["results"], "summary": document["summary"]}


def test_a_run_on_a_dask_cluster_prints_the_same_results_as_the_local_pool(tmp_path: Path, scheduler: str) -> None:
    aigc_corpus(tmp_path, 80, seed=4)
    local = redline("probe", "run", "aigc-label", tmp_path, "--json", "--jobs", "2")
    spread = redline("probe", "run", "aigc-label", tmp_path, "--json", "--scheduler", scheduler)
    assert local.returncode == spread.returncode == 1, spread.stderr  # some labels are wrong on purpose
    assert results(spread.stdout) == results(local.stdout)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_bad_or_unreachable_scheduler_is_a_user_error_naming_the_option(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# a\n")
    malformed = redline("probe", "run", "aigc-label", tmp_path, "--scheduler", "localhost:8786")
    unreachable = redline(
        "probe", "run", "aigc-label", tmp_path, env={"REDLINE_DASK_SCHEDULER": f"tcp://127.0.0.1:{_closed_port()}"}
    )
    assert "not a Dask scheduler address" in malformed.stderr
    assert "cannot reach the Dask scheduler" in unreachable.stderr
    for result in (malformed, unreachable):
        assert result.returncode == 2
        assert "--scheduler" in result.stderr and "Traceback" not in result.stderr


def test_ctrl_c_keeps_the_journal_and_a_rerun_finishes_with_the_same_results(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    env = batch_probe.install(tmp_path_factory.mktemp("site"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(240):
        (corpus / f"f{n:03d}.txt").write_text(f"good {n}\n")
    journal = tmp_path / "run.jsonl"
    command = [
        str(REDLINE),
        "probe",
        "run",
        "batch-test",
        str(corpus),
        "--json",
        "--jobs",
        "2",
        "--option",
        "sleep=0.01",
        "--journal",
        str(journal),
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **env}
    )
    deadline = time.monotonic() + 60
    while (not journal.exists() or len(journal.read_text().splitlines()) < 30) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "run again with the same journal to resume" in stderr and "Traceback" not in stderr
    kept = len(journal.read_text().splitlines()) - 1
    assert 30 <= kept < 240

    resumed = redline(*command[1:], env=env)
    assert resumed.returncode == 0, resumed.stderr
    assert len(journal.read_text().splitlines()) - 1 == 240  # each file recorded once: none checked twice
    document = json.loads(resumed.stdout)
    assert [(Path(r["path"]).name, r["verdict"], r["sha256"]) for r in document["results"]] == [
        (p.name, "compliant", hashlib.sha256(p.read_bytes()).hexdigest()) for p in sorted(corpus.iterdir())
    ]
    assert document["summary"] == {"files": 240, "bad": 0}


def test_a_run_whose_worker_hangs_exits_1_naming_the_file_and_a_rerun_with_the_journal_finishes(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    env = batch_probe.install(tmp_path_factory.mktemp("site"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(60):
        (corpus / f"f{n:03d}.txt").write_text(f"good {n}\n")
    marker = corpus / "f017.txt.hang"
    marker.write_text("")
    journal = tmp_path / "run.jsonl"
    command = ("probe", "run", "batch-test", corpus, "--json", "--jobs", "2", "--journal", journal)
    stalled = redline(*command, "--stall-timeout", "2", env=env)
    assert stalled.returncode == 1, stalled.stderr
    assert "no file finished for 2 s" in stalled.stderr and "f017.txt" in stalled.stderr
    assert "Traceback" not in stalled.stderr and stalled.stdout == ""
    marker.unlink()
    finished = redline(*command, env={**env, "REDLINE_PROBE_STALL_SECONDS": "30"})
    assert finished.returncode == 0, finished.stderr
    assert json.loads(finished.stdout)["summary"] == {"files": 60, "bad": 0}
