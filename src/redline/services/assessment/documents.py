"""The YAML files users write (service profile, change, answers), validated and located.

Each error names the file, the line and the field, and nothing is written on error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from redline.domain.assessment import (
    AnswerStatus,
    Assessor,
    AssessorKind,
    Evidence,
    Finding,
    ItemAnswer,
    Severity,
)
from redline.domain.filenames import line_value
from redline.domain.service import (
    OUTSIDE_CHINA,
    AlgorithmClass,
    Audience,
    BasicInfo,
    Change,
    GrowthRule,
    HeldFiling,
    Issuer,
    IssuerKind,
    Listing,
    Notice,
    Provider,
    ServiceProfile,
)
from redline.errors import InputError
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import EventKind, Role
from redline.services.assessment.judgement_input import JudgementIn
from redline.yamldoc import Key, YamlDoc, load_model


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


Line = Annotated[str, AfterValidator(line_value)]  # a name or title: one line, no control characters


class ProviderIn(_Strict):
    name: Line = Field(min_length=1)
    location: str | None = Field(
        default=None,
        pattern=r"^(\d{6}|outside_china)$",
        description="GB/T 2260 code (six digits), or outside_china; omitted: no seat stated",
    )
    country: Line | None = None  # for a provider outside China: where it is based
    credit_code: str | None = None

    @model_validator(mode="after")
    def _country_only_abroad(self) -> ProviderIn:
        if self.country is not None and self.location != OUTSIDE_CHINA:
            raise ValueError("'country' is for a provider outside China: give 'location: outside_china' with it")
        return self


class TechnologyIn(_Strict):
    """A technology the service uses; the gate compares these with its baseline."""

    id: str = Field(min_length=1)
    aspects: list[Literal["function", "implementation", "infrastructure"]] = []
    material_change: bool | None = None
    description: str = ""

    @model_validator(mode="before")
    @classmethod
    def _bare_id(cls, value: Any) -> Any:
        return {"id": value} if isinstance(value, str) else value


class HeldFilingIn(_Strict):
    """An algorithm filing (算法备案) the service already holds."""

    kind: Literal["algorithm"] = "algorithm"
    number: Line = ""
    date: dt.date | None = None
    covers: list[AlgorithmClass] = []


class ServiceIn(_Strict):
    name: Line = Field(min_length=1)
    description: str = ""
    audience: Audience = Audience.PUBLIC
    user_content: bool | None = None
    capabilities: list[str] = []
    monthly_active_users: int | None = Field(default=None, ge=0)
    declares_public_opinion: bool | None = None
    technologies: list[TechnologyIn] = []
    filings: list[HeldFilingIn] = []
    roles: list[Role] = Field(
        default=[Role.PROVIDER], min_length=1, description="the parts the organisation plays for the service"
    )


class BasicInfoIn(_Strict):
    functions: list[str] = []
    scope: str = ""
    facilities: str = ""
    deployment: str = ""
    licences: list[str] = []


class ServiceFile(_Strict):
    provider: ProviderIn
    service: ServiceIn
    basic_info: BasicInfoIn = BasicInfoIn()


class IssuerIn(_Strict):
    kind: IssuerKind
    name: Line = ""
    division: str | None = Field(default=None, pattern=r"^\d{6}$", description="GB/T 2260 code")
    national: bool = False


class NoticeIn(_Strict):
    issuer: IssuerIn | None = None
    authority: str = ""  # free text, as old change files have it
    reference: str = ""
    due: dt.date | None = None

    @model_validator(mode="after")
    def _someone_sent_it(self) -> NoticeIn:
        if self.issuer is None and not self.authority.strip():
            raise ValueError("a notice needs its issuer (kind, division, name)")
        return self


class GrowthIn(_Strict):
    """This change's own threshold for presuming significant growth (Art. 3(3))."""

    min_ratio: float | None = Field(default=None, gt=1)
    min_added: int | None = Field(default=None, ge=1)


class ListingIn(_Strict):
    """An app an app distribution platform reviews for listing, and what the app can do."""

    app: Line = Field(min_length=1)
    capabilities: list[str] = []


