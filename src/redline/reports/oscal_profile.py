"""OSCAL profile of one checklist: it imports the rulebook catalog (reports/oscal.py) and selects the
controls of that checklist's items, so an OSCAL tool resolves it to exactly that checklist.

The catalog is named through a back-matter resource whose link is the catalog file's relative
location, so the two files travel together. UUIDs are stable, as in the catalog.
"""

from __future__ import annotations

from typing import Any

from redline.reports.oscal import _day, _dump, _line, _prop, control_id, stable_uuid
from redline.rulebook.book import Rulebook
from redline.rulebook.citations import Citation
from redline.rulebook.schema import Checklist

CATALOG_FILE = "catalog.json"


def file_name(checklist_id: str) -> str:
    return f"profile-{checklist_id}.json"


def profile(book: Rulebook, checklist: Checklist, catalog_href: str = CATALOG_FILE) -> dict[str, Any]:
    """The checklist as an OSCAL profile over the catalog at `catalog_href`."""
    from trestle.oscal import OSCAL_VERSION, common
    from trestle.oscal import profile as prof

    version = book.version or "unversioned"
    resource = stable_uuid("profile", version, checklist.id, "catalog")
    cites = [q.cite for q in checklist.quotes] + [q.cite for i in checklist.items for q in i.quotes]
    latest = max(book.regulation(Citation.parse(c).regulation).promulgated for c in cites)
    metadata = common.Metadata(
        title=_line(f"{checklist.title_zh} / {checklist.title_en}"),
        last_modified=_day(latest),
        version=version,
        oscal_version=OSCAL_VERSION,
        props=[_prop("rulebook-version", version), _prop("checklist", checklist.id)],
        remarks="Selects one redline checklist from the redline checklist catalog. last-modified is the "
        "latest promulgation date of the regulations the checklist cites.",
    )
    selected = prof.SelectControl(with_ids=[control_id(item.id) for item in checklist.items])
    model = prof.Profile(
        uuid=stable_uuid("profile", version, checklist.id),
        metadata=metadata,
        imports=[prof.Import2(href=f"#{resource}", include_controls=[selected])],
        merge=prof.Merge2(as_is=prof.BooleanDatatype(True)),
        back_matter=common.BackMatter(
            resources=[
                common.Resource(
                    uuid=resource,
                    title="redline 安全评估检查清单 / redline security-assessment checklists",
                    rlinks=[common.Rlink(href=catalog_href, media_type="application/oscal.catalog+json")],
                )
            ]
        ),
    )
    return _dump(model)
