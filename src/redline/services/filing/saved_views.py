"""Queue views an officer saved: a filter and sort under a name, seen and removed by that officer only.

A view holds the queue's parameters as `queue_filter.params_of` writes them, checked by `queue_filter.parse`
when saved and again when read (a stored value the queue no longer offers opens the plain queue).
"""

from __future__ import annotations

from sqlalchemy import func, select

from redline.domain.filenames import line_problem
from redline.errors import InputError, NotFoundError
from redline.services import audit
from redline.services.context import Context
from redline.services.filing import queue_filter
from redline.services.filing.queue_filter import FilingFilter
from redline.services.principal import Principal, require_regulator
from redline.services.view_model import ViewModel
from redline.store.models import SavedQueueView

MAX_NAME = 100
MAX_VIEWS = 50  # per officer


class SavedViewOut(ViewModel):
    id: int
    name: str
    params: dict[str, str]  # the queue's parameters, for its link


def _name(name: str) -> str:
    name = name.strip()
    if not name:
        raise InputError("give the view a name", field="name")
    if len(name) > MAX_NAME:
        raise InputError(f"at most {MAX_NAME} characters", field="name")
    problem = line_problem(name)
    if problem:
        raise InputError(problem, field="name")
    return name


def save(ctx: Context, p: Principal, name: str, f: FilingFilter) -> int:
    """Save `f`'s filter and sort under `name` for `p` (a view of the same name is replaced); its id."""
    require_regulator(p)
    name, params = _name(name), queue_filter.params_of(f)
    with ctx.uow() as uow:
        s = uow.session
        row = s.scalars(select(SavedQueueView).where(SavedQueueView.user_id == p.user_id, SavedQueueView.name == name))
        view = row.first()
        if view is None:
            count = (
                s.scalar(select(func.count()).select_from(SavedQueueView).where(SavedQueueView.user_id == p.user_id))
                or 0
            )
            if count >= MAX_VIEWS:
                raise InputError(f"at most {MAX_VIEWS} saved views; delete one first", field="name")
            view = SavedQueueView(user_id=p.user_id, name=name, query=params, created_at=ctx.now())
            s.add(view)
        else:
            view.query = params
        s.flush()
        audit.append(s, ctx.now(), p.username, "queue_view.save", f"user:{p.user_id}", {"name": name, **params})
        uow.commit()
        return view.id


def list_views(ctx: Context, p: Principal) -> list[SavedViewOut]:
    """`p`'s saved views, by name."""
    if not p.is_regulator:
        return []
    with ctx.reader() as uow:
        rows = uow.session.scalars(
            select(SavedQueueView).where(SavedQueueView.user_id == p.user_id).order_by(SavedQueueView.name)
        )
        return [SavedViewOut(id=v.id, name=v.name, params=_checked(v.query)) for v in rows]


def _checked(stored: object) -> dict[str, str]:
    if not isinstance(stored, dict):
        return {}
    try:
        return queue_filter.params_of(queue_filter.parse({str(k): str(v) for k, v in stored.items()}))
    except InputError:
        return {}


def delete(ctx: Context, p: Principal, view_id: int) -> None:
    """Remove one of `p`'s views; another officer's view is 'not found'."""
    with ctx.uow() as uow:
        view = uow.session.get(SavedQueueView, view_id)
        if view is None or view.user_id != p.user_id:
            raise NotFoundError(f"no saved view {view_id}")
        audit.append(uow.session, ctx.now(), p.username, "queue_view.delete", f"user:{p.user_id}", {"name": view.name})
        uow.session.delete(view)
        uow.commit()
