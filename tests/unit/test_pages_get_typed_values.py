"""Pages are rendered from typed values, never from database table rows: a row handed to a template would load
more from the database as the template reads it, after its session has closed (or, worse, in the middle of
rendering). `render` refuses one wherever it sits in the context."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from starlette.requests import Request

from redline.services.filing.snapshots import EvidenceOut
from redline.store.models import Evidence, Organisation
from redline.web.templating import render


def _request() -> Request:
    return Request({"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""})


@dataclasses.dataclass
class _Holder:
    rows: list[object]


def _row() -> Organisation:
    return Organisation(id=1, kind="provider", name="某公司", location="330100")


@pytest.mark.parametrize(
    "value",
    [
        _row(),
        [_row()],
        {"x": [_row()]},
        _Holder(rows=[_row()]),
    ],
    ids=["bare", "in a list", "in a dict", "in a dataclass"],
)
def test_a_table_row_anywhere_in_the_context_is_refused(value: object) -> None:
    with pytest.raises(TypeError, match="Organisation table row"):
        render(_request(), "error.html", status_code=500, message="x", extra=value)


def test_typed_values_render() -> None:
    typed = EvidenceOut(
        sha256="0" * 64, filename="a.txt", item_id=None, media_type="text/plain", size=1, description=""
    )
    response = render(
        _request(), "error.html", status_code=404, message="没有找到", extra=[typed], when=dt.date.today()
    )
    assert response.status_code == 200
    assert "没有找到" in response.body.decode()


def test_a_use_case_row_reads_back_what_the_table_row_held() -> None:
    row = Evidence(sha256="a" * 64, filename="log.txt", item_id="x.1", media_type="text/plain", size=3, description="d")
    out = EvidenceOut.of(row)
    assert (out.sha256, out.filename, out.item_id, out.size, out.description) == ("a" * 64, "log.txt", "x.1", 3, "d")
    assert not hasattr(out, "_sa_instance_state")


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_every_page_template_parses(lang: str) -> None:
    from redline.web.templating import environment

    env = environment(lang)
    names = env.list_templates(extensions=["html"])
    assert "filing.html" in names and "_checklist.html" in names
    for name in names:
        env.get_template(name)
