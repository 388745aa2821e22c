"""Pydantic schema of the rulebook: regulations, capabilities, triggers, checklists.

The rulebook is data; this module only says what shape that data must have.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Ident = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
CiteRef = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*:\d+(\.\d+)?(\(\d+\))?$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TextStatus(StrEnum):
    """Whether stored statute text is verbatim from a cited source or a recollection."""

    VERIFIED = "verified"
    UNVERIFIED = "unverified"


class RegulationStatus(StrEnum):
    IN_FORCE = "in_force"
    SUPERSEDED = "superseded"
    REPEALED = "repealed"


class Item(Strict):
    """项 whose text has its own status and source, apart from its paragraph's (e.g. one item
    quoted verbatim by a third party in an article otherwise held only as a recollection)."""

    text: str
    status: TextStatus
    source: str


class Paragraph(Strict):
    """款: a paragraph, with its numbered items (项) stored without their （一） prefix.

    An item is plain text (the paragraph's status applies) or an `Item` with its own status."""

    text: str
    items: list[str | Item] = []
    number: int | None = Field(default=None, ge=1)
    status: TextStatus | None = None
    source: str | None = None

    def item_texts(self) -> list[str]:
        return [i if isinstance(i, str) else i.text for i in self.items]

    def item_status(self, index: int, default: TextStatus) -> TextStatus:
        """Status of the item at `index` (0-based): its own, else the paragraph's, else `default`."""
        item = self.items[index]
        if isinstance(item, Item):
            return item.status
        return self.status or default


class Article(Strict):
    """条: an article with its text, the status of that text and where it came from."""

    number: int = Field(ge=1)
    gloss_en: str
    status: TextStatus
    complete: bool = True
    source: str
    note: str | None = None
    paragraphs: list[Paragraph] = Field(min_length=1)

    def holds_unverified_text(self) -> bool:
        """Whether any part of the article (lead-in, paragraph or item) is held unverified."""
        return any(status is TextStatus.UNVERIFIED
                   for p in self.paragraphs
                   for status in (p.status or self.status,
                                  *(p.item_status(i, self.status) for i in range(len(p.items)))))

    def numbered_paragraphs(self) -> list[tuple[int, Paragraph]]:
        """Paragraphs with their 款 number: declared where only some are held, else by position."""
        return [(p.number or i, p) for i, p in enumerate(self.paragraphs, start=1)]


class Regulation(Strict):
    id: Ident
    lineage: Ident
    title_zh: str
    title_en: str
    issuers: list[str] = Field(min_length=1)
    document_number: str | None = None
    promulgated: dt.date
    effective: dt.date
    superseded_on: dt.date | None = None
    status: RegulationStatus
    sources: list[str] = Field(min_length=1)
    articles: list[Article] = Field(min_length=1)

    def in_force_on(self, day: dt.date) -> bool:
        if day < self.effective:
            return False
        return self.superseded_on is None or day < self.superseded_on


class Quote(Strict):
    """A verbatim quote and the citation it must be found in (for example `sa2018:3(1)`)."""

    cite: CiteRef
    text: str = Field(min_length=1)


class CapabilityTag(StrEnum):
    PUBLIC_OPINION = "public_opinion"
    DEEP_SYNTHESIS = "deep_synthesis"
    BIOMETRIC_EDITING = "biometric_editing"
    PROMINENT_LABEL = "prominent_label"
    AUDIO_VIDEO = "audio_video"
    ALGORITHMIC_RECOMMENDATION = "algorithmic_recommendation"
    GENERATIVE_AI = "generative_ai"


class Capability(Strict):
    id: Ident
    zh: str
    en: str
    tags: list[CapabilityTag] = []
    basis: list[Quote] = []


class Technology(Strict):
    id: Ident
    zh: str
    en: str


class EventKind(StrEnum):
    LAUNCH = "launch"
    ADD_CAPABILITY = "add_capability"
    ADOPT_TECHNOLOGY = "adopt_technology"
    USER_GROWTH = "user_growth"
    HARMFUL_INCIDENT = "harmful_incident"
    REGULATOR_NOTICE = "regulator_notice"
    FILING_CHANGE = "filing_change"
    TERMINATE = "terminate"


class DeadlineRule(StrEnum):
    BEFORE_EVENT = "before_event"
    WITHIN_WORKING_DAYS = "within_working_days"
    WITHIN_DAYS = "within_days"
    ONGOING = "ongoing"
    UNSPECIFIED = "unspecified"


class Deadline(Strict):
    rule: DeadlineRule
    days: int | None = Field(default=None, ge=1)
    quotes: list[Quote] = []
    note_zh: str | None = None
    note_en: str | None = None


class Recipient(StrEnum):
    LOCAL_CAC = "local_cac"
    LOCAL_PSB = "local_psb"
    ALGORITHM_FILING_SYSTEM = "algorithm_filing_system"
    KEPT_BY_PROVIDER = "kept_by_provider"


class ObligationKind(StrEnum):
    SECURITY_ASSESSMENT = "security_assessment"
    ALGORITHM_FILING = "algorithm_filing"
    FILING_CHANGE = "filing_change"
    FILING_CANCELLATION = "filing_cancellation"
    LABELLING = "labelling"


class Growth(Strict):
    """When user growth counts as significant. Not statutory: the rule sets no figure."""

    min_ratio: float = Field(gt=1)
    basis_zh: str
    basis_en: str


class Condition(Strict):
    """What a change must show for a trigger to fire. Every listed test must pass."""

    introduces_any: list[CapabilityTag] = []
    service_has_any: list[CapabilityTag] = []
    technologies_any: list[Ident] = []
    material_change: bool = False
    growth: Growth | None = None


class Trigger(Strict):
    id: Ident
    obligation: ObligationKind
    title_zh: str
    title_en: str
    events: list[EventKind] = Field(min_length=1)
    when: Condition = Condition()
    quotes: list[Quote] = Field(min_length=1)
    deadline: Deadline
    recipients: list[Recipient] = Field(min_length=1)
    submit_quotes: list[Quote] = []
    explain_zh: str
    explain_en: str


class ChecklistItem(Strict):
    id: Ident
    question_zh: str
    question_en: str
    who_zh: str
    who_en: str
    evidence_zh: list[str] = Field(min_length=1)
    evidence_en: list[str] = Field(min_length=1)
    quotes: list[Quote] = Field(min_length=1)
    probes: list[str] = []


class Checklist(Strict):
    id: Ident
    title_zh: str
    title_en: str
    applies_when: list[CapabilityTag] = Field(min_length=1)
    quotes: list[Quote] = Field(min_length=1)
    items: list[ChecklistItem] = Field(min_length=1)


class Vocabulary(Strict):
    capabilities: list[Capability]
    technologies: list[Technology]


class TriggerFile(Strict):
    triggers: list[Trigger]


class HolidayYear(Strict):
    """One year's official schedule: weekdays off and weekend days worked (调休)."""

    year: int = Field(ge=2000, le=2200)
    source: str
    holidays: list[dt.date]
    workdays: list[dt.date] = []
