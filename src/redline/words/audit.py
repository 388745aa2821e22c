"""Names of the audit log's actions and of the objects its entries are about.

An entry's action is a stable code (`user.create`, `filing.submit`); its subject is `kind:id`. The viewer and
its CSV export show both in words; a code without a name is shown as it is, so an action added later is
visible, not blank (tests/unit/test_audit_words.py finds every action the services write).
"""

from __future__ import annotations

from redline.words import N_, gettext_for
from redline.words.labels import EVENTS

ACTIONS = {
    "user.create": N_("Account created"),
    "user.update": N_("Account changed"),
    "user.login": N_("Logged in"),
    "user.logout": N_("Logged out"),
    "user.locked": N_("Account locked after failed logins"),
    "user.logout_everywhere": N_("Logged out everywhere"),
    "user.password_change": N_("Password changed"),
    "user.password_reset": N_("Password set by an administrator"),
    "user.activate": N_("Account enabled"),
    "user.deactivate": N_("Account disabled"),
    "user.email": N_("Reminder e-mail address set"),
    "token.create": N_("API token created"),
    "token.revoke": N_("API token revoked"),
    "organisation.create": N_("Organisation created"),
    "organisation.update": N_("Organisation changed"),
    "issuer.reference_pattern": N_("Document number pattern set"),
    "service.create": N_("Service registered"),
    "summons.record": N_("Summons recorded"),
    "document.issue": N_("Document issued"),
    "rules.impact.notices": N_("Written notices issued after a rulebook change"),
    "filing.import": N_("Filing received in a submission package"),
    "campaign.create": N_("Patrol campaign created"),
    "campaign.file": N_("File added to a patrol campaign"),
    "campaign.samples": N_("Samples added to a patrol campaign"),
    "campaign.run": N_("Probe runs started"),
    "campaign.run.done": N_("Probe run finished"),
    "campaign.finding.act": N_("Action taken on a patrol finding"),
    "job.submit": N_("Background job submitted"),
    "job.cancel": N_("Background job cancelled"),
    "webhook.add": N_("Reminder webhook added"),
    "webhook.remove": N_("Reminder webhook removed"),
    "signing_key.register": N_("Signing key registered"),
    "signing_key.custodied": N_("Signing key held by the platform"),
    "signing_key.pending": N_("Signing key put back to pending"),
    "signing_key.approved": N_("Signing key approved"),
    "signing_key.revoked": N_("Signing key revoked"),
    "receipt.submission": N_("Submission receipt signed"),
    "receipt.acknowledgement": N_("Acknowledgement receipt signed"),
    "reminder.send": N_("Deadline reminder sent"),
    "reminder.fail": N_("Deadline reminder failed"),
    "reminder.escalate": N_("Deadline reminder escalated"),
    "filing.assign": N_("Filing assigned to an officer"),
    "queue_view.save": N_("Queue view saved"),
    "queue_view.delete": N_("Queue view deleted"),
    "inbox.deliver": N_("Requests delivered to inboxes"),
    "inbox.mail": N_("Inbox item sent by e-mail or webhook"),
    "inbox.mail_fail": N_("Inbox item could not be sent"),
    "inbox.read": N_("Inbox item marked read"),
    "inbox.read_all": N_("All inbox items marked read"),
}
FILING_ACTION = N_("Filing: {event}")

# The groups a search by action offers: every action whose code starts with the key.
GROUPS = {
    "user.": N_("Accounts"),
    "token.": N_("API tokens"),
    "organisation.": N_("Organisations"),
    "filing.": N_("Filings"),
    "summons.": N_("Summonses"),
    "document.": N_("Issued documents"),
    "campaign.": N_("Patrol campaigns"),
    "signing_key.": N_("Signing keys"),
    "receipt.": N_("Receipts"),
    "reminder.": N_("Deadline reminders"),
    "job.": N_("Background jobs"),
    "queue_view.": N_("Saved queue views"),
    "inbox.": N_("Inbox"),
}

SUBJECTS = {
    "user": N_("Account"),
    "token": N_("API token"),
    "organisation": N_("Organisation"),
    "filing": N_("Filing"),
    "service": N_("Registered service"),
    "summons": N_("Summons"),
    "document": N_("Issued document"),
    "receipt": N_("Receipt"),
    "signing_key": N_("Signing key"),
    "campaign": N_("Patrol campaign"),
    "campaign_run": N_("Probe run"),
    "campaign_finding": N_("Patrol finding"),
    "job": N_("Background job"),
    "rulebook": N_("Rulebook"),
}


def action_label(code: str, lang: str) -> str:
    """The action in words: `filing.submit` → 案件：提交报告; an unknown code as it is."""
    gettext = gettext_for(lang)
    if code in ACTIONS:
        return gettext(ACTIONS[code])
    kind, _, event = code.partition(".")
    if kind == "filing" and event in EVENTS:
        return gettext(FILING_ACTION).format(event=gettext(EVENTS[event]))
    return code


def subject_label(subject: str, lang: str) -> str:
    """The object in words: `filing:12` → 案件 12; an unknown kind as it is."""
    kind, sep, key = subject.partition(":")
    if not sep or kind not in SUBJECTS:
        return subject
    return f"{gettext_for(lang)(SUBJECTS[kind])} {key}"
