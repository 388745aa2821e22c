"""the deadline owed kept on the filing, running totals per division for the dashboard

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-09 01:00:00

`filings.owed_due`: the deadline the provider owes now, kept by every flush from then on (store/filing_totals.py),
with an index of the owing filings by office. `filing_counts` and `filing_tag_counts`: the filings shown to
regulators per division and state, and per division and capability tag (docs/adr/0027). All three are filled
here from the rows as they are; the SQL is this migration's own (the rules of the time, not the code's).
"""

from __future__ import annotations

import json
from collections import Counter

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

OFFICE_COLUMNS = ["visible_to_regulator", "region", "state", "due_date", "id"]
OFFICE_INCLUDED = ["provider_id", "technologies", "title"]  # PostgreSQL only (SQLite has no INCLUDE)
OWES_SUBMISSION = "'notice_issued', 'draft', 'supplement_requested', 'reassessment_ordered'"
BEFORE_SUBMISSION = "'notice_issued', 'draft'"
OPEN_FOLLOW_UP = "(SELECT min(f.due) FROM follow_up_deadlines f WHERE f.filing_id = filings.id AND f.met_at IS NULL)"
OWED_DUE = (
    f"CASE WHEN state IN ({OWES_SUBMISSION}) AND {OPEN_FOLLOW_UP} IS NOT NULL THEN {OPEN_FOLLOW_UP} "
    f"WHEN state IN ({BEFORE_SUBMISSION}) THEN due_date ELSE NULL END"
)


def upgrade() -> None:
    op.create_table(
        "filing_counts",
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("region", "state", name=op.f("pk_filing_counts")),
    )
    op.create_table(
        "filing_tag_counts",
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("tag", sa.String(length=60), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("region", "tag", name=op.f("pk_filing_tag_counts")),
    )
    with op.batch_alter_table("filings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owed_due", sa.Date(), nullable=True))
    bind = op.get_bind()
    bind.execute(sa.text(f"UPDATE filings SET owed_due = {OWED_DUE}"))
    with op.batch_alter_table("filings", schema=None) as batch_op:
        batch_op.drop_index("ix_filings_office")
        batch_op.create_index(
            "ix_filings_office",
            [*OFFICE_COLUMNS, "owed_due"],
            unique=False,
            postgresql_include=OFFICE_INCLUDED,
        )
        batch_op.create_index(
            "ix_filings_owed",
            ["visible_to_regulator", "region", "owed_due"],
            unique=False,
            postgresql_where=sa.text("owed_due IS NOT NULL"),
            sqlite_where=sa.text("owed_due IS NOT NULL"),
        )
    _fill_totals(bind)


# The capability tags of the vocabulary at this revision (rulebook/schema.py CapabilityTag): only they are counted;
# an imported package's other strings (up to 500 characters) are not, and would not fit the 60-character column.
COUNTED_TAGS = frozenset(
    {
        "public_opinion",
        "deep_synthesis",
        "biometric_editing",
        "prominent_label",
        "audio_video",
        "algorithmic_recommendation",
        "generative_ai",
        "label_function",
        "news",
    }
)


def _fill_totals(bind: sa.Connection) -> None:
    visible = "visible_to_regulator = true" if bind.dialect.name == "postgresql" else "visible_to_regulator = 1"
    bind.execute(
        sa.text(
            f"INSERT INTO filing_counts (region, state, n) SELECT region, state, count(*) FROM filings WHERE {visible} "
            "GROUP BY region, state"
        )
    )
    tags: Counter[tuple[str, str]] = Counter()
    rows = bind.execute(
        sa.text(f"SELECT region, CAST(technologies AS TEXT), count(*) FROM filings WHERE {visible} GROUP BY 1, 2")
    )
    for region, stored, n in rows:
        try:
            found = json.loads(stored) if stored else []
        except ValueError:
            found = None
        for tag in {t for t in found if isinstance(t, str) and t in COUNTED_TAGS} if isinstance(found, list) else ():
            tags[region, tag] += n
    if tags:
        table = sa.table("filing_tag_counts", sa.column("region"), sa.column("tag"), sa.column("n"))
        op.bulk_insert(table, [{"region": r, "tag": t, "n": n} for (r, t), n in sorted(tags.items())])


def downgrade() -> None:
    with op.batch_alter_table("filings", schema=None) as batch_op:
        batch_op.drop_index("ix_filings_owed", sqlite_where=sa.text("owed_due IS NOT NULL"))
        batch_op.drop_index("ix_filings_office")
        batch_op.create_index(
            "ix_filings_office",
            OFFICE_COLUMNS,
            unique=False,
            postgresql_include=OFFICE_INCLUDED,
        )
        batch_op.drop_column("owed_due")
    op.drop_table("filing_tag_counts")
    op.drop_table("filing_counts")
