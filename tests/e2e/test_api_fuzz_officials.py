"""The schemathesis run of test_api_fuzz.py as the officials: a city CAC officer and the platform admin."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import Live
from tests.e2e.test_api_fuzz import fuzz


@pytest.mark.parametrize("user", ["hz-cac", "admin"])
def test_generated_requests_as_officials_get_no_server_error_and_documented_answers(
    live: Live, user: str, tmp_path: Path
) -> None:
    fuzz(live, user, tmp_path)
