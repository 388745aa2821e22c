"""A regulator sees the filings located under its division (GB/T 2260 codes): the SQL condition, said as a range
of codes so an index answers it, selects exactly the codes that start with the jurisdiction's prefix, for any
code, including the edges ('...9' prefixes, the national code)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Column, MetaData, String, Table, create_engine, insert, select

from redline.domain import jurisdiction
from redline.services.principal import located_under

CODE = st.text(alphabet="0123456789", min_size=6, max_size=6)
metadata = MetaData()
places = Table("places", metadata, Column("code", String(6)))
engine = create_engine("sqlite://")
metadata.create_all(engine)


@given(codes=st.lists(CODE, min_size=1, max_size=40), office=CODE)
def test_the_range_selects_exactly_the_codes_under_the_office(codes: list[str], office: str) -> None:
    under = jurisdiction.prefix(office)
    with engine.begin() as db:
        db.execute(places.delete())
        db.execute(insert(places), [{"code": c} for c in codes])
        found = sorted(db.scalars(select(places.c.code).where(located_under(places.c.code, under))))
    assert found == sorted(c for c in codes if c.startswith(under))
    assert found == sorted(c for c in codes if jurisdiction.covers(office, c))


def test_the_edges_of_a_range() -> None:
    assert jurisdiction.code_range("3301") == ("3301", "3302")
    assert jurisdiction.code_range("39") == ("39", "3:")  # ':' follows '9': '399999' is inside, '400000' not
    with engine.begin() as db:
        db.execute(places.delete())
        db.execute(insert(places), [{"code": c} for c in ("389999", "390000", "399999", "400000")])
        found = sorted(db.scalars(select(places.c.code).where(located_under(places.c.code, "39"))))
    assert found == ["390000", "399999"]