class ChangeFile(_Strict):
    kind: EventKind | None = None
    date: dt.date
    description: str = ""
    launch: bool = False
    capabilities: list[str] = []
    capabilities_removed: list[str] = []
    technologies: list[str] = []
    aspects: list[Literal["function", "implementation", "infrastructure"]] = []
    material_change: bool | None = None
    mau_before: int | None = Field(default=None, ge=1)
    mau_after: int | None = Field(default=None, ge=0)
    growth: GrowthIn | None = None
    harmful_incident: bool = False
    notice: NoticeIn | None = None
    filing_change: bool = False
    terminate: bool = False
    roles_taken: list[Role] = []
    listing: ListingIn | None = None
    judgements: list[JudgementIn] = []


class EvidenceIn(_Strict):
    file: str = Field(min_length=1)
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    description: str = ""


class FindingIn(_Strict):
    severity: Severity
    text: str = Field(min_length=1)


class AnswerIn(_Strict):
    status: AnswerStatus | None = None
    reason: str = ""
    evidence: list[EvidenceIn] = []
    findings: list[FindingIn] = []


class AssessorIn(_Strict):
    name: str = ""
    organisation: str = ""
    kind: AssessorKind = AssessorKind.SELF


class AssessmentIn(_Strict):
    date: dt.date
    assessor: AssessorIn
    statement: str = ""


class AnswersFile(_Strict):
    redline: Literal["answers/1"]
    service: dict[str, Any]
    change: dict[str, Any] | None = None
    assessment: AssessmentIn
    checklists: list[str] = Field(min_length=1)
    answers: dict[str, AnswerIn | None]


def _fail(doc: YamlDoc, path: Key, message: str) -> InputError:
    return InputError(message, source=doc.source, line=doc.line_of(path), field=".".join(str(p) for p in path))


def _check_capabilities(book: Rulebook, doc: YamlDoc, caps: list[str], path: Key) -> None:
    for i, cap in enumerate(caps):
        if not book.has_capability(cap):
            known = ", ".join(c.id for c in book.capabilities)
            raise _fail(doc, (*path, i), f"unknown capability '{cap}' (known: {known})")


def _check_technologies(book: Rulebook, doc: YamlDoc, techs: list[str], path: Key) -> None:
    known = book.technology_ids()
    for i, tech in enumerate(techs):
        if tech not in known:
            raise _fail(doc, (*path, i), f"unknown technology '{tech}' (known: {', '.join(sorted(known))})")


def service_from(book: Rulebook, doc: YamlDoc, data: Any = None, prefix: Key = ()) -> ServiceProfile:
    raw = load_model(ServiceFile, doc, data, prefix)
    _check_capabilities(book, doc, raw.service.capabilities, (*prefix, "service", "capabilities"))
    _check_technologies(book, doc, [t.id for t in raw.service.technologies], (*prefix, "service", "technologies"))
    basic = raw.basic_info
    svc = raw.service
    return ServiceProfile(
        provider=_provider(book, doc, raw.provider, prefix),
        name=svc.name,
        capabilities=tuple(svc.capabilities),
        description=svc.description,
        monthly_active_users=svc.monthly_active_users,
        declares_public_opinion=svc.declares_public_opinion,
        basic=BasicInfo(tuple(basic.functions), basic.scope, basic.facilities, basic.deployment, tuple(basic.licences)),
        audience=svc.audience,
        user_content=svc.user_content,
        filings=tuple(HeldFiling(f.number, f.date, tuple(f.covers)) for f in svc.filings),
        technologies=tuple(t.id for t in svc.technologies),
        roles=tuple(dict.fromkeys(svc.roles)),
    )


def _provider(book: Rulebook, doc: YamlDoc, raw: ProviderIn, prefix: Key) -> Provider:
    if raw.location == OUTSIDE_CHINA:
        return Provider(raw.name, None, raw.credit_code, outside_china=True, country=raw.country)
    if raw.location is not None and book.divisions.get(raw.location) is None:
        raise _fail(
            doc,
            (*prefix, "provider", "location"),
            f"'{raw.location}' is not a GB/T 2260 division code redline knows "
            "(a provider outside China: 'location: outside_china')",
        )
    return Provider(raw.name, raw.location, raw.credit_code)


