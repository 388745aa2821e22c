"""OSCAL export: the rulebook checklists as a catalog, a sealed report as assessment results and a POA&M.

Everything is built through compliance-trestle's pydantic models of OSCAL, so what comes out is
what those models accept, and dumped the way trestle dumps (aliases, no empty members, wrapped
in the model's root key). The same input always gives the same OSCAL: every UUID is a UUID v5
over a redline namespace and a stable key (rulebook version or report seal digest, item id),
and every timestamp comes from the data (the assessment date), never from the clock.

trestle is a heavy import, so it is imported inside the functions that need it.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from redline.errors import InputError
from redline.reports.models import AssessmentReport, AssessmentReportV1, ReportItem, read_report
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import Checklist, ChecklistItem, Quote, TextStatus

if TYPE_CHECKING:
    from trestle.oscal import catalog as cat
    from trestle.oscal import common

NS = "https://redline.invalid/ns/oscal"
"""Namespace of redline's own OSCAL props and parts."""

UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, NS)

ROOTS = ("catalog", "profile", "assessment-results", "plan-of-action-and-milestones")

OPEN_STATUSES = frozenset({"not_met", "partly_met"})
SATISFIED_STATUSES = frozenset({"met", "not_applicable"})
SEVERITY_ORDER = ("low", "medium", "high", "critical")


# ---- small helpers ------------------------------------------------------------------------------


def stable_uuid(*key: str) -> str:
    """A UUID v5 in redline's namespace over the joined key: the same key gives the same UUID."""
    return str(uuid.uuid5(UUID_NAMESPACE, "\x1f".join(key)))


def control_id(item_id: str) -> str:
    """The OSCAL control id of a checklist item (or group id of a checklist).

    OSCAL tokens may not start with a digit while rulebook ids may; those get a leading `_`,
    which no rulebook id starts with, so the mapping stays one-to-one.
    """
    return item_id if item_id[:1].isalpha() else f"_{item_id}"


def statement_id(item_id: str) -> str:
    """The id of the control's statement part, the target of a finding."""
    return f"{control_id(item_id)}_smt"


def _line(text: str) -> str:
    """One line without outer whitespace, as OSCAL titles and prop values require."""
    return " ".join(str(text).split()) or "-"


def _prop(name: str, value: str, *, redline: bool = True) -> common.Property:
    from trestle.oscal import common

    if redline:
        return common.Property(name=name, ns=NS, value=_line(value))
    return common.Property(name=name, value=_line(value))


def _day(value: str | dt.date) -> dt.datetime:
    """Midnight UTC of a calendar day: the date survives trestle's normalisation to +00:00."""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _dump(model: Any) -> dict[str, Any]:
    """trestle's own serialisation: by alias, without None, JSON types, wrapped in the root key."""
    wrapped: dict[str, Any] = model.oscal_dict()
    return wrapped


