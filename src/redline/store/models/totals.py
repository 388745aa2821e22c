"""Running totals of the filings regulators see, per division and state and per division and capability tag,
kept in the transaction of each change (store/filing_totals.py) so that an office's dashboard reads a few rows
per division instead of counting its filings (docs/adr/0027). Only filings shown to regulators are counted."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from redline.store.models.base import Base


class FilingCount(Base):
    """How many filings shown to regulators are in `region` (a division code) and `state`."""

    __tablename__ = "filing_counts"
    region: Mapped[str] = mapped_column(String(6), primary_key=True)
    state: Mapped[str] = mapped_column(String(30), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class FilingTagCount(Base):
    """How many filings shown to regulators in `region` carry the capability tag `tag` (a filing counts under
    each of its tags; a malformed stored tag list counts under none)."""

    __tablename__ = "filing_tag_counts"
    region: Mapped[str] = mapped_column(String(6), primary_key=True)
    tag: Mapped[str] = mapped_column(String(60), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)
