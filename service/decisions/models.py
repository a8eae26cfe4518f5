"""Decisions (enkeltvedtak) and appeals (klager) (docs/cases.md).

A decision's ``state`` is never stored: see ``service.decisions.state``. It, the id of the
decision superseding it and its legal basis' appeal period are derived by the database when
a decision is loaded for an answer (``loading.select_with_state``, ``query_expression``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from service.common.models import EntityMixin, TenantMixin, sql_in
from service.decisions.periods import appeal_deadline
from service.extensions import db
from service.provider_units.models import ProviderUnit

OUTCOMES = ("granted", "partly_granted", "refused")
STATES = ("draft", "discarded", "refused", "upcoming", "active", "expiring", "expired", "ended", "superseded")
# How the decision was sent (forvaltningsloven § 27); notified_on is when it reached the person.
NOTIFICATION_CHANNELS = ("letter", "digital_mailbox", "in_person")
APPEAL_STATUSES = ("received", "reassessing", "reversed", "forwarded", "upheld", "overturned", "returned")


class Decision(EntityMixin, TenantMixin, db.Model):
    __tablename__ = "decisions"
    __tenant_index__ = False  # ix_decisions_municipality_valid_to and _evaluate_by lead with it

    person_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("persons.id"), nullable=False, index=True)
    referral_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("referrals.id"), index=True)
    service_code: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    legal_basis: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    outcome: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    hours_per_week: Mapped[decimal.Decimal | None] = mapped_column(sa.Numeric(6, 2))
    valid_from: Mapped[dt.date | None] = mapped_column(sa.Date)
    valid_to: Mapped[dt.date | None] = mapped_column(sa.Date)
    evaluate_by: Mapped[dt.date | None] = mapped_column(sa.Date)
    # The unit that delivers the decision (service.provider_units); its provider staff see it.
    provider_unit_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("provider_units.id"),
                                                               index=True)
    reasoning: Mapped[str | None] = mapped_column(sa.Text)
    decided_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("users.id"))
    notified_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    notification_sent_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    notification_channel: Mapped[str | None] = mapped_column(sa.String(20))
    ended_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    end_reason: Mapped[str | None] = mapped_column(sa.Text)
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("decisions.id"))
    # A draft made by mistake is discarded, never deleted: kept, audited, hidden from lists.
    discarded_at: Mapped[dt.date | None] = mapped_column(sa.Date)
    discard_reason: Mapped[str | None] = mapped_column(sa.Text)

    provider_unit: Mapped[ProviderUnit | None] = relationship(lazy="joined")

    # Derived by the database on the day of the answer, never stored; filled by
    # ``loading.select_with_state`` on every load an answer is made of (null otherwise).
    state: Mapped[str | None] = query_expression()
    superseded_by_id: Mapped[uuid.UUID | None] = query_expression()
    appeal_period_days: Mapped[int | None] = query_expression()  # of the legal basis
    appeal_period_moves: Mapped[bool | None] = query_expression()

    __table_args__ = (
        sa.ForeignKeyConstraint(["municipality_id", "service_code"],
                                ["service_types.municipality_id", "service_types.code"],
                                name="fk_decisions_service_code_service_types"),
        sa.ForeignKeyConstraint(["municipality_id", "legal_basis"],
                                ["legal_bases.municipality_id", "legal_bases.code"],
                                name="fk_decisions_legal_basis_legal_bases"),
        sa.CheckConstraint(sql_in("outcome", OUTCOMES), name="outcome_known"),
        sa.CheckConstraint("notification_channel IS NULL OR " + sql_in("notification_channel", NOTIFICATION_CHANNELS),
                           name="notification_channel_known"),
        sa.CheckConstraint("notification_sent_on IS NULL OR notified_on IS NULL OR notification_sent_on <= notified_on",
                           name="notification_sent_before_notified"),
        sa.CheckConstraint("hours_per_week IS NULL OR (hours_per_week > 0 AND hours_per_week <= 168)",
                           name="hours_in_range"),
        sa.CheckConstraint("valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from",
                           name="period_ordered"),
        sa.CheckConstraint("outcome <> 'refused' OR (valid_from IS NULL AND valid_to IS NULL "
                           "AND hours_per_week IS NULL)", name="refused_has_no_period"),
        sa.CheckConstraint("decided_on IS NOT NULL OR (notified_on IS NULL AND ended_on IS NULL)",
                           name="draft_not_notified_or_ended"),
        sa.CheckConstraint("outcome = 'refused' OR decided_on IS NULL OR valid_from IS NOT NULL",
                           name="granted_has_start"),
        sa.CheckConstraint("discarded_at IS NULL OR decided_on IS NULL", name="discarded_is_draft"),
        sa.CheckConstraint("discarded_at IS NULL OR discard_reason IS NOT NULL", name="discarded_has_reason"),
        # A decision is superseded by at most one other (renewal or correction); a discarded
        # draft no longer counts, so the decision can be renewed again.
        sa.Index("uq_decisions_supersedes_id", "supersedes_id", unique=True,
                 postgresql_where=sa.text("supersedes_id IS NOT NULL AND discarded_at IS NULL"),
                 sqlite_where=sa.text("supersedes_id IS NOT NULL AND discarded_at IS NULL")),
        sa.Index("ix_decisions_municipality_valid_to", "municipality_id", "valid_to"),
        # The worklist's decision_evaluation_due reads the decisions whose evaluation is near.
        sa.Index("ix_decisions_municipality_evaluate_by", "municipality_id", "evaluate_by"),
    )

    @property
    def appeal_deadline_on(self) -> dt.date | None:
        """Last day to appeal (``periods.appeal_deadline``: the holiday calendar), from the
        appeal period loaded with the decision; None while it is not notified."""
        if self.notified_on is not None and (self.appeal_period_days is None or self.appeal_period_moves is None):
            raise RuntimeError("decision loaded without its appeal period: load it with loading.select_with_state")
        return appeal_deadline(self.notified_on, self.appeal_period_days, self.appeal_period_moves)


class Appeal(EntityMixin, TenantMixin, db.Model):
    __tablename__ = "appeals"

    decision_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("decisions.id"), nullable=False, index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("persons.id"), nullable=False, index=True)
    received_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    # Posted or sent electronically; decides timeliness under fvl § 30 when given.
    sent_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    summary: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="received")
    # Computed by service.decisions.appeals.apply_deadlines whenever notified_on, sent_on or
    # received_on change: notified_on + the legal basis' period (moved past weekends and
    # holidays when the basis says so); null while the decision is not notified.
    deadline_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    # Judged on sent_on when given, else received_on; true while the period has not started.
    deadline_met: Mapped[bool] = mapped_column(sa.Boolean, nullable=False)
    appeal_period_days: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    # decided_on + 1 year (fvl § 31 third paragraph): later appeals are registered but flagged.
    absolute_limit_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    beyond_absolute_limit: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False,
                                                        server_default=sa.false())
    reassessment_started_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    forwarded_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    resolved_on: Mapped[dt.date | None] = mapped_column(sa.Date)

    __table_args__ = (
        sa.CheckConstraint(sql_in("status", APPEAL_STATUSES), name="status_known"),
        sa.CheckConstraint("sent_on IS NULL OR sent_on <= received_on", name="sent_before_received"),
    )