_REQUIRED_BY_KIND: dict[EventKind, tuple[str, ...]] = {
    EventKind.ADD_CAPABILITY: ("capabilities",),
    EventKind.ADOPT_TECHNOLOGY: ("technologies",),
    EventKind.USER_GROWTH: ("mau_after",),
    EventKind.REGULATOR_NOTICE: ("notice",),
}
_FACTS = (
    "launch",
    "capabilities",
    "capabilities_removed",
    "technologies",
    "mau_after",
    "harmful_incident",
    "notice",
    "filing_change",
    "terminate",
    "roles_taken",
    "listing",
)


def _notice(book: Rulebook, doc: YamlDoc, raw: ChangeFile, prefix: Key) -> Notice | None:
    if raw.notice is None:
        return None
    if raw.notice.due is not None and raw.notice.due < raw.date:
        raise _fail(doc, (*prefix, "notice", "due"), "the notice's due date is before the notice")
    given = raw.notice.issuer
    if given is None:
        return Notice(None, raw.notice.reference, raw.notice.due, raw.notice.authority)
    if given.division not in (None, "100000") and book.divisions.get(given.division or "") is None:
        raise _fail(
            doc,
            (*prefix, "notice", "issuer", "division"),
            f"'{given.division}' is not a GB/T 2260 division code redline knows",
        )
    if given.national and given.division is not None:
        raise _fail(
            doc,
            (*prefix, "notice", "issuer", "national"),
            "a national organ has no division: give 'national: true' or 'division', not both",
        )
    national = given.national or given.division == "100000"  # the platform's code for a national office
    issuer = Issuer(given.kind, given.name, None if national else given.division, national)
    return Notice(issuer, raw.notice.reference, raw.notice.due, raw.notice.authority)


def change_from(book: Rulebook, doc: YamlDoc, data: Any = None, prefix: Key = ()) -> Change:
    """One change: its facts, or (old files) a `kind` with what that kind needs."""
    raw = load_model(ChangeFile, doc, data, prefix)
    if raw.kind is not None:
        for name in _REQUIRED_BY_KIND.get(raw.kind, ()):
            if not getattr(raw, name):
                raise _fail(doc, (*prefix, name), f"a '{raw.kind.value}' change needs '{name}'")
    elif not any(getattr(raw, name) not in (None, False, []) for name in _FACTS):
        raise _fail(
            doc,
            (*prefix, "date"),
            "a change needs at least one fact: " + ", ".join(_FACTS) + " (or, as in old files, a 'kind')",
        )
    _check_capabilities(book, doc, raw.capabilities, (*prefix, "capabilities"))
    _check_capabilities(book, doc, raw.capabilities_removed, (*prefix, "capabilities_removed"))
    _check_technologies(book, doc, raw.technologies, (*prefix, "technologies"))
    listing = None
    if raw.listing is not None:
        _check_capabilities(book, doc, raw.listing.capabilities, (*prefix, "listing", "capabilities"))
        listing = Listing(raw.listing.app, tuple(raw.listing.capabilities))
    if raw.mau_before is not None and raw.mau_after is None:
        raise _fail(doc, (*prefix, "mau_before"), "'mau_before' needs 'mau_after'")
    if raw.mau_before is not None:
        _check_claimed_growth(doc, raw.kind, raw.mau_before, raw.mau_after, prefix)
    growth = GrowthRule(raw.growth.min_ratio, raw.growth.min_added) if raw.growth else None
    return Change(
        raw.kind,
        raw.date,
        raw.description,
        tuple(raw.capabilities),
        tuple(raw.technologies),
        tuple(raw.aspects),
        raw.material_change,
        raw.mau_before,
        raw.mau_after,
        _notice(book, doc, raw, prefix),
        launch=raw.launch or raw.kind is EventKind.LAUNCH,
        capabilities_removed=tuple(raw.capabilities_removed),
        harmful_incident=raw.harmful_incident or raw.kind is EventKind.HARMFUL_INCIDENT,
        filing_change=raw.filing_change or raw.kind is EventKind.FILING_CHANGE,
        terminate=raw.terminate or raw.kind is EventKind.TERMINATE,
        growth_rule=growth,
        roles_taken=tuple(raw.roles_taken),
        listing=listing,
        judgements=tuple(j.judgement() for j in raw.judgements),
    )


