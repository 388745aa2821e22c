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
from typing import Any

from sqlalchemy import select

from redline.domain.workflow import FilingState
from redline.errors import CheckFailedError, InputError
from redline.reports.canonical import dumps, verify_text
from redline.services import audit, checkpoints, signing_keys
from redline.services.archives import MAX_TOTAL_BYTES as MAX_TOTAL_BYTES  # the upload limit pages use
from redline.services.archives import read_members
from redline.services.context import Context
from redline.services.principal import Principal, require_filing, require_regulator_over
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


def _manifest(filing: Filing, evidence: list[Evidence], include_evidence: bool, members: dict[str, bytes],
              ) -> dict[str, Any]:
    assert filing.report is not None
    return {
        "schema": "redline/package-manifest",
        "schema_version": 1,
        "report_sha256": filing.report_digest,
        "filing": {"title": filing.title, "state": filing.state, "region": filing.region,
                   "change": filing.change, "obligations": filing.obligations,
                   "technologies": filing.technologies,
                   "submitted_at": filing.submitted_at.isoformat() if filing.submitted_at else None},
        "provider": {"name": filing.provider.name, "location": filing.provider.location,
                     "credit_code": filing.provider.credit_code},
        "service": {"name": filing.service.name, "profile": filing.service.profile} if filing.service else None,
        "evidence": [{"name": e.filename, "sha256": e.sha256, "size": e.size, "media_type": e.media_type,
                      "item_id": e.item_id, "description": e.description, "included": include_evidence}
                     for e in evidence],
        "files": {name: _sha(data) for name, data in sorted(members.items())},
    }


def export_package(ctx: Context, p: Principal, filing_id: int, *, include_evidence: bool = True,
                   key: Path | None = None, lang: str = "zh-CN", with_pdf: bool = True) -> Exported:
    """The filing's submission package; only a submitted filing (with a frozen report) has one."""
    with ctx.reader() as uow:
        filing = require_filing(p, uow.session.get(Filing, filing_id), filing_id)
        if filing.report is None:
            raise InputError(f"filing {filing_id} has no submitted report to package", field="filing")
        evidence = list(uow.session.scalars(select(Evidence).where(Evidence.filing_id == filing.id)))
        _ = filing.service
    report_text = dumps(filing.report)
    members: dict[str, bytes] = {REPORT: report_text.encode("utf-8")}
    if with_pdf:
        from redline.reports.pdf import report_pdf

        members[REPORT_PDF] = report_pdf(filing.report, lang)
    if include_evidence:
        for row in evidence:
            members[f"evidence/{row.sha256}"] = ctx.blobs.path_for(row.sha256).read_bytes()
    manifest_text = json.dumps(_manifest(filing, evidence, include_evidence, members), ensure_ascii=False,
                               sort_keys=True, indent=2) + "\n"
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
    digest = str(filing.report_digest)
    return Exported(buffer.getvalue(), f"redline-filing-{filing_id}-{digest[:12]}.zip", digest)


# ---- import --------------------------------------------------------------------------------------


def _refuse(reason: str) -> CheckFailedError:
    return CheckFailedError(f"package refused: {reason}")


def _read_members(data: bytes) -> dict[str, bytes]:
    """Every member, after checks against traversal, links, duplicates, bombs and oversize."""
    return read_members(data, _refuse)


def _cross_check(manifest: dict[str, Any], report: dict[str, Any]) -> None:
    """The manifest is not sealed: what it says of provider, service and evidence must agree with
    the sealed report, so an edited manifest is refused even without a signature."""
    sealed, stated = report.get("provider") or {}, manifest.get("provider") or {}
    for key in ("name", "location", "credit_code"):
        if stated.get(key) != sealed.get(key):
            raise _refuse(f"the manifest's provider {key} does not match the sealed report")
    service = manifest.get("service") or {}
    if service and service.get("name") != (report.get("service") or {}).get("name"):
        raise _refuse("the manifest's service does not match the sealed report")
    in_report = {e["sha256"] for m in report.get("measures", []) for i in m.get("items", [])
                 for e in i.get("evidence", [])}
    listed = {e.get("sha256") for e in manifest.get("evidence", [])}
    if not in_report <= listed:
        raise _refuse("evidence named in the sealed report is missing from the manifest")


@dataclass(frozen=True)
class Verified:
    manifest: dict[str, Any]
    report: dict[str, Any]
    report_text: str
    members: dict[str, bytes]
    signer: str | None  # the name the signature claims: show it only through signing_keys.trust_of
    signature: dict[str, Any] | None = None


