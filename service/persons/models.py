"""Persons: the citizens who apply for or receive services (docs/legal-rules.md, "Persons")."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.common.models import EntityMixin, TenantMixin
from service.extensions import db

SEXES = ("female", "male", "other")
MINOR_CHILDREN = ("yes", "no", "unknown")


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

    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "national_id"),
        sa.CheckConstraint(
            "national_id IS NOT NULL OR national_id_missing_reason IS NOT NULL",
            name="national_id_or_reason",
        ),
        sa.CheckConstraint("sex IS NULL OR sex IN ('female', 'male', 'other')", name="sex_known"),
        sa.CheckConstraint("has_minor_children IN ('yes', 'no', 'unknown')", name="minor_children_known"),
    )
