"""What the batch-run tests share: the test probe installed as a plugin, corpora, and checks that run the same
on every back-end (the unit tier runs them on one process and a local pool, the integration tier on Dask)."""

from __future__ import annotations

import io
import json
import os
import random
import sys
import wave
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from redline.plugins import installed_probes
from redline.probes import runner
from redline.probes.aigc import carriers
from redline.probes.aigc.label import label_json
from redline.probes.batch import RunCancelled, RunStalled, run_batch
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
                buffer, {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}[ext]
            )
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


def numbered(directory: Path, total: int, crash: dict[int, str] | None = None) -> list[Path]:
    files = []
    for n in range(total):
        name = f"{(crash or {}).get(n, 'file')}-{n:03d}.txt"
        (directory / name).write_text("bad\n" if n % 7 == 0 else "good\n")
        files.append(directory / name)
    return files


def errors(files: list[Path], result: runner.ProbeRun) -> list[int]:
    assert [r.path for r in result.results] == [str(p) for p in files]
    return [n for n, r in enumerate(result.results) if r.verdict.value == "error"]


def true_verdicts(files: list[Path], result: runner.ProbeRun, killers: set[int]) -> bool:
    expected = ["non_compliant" if n % 7 == 0 else "compliant" for n in range(len(files))]
    return all(r.verdict.value == expected[n] for n, r in enumerate(result.results) if n not in killers)


def calls_in(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def check_a_batch_whose_worker_dies_is_split_until_only_the_killer_file_is_reported(
    tmp_path: Path, where: dict[str, Any]
) -> None:
    # 40 files in tasks of 8; the killer is the last file of the fourth task, so every run that holds it
    # checks the whole run's files first: the call log counts the runs exactly
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    files = numbered(corpus, 40, {31: "crash-always"})
    journal, log = tmp_path / "run.jsonl", tmp_path / "calls.log"
    result = run_batch("batch-test", files, {"calls": str(log)}, retries=1, journal=journal, **where)
    assert errors(files, result) == [31]
    assert true_verdicts(files, result, {31}) and result.summary == {
        "files": 40,
        "bad": 6,
        "failed_tasks": [
            {"files": [str(files[31])], "attempts": 7, "error": result.summary["failed_tasks"][0]["error"]}
        ],
    }
    # the batch: one death while others ran (blamed on none), two on its own; then halves [28..31], [30, 31]
    # and [31] fail (the other halves pass), and [31] alone gets its one retry: 3 + 2 + 2 failed runs
    assert result.results[31].findings[0].message.startswith("task failed after 7 attempts: ")
    calls = Counter(calls_in(log))
    extra = [calls[str(p)] - 3 for p in files[24:32]]  # after the three runs of the whole batch
    assert extra == [1, 1, 1, 1, 2, 2, 3, 4]  # 2·log2(8) runs of halves, then the retry: 7 runs, 15 checks
    assert all(calls[str(p)] >= 1 for p in files)
    recorded = [json.loads(line)["path"] for line in journal.read_text().splitlines()[1:]]
    assert sorted(recorded) == sorted(str(p) for p in files if p != files[31])  # a rerun tries the killer again


def check_two_killer_files_in_one_batch_are_both_isolated_and_a_passing_crash_is_forgiven(
    tmp_path: Path, where: dict[str, Any]
) -> None:
    files = numbered(tmp_path, 40, {12: "crash-once", 26: "crash-always", 29: "crash-always"})
    result = run_batch("batch-test", files, {}, retries=0, **where)
    assert errors(files, result) == [26, 29]
    assert true_verdicts(files, result, {26, 29})
    assert result.results[12].verdict.value == "compliant"  # crashed once, passed when tried again
    failed = result.summary["failed_tasks"]
    # each: the batch's death while others ran and its death alone, then a half, a quarter and itself alone
    assert [(f["files"], f["attempts"]) for f in failed] == [([str(files[26])], 5), ([str(files[29])], 5)]
    assert result.summary["files"] == 40 and result.summary["bad"] == 6


def check_a_cancelled_run_resumes_from_its_journal_without_checking_finished_files_again(
    tmp_path: Path, where: dict[str, Any]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    files = numbered(corpus, 300)
    journal, log = tmp_path / "run.jsonl", tmp_path / "calls.log"
    done = 0

    def count(n: int, size: int) -> None:
        nonlocal done
        done += n

    with pytest.raises(RunCancelled, match="run again with the same journal to resume"):
        run_batch(
            "batch-test",
            files,
            {"calls": str(log)},
            journal=journal,
            on_progress=count,
            cancel=lambda: done >= 60,
            **where,
        )
    lines = journal.read_text().splitlines()
    assert json.loads(lines[0])["journal"] == FORMAT
    finished = {json.loads(line)["path"] for line in lines[1:]}
    assert 60 <= len(finished) < 300
    changed = Path(min(finished))  # checked in the first run, then changed: it must be checked again
    changed.write_text("good, and longer now\n")

    resumed = run_batch("batch-test", files, {"calls": str(log)}, journal=journal, **where)
    rerun = [json.loads(line)["path"] for line in journal.read_text().splitlines()[len(lines) :]]
    assert sorted(rerun) == sorted({str(p) for p in files} - finished | {str(changed)})
    calls = Counter(calls_in(log))  # a Dask task cancelled while running may still finish: files not journalled
    assert {calls[path] for path in finished - {str(changed)}} == {1}
    assert calls[str(changed)] == 2 and set(calls) == {str(p) for p in files}
    fresh = run_batch("batch-test", files, {"calls": str(tmp_path / "fresh.log")}, jobs=1)
    assert [r.verdict for r in resumed.results] == [r.verdict for r in fresh.results]
    assert [r.sha256 for r in resumed.results] == [r.sha256 for r in fresh.results]
    assert resumed.summary == fresh.summary


def check_a_run_whose_worker_hangs_ends_naming_the_pending_files_and_resumes_from_its_journal(
    tmp_path: Path, where: dict[str, Any]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    files = numbered(corpus, 40)
    stuck = files[13]
    marker = stuck.with_name(stuck.name + ".hang")
    marker.write_text("x")
    journal, log = tmp_path / "run.jsonl", tmp_path / "calls.log"
    with pytest.raises(RunStalled) as caught:
        run_batch("batch-test", files, {"calls": str(log)}, journal=journal, stall_seconds=2, **where)
    message = str(caught.value)
    assert "no file finished for 2 s" in message and stuck.name in message
    assert str(stuck) in caught.value.in_flight
    assert "run again with the same journal to resume" in message and caught.value.exit_code == 1
    finished = {json.loads(line)["path"] for line in journal.read_text().splitlines()[1:]}
    assert str(stuck) not in finished
    marker.unlink()
    resumed = run_batch("batch-test", files, {"calls": str(log)}, journal=journal, stall_seconds=30, **where)
    assert [r.path for r in resumed.results] == [str(p) for p in files]
    assert resumed.summary == {"files": 40, "bad": 6}
    rerun = [json.loads(line)["path"] for line in journal.read_text().splitlines()[len(finished) + 1 :]]
    assert sorted(rerun) == sorted({str(p) for p in files} - finished)
