"""Names of the values people see: filing states and actions, answers, roles, severities, conclusions.

One table per kind, shared by the pages (`web/templating.py`), the reports (`reports/html.py`) and the CLI.
A value without a name is shown as it is, so a value added later is visible, not silently blank.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from redline.words import N_, gettext_for

STATES = {
    "notice_issued": N_("Notice issued"),
    "draft": N_("Draft"),
    "submitted": N_("Submitted"),
    "under_review": N_("Under review"),
    "accepted": N_("Accepted"),
    "closed": N_("Closed"),
    "supplement_requested": N_("Supplement requested"),
    "reassessment_ordered": N_("Re-assessment ordered"),
    "onsite_inspection": N_("On-site inspection"),
    "rectification_ordered": N_("Rectification ordered"),
    "rectification_submitted": N_("Rectification submitted"),
    "verified": N_("Rectification verified"),
}
ACTIONS = {
    "start": N_("Start the assessment"),
    "submit": N_("Submit the report"),
    "start_review": N_("Start the written review"),
    "accept": N_("Accept"),
    "request_supplement": N_("Request a supplement"),
    "order_reassessment": N_("Order re-assessment"),
    "reopen": N_("Reopen the assessment"),
    "start_inspection": N_("Start on-site inspection"),
    "finish_inspection": N_("Record the on-site inspection"),
    "order_rectification": N_("Order rectification"),
    "submit_rectification": N_("Submit the rectification"),
    "verify": N_("Verify the rectification"),
    "reject_rectification": N_("Send the rectification back"),
    "close": N_("Close the filing"),
}
EVENTS = {
    **ACTIONS,
    "open": N_("Change recorded"),
    "notify": N_("Written notice issued"),
    "answers": N_("Answers saved"),
    "evidence": N_("Evidence uploaded"),
    "invite_assessor": N_("Assessor invited"),
    "sign": N_("Conclusion signed"),
    "signature_withdrawn": N_("Assessor's signature withdrawn"),
    "comment": N_("Review comment"),
    "rectification_answer": N_("Item answered"),
    "judgement": N_("Judgement recorded"),
}
# An item not yet answered: "" in forms, None in sealed reports.
ANSWERS: dict[str | None, str] = {
    "met": N_("Met"),
    "partly_met": N_("Partly met"),
    "not_met": N_("Not met"),
    "not_applicable": N_("Not applicable"),
    "": N_("Unanswered"),
    None: N_("Unanswered"),
}
ROLES = {
    "provider_admin": N_("Provider administrator"),
    "provider_member": N_("Provider member"),
    "assessor": N_("Third-party assessor"),
    "cac_officer": N_("CAC officer"),
    "mps_officer": N_("Public-security officer"),
    "platform_admin": N_("Platform administrator"),
}
DEADLINES = {
    "statutory": N_("Statutory due date (from the obligation)"),
    "supplement": N_("Supplement due"),
    "reassessment": N_("Re-assessment due"),
    "rectification": N_("Rectification item due"),
}
# A deadline's kind in a few words (a calendar cell, a queue row); the escalation list says "submission".
DEADLINE_KINDS = {
    "statutory": N_("Report submission"),
    "submission": N_("Report submission"),
    "supplement": N_("Supplement"),
    "reassessment": N_("Re-assessment"),
    "rectification": N_("Rectification"),
}
# The capability tags a filing's technologies are (rulebook/schema.py CapabilityTag).
TECHNOLOGIES = {
    "public_opinion": N_("Public-opinion attributes or social mobilisation"),
    "deep_synthesis": N_("Deep synthesis"),
    "biometric_editing": N_("Editing of faces, voices or other biometrics"),
    "prominent_label": N_("Content that needs a prominent label"),
    "audio_video": N_("Online audio and video"),
    "algorithmic_recommendation": N_("Algorithmic recommendation"),
    "generative_ai": N_("Generative AI"),
    "label_function": N_("Labelling function owed"),
    "news": N_("Internet news information"),
}
AUTHORITIES = {"cac": N_("CAC office"), "mps": N_("Public-security organ")}
SEVERITIES = {"low": N_("Low"), "medium": N_("Medium"), "high": N_("High"), "critical": N_("Critical")}
CONCLUSIONS = {
    "compliant": N_("Compliant"),
    "rectification_required": N_("Compliant in the main: the items found are to be rectified without delay"),
    "not_compliant": N_("Not compliant: hidden dangers must be rectified before a report is formed"),
    "incomplete": N_("Incomplete: items remain unanswered"),
}
ORGANISATION_KINDS = {
    "provider": N_("Service provider"),
    "assessor": N_("Assessment body"),
    "regulator": N_("Regulator office"),
}
ASSESSORS = {"self": N_("Self-assessment"), "third_party": N_("Third-party assessor")}
# Documents a regulator issues; their official titles are Chinese (services/filing/document_bodies.TITLES).
DOCUMENT_KINDS = {
    "notice": N_("Written notice to carry out a security assessment"),
    "acceptance": N_("Written review opinion"),
    "supplement_request": N_("Notice to supplement materials"),
    "reassessment_order": N_("Order to re-assess within a time limit"),
    "rectification_order": N_("Rectification order"),
    "inspection_record": N_("On-site inspection record"),
    "verification": N_("Opinion on the verification of rectification"),
    "closure": N_("Notice of closing the case"),
    "summons_notice": N_("Notice of summons"),
    "summons_record": N_("Record of summons"),
}
# Whether a regulation in the rulebook binds (rulebook/schema.py RegulationStatus).
REGULATION_STATUSES = {"in_force": N_("In force"), "superseded": N_("Superseded"), "repealed": N_("Repealed")}
CAMPAIGN_STATES = {"open": N_("Open"), "closed": N_("Closed")}
# The built-in probes (a plug-in's probe is shown by its own name).
PROBES = {
    "aigc-label": N_("AI-generated content labels"),
    "log-retention": N_("Log retention"),
    "content-screen": N_("Content screening"),
}
# What a background job was asked to do and what it returned, by field (`redline jobs show`).
JOB_FIELDS = {
    "run_id": N_("Probe run"),
    "filing_id": N_("Filing"),
    "lang": N_("Language"),
    "user_id": N_("Asked for by account"),
    "probe": N_("Probe"),
    "probe_version": N_("Probe version"),
    "files": N_("Files"),
    "failed": N_("Failed"),
    "findings": N_("Findings"),
    "result_sha256": N_("Sealed result SHA-256"),
    "sha256": N_("SHA-256"),
    "filename": N_("File"),
    "size": N_("Size (bytes)"),
    "media_type": N_("Media type"),
    "today": N_("Date"),
    "sent": N_("Sent"),
    "skipped": N_("Skipped"),
    "planned": N_("Planned"),
    "outcomes": N_("Deliveries"),
}
# Background jobs (services/background/job_kinds.JOB_KINDS) and the states a job or a probe run goes through.
JOB_KINDS = {
    "campaign_run": N_("Campaign probe run"),
    "pdf_report": N_("Report PDF"),
    "inbox_mail": N_("Inbox e-mail and webhook"),
    "reminders": N_("Deadline reminders"),
}
JOB_STATES = {
    "queued": N_("Queued"),
    "running": N_("Running"),
    "done": N_("Done"),
    "failed": N_("Failed"),
    "cancelled": N_("Cancelled"),
}
CHANGE_KINDS = {
    "launch": N_("Launch"),
    "add_capability": N_("Add a function"),
    "adopt_technology": N_("Adopt a new technology"),
    "user_growth": N_("User growth"),
    "harmful_incident": N_("Harmful information spread"),
    "filing_change": N_("Filing details changed"),
    "terminate": N_("Terminate the service"),
}
# The attributes a service's functions give it, which decide the rules that apply (rulebook CapabilityTag).
TAGS = {
    "public_opinion": N_("Public-opinion attributes"),
    "deep_synthesis": N_("Deep synthesis"),
    "biometric_editing": N_("Biometric editing"),
    "prominent_label": N_("Prominent label owed"),
    "audio_video": N_("Online audio and video"),
    "algorithmic_recommendation": N_("Algorithmic recommendation"),
    "generative_ai": N_("Generative AI"),
    "label_function": N_("Labelling function owed"),
    "news": N_("Internet news information"),
}


def name_in(table: Mapping[Any, str], value: object) -> str:
    """The English name of `value` in `table` (the msgid), or the value itself when it has none."""
    return table.get(value, table.get(str(value), str(value)))


def label(table: Mapping[Any, str], value: object, lang: str) -> str:
    """The name of `value` in `lang`."""
    return gettext_for(lang)(name_in(table, value))
