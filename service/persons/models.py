"""Persons: the citizens who apply for or receive services (docs/legal-rules.md, "Persons")."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.auth import matrix
from service.common.models import EntityMixin, TenantMixin, UTCDateTime, sql_in
from service.extensions import db

SEXES = ("female", "male", "other")
MINOR_CHILDREN = ("yes", "no", "unknown")
# Fortrolig / strengt fortrolig adresse (kode 7 / kode 6): docs/security.md, "Protected addresses".
ADDRESS_PROTECTIONS = matrix.ADDRESS_PROTECTIONS


class Person(EntityMixin, TenantMixin, db.Model):
    __tablename__ = "persons"

    national_id: Mapped[str | None] = mapped_column(sa.String(11))
    national_id_missing_reason: Mapped[str | None] = mapped_column(sa.String(200))
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    birth_date: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    sex: Mapped[str | None] = mapped_column(sa.String(10))
    district: Mapped[str | None] = mapped_column(sa.String(80))
    # Children as next of kin must be looked after (helsepersonelloven § 10 a).
    has_minor_children: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="unknown")
    # Set and cleared only by the audited action (service.persons.protection).
    address_protection: Mapped[str] = mapped_column(sa.String(25), nullable=False, default="none",
                                                    server_default="none")

    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "national_id"),
        sa.CheckConstraint(
            "national_id IS NOT NULL OR national_id_missing_reason IS NOT NULL",
            name="national_id_or_reason",
        ),
        sa.CheckConstraint("sex IS NULL OR sex IN ('female', 'male', 'other')", name="sex_known"),
        sa.CheckConstraint("has_minor_children IN ('yes', 'no', 'unknown')", name="minor_children_known"),
        sa.CheckConstraint(sql_in("address_protection", ADDRESS_PROTECTIONS), name="address_protection_known"),
    )


# Why a user is barred from a person (docs/security.md, "Per-person blocks").
BLOCK_REASONS = ("disqualified", "related", "person_request", "other")
_ACTIVE_BLOCK = "lifted_at IS NULL"


class PersonBlock(EntityMixin, TenantMixin, db.Model):
    """A named user barred from a named person: to that user the person, and every row about
    them, is what a random id is (service.persons.access). Lifted, never deleted."""

    __tablename__ = "person_blocks"

    person_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("persons.id"), nullable=False, index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("users.id"), nullable=False, index=True)
    reason: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    note: Mapped[str | None] = mapped_column(sa.String(500))
    blocked_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("users.id"))
    lifted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    lifted_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("users.id"))
    lift_reason: Mapped[str | None] = mapped_column(sa.String(500))

    user = relationship("User", foreign_keys=[user_id], lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(sql_in("reason", BLOCK_REASONS), name="reason_known"),
        sa.CheckConstraint("lifted_at IS NULL OR lift_reason IS NOT NULL", name="lifted_has_reason"),
        # At most one block in force per (person, user).
        sa.Index("uq_person_blocks_person_id_user_id_active", "person_id", "user_id", unique=True,
                 postgresql_where=sa.text(_ACTIVE_BLOCK), sqlite_where=sa.text(_ACTIVE_BLOCK)),
    )


class EmergencyAccess(EntityMixin, TenantMixin, db.Model):
    """A user's emergency opening of a person ("break the glass"): until ``expires_at`` the user
    reads every row about the person its role reads at all (service.persons.access.rows_clause).
    Kept, never changed: the auditor lists them (docs/security.md, "Emergency access")."""

    __tablename__ = "emergency_accesses"

    person_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("persons.id"), nullable=False, index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("users.id"), nullable=False)
    reason: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)

    user = relationship("User", foreign_keys=[user_id], lazy="joined")

    __table_args__ = (
        sa.CheckConstraint("expires_at > opened_at", name="expires_after_opening"),
        # The look-up every request of an opener makes: its openings in force.
        sa.Index("ix_emergency_accesses_user_id_expires_at", "user_id", "expires_at"),
    )
