"""What is kept on the side of each filing so that an office's pages cost the same at any size (docs/adr/0027):
the deadline the provider owes now (`Filing.owed_due`) and the running totals of the filings regulators see per
division and state, and per division and capability tag (models/totals.py).

Both are kept here and nowhere else, by a hook on every ORM flush: whatever changes a filing's state, region,
visibility, tags or due date, or one of its follow-up deadlines, in whichever use case, the same transaction
brings them up to date (the deadline at the flush, the totals at the commit). Writes that bypass the ORM's
unit of work (a bulk `insert(Filing)`, COPY, a migration's SQL) call `recount` afterwards; an ORM
`update(Filing)` or `delete(Filing)` sent through a session is seen by a second hook, which reads the rows it
changes before and after.

- `owed_due` is recomputed in SQL from the rows just written (`owed_due_sql`, the one definition), so it is
  exact whatever the order of the flush's statements.
- The totals move by deltas (the filing's old key -1, its new key +1), each an upsert that adds to the row,
  so concurrent transactions on PostgreSQL never lose a change (the row lock orders them); a transaction's deltas
  are held until its commit and applied then in one order (by table and key), after every other lock it takes,
  so two transactions never wait for each other's rows in a cycle (see "the totals' deltas wait" below).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any
from typing import cast as typed

from sqlalchemy import Connection, String, Table, case, cast, delete, event, func, insert, inspect, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction
from sqlalchemy.orm.attributes import set_committed_value

from redline.domain.workflow import BEFORE_SUBMISSION, OWES_SUBMISSION
from redline.rulebook.schema import CapabilityTag
from redline.store.models import Filing, FilingCount, FilingTagCount, FollowUpDeadline

IDS_PER_STATEMENT = 500  # SQLite may bound the parameters of one statement to 999
KEPT_FROM = ("state", "due_date")  # a filing's own columns `owed_due` depends on
COUNTED_BY = ("visible_to_regulator", "region", "state", "technologies")


def owed_due_sql() -> Any:
    """SQL: the due date the provider owes now: a running follow-up's (the earliest), else the statutory one while
    nothing was submitted; NULL in every other state (under review, rectifying, closed, ...)."""
    follow_up = (
        select(func.min(FollowUpDeadline.due))
        .where(FollowUpDeadline.filing_id == Filing.id, FollowUpDeadline.met_at.is_(None))
        .correlate(Filing)
        .scalar_subquery()
    )
    awaiting = Filing.state.in_([s.value for s in OWES_SUBMISSION])
    first = Filing.state.in_([s.value for s in BEFORE_SUBMISSION])
    return case((awaiting & follow_up.is_not(None), follow_up), (first, Filing.due_date), else_=None)


COUNTED_TAGS = frozenset(t.value for t in CapabilityTag)


def tags_of(stored: Any) -> set[str]:
    """The capability tags a stored tag list counts under: its capability tags of the vocabulary, once each; a
    malformed value, none. Any other string (an imported package may carry tags of up to 500 characters) is
    not counted: the dashboard shows the vocabulary's tags only, the totals' `tag` column holds 60 characters,
    and a provider's package must not add rows to a table every office reads."""
    return {t for t in stored if isinstance(t, str) and t in COUNTED_TAGS} if isinstance(stored, list) else set()


def _before(obj: Filing, name: str) -> Any:
    """The attribute's value before this flush (the flush's history is still there in `after_flush`)."""
    history = inspect(obj).attrs[name].history
    if history.deleted:
        return history.deleted[0]
    if history.unchanged:
        return history.unchanged[0]
    return getattr(obj, name) if not history.added else None


def _changed(obj: Any, names: Iterable[str]) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[n].history.has_changes() for n in names)


def _count(counts: Counter[tuple[str, str, str]], by: int, visible: Any, region: Any, state: Any, tags: Any) -> None:
    if not visible or region is None:
        return
    counts["state", region, state] += by
    for tag in tags_of(tags):
        counts["tag", region, tag] += by


