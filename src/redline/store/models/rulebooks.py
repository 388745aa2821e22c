"""The rulebooks filings were made under: each version this installation has run, kept so that after an
upgrade the impact of the change (services/rulebook_impact) can be worked out against what a filing was
assessed with, not guessed. A row is written once, the first time a filing records its version."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from redline.store.models.base import Base, utcnow


class RulebookVersion(Base):
    __tablename__ = "rulebook_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(200), unique=True)  # local packages lengthen it
    label: Mapped[str] = mapped_column(String(32), default="")
    dated: Mapped[dt.date | None] = mapped_column(Date)
    # regulations, capabilities, technologies, triggers and checklists as the rulebook's schema dumps them
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
