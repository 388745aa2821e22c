"""Tables. SQLAlchemy 2 declarative style; the domain never imports this package.

Every table module is imported here, so `Base.metadata` is complete once this package is imported, and
`from redline.store.models import X` works for every table. The modules import only `base` (and `trust`
the `core` table it refers to), never this package: the table graph has no cycle."""

from __future__ import annotations

from redline.store.models.base import NAMING, Base, UTCDateTime, utcnow
from redline.store.models.core import (
    ApiToken,
    AuditEntry,
    AuditHead,
    Campaign,
    CampaignFile,
    CampaignFinding,
    CampaignRun,
    CampaignSample,
    Evidence,
    Filing,
    FilingEvent,
    Inspection,
    Job,
    LoginAttempt,
    Organisation,
    RectificationItem,
    Reminder,
    ReviewComment,
    Service,
    Summons,
    User,
    WebhookEndpoint,
    WebSession,
)
from redline.store.models.documents import DocumentSequence, IssuedDocument, Receipt
from redline.store.models.inbox import InboxDelivery, InboxItem
from redline.store.models.queue import FilingAssignment, SavedQueueView
from redline.store.models.review import FilingReview
from redline.store.models.rulebooks import RulebookVersion
from redline.store.models.totals import FilingCount, FilingTagCount
from redline.store.models.trust import AuditCheckpoint, SigningKey
from redline.store.models.versions import FollowUpDeadline, ReportVersion

__all__ = [
    "NAMING",
    "ApiToken",
    "AuditCheckpoint",
    "AuditEntry",
    "AuditHead",
    "Base",
    "Campaign",
    "CampaignFile",
    "CampaignFinding",
    "CampaignRun",
    "CampaignSample",
    "DocumentSequence",
    "Evidence",
    "Filing",
    "FilingAssignment",
    "FilingCount",
    "FilingEvent",
    "FilingReview",
    "FilingTagCount",
    "FollowUpDeadline",
    "InboxDelivery",
    "InboxItem",
    "Inspection",
    "IssuedDocument",
    "Job",
    "LoginAttempt",
    "Organisation",
    "Receipt",
    "RectificationItem",
    "Reminder",
    "ReportVersion",
    "ReviewComment",
    "RulebookVersion",
    "SavedQueueView",
    "Service",
    "SigningKey",
    "Summons",
    "UTCDateTime",
    "User",
    "WebSession",
    "WebhookEndpoint",
    "utcnow",
]
