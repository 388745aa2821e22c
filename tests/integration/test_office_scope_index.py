"""A regulator's list of filings is answered from an index on the division code, not by reading every filing:
SQLite's query plan for the office's scope searches a range of codes in an index, for a city and a province
office (a question of the plan, never of a duration). With LIKE 'prefix%' it read every filing shown to
regulators."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from redline.domain.workflow import Role
from redline.services.principal import Principal, filing_scope
from redline.store.migrate import upgrade
from redline.store.models import Filing


@pytest.mark.parametrize("office", ["330100", "330000"])
def test_the_office_scope_reads_the_index(tmp_path: Path, office: str) -> None:
    url = f"sqlite:///{tmp_path}/plan.db"
    upgrade(url)
    officer = Principal(1, "officer", "officer", Role.CAC_OFFICER, None, office)
    query = select(Filing.id).where(filing_scope(officer))
    sql = str(query.compile(compile_kwargs={"literal_binds": True}))
    with create_engine(url).connect() as db:
        plan = " ".join(str(row[-1]) for row in db.execute(text("EXPLAIN QUERY PLAN " + sql)))
    assert "SCAN filings" not in plan and "USING INDEX" in plan and "region>" in plan, plan