def to_json(document: dict[str, Any]) -> str:
    """The file form of an OSCAL document: UTF-8 text, members in model order, indented."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _bilingual(zh: str, en: str) -> str:
    return zh if not en or en == zh else f"{zh} / {en}"


# ---- catalog ------------------------------------------------------------------------------------


def _regulation_resource(book: Rulebook, reg_id: str) -> common.Resource:
    from trestle.oscal import common

    reg = book.regulation(reg_id)
    props = [
        _prop("regulation-id", reg.id),
        _prop("status", reg.status.value),
        _prop("promulgated", reg.promulgated.isoformat()),
        _prop("effective", reg.effective.isoformat()),
    ]
    if reg.document_number:
        props.append(_prop("document-number", reg.document_number))
    if reg.superseded_on:
        props.append(_prop("superseded-on", reg.superseded_on.isoformat()))
    return common.Resource(
        uuid=stable_uuid("regulation", reg.id),
        title=_line(reg.title_zh),
        description=reg.title_en,
        props=props,
        rlinks=[common.Rlink(href=source) for source in reg.sources] or None,
    )


def _citation_parts(book: Rulebook, owner: str, quotes: list[Quote]) -> tuple[list[common.Part], list[str]]:
    """One `citation` part per quote: regulation and article label as title, the verbatim quote as
    prose, its cite and verified/unverified status as props, a link to the regulation resource."""
    from trestle.oscal import common

    parts: list[common.Part] = []
    regulations: list[str] = []
    for number, quote in enumerate(quotes, start=1):
        fragment = book.fragment(quote.cite)
        reg = fragment.regulation
        status = fragment.quote_status(quote.text) or TextStatus.UNVERIFIED
        if reg.id not in regulations:
            regulations.append(reg.id)
        parts.append(
            common.Part(
                id=f"{owner}_cit{number}",
                name="citation",
                ns=NS,
                title=_line(f"《{reg.title_zh}》{fragment.citation.label_zh()}"),
                props=[
                    _prop("cite", quote.cite),
                    _prop("text-status", status.value),
                    _prop("regulation-title-en", reg.title_en),
                    _prop("label-en", fragment.citation.label_en()),
                ],
                prose=quote.text,
                links=[
                    common.Link(
                        href=f"#{stable_uuid('regulation', reg.id)}",
                        rel="reference",
                        text=_line(f"{reg.title_en}, {fragment.citation.label_en()}"),
                    )
                ],
            )
        )
    return parts, regulations


def _guidance(item: ChecklistItem) -> str:
    evidence = "\n".join(f"- {zh} / {en}" for zh, en in zip(item.evidence_zh, item.evidence_en, strict=False))
    return f"责任 / Who: {_bilingual(item.who_zh, item.who_en)}\n\n应有证据 / Evidence expected:\n\n{evidence}"


def _control(book: Rulebook, item: ChecklistItem) -> tuple[cat.Control, list[str]]:
    from trestle.oscal import catalog as cat
    from trestle.oscal import common

    cid = control_id(item.id)
    citations, regulations = _citation_parts(book, cid, list(item.quotes))
    parts = [
        common.Part(id=statement_id(item.id), name="statement", prose=f"{item.question_zh}\n\n{item.question_en}"),
        common.Part(id=f"{cid}_gdn", name="guidance", prose=_guidance(item)),
        *citations,
    ]
    props = [_prop("label", item.id, redline=False)]
    props += [_prop("probe", probe) for probe in item.probes]
    links = [common.Link(href=f"#{stable_uuid('regulation', r)}", rel="reference") for r in regulations]
    control = cat.Control(id=cid, title=_line(item.question_zh), props=props, links=links, parts=parts)
    return control, regulations


def _group(book: Rulebook, checklist: Checklist) -> tuple[cat.Group2, list[str]]:
    from trestle.oscal import catalog as cat
    from trestle.oscal import common

    gid = control_id(checklist.id)
    citations, regulations = _citation_parts(book, gid, list(checklist.quotes))
    controls = []
    for item in checklist.items:
        control, cited = _control(book, item)
        controls.append(control)
        regulations += [r for r in cited if r not in regulations]
    props = [_prop("label", checklist.id, redline=False), _prop("title-en", checklist.title_en)]
    props += [_prop("applies-when", tag.value) for tag in checklist.applies_when]
    scope = book.checklist_scope(checklist.id)
    if scope is not None:  # a local package's checklist: in force only in this GB/T 2260 division
        props += [_prop("jurisdiction", scope.division), _prop("local-package", scope.package)]
    overview = common.Part(id=f"{gid}_ovw", name="overview", prose=checklist.title_en, parts=citations)
    group = cat.Group2(id=gid, title=_line(checklist.title_zh), props=props, parts=[overview], controls=controls)
    return group, regulations


def catalog(book: Rulebook) -> dict[str, Any]:
    """The rulebook's checklists as an OSCAL catalog: a group per checklist, a control per item."""
    from trestle.oscal import OSCAL_VERSION, common
    from trestle.oscal import catalog as cat

    groups = []
    regulations: list[str] = []
    for checklist in book.checklists:
        group, cited = _group(book, checklist)
        groups.append(group)
        regulations += [r for r in cited if r not in regulations]
    latest = max(reg.promulgated for reg in book.regulations)
    metadata = common.Metadata(
        title="redline 安全评估检查清单 / redline security-assessment checklists",
        last_modified=_day(latest),
        version=book.version or "unversioned",
        oscal_version=OSCAL_VERSION,
        props=[_prop("rulebook-version", book.version or "unversioned")],
        remarks="Generated from the redline rulebook. last-modified is the latest promulgation date "
        "of the regulations it holds. Quotes marked text-status=unverified rest on statute "
        "text not yet checked against an official source.",
    )
    model = cat.Catalog(
        uuid=stable_uuid("catalog", book.version),
        metadata=metadata,
        groups=groups,
        back_matter=common.BackMatter(resources=[_regulation_resource(book, r) for r in sorted(regulations)]),
    )
    return _dump(model)


