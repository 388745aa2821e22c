"""Submission packages: a filing's sealed report, PDF, evidence and signatures in one ZIP that moves
between installations. Import verifies everything before it accepts anything, and writes nothing
when it refuses.
"""

from __future__ import annotations

import hashlib
import io
import json
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.adapters.archives import MAX_TOTAL_BYTES, read_members
from redline.domain.workflow import FilingState
from redline.errors import CheckFailedError, InputError, PackageTooLargeError, PermissionDeniedError
from redline.reports.canonical import dumps, loads, verify_text
from redline.reports.models import read_report
from redline.services import audit
from redline.services.access import signing_keys
from redline.services.context import Context
from redline.services.filing import report_versions
from redline.services.packages.package_checks import (
    ManifestDoc,
    ManifestEvidence,
    ReportDoc,
    check_evidence_members,
    cross_check,
    evidence_content,
    evidence_member,
    report_evidence,
    typed,
)
from redline.services.principal import Principal, require_filing, require_regulator_over
from redline.services.records import checkpoints, receipts
from redline.store.blobs import sniff
from redline.store.models import Evidence, Filing, FilingEvent, Organisation, Service

MANIFEST = "manifest.json"
REPORT = "report.json"
REPORT_PDF = "report.pdf"
SIGNATURE = "signatures/report.sig"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Exported:
    data: bytes
    filename: str
    report_sha256: str


def _manifest(
    filing: Filing, digest: str, evidence: list[Evidence], include_evidence: bool, members: dict[str, bytes]
) -> dict[str, Any]:
    return {
        "schema": "redline/package-manifest",
        "schema_version": 1,
        "report_sha256": digest,
        "filing": {
            "title": filing.title,
            "state": filing.state,
            "region": filing.region,
            "change": filing.change,
            "obligations": filing.obligations,
            "technologies": filing.technologies,
            "submitted_at": filing.submitted_at.isoformat() if filing.submitted_at else None,
        },
        "provider": {
            "name": filing.provider.name,
            "location": filing.provider.location,
            "credit_code": filing.provider.credit_code,
        },
        "service": {"name": filing.service.name, "profile": filing.service.profile} if filing.service else None,
        "evidence": [
            {
                "name": e.filename,
                "sha256": e.sha256,
                "size": e.size,
                "media_type": e.media_type,
                "item_id": e.item_id,
                "description": e.description,
                "included": include_evidence,
            }
            for e in evidence
        ],
        "files": {name: _sha(data) for name, data in sorted(members.items())},
    }


