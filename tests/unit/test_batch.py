"""Batch probe runs: one process, a local process pool and a real Dask cluster give identical results; a
batch whose worker dies is split until only the file that kills it is reported, never dropped; a cancelled run
resumes from its journal."""

from __future__ import annotations

import io
import json
import os
import random
import socket
import sys
import time
import wave
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dask
import pytest
from distributed import LocalCluster
from PIL import Image

from redline.errors import InputError
from redline.plugins import installed_probes
from redline.probes import runner
from redline.probes.aigc import carriers
from redline.probes.aigc.label import label_json
from redline.probes.backends import Limits
from redline.probes.batch import RunCancelled, run_batch
from redline.probes.journal import FORMAT
from tests.conftest import ROOT
from tests.unit import batch_probe as batch_probe_module


@pytest.fixture(scope="module")
def batch_probe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    saved_path, saved_env = list(sys.path), os.environ.get("PYTHONPATH")
    site = tmp_path_factory.mktemp("site")
    os.environ.update(batch_probe_module.install(site))
    sys.path[:0] = [str(site), str(ROOT)]  # this process; the workers get PYTHONPATH
    installed_probes.cache_clear()
    assert "batch-test" in installed_probes()
    yield
    sys.path[:] = saved_path
    if saved_env is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = saved_env
    installed_probes.cache_clear()


@pytest.fixture(scope="module")
def scheduler(batch_probe: None) -> Iterator[str]:
    """Two single-threaded worker processes; a task on a worker that dies fails at once (no silent
    rescheduling by Dask), so the runner's own retry is what is tested."""
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                         dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def _wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x01\x00" * 800)
    return buffer.getvalue()


def aigc_corpus(directory: Path, total: int, seed: int = 9) -> list[Path]:
    """JPEG, PNG, WebP, WAV and Markdown files, about a third labelled, some with a broken label."""
    rng, wav = random.Random(seed), _wav()
    files = []
    for n in range(total):
        ext = rng.choice(["jpg", "png", "webp", "wav", "md"])
        if ext == "wav":
            data = wav
        elif ext == "md":
            data = f"# note {n}\n\ntext {rng.random()}\n".encode()
        else:
            buffer = io.BytesIO()
            Image.new("RGB", (rng.randint(8, 40), 8), (n % 256, 40, 90)).save(
                buffer, {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}[ext])
            data = buffer.getvalue()
        roll = rng.random()
        if roll < 0.4:
            text = label_json("1", "001191110102MACQD9K64010000", f"B{n}")
            if roll < 0.08:
                text = text.replace('"Label":"1"', '"Label":"9"')  # a label with a wrong value
            if ext == "md":
                data = f"---\nAIGC: '{text}'\n---\n".encode() + data
            else:
                write = carriers.writer({"jpg": "jpeg"}.get(ext, ext))
                assert write is not None
                data = write(data, text)
        path = directory / f"f{n:04d}.{ext}"
        path.write_bytes(data)
        files.append(path)
    return files


def plain(run_: runner.ProbeRun) -> dict[str, Any]:
    document = runner.to_document(run_)
    return {"results": document["results"], "summary": document["summary"]}


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


def numbered(directory: Path, total: int, crash: dict[int, str] | None = None) -> list[Path]:
    files = []
    for n in range(total):
        name = f"{(crash or {}).get(n, 'file')}-{n:03d}.txt"
        (directory / name).write_text("bad\n" if n % 7 == 0 else "good\n")
        files.append(directory / name)
    return files


def _where(backend: str, request: pytest.FixtureRequest) -> dict[str, Any]:
    return {"jobs": 2} if backend == "local" else {"scheduler": request.getfixturevalue("scheduler")}


def _errors(files: list[Path], result: runner.ProbeRun) -> list[int]:
    assert [r.path for r in result.results] == [str(p) for p in files]
    return [n for n, r in enumerate(result.results) if r.verdict.value == "error"]


def _true_verdicts(files: list[Path], result: runner.ProbeRun, killers: set[int]) -> bool:
    expected = ["non_compliant" if n % 7 == 0 else "compliant" for n in range(len(files))]
    return all(r.verdict.value == expected[n] for n, r in enumerate(result.results) if n not in killers)


