"""B5 again in the production shape: `redline serve --workers 3` (PostgreSQL when available, and SQLite): the
role is checked before the body is read, and a package past the decompression budget is refused with 413,
whichever worker takes the request. The attacks are those of test_package_attacks_http, run here against
this module's server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo.seed import DEMO_PASSWORD, load_demo
from redline.services.access import accounts
from redline.store.migrate import upgrade
from tests.conftest import POSTGRES_URL, fresh_database
from tests.e2e.conftest import Live, redline_serve
from tests.e2e.test_package_attacks_http import (
    filing_id,
    test_a_role_that_cannot_import_is_refused_before_its_upload_is_read,
    test_an_upload_announcing_more_than_the_budget_answers_413_unread,
    test_members_compressed_167_times_past_the_budget_answer_413,
)

__all__ = [
    "filing_id",
    "test_a_role_that_cannot_import_is_refused_before_its_upload_is_read",
    "test_an_upload_announcing_more_than_the_budget_answers_413_unread",
    "test_members_compressed_167_times_past_the_budget_answer_413",
]


@pytest.fixture(scope="module", params=["postgresql", "sqlite"] if POSTGRES_URL else ["sqlite"])
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    tmp = tmp_path_factory.mktemp("workers")
    with fresh_database(request.param, tmp, prefix="redline_b5") as url:
        upgrade(url)
        ctx = build_context(Settings(database_url=url, blob_dir=tmp / "blobs", key_dir=tmp / "keys"))
        summary = load_demo(ctx)
        tokens = {}
        for username, _role, _who in summary.logins:
            _, principal = accounts.login(ctx, username, DEMO_PASSWORD)
            tokens[username] = accounts.create_api_token(ctx, principal, "b5")
        with redline_serve(url, tmp / "blobs", workers=3, env={"REDLINE_KEY_DIR": str(tmp / "keys")}) as base:
            yield Live(base, ctx, tokens)