def export_package(
    ctx: Context,
    p: Principal,
    filing_id: int,
    *,
    include_evidence: bool = True,
    key: Path | None = None,
    lang: str = "zh-CN",
    with_pdf: bool = True,
    version: int | None = None,
) -> Exported:
    """The filing's submission package (of its latest report version, or of `version`); only a submitted
    filing (with a frozen report) has one."""
    with ctx.reader() as uow:
        filing = require_filing(p, uow.session.get(Filing, filing_id), filing_id)
        if filing.report is None or filing.report_digest is None:
            raise InputError(f"filing {filing_id} has no submitted report to package", field="filing")
        report, digest = filing.report, filing.report_digest
        if version is not None:
            _, report = report_versions.get_version(ctx, p, filing_id, version)
            digest = str(report["seal"]["digest"])
        # the sealed report's evidence only: files added later (a rectification's) are not part of it
        sealed = report_evidence(typed(ReportDoc, report, "report"))
        evidence = [
            e
            for e in uow.session.scalars(select(Evidence).where(Evidence.filing_id == filing.id).order_by(Evidence.id))
            if e.sha256 in sealed
        ]
        evidence = list({e.sha256: e for e in evidence}.values())
        _ = filing.service
        countersigned = receipts.package_members(uow.session, filing.id, str(digest))
    report_text = dumps(report)
    members: dict[str, bytes] = {REPORT: report_text.encode("utf-8"), **countersigned}
    if with_pdf:
        from redline.reports.pdf import report_pdf

        members[REPORT_PDF] = report_pdf(report, lang)
    if include_evidence:
        for row in evidence:
            members[evidence_member(row.sha256, row.filename, row.media_type)] = ctx.blobs.path_for(
                row.sha256
            ).read_bytes()
    manifest_text = (
        json.dumps(
            _manifest(filing, digest, evidence, include_evidence, members), ensure_ascii=False, sort_keys=True, indent=2
        )
        + "\n"
    )
    archive = {**members, MANIFEST: manifest_text.encode("utf-8")}
    if key is not None:
        from redline.reports.signatures import payload_for_report, sign

        signature = sign(payload_for_report(report_text, manifest_text), key)
        archive[SIGNATURE] = (json.dumps(signature, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(archive):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            zf.writestr(info, archive[name])
    return Exported(buffer.getvalue(), f"redline-filing-{filing_id}-{digest[:12]}.zip", digest)


# ---- import --------------------------------------------------------------------------------------


def _refuse(reason: str) -> CheckFailedError:
    return CheckFailedError(f"package refused: {reason}")


def _too_large(reason: str) -> PackageTooLargeError:
    return PackageTooLargeError(f"package refused: {reason}", field="file")


def may_import(p: Principal) -> None:
    """Only a regulator imports packages. Checked before an upload is read, so nobody else can make
    the server receive, unpack or hold one."""
    if not p.is_regulator or not p.jurisdiction:
        raise PermissionDeniedError("only a CAC or public-security officer may import a submission package")


def read_package(stream: BinaryIO, limit: int) -> bytes:
    """An uploaded package, refused without reading further once it passes `limit` bytes."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise _too_large(f"the package is larger than {limit} bytes")
    return data


def _json(members: dict[str, bytes], name: str) -> Any:
    try:
        return loads(members[name].decode("utf-8"), name)
    except UnicodeDecodeError:
        raise _refuse(f"{name} is not UTF-8 text") from None
    except InputError as exc:
        raise _refuse(f"{name}: {exc.message}") from None


def _check_files(manifest: ManifestDoc, members: dict[str, bytes]) -> None:
    extra = sorted(set(members) - set(manifest.files) - {MANIFEST, SIGNATURE})
    if extra:
        raise _refuse(f"members not listed in the manifest: {', '.join(extra[:5])}")
    for name, digest in manifest.files.items():
        if name not in members:
            raise _refuse(f"'{name}' is listed in the manifest but missing")
        if _sha(members[name]) != digest:
            raise _refuse(f"'{name}' does not match its digest in the manifest (changed or damaged)")


def _sealed_report(members: dict[str, bytes], manifest: ManifestDoc) -> tuple[str, dict[str, Any]]:
    try:
        report_text = members[REPORT].decode("utf-8")
        report_digest = verify_text(report_text, REPORT)
    except UnicodeDecodeError:
        raise _refuse("report.json is not UTF-8 text") from None
    except CheckFailedError as exc:
        raise _refuse(exc.message) from None
    except InputError as exc:
        raise _refuse(f"report.json: {exc.message}") from None
    if report_digest != manifest.report_sha256:
        raise _refuse("the report's seal does not match the digest the manifest names")
    report: dict[str, Any] = loads(report_text, REPORT)
    try:
        read_report(report, REPORT)  # the published model (docs/schemas), version 1 or 2
    except InputError as exc:
        raise InputError(f"package refused: {exc.field}: {exc.message}", field=exc.field) from None
    return report_text, report


def _signer(
    members: dict[str, bytes], report_text: str, require_signature: bool, trust: Path | None
) -> tuple[str | None, dict[str, Any] | None]:
    """The name the signature claims and the signature, once it verifies; (None, None) when unsigned."""
    if SIGNATURE not in members:
        if require_signature:
            raise _refuse("the package is not signed")
        return None, None
    from redline.reports.signatures import payload_for_report, verify

    signature = _json(members, SIGNATURE)
    if not isinstance(signature, dict):
        raise _refuse("the signature is not a JSON object")
    try:
        return verify(payload_for_report(report_text, members[MANIFEST].decode("utf-8")), signature, trust), signature
    except CheckFailedError as exc:
        raise _refuse(exc.message) from None


@dataclass(frozen=True)
class Verified:
    manifest: ManifestDoc
    report: dict[str, Any]
    report_text: str
    members: dict[str, bytes]
    signer: str | None  # the name the signature claims: show it only through signing_keys.trust_of
    signature: dict[str, Any] | None = None
    receipts: tuple[dict[str, Any], ...] = ()


def verify_package(
    data: bytes, *, require_signature: bool = False, trust: Path | None = None, max_bytes: int = MAX_TOTAL_BYTES
) -> Verified:
    """Check everything in the package; raise naming the first thing that is wrong. At most
    `max_bytes` are decompressed."""
    members = read_members(data, _refuse, max_total_bytes=max_bytes, too_large=_too_large)
    for required in (MANIFEST, REPORT):
        if required not in members:
            raise _refuse(f"'{required}' is missing")
    raw = _json(members, MANIFEST)
    if not isinstance(raw, dict) or raw.get("schema") != "redline/package-manifest":
        raise _refuse("manifest.json is not a redline package manifest")
    manifest = typed(ManifestDoc, raw, "manifest")
    _check_files(manifest, members)
    report_text, report = _sealed_report(members, manifest)
    cross_check(manifest, typed(ReportDoc, report, "report"))
    check_evidence_members(manifest, members)
    signer, signature = _signer(members, report_text, require_signature, trust)
    countersigned = tuple(receipts.check_package(members, manifest.report_sha256))
    return Verified(manifest, report, report_text, members, signer, signature, countersigned)


def _provider(s: Session, manifest: ManifestDoc) -> Organisation | None:
    return s.scalar(
        select(Organisation).where(
            Organisation.kind == "provider",
            Organisation.name == manifest.provider.name,
            Organisation.location == manifest.provider.location,
        )
    )


def _held_here(
    ctx: Context, s: Session, org: Organisation | None, entries: list[ManifestEvidence]
) -> dict[str, Evidence]:
    """Evidence the package leaves out must already be here as a file of the same provider's filings:
    a digest is never taken on the package's word (it could name another provider's file)."""
    wanted = {e.sha256 for e in entries}
    held: dict[str, Evidence] = {}
    if org is not None and wanted:
        rows = s.scalars(
            select(Evidence)
            .join(Filing, Evidence.filing_id == Filing.id)
            .where(Filing.provider_id == org.id, Evidence.sha256.in_(wanted))
        )
        held = {row.sha256: row for row in rows if ctx.blobs.path_for(row.sha256).exists()}
    missing = sorted(wanted - set(held))
    if missing:
        raise _refuse(f"evidence {missing[0]} is not in the package and not held here for this provider")
    return held


def _precheck_blobs(ctx: Context, checked: Verified) -> None:
    """Refuse before writing anything: every included file must be one the evidence store accepts."""
    for entry in checked.manifest.evidence:
        content = evidence_content(entry, checked.members)
        if content is None:
            continue
        if not content or len(content) > ctx.blobs.max_bytes or sniff(content[:4096]) is None:
            raise _refuse(f"evidence '{entry.name}' is empty, too large or not of a type accepted as evidence")


def _add_evidence(
    ctx: Context, s: Session, importer: Principal, filing: Filing, checked: Verified, held: dict[str, Evidence]
) -> None:
    for entry in checked.manifest.evidence:
        content = evidence_content(entry, checked.members)
        if content is not None:
            blob = ctx.blobs.put(io.BytesIO(content), entry.name)
            media_type, size = blob.media_type, blob.size
        else:
            media_type, size = held[entry.sha256].media_type, held[entry.sha256].size
        s.add(
            Evidence(
                filing_id=filing.id,
                item_id=entry.item_id,
                sha256=entry.sha256,
                filename=entry.name[:255],
                media_type=media_type,
                size=size,
                description=entry.description,
                uploaded_by=importer.user_id,
                at=ctx.now(),
            )
        )


def _new_filing(ctx: Context, s: Session, org: Organisation, checked: Verified) -> Filing:
    manifest = checked.manifest
    service = None
    if manifest.service:
        service = Service(provider_id=org.id, name=manifest.service.name, profile=manifest.service.profile or {})
        s.add(service)
        s.flush()
    info = manifest.filing
    filing = Filing(
        provider_id=org.id,
        service_id=service.id if service else None,
        region=org.location,
        state=FilingState.SUBMITTED.value,
        visible_to_regulator=True,
        title=info.title,
        change=info.change,
        obligations=[o.model_dump(mode="json") for o in info.obligations],
        technologies=list(info.technologies),
        report=checked.report,
        report_digest=manifest.report_sha256,
        submitted_at=ctx.now(),
        answers={},
        # the rulebook the report says it was made with; impact counts it as not kept unless this installation
        # has run the same rulebook
        rulebook_version=_rulebook_of(checked.report),
    )
    s.add(filing)
    s.flush()
    report_versions.add_version(s, filing, checked.report, ctx.now(), None)
    return filing


def import_package(
    ctx: Context, importer: Principal, data: bytes, *, require_signature: bool = False, trust: Path | None = None
) -> int:
    """Verify, then store the filing as submitted at this installation, received by a regulator over the
    provider's location; returns the new filing id."""
    may_import(importer)
    checked = verify_package(
        data, require_signature=require_signature, trust=trust, max_bytes=ctx.settings.max_archive_bytes
    )
    manifest = checked.manifest
    location = manifest.provider.location
    if ctx.book.divisions.get(location) is None:
        raise _refuse(f"the provider's location '{location}' is not a known division code")
    require_regulator_over(importer, location)
    _precheck_blobs(ctx, checked)
    with ctx.uow() as uow:
        s = uow.session
        shown = signing_keys.trust_of(s, checked.signature) if checked.signature is not None else None
        if require_signature and (shown is None or not shown.trusted):
            raise _refuse(
                f"a signature by a registered and approved key is required; this one is {shown.label}"
                if shown
                else "the package is not signed"
            )
        if s.scalar(select(Filing.id).where(Filing.report_digest == manifest.report_sha256)):
            raise InputError("this report was imported here already", field="package")
        org = _provider(s, manifest)
        held = _held_here(ctx, s, org, [e for e in manifest.evidence if not e.included])
        if org is None:
            org = Organisation(
                kind="provider",
                name=manifest.provider.name,
                location=location,
                credit_code=manifest.provider.credit_code,
            )
            s.add(org)
            s.flush()
        filing = _new_filing(ctx, s, org, checked)
        _add_evidence(ctx, s, importer, filing, checked, held)
        _record(ctx, s, importer, filing, checked, _sha(data), shown)
        uow.commit()
        return filing.id


def _record(
    ctx: Context,
    s: Session,
    importer: Principal,
    filing: Filing,
    checked: Verified,
    package_sha: str,
    shown: signing_keys.Trust | None,
) -> None:
    """The timeline event, the audit entry and a signed checkpoint covering the imported report."""
    note = f"package {package_sha[:16]}" + (f", {shown.label}" if shown else ", unsigned 未签名")
    signed = {
        "signer": shown.signer if shown else None,
        "signer_trusted": bool(shown and shown.trusted),
        "signer_claimed": checked.signer,
        "key_id": checked.signature.get("key_id") if checked.signature else None,
        "receipts": [signing_keys.trust_of(s, r["signature"]).label for r in checked.receipts],
    }
    s.add(
        FilingEvent(
            filing_id=filing.id,
            at=ctx.now(),
            actor_id=importer.user_id,
            actor_name=importer.display_name,
            action="import",
            from_state=None,
            to_state=filing.state,
            note=note,
            data={"package_sha256": package_sha, **signed},
        )
    )
    audit.append(
        s,
        ctx.now(),
        importer.username,
        "filing.import",
        f"filing:{filing.id}",
        {"package_sha256": package_sha, "report_sha256": checked.manifest.report_sha256, **signed},
    )
    checkpoints.write(s, ctx.settings.key_dir, ctx.now(), [(filing.id, checked.manifest.report_sha256)])


def _rulebook_of(report: dict[str, Any]) -> str | None:
    generator = report.get("generator")
    digest = generator.get("rulebook") if isinstance(generator, dict) else None
    return digest[:200] if isinstance(digest, str) and digest else None