@pytest.mark.parametrize("backend", ["local", "dask"])
def test_a_batch_whose_worker_dies_is_split_until_only_the_killer_file_is_reported(
        tmp_path: Path, backend: str, request: pytest.FixtureRequest, batch_probe: None) -> None:
    # 40 files in tasks of 8; the killer is the last file of the fourth task, so every run that holds it
    # checks the whole run's files first: the call log counts the runs exactly
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    files = numbered(corpus, 40, {31: "crash-always"})
    journal, log = tmp_path / "run.jsonl", tmp_path / "calls.log"
    result = run_batch("batch-test", files, {"calls": str(log)}, retries=1, journal=journal,
                       **_where(backend, request))
    assert _errors(files, result) == [31]
    assert _true_verdicts(files, result, {31}) and result.summary == {
        "files": 40, "bad": 6, "failed_tasks": [{"files": [str(files[31])], "attempts": 7,
                                                 "error": result.summary["failed_tasks"][0]["error"]}]}
    # the batch: one death while others ran (blamed on none), two on its own; then halves [28..31], [30, 31]
    # and [31] fail (the other halves pass), and [31] alone gets its one retry: 3 + 2 + 2 failed runs
    assert result.results[31].findings[0].message.startswith("task failed after 7 attempts: ")
    calls = Counter(_calls(log))
    extra = [calls[str(p)] - 3 for p in files[24:32]]  # after the three runs of the whole batch
    assert extra == [1, 1, 1, 1, 2, 2, 3, 4]  # 2·log2(8) runs of halves, then the retry: 7 runs, 15 checks
    assert all(calls[str(p)] >= 1 for p in files)
    recorded = [json.loads(line)["path"] for line in journal.read_text().splitlines()[1:]]
    assert sorted(recorded) == sorted(str(p) for p in files if p != files[31])  # a rerun tries the killer again


@pytest.mark.parametrize("backend", ["local", "dask"])
def test_two_killer_files_in_one_batch_are_both_isolated_and_a_passing_crash_is_forgiven(
        tmp_path: Path, backend: str, request: pytest.FixtureRequest, batch_probe: None) -> None:
    files = numbered(tmp_path, 40, {12: "crash-once", 26: "crash-always", 29: "crash-always"})
    result = run_batch("batch-test", files, {}, retries=0, **_where(backend, request))
    assert _errors(files, result) == [26, 29]
    assert _true_verdicts(files, result, {26, 29})
    assert result.results[12].verdict.value == "compliant"  # crashed once, passed when tried again
    failed = result.summary["failed_tasks"]
    # each: the batch's death while others ran and its death alone, then a half, a quarter and itself alone
    assert [(f["files"], f["attempts"]) for f in failed] == [([str(files[26])], 5), ([str(files[29])], 5)]
    assert result.summary["files"] == 40 and result.summary["bad"] == 6


def _calls(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


@pytest.mark.parametrize("backend", ["local", "dask"])
def test_a_cancelled_run_resumes_from_its_journal_without_checking_finished_files_again(
        tmp_path: Path, backend: str, request: pytest.FixtureRequest, batch_probe: None) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    files = numbered(corpus, 300)
    journal, log = tmp_path / "run.jsonl", tmp_path / "calls.log"
    where: dict[str, Any] = {"jobs": 2} if backend == "local" else {"scheduler": request.getfixturevalue("scheduler")}
    done = 0

    def count(n: int, size: int) -> None:
        nonlocal done
        done += n

    with pytest.raises(RunCancelled, match="run again with the same journal to resume"):
        run_batch("batch-test", files, {"calls": str(log)}, journal=journal, on_progress=count,
                  cancel=lambda: done >= 60, **where)
    lines = journal.read_text().splitlines()
    assert json.loads(lines[0])["journal"] == FORMAT
    finished = {json.loads(line)["path"] for line in lines[1:]}
    assert 60 <= len(finished) < 300
    changed = Path(min(finished))  # checked in the first run, then changed: it must be checked again
    changed.write_text("good, and longer now\n")

    resumed = run_batch("batch-test", files, {"calls": str(log)}, journal=journal, **where)
    rerun = [json.loads(line)["path"] for line in journal.read_text().splitlines()[len(lines):]]
    assert sorted(rerun) == sorted({str(p) for p in files} - finished | {str(changed)})
    calls = Counter(_calls(log))  # a Dask task cancelled while running may still finish: files not journalled
    assert {calls[path] for path in finished - {str(changed)}} == {1}
    assert calls[str(changed)] == 2 and set(calls) == {str(p) for p in files}
    fresh = run_batch("batch-test", files, {"calls": str(tmp_path / "fresh.log")}, jobs=1)
    assert [r.verdict for r in resumed.results] == [r.verdict for r in fresh.results]
    assert [r.sha256 for r in resumed.results] == [r.sha256 for r in fresh.results]
    assert resumed.summary == fresh.summary


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
    assert _calls(log)[6:] == [str(files[-1])]
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
        tmp_path: Path, batch_probe: None) -> None:
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