# ---- reports ------------------------------------------------------------------------------------


SealedReport = AssessmentReport | AssessmentReportV1


def _typed(report: SealedReport | dict[str, Any]) -> SealedReport:
    """A report given as plain JSON values (stored or parsed) is read through its model first, which names
    a bad field; everything below reads typed members."""
    if isinstance(report, (AssessmentReport, AssessmentReportV1)):
        return report
    return read_report(report, "report")


def _items(report: SealedReport) -> Iterator[ReportItem]:
    for measure in report.measures:
        yield from measure.items


def is_open(item: ReportItem) -> bool:
    """An item is open when it is not met, partly met, or has any finding."""
    return _status(item) in OPEN_STATUSES or bool(item.findings)


def _status(item: ReportItem) -> str:
    return item.status.value if item.status else "unanswered"


def _severity(item: ReportItem) -> str | None:
    found = [f.severity.value for f in item.findings if f.severity.value in SEVERITY_ORDER]
    return max(found, key=SEVERITY_ORDER.index) if found else None


def _describe(item: ReportItem) -> str:
    lines = [f"{item.question.zh}\n\n{item.question.en}", f"状态 / status: {_status(item)}"]
    if item.reason:
        lines.append(f"理由 / reason: {item.reason}")
    if item.findings:
        lines.append("发现 / findings:\n\n" + "\n".join(f"- [{f.severity.value}] {f.text}" for f in item.findings))
    return "\n\n".join(lines)


