"""Referrals (henvendelser/søknader) to the allocation office (docs/cases.md, "Referrals")."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, query_expression

from service.common.models import EntityMixin, TenantMixin, sql_in
from service.extensions import db

SOURCES = ("gp", "dps", "specialist", "self", "nav", "relative", "police", "school", "other")
CHANNELS = ("electronic_message", "form", "letter", "phone", "in_person")
URGENCIES = ("routine", "urgent")
STATUSES = ("received", "assessing", "decided", "withdrawn", "forwarded")
OPEN_STATUSES = ("received", "assessing")


class Referral(EntityMixin, TenantMixin, db.Model):
    __tablename__ = "referrals"

    person_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("persons.id"), nullable=False, index=True)
    received_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    source: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    channel: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    requested_services: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    urgency: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="routine")
    care_pathway: Mapped[int | None] = mapped_column(sa.SmallInteger)
    summary: Mapped[str | None] = mapped_column(sa.Text)
    assigned_to: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="received")
    # received_on + 1 calendar month (forvaltningsloven § 11 a); stored so lists can filter on it.
    answer_due_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    preliminary_reply_sent_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    preliminary_reply_reason: Mapped[str | None] = mapped_column(sa.Text)
    preliminary_reply_expected_by: Mapped[dt.date | None] = mapped_column(sa.Date)
    assessment_started_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    decided_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    closed_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    close_reason: Mapped[str | None] = mapped_column(sa.Text)
    forwarded_to: Mapped[str | None] = mapped_column(sa.String(200))

    # Derived by the database on the day of the answer, never stored: ``reply_overdue_clause``,
    # filled by ``services.select_referrals`` on every load an answer is made of (null otherwise).
    reply_overdue: Mapped[bool | None] = query_expression()

    __table_args__ = (
        sa.CheckConstraint(sql_in("source", SOURCES), name="source_known"),
        sa.CheckConstraint(sql_in("channel", CHANNELS), name="channel_known"),
        sa.CheckConstraint(sql_in("urgency", URGENCIES), name="urgency_known"),
        sa.CheckConstraint(sql_in("status", STATUSES), name="status_known"),
        sa.CheckConstraint("care_pathway IS NULL OR care_pathway IN (1, 2, 3)", name="care_pathway_known"),
        sa.CheckConstraint("answer_due_on > received_on", name="answer_due_after_receipt"),
        sa.CheckConstraint("status <> 'decided' OR decided_on IS NOT NULL", name="decided_has_date"),
        sa.Index("ix_referrals_municipality_status_due", "municipality_id", "status", "answer_due_on"),
    )

    @classmethod
    def reply_due_clause(cls, by: dt.date) -> sa.ColumnElement[bool]:
        """Open, no preliminary reply (forvaltningsloven § 11 a), and ``answer_due_on`` on or before ``by``.

        The one home of the rule: the answers' ``reply_overdue`` (due before today) and the
        worklist's ``referral_reply_due`` (due within a week, ``service.referrals.flags``)."""
        return sa.and_(cls.status.in_(OPEN_STATUSES), cls.preliminary_reply_sent_on.is_(None),
                       cls.answer_due_on <= by)

    @classmethod
    def reply_overdue_clause(cls, today: dt.date) -> sa.ColumnElement[bool]:
        """Open, no preliminary reply (forvaltningsloven § 11 a), and ``answer_due_on`` before ``today``."""
        return cls.reply_due_clause(today - dt.timedelta(days=1))
