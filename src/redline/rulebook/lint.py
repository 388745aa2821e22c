"""Rulebook lint: every citation resolves, every quote is verbatim, ids are unique, dates possible."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from redline.errors import NotFoundError
from redline.rulebook.book import Rulebook
from redline.rulebook.schema import (
    DeadlineRule,
    EventKind,
    Quote,
    Regulation,
    RegulationStatus,
    TextStatus,
)


@dataclass(frozen=True)
class Problem:
    where: str
    message: str


@dataclass
class LintReport:
    errors: list[Problem] = field(default_factory=list)
    quotes_checked: int = 0
    unverified_quotes: list[str] = field(default_factory=list)
    unverified_articles: list[str] = field(default_factory=list)
    trigger_in_force_from: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _quote_sites(book: Rulebook) -> Iterator[tuple[str, Quote]]:
    for cap in book.capabilities:
        for quote in cap.basis:
            yield f"capability {cap.id}", quote
    for trig in book.triggers:
        for quote in trig.quotes:
            yield f"trigger {trig.id}", quote
        for quote in trig.deadline.quotes:
            yield f"trigger {trig.id} deadline", quote
        for quote in trig.submit_quotes:
            yield f"trigger {trig.id} submission", quote
    for checklist in book.checklists:
        for quote in checklist.quotes:
            yield f"checklist {checklist.id}", quote
        for item in checklist.items:
            for quote in item.quotes:
                yield f"checklist item {item.id}", quote


def _duplicates(kind: str, ids: Iterable[str]) -> Iterator[Problem]:
    for ident, count in Counter(ids).items():
        if count > 1:
            yield Problem(f"{kind} {ident}", f"duplicate id ({count} times)")


def _check_ids(book: Rulebook) -> Iterator[Problem]:
    yield from _duplicates("regulation", (r.id for r in book.regulations))
    for reg in book.regulations:
        yield from _duplicates(f"regulation {reg.id} article", (str(a.number) for a in reg.articles))
        for article in reg.articles:
            yield from _duplicates(
                f"regulation {reg.id} article {article.number} paragraph",
                (str(n) for n, _ in article.numbered_paragraphs()),
            )
    yield from _duplicates("capability", (c.id for c in book.capabilities))
    yield from _duplicates("technology", (t.id for t in book.technologies))
    yield from _duplicates("trigger", (t.id for t in book.triggers))
    yield from _duplicates("checklist", (c.id for c in book.checklists))
    yield from _duplicates("checklist item", (i.id for c in book.checklists for i in c.items))


def _check_regulation_dates(reg: Regulation) -> Iterator[Problem]:
    where = f"regulation {reg.id}"
    if reg.promulgated > reg.effective:
        yield Problem(where, f"effective {reg.effective} is before promulgation {reg.promulgated}")
    if reg.superseded_on is not None and reg.superseded_on <= reg.effective:
        yield Problem(where, f"superseded {reg.superseded_on} on or before effective {reg.effective}")
    if reg.status is RegulationStatus.SUPERSEDED and reg.superseded_on is None:
        yield Problem(where, "status superseded but no superseded_on date")
    if reg.status is RegulationStatus.IN_FORCE and reg.superseded_on is not None:
        yield Problem(where, "status in_force but a superseded_on date is set")


def _check_holidays(book: Rulebook) -> Iterator[Problem]:
    for year in book.holidays:
        where = f"holidays {year.year}"
        for day in [*year.holidays, *year.workdays]:
            if day.year != year.year:
                yield Problem(where, f"{day} is not in {year.year}")
        for day in set(year.holidays) & set(year.workdays):
            yield Problem(where, f"{day} is listed both as holiday and as workday")
        for day in year.workdays:
            if day.weekday() < 5:
                yield Problem(where, f"make-up workday {day} is a weekday, not a weekend day")
    yield from _duplicates("holiday year", (str(y.year) for y in book.holidays))


def _check_triggers(book: Rulebook) -> Iterator[Problem]:
    known_tech = book.technology_ids()
    for trig in book.triggers:
        where = f"trigger {trig.id}"
        counted = trig.deadline.rule in (DeadlineRule.WITHIN_DAYS, DeadlineRule.WITHIN_WORKING_DAYS)
        if counted and trig.deadline.days is None:
            yield Problem(where, f"deadline rule {trig.deadline.rule} needs a number of days")
        if not counted and trig.deadline.days is not None:
            yield Problem(where, f"deadline rule {trig.deadline.rule} takes no days")
        for tech in trig.when.technologies_any:
            if tech not in known_tech:
                yield Problem(where, f"unknown technology '{tech}'")
        if trig.when.growth is not None and EventKind.USER_GROWTH not in trig.events:
            yield Problem(where, "a growth condition needs the user_growth event")


def _check_trigger_dates(book: Rulebook, report: LintReport) -> Iterator[Problem]:
    """Each trigger rests on a known rule with an effective date; its deadline and submission
    texts come from rules already in force on that date (else a due date would rest on no law)."""
    for trig in book.triggers:
        try:
            own = book.trigger_regulation(trig)
        except (NotFoundError, ValueError) as exc:
            yield Problem(f"trigger {trig.id}", f"rests on no known regulation, so it has no effective date: {exc}")
            continue
        report.trigger_in_force_from[trig.id] = own.effective.isoformat()
        for site, quotes in (("deadline", trig.deadline.quotes), ("submission", trig.submit_quotes)):
            for quote in quotes:
                try:
                    reg = book.quote_regulation(quote)
                except (NotFoundError, ValueError):
                    continue  # reported with the quote checks
                if reg.effective > own.effective:
                    yield Problem(
                        f"trigger {trig.id} {site}",
                        (
                            f"{quote.cite} is in force from {reg.effective}, after the trigger's own rule "
                            f"{own.id} ({own.effective})"
                        ),
                    )


def _check_cited_articles(book: Rulebook) -> Iterator[Problem]:
    """Every article a regulation holds is cited by a trigger, a checklist or a capability's basis,
    or marked context only: an uncited duty is a regime the engine silently never applies."""
    cited: set[tuple[str, int]] = set()
    for _, quote in _quote_sites(book):
        try:
            fragment = book.fragment(quote.cite)
        except (NotFoundError, ValueError):
            continue  # reported with the quote checks
        cited.add((fragment.regulation.id, fragment.article.number))
    for reg in book.regulations:
        for article in reg.articles:
            if not article.context_only and (reg.id, article.number) not in cited:
                yield Problem(
                    f"regulation {reg.id} article {article.number}",
                    "no trigger, checklist item or capability cites this article; cite it, "
                    "or mark it context_only: true if it imposes no duty",
                )


def lint(book: Rulebook) -> LintReport:
    report = LintReport()
    report.errors += _check_ids(book)
    for reg in book.regulations:
        report.errors += _check_regulation_dates(reg)
        for article in reg.articles:
            if article.holds_unverified_text():
                report.unverified_articles.append(f"{reg.id}:{article.number}")
    report.errors += _check_holidays(book)
    report.errors += _check_triggers(book)
    report.errors += _check_trigger_dates(book, report)
    report.errors += _check_cited_articles(book)
    for where, quote in _quote_sites(book):
        report.quotes_checked += 1
        try:
            fragment = book.fragment(quote.cite)
        except (NotFoundError, ValueError) as exc:
            report.errors.append(Problem(where, f"citation does not resolve: {exc}"))
            continue
        status = fragment.quote_status(quote.text)
        if status is None:
            report.errors.append(Problem(where, f"quote is not verbatim in {quote.cite}: “{quote.text}”"))
        elif status is TextStatus.UNVERIFIED:
            report.unverified_quotes.append(f"{where}: {quote.cite}")
    return report
