"""Batch probe runs: one process, a local process pool and a real Dask cluster give identical results; a
worker that dies is retried and reported, never dropped; a cancelled run resumes from its journal."""

from __future__ import annotations

import io
import json
import os
import random
import socket
import sys
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


@pytest.mark.parametrize("backend", ["local", "dask"])
def test_a_worker_that_dies_is_retried_and_its_task_reported_never_dropped(
        tmp_path: Path, backend: str, request: pytest.FixtureRequest, batch_probe: None) -> None:
    # 64 files in tasks of 8: the killer is in the fourth task; a file that crashes once is in the sixth
    files = numbered(tmp_path, 64, {27: "crash-always", 44: "crash-once"})
    where: dict[str, Any] = {"jobs": 2} if backend == "local" else {"scheduler": request.getfixturevalue("scheduler")}
    result = run_batch("batch-test", files, {}, retries=1, **where)
    assert [r.path for r in result.results] == [str(p) for p in files]
    by_verdict = {str(p): r.verdict.value for p, r in zip(files, result.results, strict=True)}
    lost = {str(p) for p in files[24:32]}
    assert {p for p, v in by_verdict.items() if v == "error"} == lost
    assert by_verdict[str(files[44])] == "compliant"  # the second attempt succeeded
    # the first death happened while other tasks ran: blamed on none; then two deaths on its own
    message = result.results[27].findings[0].message
    assert message.startswith("task failed after 3 attempts: ")
    [failed] = result.summary["failed_tasks"]
    assert failed["files"] == [str(p) for p in files[24:32]] and failed["attempts"] == 3
    assert result.summary["files"] == 64


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