class _Context:
    """What the assessment-results and the POA&M of one report share."""

    def __init__(self, report: SealedReport) -> None:
        self.report = report
        self.digest = report.seal.digest
        self.date = _day(report.assessment.date)
        self.assessor = report.assessment.assessor
        self.provider = report.provider
        self.service = report.service
        self.rulebook = report.generator.rulebook or "unversioned"
        self.assessor_uuid = stable_uuid(self.digest, "party", "assessor")
        self.provider_uuid = stable_uuid(self.digest, "party", "provider")
        self.catalog_resource = stable_uuid(self.digest, "resource", "catalog")
        self.evidence: dict[tuple[str, str], common.Resource] = {}

    def metadata(self, title: str) -> common.Metadata:
        from trestle.oscal import OSCAL_VERSION, common

        organisation, kind = self.assessor.organisation, self.assessor.kind.value
        parties = [
            common.Parties(
                uuid=self.provider_uuid,
                type="organization",
                name=_line(self.provider.name or "-"),
                props=[_prop("credit-code", self.provider.credit_code)] if self.provider.credit_code else None,
            ),
            common.Parties(
                uuid=self.assessor_uuid,
                type="person",
                name=_line(self.assessor.name or "-"),
                props=[_prop("organisation", organisation), _prop("assessor-kind", kind)]
                if organisation
                else [_prop("assessor-kind", kind)],
            ),
        ]
        return common.Metadata(
            title=_line(title),
            last_modified=self.date,
            version=f"report-{self.digest[:12]}",
            oscal_version=OSCAL_VERSION,
            props=self.seal_props(),
            parties=parties,
            roles=[
                common.Role(id="assessor", title="评估人 / Assessor"),
                common.Role(id="provider", title="服务提供者 / Service provider"),
            ],
            responsible_parties=[
                common.ResponsibleParty(role_id="assessor", party_uuids=[self.assessor_uuid]),
                common.ResponsibleParty(role_id="provider", party_uuids=[self.provider_uuid]),
            ],
        )

    def seal_props(self) -> list[common.Property]:
        conclusion = self.report.conclusion.result.value
        return [
            _prop("report-seal-sha256", self.digest),
            _prop("conclusion", conclusion),
            _prop("rulebook-version", self.rulebook),
        ]

    def origins(self) -> list[common.Origin]:
        from trestle.oscal import common

        return [
            common.Origin(actors=[common.OriginActor(type="party", actor_uuid=self.assessor_uuid, role_id="assessor")])
        ]

    def relevant_evidence(self, item: ReportItem) -> list[common.RelevantEvidence] | None:
        from trestle.oscal import common

        found = []
        for evidence in item.evidence:
            file, sha256 = evidence.file, evidence.sha256
            key = (file, sha256)
            if key not in self.evidence:
                self.evidence[key] = common.Resource(
                    uuid=stable_uuid(self.digest, "evidence", file, sha256),
                    title=_line(file),
                    description=evidence.description or None,
                    props=[_prop("sha256", sha256)],
                    rlinks=[common.Rlink(href=file, hashes=[common.Hash(algorithm="SHA-256", value=sha256)])],
                )
            found.append(
                common.RelevantEvidence(
                    href=f"#{self.evidence[key].uuid}",
                    description=evidence.description or file,
                    props=[_prop("file", file), _prop("sha256", sha256)],
                )
            )
        return found or None

    def observation(self, item: ReportItem) -> common.Observation:
        from trestle.oscal import common

        props = [_prop("assessment-status", _status(item)), _prop("checklist-item", item.id)]
        return common.Observation(
            uuid=stable_uuid(self.digest, "observation", item.id),
            title=_line(f"{control_id(item.id)}: {_status(item)}"),
            description=_describe(item),
            props=props,
            methods=["EXAMINE"],
            types=["control-objective"],
            origins=self.origins(),
            relevant_evidence=self.relevant_evidence(item),
            collected=self.date,
            remarks=item.reason or None,
        )

    def finding(self, item: ReportItem) -> common.Finding:
        from trestle.oscal import common

        satisfied = _status(item) in SATISFIED_STATUSES
        props = [_prop("assessment-status", _status(item))]
        severity = _severity(item)
        if severity:
            props.append(_prop("severity", severity))
        zh = item.question.zh
        target = common.FindingTarget(
            type="statement-id",
            target_id=statement_id(item.id),
            status=common.ObjectiveStatus(
                state="satisfied" if satisfied else "not-satisfied", reason="pass" if satisfied else "fail"
            ),
        )
        return common.Finding(
            uuid=stable_uuid(self.digest, "finding", item.id),
            title=_line(f"{control_id(item.id)}: {zh}"),
            description=_describe(item),
            props=props,
            origins=self.origins(),
            target=target,
            related_observations=[
                common.RelatedObservation(observation_uuid=stable_uuid(self.digest, "observation", item.id))
            ],
        )

    def back_matter(self) -> common.BackMatter:
        from trestle.oscal import common

        catalog_resource = common.Resource(
            uuid=self.catalog_resource,
            title="redline 安全评估检查清单 / redline security-assessment checklists",
            description="The OSCAL catalog of the redline rulebook's checklists that served as the assessment "
            "plan (`redline oscal catalog`).",
            props=[
                _prop("rulebook-version", self.rulebook),
                _prop("catalog-uuid", stable_uuid("catalog", self.rulebook)),
            ],
        )
        evidence = sorted(self.evidence.values(), key=lambda r: (r.title or "", r.uuid))
        return common.BackMatter(resources=[catalog_resource, *evidence])

    def title(self, what: str) -> str:
        return f"{what}：{self.service.name or '-'}"