def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    owed: set[int] = set()
    deltas: Counter[tuple[str, str, str]] = Counter()
    for obj in session.new:
        if isinstance(obj, Filing):
            owed.add(obj.id)
            _count(deltas, 1, obj.visible_to_regulator, obj.region, obj.state, obj.technologies)
        elif isinstance(obj, FollowUpDeadline):
            owed.add(obj.filing_id)
    for obj in session.dirty:
        if isinstance(obj, Filing) and session.is_modified(obj):
            if _changed(obj, KEPT_FROM):
                owed.add(obj.id)
            if _changed(obj, COUNTED_BY):
                _count(deltas, -1, *(_before(obj, n) for n in COUNTED_BY))
                _count(deltas, 1, obj.visible_to_regulator, obj.region, obj.state, obj.technologies)
        elif isinstance(obj, FollowUpDeadline) and session.is_modified(obj):
            owed.update({obj.filing_id, _before_follow_up(obj)})
    for obj in session.deleted:
        if isinstance(obj, Filing):
            _count(deltas, -1, *(_before(obj, n) for n in COUNTED_BY))
        elif isinstance(obj, FollowUpDeadline):
            owed.add(_before_follow_up(obj))
    deleted = {obj.id for obj in session.deleted if isinstance(obj, Filing)}
    kept = sorted(i for i in owed if i is not None and i not in deleted)
    if kept:
        _keep_owed(session, session.connection(), kept)
    _hold(session, deltas)


def _before_follow_up(obj: FollowUpDeadline) -> int:
    history = inspect(obj).attrs["filing_id"].history
    return int(history.deleted[0]) if history.deleted else obj.filing_id


def _keep_owed(session: Session, connection: Connection, ids: list[int]) -> None:
    """Recompute `owed_due` of the filings `ids` from their rows as written, and tell their loaded objects."""
    table = typed(Table, Filing.__table__)
    for start in range(0, len(ids), IDS_PER_STATEMENT):
        chunk = ids[start : start + IDS_PER_STATEMENT]
        # updated_at set to itself: keeping the deadline is no change of the filing's own
        connection.execute(
            update(table).where(table.c.id.in_(chunk)).values(owed_due=owed_due_sql(), updated_at=table.c.updated_at)
        )
        for filing_id, due in connection.execute(select(Filing.id, Filing.owed_due).where(Filing.id.in_(chunk))):
            loaded = session.identity_map.get(inspect(Filing).identity_key_from_primary_key((filing_id,)))
            if loaded is not None:
                set_committed_value(loaded, "owed_due", due)


def add_to_totals(connection: Connection, deltas: Counter[tuple[str, str, str]]) -> None:
    """Add `deltas` ((kind, region, state or tag) -> filings) to the running totals, in one order of keys."""
    upsert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    for (kind, region, key), by in sorted(deltas.items()):
        if by == 0:
            continue
        table, column = (FilingCount, "state") if kind == "state" else (FilingTagCount, "tag")
        row = upsert(table).values({"region": region, column: key, "n": by})
        connection.execute(
            row.on_conflict_do_update(index_elements=["region", column], set_={"n": table.n + row.excluded.n})
        )


def recount(connection: Connection) -> None:
    """Recompute `owed_due` of every filing and both running totals from the filings as they are: after writes
    that bypass the ORM (bulk inserts, COPY, a restore's repair). Exclusive: run it with no other writer."""
    recount_owed(connection)
    recount_totals(connection)


def recount_owed(connection: Connection) -> None:
    """Recompute `owed_due` of every filing (every row is rewritten: a bulk load that knows it may write it)."""
    table = typed(Table, Filing.__table__)
    connection.execute(update(table).values(owed_due=owed_due_sql(), updated_at=table.c.updated_at))


def recount_totals(connection: Connection) -> None:
    """Recompute both running totals from the filings as they are. Exclusive: run it with no other writer."""
    connection.execute(delete(FilingCount))
    connection.execute(delete(FilingTagCount))
    counts: Counter[tuple[str, str, str]] = Counter()
    for (kind, region, key), n in _recounted(connection):
        counts[kind, region, key] += n
    rows = [(k, region, key, n) for (k, region, key), n in sorted(counts.items()) if n]
    by_state = [{"region": r, "state": key, "n": n} for k, r, key, n in rows if k == "state"]
    by_tag = [{"region": r, "tag": key, "n": n} for k, r, key, n in rows if k == "tag"]
    for table, values in ((FilingCount, by_state), (FilingTagCount, by_tag)):
        if values:  # the tables were emptied: plain inserts, many rows a statement
            connection.execute(insert(table), values)


