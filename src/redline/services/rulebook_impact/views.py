"""What the impact of a rulebook change looks like to the CLI and the pages: typed, in both languages."""

from __future__ import annotations

import datetime as dt

from redline.services.view_model import ViewModel


class ReasonOut(ViewModel):
    """One change that touches the filing, and what follows from it."""

    kind: str  # rulebook/diff_articles.ChangeKind
    subject: str
    effective: dt.date | None
    follows: str  # domain/rule_impact.Follows name: new_obligation, reassess, nothing
    text_zh: str
    text_en: str


class FilingImpactOut(ViewModel):
    filing_id: int
    title: str
    state: str
    region: str
    rulebook: str  # the release it was made under: label and digest
    follows: str  # the weightiest of its reasons
    reasons: list[ReasonOut]


class ServiceImpactOut(ViewModel):
    service_id: int
    service_name: str
    provider_name: str
    follows: str
    filings: list[FilingImpactOut]


class ChangeOut(ViewModel):
    kind: str
    subject: str
    effective: dt.date | None
    text_zh: str
    text_en: str


class UpgradeOut(ViewModel):
    """One earlier rulebook some filings were made under, and what changed since."""

    old: str  # label and digest
    new: str
    changes: list[ChangeOut]


class ImpactOut(ViewModel):
    current: str  # the installation's rulebook: label and digest
    upgrades: list[UpgradeOut]
    services: list[ServiceImpactOut]
    examined: int  # filings made under another rulebook, looked at
    unknown: int  # filings whose rulebook is not kept here (made before versions were recorded)
    truncated: bool  # more filings than one answer examines: narrow by region


class NoticesOut(ViewModel):
    filing_ids: list[int]
    references: list[str]  # the issued documents' numbers