def changes_from(book: Rulebook, doc: YamlDoc) -> list[tuple[Change, Key]]:
    """Every change in a change file: one change, or `changes:` with several; each with its place."""
    data = doc.data
    if isinstance(data, dict) and "changes" in data:
        extra = sorted(str(k) for k in data if k != "changes")
        if extra:
            raise _fail(doc, (extra[0],), f"unknown field '{extra[0]}' next to 'changes'")
        items = data["changes"]
        if not isinstance(items, list) or not items:
            raise _fail(doc, ("changes",), "'changes' must be a list of one or more changes")
        return [(change_from(book, doc, item, ("changes", i)), ("changes", i)) for i, item in enumerate(items)]
    return [(change_from(book, doc), ())]


GROWTH_WITHOUT_MORE_USERS = (
    "a 'user_growth' change needs more monthly active users after than before: a fall or "
    "no change in users is not growth"
)


def _check_claimed_growth(
    doc: YamlDoc, kind: EventKind | None, before: int | None, after: int | None, prefix: Key
) -> None:
    """A change that claims user growth (`kind: user_growth`) must show more users after than before: a fall,
    or no change, is not growth (Art. 3(3) of the 2018 rule). Without the claim a fall is a fact that is
    recorded and triggers nothing."""
    if kind is EventKind.USER_GROWTH and before is not None and after is not None and after <= before:
        raise _fail(doc, (*prefix, "mau_after"), GROWTH_WITHOUT_MORE_USERS)


def reconcile(service: ServiceProfile, change: Change, doc: YamlDoc, prefix: Key = ()) -> None:
    """Refuse a change that cannot be measured against the profile."""
    if change.mau_after is not None and change.users_before(service) is None:
        raise _fail(
            doc,
            (*prefix, "mau_after"),
            "no user figure before the change: give 'mau_before', or 'monthly_active_users' in the service profile",
        )
    _check_claimed_growth(doc, change.kind, change.users_before(service), change.mau_after, prefix)


def _evidence(doc: YamlDoc, base: Path, raw: EvidenceIn, path: Key) -> Evidence:
    candidate = base / raw.file
    try:  # a hostile name (too long, a NUL byte, unreadable) is the user's error, not a crash
        actual = hashlib.sha256(candidate.read_bytes()).hexdigest() if candidate.is_file() else None
    except (OSError, ValueError) as exc:
        raise _fail(doc, (*path, "file"), f"evidence file '{raw.file}' cannot be read: {exc}") from None
    if actual is not None:
        if raw.sha256 is not None and raw.sha256 != actual:
            raise _fail(doc, (*path, "sha256"), f"does not match {raw.file} (file has sha256 {actual})")
        return Evidence(raw.file, actual, raw.description)
    if raw.sha256 is None:
        raise _fail(
            doc, (*path, "file"), f"evidence file '{raw.file}' not found next to the answers file, and no sha256 given"
        )
    return Evidence(raw.file, raw.sha256, raw.description)


def answers_from(book: Rulebook, doc: YamlDoc, raw: AnswersFile, item_ids: list[str]) -> tuple[ItemAnswer, ...]:
    base = Path(doc.source).parent
    for item_id in raw.answers:
        if item_id not in item_ids:
            raise _fail(
                doc, ("answers", item_id), f"'{item_id}' is not an item of the checklists {', '.join(raw.checklists)}"
            )
    out: list[ItemAnswer] = []
    for item_id in item_ids:
        answer = raw.answers.get(item_id) or AnswerIn()
        path: Key = ("answers", item_id)
        if answer.status is AnswerStatus.NOT_APPLICABLE and not answer.reason.strip():
            raise _fail(doc, (*path, "reason"), "'not_applicable' needs a reason")
        evidence = tuple(_evidence(doc, base, e, (*path, "evidence", i)) for i, e in enumerate(answer.evidence))
        findings = tuple(Finding(f.severity, f.text) for f in answer.findings)
        out.append(ItemAnswer(item_id, answer.status, answer.reason, evidence, findings))
    return tuple(out)


def assessor_from(raw: AssessorIn) -> Assessor:
    return Assessor(raw.name, raw.organisation, raw.kind)
