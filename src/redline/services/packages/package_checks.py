"""What an imported submission package must look like before anything in it is stored: the manifest and
the sealed report as typed models (a bad field is named by its path), and the evidence exactly the
report's, each file hashing to its digest.

Seals are unkeyed SHA-256, so anyone can reseal an edited report: nothing here trusts the package's
word for what is on this installation's disk.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from redline.errors import CheckFailedError, InputError

DIGEST_PATTERN = r"^[0-9a-f]{64}$"
Digest = Annotated[str, Field(pattern=DIGEST_PATTERN)]
Line = Annotated[str, Field(max_length=500)]
Prose = Annotated[str, Field(max_length=20_000)]


class _Loose(BaseModel):
    """Typed where redline reads a field; other members are carried along as they are."""

    model_config = ConfigDict(extra="allow", strict=True)


class _Exact(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


# ---- the sealed report --------------------------------------------------------------------------


class EvidenceRef(_Loose):
    file: Line
    sha256: Digest
    description: Prose = ""


class ReportItem(_Loose):
    id: Line
    status: Line | None = None
    evidence: list[EvidenceRef] = []
    findings: list[dict[str, Any]] = []


class ReportMeasure(_Loose):
    id: Line
    items: list[ReportItem]


class ReportProvider(_Loose):
    name: Line
    location: Line
    credit_code: Line | None = None


class ReportService(_Loose):
    name: Line


class ReportConclusion(_Loose):
    result: Line
    statement: Prose | None = None


class ReportDoc(_Loose):
    schema_: Line = Field(alias="schema")
    provider: ReportProvider
    service: ReportService | None = None
    measures: list[ReportMeasure]
    conclusion: ReportConclusion


# ---- the manifest -------------------------------------------------------------------------------


class Obligation(_Loose):
    trigger_id: Line
    title: dict[str, str] | str
    quotes: list[dict[str, Any]] = []
    due: dict[str, Any] | None = None
    recipients: list[dict[str, Any]] = []


class FilingInfo(_Loose):
    title: Line = "imported"
    change: dict[str, Any] | None = None
    obligations: list[Obligation] = []
    technologies: list[Line] = []


class ManifestProvider(_Loose):
    name: Line
    location: Line
    credit_code: Line | None = None


class ManifestService(_Loose):
    name: Line
    profile: dict[str, Any] | None = None


class ManifestEvidence(_Exact):
    name: Line
    sha256: Digest
    size: Annotated[int, Field(ge=0)] = 0
    media_type: Line = ""
    item_id: Line | None = None
    description: Prose = ""
    included: bool


class ManifestDoc(_Loose):
    schema_: Line = Field(alias="schema")
    schema_version: int
    report_sha256: Digest
    filing: FilingInfo = FilingInfo()
    provider: ManifestProvider
    service: ManifestService | None = None
    evidence: list[ManifestEvidence] = []
    files: dict[Line, Digest]


Model = TypeVar("Model", bound=BaseModel)


def typed(model: type[Model], value: Any, name: str) -> Model:
    """`value` as `model`, or InputError naming the first bad field as `name.path.to.field`."""
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        path = ".".join([name, *(str(part) for part in first["loc"])])
        raise InputError(f"package refused: {path}: {first['msg']}", field=path) from None


def _refuse(reason: str) -> CheckFailedError:
    return CheckFailedError(f"package refused: {reason}")


def report_evidence(report: ReportDoc) -> set[str]:
    return {e.sha256 for m in report.measures for i in m.items for e in i.evidence}


def cross_check(manifest: ManifestDoc, report: ReportDoc) -> None:
    """The manifest is not sealed: what it says of provider, service and evidence must agree with the
    sealed report, so an edited manifest is refused even without a signature."""
    for key in ("name", "location", "credit_code"):
        if getattr(manifest.provider, key) != getattr(report.provider, key):
            raise _refuse(f"the manifest's provider {key} does not match the sealed report")
    if manifest.service and manifest.service.name != (report.service.name if report.service else None):
        raise _refuse("the manifest's service does not match the sealed report")
    listed = Counter(e.sha256 for e in manifest.evidence)
    twice = sorted(sha for sha, n in listed.items() if n > 1)
    if twice:
        raise _refuse(f"evidence {twice[0]} is listed twice in the manifest")
    sealed = report_evidence(report)
    if sealed - set(listed):
        raise _refuse("evidence named in the sealed report is missing from the manifest")
    if set(listed) - sealed:
        raise _refuse(f"evidence {sorted(set(listed) - sealed)[0]} in the manifest is not named in the sealed report")


# The extensions an evidence file may carry in a package, by the media type its content showed when stored
# (store/blobs.py): the first is used when the stored name's own extension is not one of them.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "application/zip": ("zip", "docx", "xlsx", "pptx", "odt", "ods", "odp"),
    "application/gzip": ("gz", "tgz"),
    "text/plain": ("txt", "log", "csv", "tsv", "json", "jsonl", "yaml", "yml", "md"),
}


def evidence_member(sha256: str, filename: str, media_type: str) -> str:
    """The ZIP member of an evidence file: `evidence/DIGEST.EXT`. Of the stored name only the extension after
    the last dot of its last path part is read, and kept when it fits the file's media type; nothing else of
    the name reaches the member's path."""
    allowed = EXTENSIONS.get(media_type, ())
    last = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, ext = last.rpartition(".")
    ext = ext.lower() if dot and stem.strip(".") else ""
    chosen = ext if ext in allowed else (allowed[0] if allowed else "")
    return f"evidence/{sha256}.{chosen}" if chosen else f"evidence/{sha256}"


def _member_of(entry: ManifestEvidence, members: dict[str, bytes]) -> str:
    """Where an included file is: named with its extension, or (packages before issue 17) by digest alone."""
    named = evidence_member(entry.sha256, entry.name, entry.media_type)
    return named if named in members else f"evidence/{entry.sha256}"


def evidence_content(entry: ManifestEvidence, members: dict[str, bytes]) -> bytes | None:
    return members.get(_member_of(entry, members))


def check_evidence_members(manifest: ManifestDoc, members: dict[str, bytes]) -> None:
    """Every included file is in the package and hashes to its digest; no other evidence file is."""
    included = {_member_of(e, members) for e in manifest.evidence if e.included}
    for entry in manifest.evidence:
        member = _member_of(entry, members)
        if entry.included and member not in members:
            raise _refuse(f"evidence '{entry.name}' is missing")
        if entry.included and hashlib.sha256(members[member]).hexdigest() != entry.sha256:
            raise _refuse(f"evidence '{entry.name}' does not hash to its digest {entry.sha256}")
    strays = sorted(n for n in members if n.startswith("evidence/") and n not in included)
    if strays:
        raise _refuse(f"'{strays[0]}' is not evidence the manifest includes")
