"""Frozen snapshots of a period's report tables (docs/reports.md, "Snapshots").

A snapshot holds only what may be published: the tables after suppression. It is never
changed or deleted (database triggers refuse it, migration 0011); a rebuild whose tables
differ from the newest version is stored as the next version, with its reason and the cells
that changed.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.common import clock
from service.common.models import TenantMixin, UTCDateTime, new_uuid, sql_in
from service.extensions import db

TRIGGERS = ("scheduled", "catch_up", "manual")


class Snapshot(TenantMixin, db.Model):
    __tablename__ = "report_snapshots"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_uuid)
    period: Mapped[str] = mapped_column(sa.String(7), nullable=False)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    generated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    # The Oslo date the tables were computed on (what "as of" means for late registrations).
    built_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    trigger: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    built_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("users.id"))
    suppression_threshold: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    # The published tables (service.reports.publish): hidden cells carry no value.
    tables: Mapped[dict] = mapped_column(sa.JSON, nullable=False)
    # [[table, row, column], …] whose published value differs from the previous version.
    changed_cells: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)

    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "period", "version"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        sa.CheckConstraint("version = 1 OR reason IS NOT NULL", name="new_version_has_reason"),
        sa.CheckConstraint(sql_in("trigger", TRIGGERS), name="trigger_known"),
        sa.CheckConstraint("suppression_threshold >= 2", name="threshold_at_least_two"),
    )
