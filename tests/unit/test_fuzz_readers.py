"""Bounded atheris runs: every carrier reader of the AIGC-label probe, and every text parser (rulebook
and answers YAML, log mapping, log_format, logs in each format, term lists, the screen and HTML).
Longer runs are documented commands (docs/security.md)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

FUZZ = Path(__file__).resolve().parents[1] / "fuzz"


@pytest.mark.skipif(importlib.util.find_spec("atheris") is None, reason="atheris is not installed")
@pytest.mark.parametrize(("harness", "seconds"), [("fuzz_aigc_readers.py", 15), ("fuzz_text_inputs.py", 12)])
def test_coverage_guided_fuzzing_finds_no_crash_hang_or_runaway_memory(
    harness: str, seconds: int, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    subprocess.run([sys.executable, str(FUZZ / harness), "--seed", str(corpus)], check=True, timeout=60)
    result = subprocess.run(
        [
            sys.executable,
            str(FUZZ / harness),
            f"-max_total_time={seconds}",
            "-timeout=5",
            "-rss_limit_mb=2048",
            f"-artifact_prefix={tmp_path}/",
            str(corpus),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Done" in result.stderr or "DONE" in result.stderr
    assert "cov:" in result.stderr  # instrumented: coverage is being measured
