"""OSCAL validation: parse a document back with trestle's model of its root and check that its
internal references resolve. Kept apart from the exporter (reports/oscal.py) so each stays small."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from redline.errors import CheckFailedError
from redline.reports.oscal import ROOTS


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _walk(value: Any, path: str) -> Iterator[tuple[str, str, Any]]:
    """Every (path, key, value) member of a JSON document."""
    if isinstance(value, dict):
        for key, member in value.items():
            yield path, key, member
            yield from _walk(member, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, member in enumerate(value):
            yield from _walk(member, f"{path}[{index}]")


def _check_references(document: dict[str, Any]) -> None:
    """Internal references must resolve: `#uuid` hrefs to back-matter resources, and
    observation and finding uuids to the observations and findings the document holds."""
    members = list(_walk(document, ""))
    resources = {m.get("uuid") for _, k, v in members if k == "resources" for m in v}
    observations = {m.get("uuid") for _, k, v in members if k == "observations" for m in v}
    findings = {m.get("uuid") for _, k, v in members if k == "findings" for m in v}
    for path, key, value in members:
        where = f"{path}.{key}"
        if key == "href" and isinstance(value, str) and value.startswith("#") and value[1:] not in resources:
            raise CheckFailedError(f"'{value}' names no back-matter resource", field=where)
        if key == "observation-uuid" and value not in observations:
            raise CheckFailedError(f"'{value}' names no observation in this document", field=where)
        if key == "finding-uuid" and value not in findings:
            raise CheckFailedError(f"'{value}' names no finding in this document", field=where)


def validate(document: dict[str, Any]) -> None:
    """Parse an OSCAL document back with trestle's model of its root; raise CheckFailedError naming
    the first invalid member. Internal references are checked too.

    trestle 5.2 ships no NIST OSCAL JSON schema files (and jsonschema is not a dependency), so
    the trestle models, generated from those schemas, are the validation.
    """
    from pydantic import ValidationError
    from trestle.common.err import TrestleError
    from trestle.oscal import assessment_results as ar
    from trestle.oscal import catalog as cat
    from trestle.oscal import poam as pm
    from trestle.oscal import profile as prof

    models: dict[str, Any] = {
        "catalog": cat.Model,
        "profile": prof.Model,
        "assessment-results": ar.Model,
        "plan-of-action-and-milestones": pm.Model,
    }
    roots = list(document) if isinstance(document, dict) else []
    if len(roots) != 1 or roots[0] not in models:
        raise CheckFailedError(
            f"not an OSCAL document this exporter writes: expected one root member, "
            f"one of {', '.join(ROOTS)} (found: {', '.join(map(str, roots)) or 'none'})"
        )
    try:
        # The model's own pydantic validator, by OSCAL (alias) names only: trestle's models also
        # accept Python field names, which the OSCAL schema does not, and trestle's model_validate
        # turns any error under `oscal-version` into a TrestleError without a location.
        models[roots[0]].__pydantic_validator__.validate_python(document, by_alias=True, by_name=False)
    except TrestleError as exc:
        raise CheckFailedError(f"not valid OSCAL {roots[0]}: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        raise CheckFailedError(
            f"not valid OSCAL {roots[0]}: {first['msg']} ({exc.error_count()} error(s))", field=_location(first["loc"])
        ) from None
    _check_references(document)
