"""The repository stands alone: a clone carries everything its docs, data, benchmarks and tests refer to.

The team's working notes once lived beside the repository; a pointer into them is a dead link for anyone
else who clones redline (and for the packaged rulebook, which installs without them).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Spelled in pieces so that this file does not match itself.
OUTSIDE = ("..", "/work")
NEEDLES = tuple(f"{prefix}/{'shared'}" for prefix in OUTSIDE)


def tracked_files() -> list[Path]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the tracked files are unknown")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [ROOT / name for name in listed.decode("utf-8").split("\0") if name]


def test_no_tracked_file_points_to_the_notes_outside_the_repository() -> None:
    offenders = []
    for path in tracked_files():
        if not path.is_file():  # deleted in the work tree, not yet committed
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if any(needle in line for needle in NEEDLES):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert offenders == [], "\n".join(offenders)


def test_the_benchmark_generators_are_the_copies_whose_digest_the_bench_readme_records() -> None:
    readme = (ROOT / "bench" / "README.md").read_text(encoding="utf-8")
    recorded = dict(re.findall(r"^\| `(gen_\w+\.py)` \| `([0-9a-f]{64})` \|", readme, flags=re.MULTILINE))
    generators = sorted((ROOT / "bench" / "generators").glob("gen_*.py"))
    assert generators, "bench/generators/ holds no generator"
    assert sorted(recorded) == [path.name for path in generators]
    for path in generators:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == recorded[path.name], path.name


def test_the_log_retention_benchmark_generates_its_log_with_the_copy_inside_the_repository() -> None:
    # Loaded as a script (not run: its main is guarded), in its own interpreter, as `python bench/...` would.
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import runpy, sys; print(runpy.run_path(sys.argv[1])['GENERATOR'])",
            str(ROOT / "bench" / "log_retention.py"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    generator = Path(shown).resolve()
    assert generator.is_relative_to(ROOT), generator
    assert generator.is_file()
