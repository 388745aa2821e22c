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


class RegulationKind(StrEnum):
    """A statute cites 第X条第X款第（X）项; a national standard cites clause 5.3 c)."""

    STATUTE = "statute"
    STANDARD = "standard"


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
    # Held to make the rule readable (purpose, scope, definitions, who decides), not a duty any
    # trigger or checklist item should cite; lint lets it go uncited.
    context_only: bool = False
    paragraphs: list[Paragraph] = Field(min_length=1)

    def holds_unverified_text(self) -> bool:
        """Whether any part of the article (lead-in, paragraph or item) is held unverified."""
        return any(
            status is TextStatus.UNVERIFIED
            for p in self.paragraphs
            for status in (p.status or self.status, *(p.item_status(i, self.status) for i in range(len(p.items))))
        )

    def numbered_paragraphs(self) -> list[tuple[int, Paragraph]]:
        """Paragraphs with their 款 number: declared where only some are held, else by position."""
        return [(p.number or i, p) for i, p in enumerate(self.paragraphs, start=1)]


class Regulation(Strict):
    """One version of a rule; `effective` decides which changes it applies to (rules in time)."""

    id: Ident
    lineage: Ident
    kind: RegulationKind = RegulationKind.STATUTE
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
    # Deep synthesis outside Art. 17(1) of the 2022 rule: a labelling function is owed (Art. 17(2)).
    LABEL_FUNCTION = "label_function"
    NEWS = "news"  # 互联网新闻信息服务: the 2017 new-technology assessment rules apply


class ContentCarrier(StrEnum):
    """The kinds of AI content the 2025 labelling measures (Art. 3, Art. 4) label differently."""

    TEXT = "text"
    AUDIO = "audio"
    IMAGE = "image"
    VIDEO = "video"
    VIRTUAL_SCENE = "virtual_scene"


class Capability(Strict):
    id: Ident
    zh: str
    en: str
    tags: list[CapabilityTag] = []
    outputs: list[ContentCarrier] = []
    basis: list[Quote] = []


class Technology(Strict):
    id: Ident
    zh: str
    en: str


class Role(StrEnum):
    """The part an organisation plays for a service; each duty binds one or more of these.

    The 2022 deep-synthesis rule (Art. 23) defines the provider (服务提供者) and the technical
    supporter (技术支持者); the 2025 labelling measures address platforms that spread content
    (Art. 6, 传播平台), app distribution platforms (Art. 7) and users who publish (Art. 10).
    """

    PROVIDER = "provider"
    TECHNICAL_SUPPORTER = "technical_supporter"
    CONTENT_PLATFORM = "content_platform"
    APP_DISTRIBUTION_PLATFORM = "app_distribution_platform"
    USER_ORGANISATION = "user_organisation"


class EventKind(StrEnum):
    LAUNCH = "launch"
    ADD_CAPABILITY = "add_capability"
    ADOPT_TECHNOLOGY = "adopt_technology"
    USER_GROWTH = "user_growth"
    HARMFUL_INCIDENT = "harmful_incident"
    REGULATOR_NOTICE = "regulator_notice"
    FILING_CHANGE = "filing_change"
    TERMINATE = "terminate"
    TAKE_ROLE = "take_role"  # the organisation starts to play a role (e.g. hosts others' content)
    APP_LISTING = "app_listing"  # an app distribution platform reviews an app for listing


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
    LISTING_REVIEW = "listing_review"  # 上架审核: what an app distribution platform checks
    MANAGEMENT = "management"  # a management duty (training data, consent prompts, algorithm review)


class Growth(Strict):
    """redline's presumption of significant growth. Not statutory: the rule sets no figure.

    Presumed significant when users at least multiply by `min_ratio` AND grow by at least
    `min_added`; growth of at least `min_added` by `judgement_ratio` or more (but under
    `min_ratio`) is not presumed but flagged for judgement. A change may override both figures.
    """

    min_ratio: float = Field(gt=1)
    min_added: int = Field(ge=1)
    judgement_ratio: float = Field(gt=1)
    basis_zh: str
    basis_en: str


class AlgorithmFiling(StrEnum):
    """Whether the service must already hold an algorithm filing for the classes at stake."""

    ABSENT = "absent"  # a first filing: none of the service's filings covers the class
    HELD = "held"  # a change or cancellation: a filing covering the class is held


class Condition(Strict):
    """What a change must show for a trigger to fire. Every listed test must pass.

    `public_opinion` in `introduces_any` or `service_has_any` is not a tag lookup: it is the
    Art. 2 determination (domain/applicability.py), which also weighs the audience, user
    content and the provider's declaration. `algorithm_filing` compares with the filings the
    profile holds, for the algorithm classes in `introduces_any` (else `service_has_any`).
    """

    introduces_any: list[CapabilityTag] = []
    service_has_any: list[CapabilityTag] = []
    technologies_any: list[Ident] = []
    material_change: bool = False
    growth: Growth | None = None
    # With introduces_any: one introduced capability must hold such a tag AND produce this carrier.
    carrier: ContentCarrier | None = None
    algorithm_filing: AlgorithmFiling | None = None
    qualifying_notice: bool = False  # a written notice from an organ Art. 3(5) names
    # With an app listing: the listed app has a capability with one of these tags.
    listed_app_has_any: list[CapabilityTag] = []
    # The service had no public-opinion attributes (Art. 2) before the change and has them after.
    gains_public_opinion: bool = False
    # The change adds a function or adopts a technology the service did not have (新技术新应用).
    brings_new: bool = False


class Trigger(Strict):
    """When a duty falls due. The first quote names the rule that imposes it: the trigger
    applies only to changes dated on or after that rule's effective date."""

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
    # Whom the duty binds; the default keeps triggers written before parties were modelled. The 2018
    # and algorithm rules bind whoever runs the service, so their triggers name the platforms too.
    roles: list[Role] = Field(default=[Role.PROVIDER], min_length=1)
    # The explanation goes on to say, per kind of content, where the implicit label is carried.
    carrier_details: bool = False


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
    # Roles the checklist also reaches whatever the service's own capabilities (e.g. a platform
    # hosting others' AI content owes the labelling measures' Art. 6).
    reaches_roles: list[Role] = []


class Vocabulary(Strict):
    capabilities: list[Capability]
    technologies: list[Technology]


class TriggerFile(Strict):
    triggers: list[Trigger]


class Manifest(Strict):
    """`rulebook.yaml`: the release label and date of the data beside it (its digest is computed)."""

    version: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$")]
    date: dt.date
    note_zh: str | None = None
    note_en: str | None = None


class HolidayNotice(Strict):
    """The State Council notice a holiday file transcribes, named so a reader can find it."""

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] | None = None  # 文号
    published: dt.date | None = None


class HolidayYear(Strict):
    """One year's official schedule: every day off (weekend days of a break included or not) and
    the weekend days worked in exchange (调休). Checked against the statute on loading."""

    year: int = Field(ge=2000, le=2200)
    notice: HolidayNotice
    holidays: list[dt.date]
    workdays: list[dt.date] = []
