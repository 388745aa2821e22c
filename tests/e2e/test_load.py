"""A short load run in the suite (the 60-second run is `bench/load.py`): mixed roles, reads and writes,
no errors, and every accepted write has exactly one audit entry."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.mark.skipif(shutil.which("ab") is None, reason="ApacheBench (apache2-utils) is not installed")
def test_fifty_mixed_clients_get_no_errors_and_lose_no_audit_entries(tmp_path: Path) -> None:
    out = tmp_path / "load.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load.py"), "--seconds", "3", "--output", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    document = json.loads(out.read_text(encoding="utf-8"))
    for run in document["runs"]:
        assert run["clients"] == 50
        assert run["errors"] == 0, run["routes"]
        assert run["no_lost_or_duplicated_audit"], run
        assert run["filings_created"] > 0
