"""Schemathesis against the platform's own OpenAPI, as users of several roles: no 5xx, every answer's
status and media type documented for its operation, every body matching its schema, and every operation
that declares the token refusing a request without one. A bounded run here; a longer one is a documented
command:

    schemathesis run http://127.0.0.1:8000/api/v1/openapi.json -H "Authorization: Bearer TOKEN" --max-examples 500
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import Live

SCHEMATHESIS = shutil.which("schemathesis") or str(Path(sys.executable).with_name("schemathesis"))


@pytest.mark.parametrize("user", ["hz-admin", "assessor"])
def test_generated_requests_get_no_server_error_and_documented_answers(live: Live, user: str, tmp_path: Path) -> None:
    fuzz(live, user, tmp_path)


def fuzz(live: Live, user: str, tmp_path: Path) -> None:
    """One bounded schemathesis run as `user` (the officials' runs are in test_api_fuzz_officials.py, a file of
    their own so that the two halves run side by side)."""
    if not Path(SCHEMATHESIS).exists():
        pytest.skip("schemathesis is not installed")
    result = subprocess.run(
        [
            SCHEMATHESIS,
            "run",
            f"{live.url}/api/v1/openapi.json",
            "-H",
            f"Authorization: Bearer {live.tokens[user]}",
            "--max-examples",
            "8",
            "--checks",
            "not_a_server_error,response_schema_conformance,status_code_conformance,"
            "content_type_conformance,ignored_auth",
            "--seed",
            "2026",
            "--phases",
            "examples,coverage,fuzzing",
            "--no-color",
            # revoking a token could end the run's own token half-way (tests/e2e/test_sessions_and_tokens.py)
            "--exclude-path",
            "/api/v1/tokens/{token_id}",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-4000:]
