"""A rulebook change (rulebook/diff.py) in words: what changed, named by titles and citations, never by ids."""

from __future__ import annotations

from redline.errors import NotFoundError
from redline.rulebook.book import Rulebook
from redline.rulebook.diff import ChangeKind, RuleChange
from redline.words import N_, gettext_for, pick
from redline.words.labels import AUTHORITIES, REGULATION_STATUSES, label

SENTENCES = {
    ChangeKind.REGULATION_ADDED: N_("Regulation added: {subject}"),
    ChangeKind.REGULATION_REMOVED: N_("Regulation removed: {subject}"),
    ChangeKind.REGULATION_STATUS: N_("Status or dates changed: {subject} ({before} → {after})"),
    ChangeKind.ARTICLE_ADDED: N_("Article added: {subject}"),
    ChangeKind.ARTICLE_RENUMBERED: N_("Article renumbered: {before} is now {subject}"),
    ChangeKind.ARTICLE_REPEALED: N_("Article repealed: {subject}"),
    ChangeKind.ARTICLE_TEXT: N_("Article text changed: {subject}"),
    ChangeKind.TRIGGER_ADDED: N_("New obligation: {subject}"),
    ChangeKind.TRIGGER_REMOVED: N_("Obligation removed: {subject}"),
    ChangeKind.TRIGGER_CONDITIONS: N_("When the obligation falls due changed: {subject} ({fields})"),
    ChangeKind.TRIGGER_DEADLINE: N_("Deadline changed: {subject} ({before} → {after})"),
    ChangeKind.TRIGGER_RECIPIENTS: N_("Recipients changed: {subject} ({before} → {after})"),
    ChangeKind.TRIGGER_QUOTES: N_("Quoted texts changed: {subject}"),
    ChangeKind.CHECKLIST_ADDED: N_("Checklist added: {subject}"),
    ChangeKind.CHECKLIST_REMOVED: N_("Checklist removed: {subject}"),
    ChangeKind.CHECKLIST_SCOPE: N_("Whom the checklist applies to changed: {subject}"),
    ChangeKind.ITEM_ADDED: N_("Checklist item added: {subject}"),
    ChangeKind.ITEM_REMOVED: N_("Checklist item removed: {subject}"),
    ChangeKind.ITEM_REWORDED: N_("Checklist item reworded: {subject}"),
    ChangeKind.ITEM_QUOTES: N_("Quoted texts of a checklist item changed: {subject}"),
}
# A change of quotes that kept every text and only moved its citations (an article renumbered).
CITATIONS_ONLY = {
    ChangeKind.TRIGGER_QUOTES: N_("Citations follow a renumbering: {subject}"),
    ChangeKind.ITEM_QUOTES: N_("Citations of a checklist item follow a renumbering: {subject}"),
}
DEADLINE_RULES = {
    "before_event": N_("before the event"),
    "within_working_days": N_("within {days} working days"),
    "within_days": N_("within {days} days"),
    "ongoing": N_("ongoing"),
    "unspecified": N_("not set by the text"),
}
RECIPIENTS = {
    "local_cac": AUTHORITIES["cac"],  # the same offices the reviews name
    "local_psb": AUTHORITIES["mps"],
    "algorithm_filing_system": N_("Algorithm filing system"),
    "kept_by_provider": N_("Kept by the provider"),
}
CONDITIONS = {
    "events": N_("events"),
    "roles": N_("whom it binds"),
    "introduces_any": N_("capabilities introduced"),
    "service_has_any": N_("capabilities held"),
    "technologies_any": N_("technologies"),
    "material_change": N_("material change"),
    "growth": N_("user growth"),
    "carrier": N_("kind of content"),
    "algorithm_filing": N_("algorithm filing held"),
    "qualifying_notice": N_("written notice"),
    "listed_app_has_any": N_("listed app's capabilities"),
    "gains_public_opinion": N_("gaining public-opinion attributes"),
    "brings_new": N_("new function or technology"),
}
NO_DATE = N_("no date")
# What follows for a filing (domain/rule_impact.Follows, by lower-case name).
FOLLOWS = {
    "new_obligation": N_("New obligation"),
    "reassess": N_("Re-assessment advised"),
    "nothing": N_("Nothing to do"),
}


def cite_words(cite: str, books: tuple[Rulebook, ...], lang: str) -> str:
    """《title》第二十三条 / Title, Art. 23, from whichever rulebook holds the regulation."""
    reg_id = cite.split(":", 1)[0]
    for book in books:
        if book.has_regulation(reg_id):
            reg = book.regulation(reg_id)
            title = pick({"zh": reg.title_zh, "en": reg.title_en}, lang)
            if ":" not in cite:
                return f"《{title}》（{reg.effective}）" if lang == "zh-CN" else f"{title} ({reg.effective})"
            try:
                fragment = book.fragment(cite)
            except NotFoundError:
                continue
            label = pick({"zh": fragment.label_zh(), "en": fragment.label_en()}, lang)
            return (
                f"《{title}》{label}（{reg.effective}）" if lang == "zh-CN" else f"{title}, {label} ({reg.effective})"
            )
    return cite


def subject_words(change: RuleChange, books: tuple[Rulebook, ...], lang: str) -> str:
    """The title of the trigger, checklist or item the change is about, or the cited article."""
    for book in books:
        for finder in (book.trigger, book.checklist):
            try:
                found = finder(change.subject)
            except NotFoundError:
                continue
            return pick({"zh": found.title_zh, "en": found.title_en}, lang)
        try:
            checklist, item = book.checklist_item(change.subject)
        except NotFoundError:
            continue
        title = pick({"zh": checklist.title_zh, "en": checklist.title_en}, lang)
        return f"{title}: {pick({'zh': item.question_zh, 'en': item.question_en}, lang)}"
    return cite_words(change.subject, books, lang)


def _value(kind: ChangeKind, value: str, books: tuple[Rulebook, ...], lang: str) -> str:
    gettext = gettext_for(lang)
    if kind is ChangeKind.TRIGGER_DEADLINE:
        rule, _, days = value.partition(" ")
        return gettext(DEADLINE_RULES.get(rule, rule)).replace("{days}", days)
    if kind is ChangeKind.TRIGGER_RECIPIENTS:
        return "、".join(gettext(RECIPIENTS.get(r, r)) for r in value.split())
    if kind is ChangeKind.REGULATION_STATUS:
        status, _, day = value.partition(" ")
        return f"{label(REGULATION_STATUSES, status, lang)} {day}"
    if kind is ChangeKind.ARTICLE_RENUMBERED:
        return cite_words(value, books, lang)
    return value


def change_words(change: RuleChange, books: tuple[Rulebook, ...], lang: str) -> str:
    """One line: what changed. `books` are the new rulebook first, then the old one."""
    gettext = gettext_for(lang)
    fields = "、".join(gettext(CONDITIONS.get(f, f)) for f in change.fields)
    sentence = CITATIONS_ONLY[change.kind] if change.fields == ("citations",) else SENTENCES[change.kind]
    return (
        gettext(sentence)
        .replace("{subject}", subject_words(change, books, lang))
        .replace("{before}", _value(change.kind, change.before, books, lang))
        .replace("{after}", _value(change.kind, change.after, books, lang))
        .replace("{fields}", fields)
    )


def effective_words(change: RuleChange, lang: str) -> str:
    return change.effective.isoformat() if change.effective else gettext_for(lang)(NO_DATE)