def assessment_results(given: SealedReport | dict[str, Any]) -> dict[str, Any]:
    """OSCAL assessment-results for one sealed redline report."""
    from trestle.oscal import assessment_results as ar
    from trestle.oscal import common

    report = _typed(given)
    ctx = _Context(report)
    items = list(_items(report))
    if not items:
        raise InputError("the report assesses no checklist items", field="measures")
    observations = [ctx.observation(item) for item in items]
    findings = [ctx.finding(item) for item in items if is_open(item)]
    conclusion = report.conclusion
    reviewed = common.ReviewedControls(
        control_selections=[
            common.ControlSelections(
                include_controls=[common.SelectControlById(control_id=control_id(item.id)) for item in items]
            )
        ]
    )
    attestations = None
    if conclusion.statement:
        attestations = [
            ar.Attestation(
                responsible_parties=[common.ResponsibleParty(role_id="assessor", party_uuids=[ctx.assessor_uuid])],
                parts=[common.AssessmentPart(name="assessor-statement", ns=NS, prose=conclusion.statement)],
            )
        ]
    result = ar.Result(
        uuid=stable_uuid(ctx.digest, "result"),
        title=_line(ctx.title("安全评估结果 / Security assessment result")),
        description=f"结论 / conclusion: {conclusion.result.value}",
        start=ctx.date,
        end=ctx.date,
        props=ctx.seal_props(),
        reviewed_controls=reviewed,
        attestations=attestations,
        observations=observations,
        findings=findings or None,
    )
    model = ar.AssessmentResults(
        uuid=stable_uuid(ctx.digest, "assessment-results"),
        metadata=ctx.metadata(ctx.title("安全评估报告 / Security assessment report")),
        import_ap=ar.ImportAp(
            href=f"#{ctx.catalog_resource}",
            remarks="No OSCAL assessment plan exists: the redline checklists in the "
            "referenced catalog served as the plan.",
        ),
        results=[result],
        back_matter=ctx.back_matter(),
    )
    return _dump(model)


def poam(given: SealedReport | dict[str, Any]) -> dict[str, Any]:
    """The report's open items (not met, partly met, or with any finding) as an OSCAL POA&M."""
    from trestle.oscal import common
    from trestle.oscal import poam as pm

    report = _typed(given)
    ctx = _Context(report)
    open_items = [item for item in _items(report) if is_open(item)]
    if not open_items:
        raise InputError(
            "the report has no open items (nothing not met, partly met or with findings); "
            "an OSCAL POA&M needs at least one"
        )
    observations = [ctx.observation(item) for item in open_items]
    findings = [ctx.finding(item) for item in open_items]
    poam_items = []
    for item, observation, finding in zip(open_items, observations, findings, strict=True):
        props = [_prop("assessment-status", _status(item)), _prop("checklist-item", item.id)]
        severity = _severity(item)
        if severity:
            props.append(_prop("severity", severity))
        poam_items.append(
            pm.PoamItem(
                uuid=stable_uuid(ctx.digest, "poam-item", item.id),
                title=finding.title,
                description=_describe(item),
                props=props,
                related_findings=[pm.RelatedFinding(finding_uuid=finding.uuid)],
                related_observations=[common.RelatedObservation(observation_uuid=observation.uuid)],
            )
        )
    service = common.SystemComponent(
        uuid=stable_uuid(ctx.digest, "component", "service"),
        type="this-system",
        title=_line(ctx.service.name or "-"),
        description=ctx.service.description or "-",
        status=common.Status(state="operational"),
    )
    model = pm.PlanOfActionAndMilestones(
        uuid=stable_uuid(ctx.digest, "poam"),
        metadata=ctx.metadata(ctx.title("整改计划 / Plan of action and milestones")),
        system_id=common.SystemId(identifier_type="https://ietf.org/rfc/rfc4122", id=stable_uuid(ctx.digest, "system")),
        local_definitions=pm.LocalDefinitions(components=[service]),
        observations=observations,
        findings=findings,
        poam_items=poam_items,
        back_matter=ctx.back_matter(),
    )
    return _dump(model)


__all__ = ["NS", "assessment_results", "catalog", "control_id", "is_open", "poam", "stable_uuid", "to_json"]
