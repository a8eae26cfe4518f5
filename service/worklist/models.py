"""Flags: the worklist's items, raised by the jobs and resolved by the actions and the jobs (docs/worklist.md)."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.common.models import EntityMixin, TenantMixin, UTCDateTime, sql_in
from service.extensions import db

OPEN, ACKNOWLEDGED, RESOLVED = "open", "acknowledged", "resolved"
STATUSES = (OPEN, ACKNOWLEDGED, RESOLVED)
# Not resolved: still on the worklist (an acknowledged flag has been seen, its cause is still there).
PENDING = (OPEN, ACKNOWLEDGED)
# Who acts when no user is named (or the named user is disabled, or the coordinator is a name).
OFFICES = ("case_office", "housing_office", "provider_unit")
# What a flag is about: the audit object types of its subjects.
SUBJECT_TYPES = ("referral", "decision", "appeal", "individual_plan", "housing_unit", "housing_tenancy",
                 "housing_offer")
# How a flag was resolved: by the action that removed its cause, or by a job's safety net.
RESOLUTIONS = ("action", "job")


class Flag(EntityMixin, TenantMixin, db.Model):
    """One worklist item: a deadline or an expiry of one subject, due on one day.

    Unique per (kind, subject, due_on) in a municipality: a job that runs twice raises it once.
    Never deleted: it leaves the worklist only as ``resolved`` with its ``resolved_on``.
    """

    __tablename__ = "flags"

    # Not indexed on its own: every query names the municipality first and the unique key and
    # the worklist's index lead with it (the jobs insert tens of thousands of flags at a time).
    municipality_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("municipalities.id"), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    subject_type: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    subject_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, nullable=False, index=True)
    person_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("persons.id"))
    due_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default=OPEN)
    raised_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    resolved_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    resolution: Mapped[str | None] = mapped_column(sa.String(10))
    acknowledged_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    acknowledged_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("users.id"))
    # The user who should act; null: the office (``office``) acts.
    assigned_to: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("users.id"), index=True)
    office: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    # Which of the kind's texts applies (e.g. unit_decision_changed: decided, expiring, ended).
    cause: Mapped[str | None] = mapped_column(sa.String(20))

    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "kind", "subject_type", "subject_id", "due_on"),
        sa.CheckConstraint(sql_in("status", STATUSES), name="status_known"),
        sa.CheckConstraint(sql_in("office", OFFICES), name="office_known"),
        sa.CheckConstraint(sql_in("subject_type", SUBJECT_TYPES), name="subject_type_known"),
        sa.CheckConstraint("resolution IS NULL OR " + sql_in("resolution", RESOLUTIONS), name="resolution_known"),
        sa.CheckConstraint("(status = 'resolved') = (resolved_on IS NOT NULL)", name="resolved_has_date"),
        sa.CheckConstraint("(status = 'resolved') = (resolution IS NOT NULL)", name="resolved_has_resolution"),
        sa.CheckConstraint("resolved_on IS NULL OR resolved_on >= raised_on", name="resolved_after_raised"),
        sa.Index("ix_flags_municipality_status_due", "municipality_id", "status", "due_on"),
    )


class FlagSourceChange(db.Model):
    """A write to a table that some flag kind's condition reads, logged by the database itself.

    Triggers on those tables (migration 0014) insert one row per write: on PostgreSQL one per
    statement, in the municipality of the transaction's scope (``app.municipality_id``, which the
    application sets on every transaction; null when none is set, e.g. a migration or an
    operator's SQL: "any municipality"); on SQLite one per row, in the row's municipality. No
    write path can bypass them. The ``deadlines`` job reads a municipality's rows when it
    starts and deletes exactly those it read when it commits (service/worklist/changes.py).
    Holds no person data: not tenant-scoped.
    """

    __tablename__ = "flag_source_changes"

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True,
                                    autoincrement=True)
    municipality_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, index=True)
    source: Mapped[str] = mapped_column(sa.String(63), nullable=False)


class FlagEvaluation(db.Model):
    """The last full evaluation of a flag kind in a municipality: the fingerprint of the condition
    it evaluated (its SQL and parameters: the day, the windows), and how long it took. The
    ``deadlines`` job evaluates a kind again only when the fingerprint differs or a table the
    condition reads has changed since (``FlagSourceChange``), and starts the kinds that took
    longest first. Not tenant-scoped: no person data."""

    __tablename__ = "flag_evaluations"

    municipality_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("municipalities.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    evaluated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    # How long that evaluation took (its resolution and raise): the job starts the longest first.
    duration_ms: Mapped[int | None] = mapped_column(sa.Integer)
