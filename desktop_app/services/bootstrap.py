"""Wires the services of one running app (or one test) around a database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from desktop_app.models.database import Database
from desktop_app.services import audit
from desktop_app.services.admin import AdminService
from desktop_app.services.auth import AuthService
from desktop_app.services.calendar import CalendarService
from desktop_app.services.changes import ChangeFeed
from desktop_app.services.deadlines import DeadlineBook
from desktop_app.services.drafting import DraftingService
from desktop_app.services.incidents import IncidentService
from desktop_app.services.manual import ManualDesk
from desktop_app.services.policy import PolicyService
from desktop_app.services.presence import PresenceService
from desktop_app.services.quarantine import QuarantineService
from desktop_app.services.queries import MessageQueries
from desktop_app.services.report_summaries import ReportSummaries
from desktop_app.services.reports import ReportService
from desktop_app.services.routing import RoutingAdvisor
from desktop_app.services.saved_filters import SavedFilterService
from desktop_app.services.similar import SimilarMessages
from desktop_app.services.templates import TemplateService
from desktop_app.services.validation import ValidationService
from desktop_app.services.workflow import WorkflowService
from desktop_app.services.workflow_hooks import Lifecycle
from desktop_app.settings import Settings


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class AppServices:
    settings: Settings
    db: Database
    now: Callable[[], dt.datetime]
    calendar: CalendarService
    deadlines: DeadlineBook
    auth: AuthService
    workflow: WorkflowService
    queries: MessageQueries
    routing: RoutingAdvisor
    templates: TemplateService
    drafting: DraftingService
    admin: AdminService
    reports: ReportService
    policy: PolicyService
    validation: ValidationService
    manual: ManualDesk
    changes: ChangeFeed
    presence: PresenceService
    lifecycle: Lifecycle
    quarantine: QuarantineService
    saved_filters: SavedFilterService
    similar: SimilarMessages
    incidents: IncidentService
    # What this workstation found about the audit trail (forged events, a foreign key), for administrators.
    audit_watch: audit.AuditWatch | None = None


def build_services(
    settings: Settings,
    db: Database,
    now: Callable[[], dt.datetime] = utc_now,
    *,
    audit_dir: Path | None = None,
) -> AppServices:
    """Wire the services; with ``audit_dir`` every audit event is signed with the key there and every
    commit advances the audit checkpoint there (issue 14)."""
    watch = audit.install_checkpoint(db, audit.ChainCheckpoint(audit_dir, db.url)) if audit_dir else None
    calendar = CalendarService(
        db, settings.administration.timezone, settings.calendar.allow_provisional_years, now
    )
    policy = PolicyService(db, settings.deadlines.overall_clock, now)
    book = DeadlineBook(calendar.calendar, policy.current, settings.deadlines.reply_after_answer)
    calendar.book = book
    lifecycle = Lifecycle(book)  # handed to intake, outbox, import and the manual desk explicitly
    drafting = DraftingService(db, now)
    # Every commit records what it changed (issue 17); one feed per database, however often wired.
    changes = db.change_feed if isinstance(db.change_feed, ChangeFeed) else ChangeFeed(db, now)
    db.change_feed = changes
    # The dashboard's per-day summaries, kept in every write's transaction (issue 19); one per database.
    summaries = db.report_summaries
    if not isinstance(summaries, ReportSummaries):
        summaries = db.report_summaries = ReportSummaries(
            db, calendar.calendar, settings.administration.timezone
        )
    return AppServices(
        settings=settings,
        db=db,
        now=now,
        calendar=calendar,
        deadlines=book,
        auth=AuthService(db, now, login_settings=settings.login),
        workflow=WorkflowService(db, book, now),  # its FormatChecker: the bundled platform rules (R10)
        queries=MessageQueries(db, calendar.calendar),
        routing=RoutingAdvisor(db),
        templates=TemplateService(db, now),
        drafting=drafting,
        admin=AdminService(db, now),
        reports=ReportService(db, calendar.calendar, settings.administration.timezone, summaries),
        policy=policy,
        # Lazy: the proofreading engine is built on first use or by start() (views warm it up).
        validation=ValidationService(settings, drafting.dictionary_words),
        manual=ManualDesk(db, settings.administration.timezone, now, lifecycle),
        changes=changes,
        presence=PresenceService(db, now),
        lifecycle=lifecycle,
        saved_filters=SavedFilterService(db, now),
        similar=SimilarMessages(db, now),
        incidents=IncidentService(db, now, changes),
        quarantine=_quarantine(settings, db, now, lifecycle),
        audit_watch=watch,
    )


def _quarantine(
    settings: Settings, db: Database, now: Callable[[], dt.datetime], lifecycle: Lifecycle
) -> QuarantineService:
    """Administrators' retries use the configured size limits (R5, issue 12) and the one lifecycle."""
    from desktop_app.services.intake import IntakeLimits, retry_quarantined

    feed = IntakeLimits.from_settings(settings.incident).feed
    return QuarantineService(
        db, now, retry=lambda entry_id: retry_quarantined(db, entry_id, lifecycle, now, feed)
    )


def has_any_table(db: Database) -> bool:
    return bool(sa.inspect(db.engine).get_table_names())