def _recounted(connection: Connection) -> Iterable[tuple[tuple[str, str, str], int]]:
    visible = Filing.visible_to_regulator.is_(True)
    for region, state, n in connection.execute(
        select(Filing.region, Filing.state, func.count()).where(visible).group_by(Filing.region, Filing.state)
    ):
        yield ("state", region, state), n
    text = cast(Filing.technologies, String)
    for region, stored, n in connection.execute(
        select(Filing.region, text, func.count()).where(visible).group_by(Filing.region, text)
    ):
        try:
            tags = json.loads(stored) if stored else []
        except ValueError:
            tags = None
        for tag in tags_of(tags):
            yield ("tag", region, tag), n


def _do_orm_execute(state: ORMExecuteState) -> Any:
    """An ORM `update(Filing)` or `delete(Filing)` (or of follow-up deadlines) sent through a session: the rows it
    will change are read (and locked) first, so the same deltas and deadlines are kept as by a flush."""
    mapper = state.bind_mapper
    entity = mapper.class_ if mapper is not None else None
    if not (state.is_update or state.is_delete) or entity not in (Filing, FollowUpDeadline):
        return None
    where = getattr(state.statement, "whereclause", None)
    session = state.session
    if entity is FollowUpDeadline:
        pairs = select(FollowUpDeadline.id, FollowUpDeadline.filing_id)
        touched = session.execute(pairs if where is None else pairs.where(where)).all()
        result = state.invoke_statement()
        owed = {filing for _, filing in touched}
        follow_ups = [i for i, _ in touched]
        for start in range(0, len(follow_ups), IDS_PER_STATEMENT):
            chunk = follow_ups[start : start + IDS_PER_STATEMENT]
            owed |= set(session.scalars(select(FollowUpDeadline.filing_id).where(FollowUpDeadline.id.in_(chunk))))
        _keep_owed(session, session.connection(), sorted(owed))
        return result
    keyed = select(Filing.id, *(getattr(Filing, n) for n in COUNTED_BY))
    before = session.execute((keyed if where is None else keyed.where(where)).with_for_update()).all()
    result = state.invoke_statement()
    deltas: Counter[tuple[str, str, str]] = Counter()
    for _, *key in before:
        _count(deltas, -1, *key)
    ids = [row[0] for row in before]
    for start in range(0, len(ids), IDS_PER_STATEMENT):
        chunk = ids[start : start + IDS_PER_STATEMENT]
        for _, *key in session.execute(keyed.where(Filing.id.in_(chunk))):
            _count(deltas, 1, *key)
        if state.is_update:
            _keep_owed(session, session.connection(), chunk)
    _hold(session, deltas)
    return result


# ---- the totals' deltas wait for the commit ----
# A count row is locked from its upsert to the end of the transaction. Applied at each flush, a transaction that
# changes filings after taking other locks (the audit head, an office's document sequence: a batch of impact
# notices does) would take count rows after them, while a single step takes them before: a cycle, and PostgreSQL
# aborts one of the two. Held in the session and applied once, sorted, just before the commit, every transaction
# takes count rows last and holds them for the shortest time. A savepoint rolled back takes its deltas with it.

PENDING = "redline.filing_totals.pending"
SAVED = "redline.filing_totals.saved"  # savepoint -> the deltas held when it began


def _hold(session: Session, deltas: Counter[tuple[str, str, str]]) -> None:
    if any(deltas.values()):
        session.info.setdefault(PENDING, Counter()).update(deltas)


def _after_transaction_create(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:
        session.info.setdefault(SAVED, {})[transaction] = Counter(session.info.get(PENDING, ()))


def _after_soft_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    saved = session.info.get(SAVED, {})
    if previous_transaction.nested and previous_transaction in saved:
        session.info[PENDING] = saved.pop(previous_transaction)
    elif previous_transaction.parent is None:
        session.info.pop(PENDING, None)
        session.info.pop(SAVED, None)


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # a savepoint's entry stays to the end of the transaction: this event comes before `after_soft_rollback`
    if transaction.parent is None:
        session.info.pop(PENDING, None)
        session.info.pop(SAVED, None)


def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint's release: the totals wait for the transaction's own commit
    session.flush()
    pending = session.info.pop(PENDING, None)
    if pending:
        add_to_totals(session.connection(), pending)


event.listen(Session, "after_flush", _after_flush)
event.listen(Session, "do_orm_execute", _do_orm_execute)
event.listen(Session, "after_transaction_create", _after_transaction_create)
event.listen(Session, "after_soft_rollback", _after_soft_rollback)
event.listen(Session, "after_transaction_end", _after_transaction_end)
event.listen(Session, "before_commit", _before_commit)