def verify_package(data: bytes, *, require_signature: bool = False, trust: Path | None = None) -> Verified:
    """Check everything in the package; raise naming the first thing that is wrong."""
    members = _read_members(data)
    for required in (MANIFEST, REPORT):
        if required not in members:
            raise _refuse(f"'{required}' is missing")
    try:
        manifest = json.loads(members[MANIFEST].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _refuse("manifest.json is not JSON") from None
    if not isinstance(manifest, dict) or manifest.get("schema") != "redline/package-manifest":
        raise _refuse("manifest.json is not a redline package manifest")
    listed: dict[str, str] = manifest.get("files") or {}
    extra = sorted(set(members) - set(listed) - {MANIFEST, SIGNATURE})
    if extra:
        raise _refuse(f"members not listed in the manifest: {', '.join(extra[:5])}")
    for name, digest in listed.items():
        if name not in members:
            raise _refuse(f"'{name}' is listed in the manifest but missing")
        if _sha(members[name]) != digest:
            raise _refuse(f"'{name}' does not match its digest in the manifest (changed or damaged)")
    report_text = members[REPORT].decode("utf-8")
    try:
        report_digest = verify_text(report_text, REPORT)
    except CheckFailedError as exc:
        raise _refuse(exc.message) from None
    except InputError as exc:
        raise _refuse(f"report.json: {exc.message}") from None
    if report_digest != manifest.get("report_sha256"):
        raise _refuse("the report's seal does not match the digest the manifest names")
    _cross_check(manifest, json.loads(report_text))
    for entry in manifest.get("evidence", []):
        if entry.get("included") and f"evidence/{entry.get('sha256')}" not in members:
            raise _refuse(f"evidence '{entry.get('name')}' is missing")
    signer: str | None = None
    signature: dict[str, Any] | None = None
    if SIGNATURE in members:
        from redline.reports.signatures import payload_for_report, verify

        try:
            signature = json.loads(members[SIGNATURE].decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise _refuse("the signature is not JSON") from None
        try:
            signer = verify(payload_for_report(report_text, members[MANIFEST].decode("utf-8")), signature, trust)
        except CheckFailedError as exc:
            raise _refuse(exc.message) from None
    elif require_signature:
        raise _refuse("the package is not signed")
    return Verified(manifest, json.loads(report_text), report_text, members, signer, signature)


def import_package(ctx: Context, importer: Principal, data: bytes, *, require_signature: bool = False,
                   trust: Path | None = None) -> int:
    """Verify, then store the filing as submitted at this installation, received by a regulator over the
    provider's location; returns the new filing id."""
    checked = verify_package(data, require_signature=require_signature, trust=trust)
    manifest, provider = checked.manifest, checked.manifest.get("provider") or {}
    location = str(provider.get("location", ""))
    if ctx.book.divisions.get(location) is None:
        raise _refuse(f"the provider's location '{location}' is not a known division code")
    require_regulator_over(importer, location)
    with ctx.uow() as uow:
        s = uow.session
        shown = signing_keys.trust_of(s, checked.signature) if checked.signature is not None else None
        if require_signature and (shown is None or not shown.trusted):
            raise _refuse(f"a signature by a registered and approved key is required; this one is {shown.label}"
                          if shown else "the package is not signed")
        if s.scalar(select(Filing.id).where(Filing.report_digest == manifest["report_sha256"])):
            raise InputError("this report was imported here already", field="package")
        org = s.scalar(select(Organisation).where(Organisation.kind == "provider",
                                                  Organisation.name == provider.get("name"),
                                                  Organisation.location == location))
        if org is None:
            org = Organisation(kind="provider", name=str(provider.get("name")), location=location,
                               credit_code=provider.get("credit_code"))
            s.add(org)
            s.flush()
        service = None
        if manifest.get("service"):
            service = Service(provider_id=org.id, name=str(manifest["service"]["name"]),
                              profile=manifest["service"]["profile"])
            s.add(service)
            s.flush()
        info = manifest.get("filing", {})
        filing = Filing(provider_id=org.id, service_id=service.id if service else None, region=location,
                        state=FilingState.SUBMITTED.value, visible_to_regulator=True,
                        title=str(info.get("title", "imported")), change=info.get("change"),
                        obligations=info.get("obligations") or [], technologies=info.get("technologies") or [],
                        report=checked.report, report_digest=manifest["report_sha256"], submitted_at=ctx.now(),
                        answers={})
        s.add(filing)
        s.flush()
        for entry in manifest.get("evidence", []):
            blob = checked.members.get(f"evidence/{entry['sha256']}")
            if blob is not None:
                ctx.blobs.put(io.BytesIO(blob), str(entry["name"]))
            s.add(Evidence(filing_id=filing.id, item_id=entry.get("item_id"), sha256=entry["sha256"],
                           filename=str(entry["name"])[:255], media_type=str(entry.get("media_type", "")),
                           size=int(entry.get("size", 0)), description=str(entry.get("description", "")),
                           uploaded_by=importer.user_id, at=ctx.now()))
        package_sha = _sha(data)
        note = f"package {package_sha[:16]}" + (f", {shown.label}" if shown else ", unsigned 未签名")
        signed = {"signer": shown.signer if shown else None, "signer_trusted": bool(shown and shown.trusted),
                  "signer_claimed": checked.signer,
                  "key_id": checked.signature.get("key_id") if checked.signature else None}
        s.add(FilingEvent(filing_id=filing.id, at=ctx.now(), actor_id=importer.user_id,
                          actor_name=importer.display_name, action="import", from_state=None,
                          to_state=filing.state, note=note, data={"package_sha256": package_sha, **signed}))
        audit.append(s, ctx.now(), importer.username, "filing.import", f"filing:{filing.id}",
                     {"package_sha256": package_sha, "report_sha256": manifest["report_sha256"], **signed})
        checkpoints.write(s, ctx.settings.key_dir, ctx.now(), [(filing.id, str(manifest["report_sha256"]))])
        uow.commit()
        return filing.id

