"""A bounded atheris run over every text parser: rulebook and answers YAML, log mapping, log_format, logs in
each format, term lists, the screen and HTML (a longer run is a documented command)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

HARNESS = Path(__file__).resolve().parents[1] / "fuzz" / "fuzz_text_inputs.py"


@pytest.mark.skipif(importlib.util.find_spec("atheris") is None, reason="atheris is not installed")
def test_coverage_guided_fuzzing_of_text_parsers_finds_no_crash_hang_or_runaway_memory(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    subprocess.run([sys.executable, str(HARNESS), "--seed", str(corpus)], check=True, timeout=60)
    result = subprocess.run([sys.executable, str(HARNESS), "-max_total_time=12", "-timeout=5",
                             "-rss_limit_mb=2048", f"-artifact_prefix={tmp_path}/", str(corpus)],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Done" in result.stderr or "DONE" in result.stderr
    assert "cov:" in result.stderr  # instrumented: coverage is being measured
