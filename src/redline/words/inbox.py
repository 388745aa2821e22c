"""Words of the inbox: the name of each kind of item, and the sentence a banner or a message says it in.

Keyed by `domain.inbox.InboxKind` values. A sentence is the kind's heading, then the reason (": …"), the
document's number and the due date (", due …") when there are any, each piece from the catalogue, so that
the punctuation is the language's own (监管部门要求补充材料：…，截止 2026-03-09).
"""

from __future__ import annotations

import datetime as dt

from redline.words import N_, gettext_for

KINDS = {
    "notice": N_("Written notice to assess"),
    "supplement_request": N_("Supplement request"),
    "reassessment_order": N_("Re-assessment order"),
    "rectification_order": N_("Rectification order"),
    "rectification_returned": N_("Rectification sent back"),
    "summons": N_("Summons"),
    "review_comment": N_("Review comment"),
    "document": N_("Document issued"),
    "submission": N_("Report submitted"),
    "resubmission": N_("Report resubmitted"),
    "rectification_answer": N_("Rectification answered"),
    "document_acknowledged": N_("Document acknowledged"),
}
HEADINGS = {
    "notice": N_("The regulator gives written notice that a security assessment is required"),
    "supplement_request": N_("The regulator asks for supplementary materials"),
    "reassessment_order": N_("The regulator orders a re-assessment"),
    "rectification_order": N_("The regulator orders rectification"),
    "rectification_returned": N_("The regulator sent the rectification back"),
    "summons": N_("The regulator summons the provider's responsible persons"),
    "review_comment": N_("The regulator commented in the written review"),
    "document": N_("The regulator issued a document: acknowledge its receipt"),
    "submission": N_("The provider submitted its assessment report for review"),
    "resubmission": N_("The provider resubmitted its assessment report for review"),
    "rectification_answer": N_("The provider submitted its rectification for verification"),
    "document_acknowledged": N_("The provider acknowledged receipt of a document"),
}
MAIL_TO = N_("To {name}:")
MAIL_FILING = N_("Filing #{id}: {title}")
MAIL_BY = N_("By: {name}")
MAIL_OPEN = N_("Open: {link}")
REFERENCED = frozenset({"document", "document_acknowledged"})  # kinds whose document is their subject
REASON = N_(": {reason}")
REFERENCE = N_(" ({reference})")
DUE = N_(", due {due}")


def kind_name(kind: str, lang: str) -> str:
    return gettext_for(lang)(KINDS.get(kind, kind))


def sentence(kind: str, lang: str, *, reason: str = "", reference: str = "", due: dt.date | None = None) -> str:
    """One line saying what an item asks or tells: 监管部门要求补充材料：<reason>，截止 <date>."""
    _ = gettext_for(lang)
    text = _(HEADINGS.get(kind, kind))
    if reference and kind in REFERENCED:
        text += _(REFERENCE).replace("{reference}", reference)
    if reason.strip():
        text += _(REASON).replace("{reason}", " ".join(reason.split()))
    if due is not None:
        text += _(DUE).replace("{due}", due.isoformat())
    return text


def fill(template: str, lang: str, **values: str) -> str:
    """A catalogue template in `lang` with its fields filled one by one (never str.format on stored text)."""
    text = gettext_for(lang)(template)
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text
