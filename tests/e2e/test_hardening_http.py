"""Issue 15, the "Also" list, over real HTTP: HSTS in production, bidirectional-control characters refused
in uploaded file names, size limits on free text (a clear 422), and a provider in a shared campaign seeing
only its own counts. And B12: error texts name nothing outside the caller's reach."""

from __future__ import annotations

from pathlib import Path

import httpx

from redline.bootstrap import build_context
from redline.config import Environment, Settings
from redline.store.migrate import upgrade
from tests.e2e.conftest import serving


def test_production_pages_and_errors_send_hsts_and_development_does_not(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/redline.db"
    upgrade(url)
    production = Settings(env=Environment.PRODUCTION, database_url=url, blob_dir=tmp_path / "blobs")
    with serving(build_context(production)) as base:
        for path in ("/login", "/api/v1/health", "/api/v1/me"):
            hsts = httpx.get(base + path).headers.get("strict-transport-security", "")
            assert hsts.startswith("max-age=31536000"), path
    with serving(build_context(Settings(database_url=url, blob_dir=tmp_path / "blobs"))) as base:
        assert "strict-transport-security" not in httpx.get(base + "/login").headers
