"""The auditor's follow-up of the trail: a review of one event (docs/security.md, "The auditor's follow-up")."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.common.models import EntityMixin, TenantMixin, sql_in
from service.extensions import db

# What the auditor found: nothing to remark, or something to follow up (with whom, in the note).
FINDINGS = ("ok", "follow_up")


class AuditReview(EntityMixin, TenantMixin, db.Model):
    """The auditor's review of one audit event (a sampled access, an access outside the rules).
    One per event; kept, never changed (the events themselves are append-only)."""

    __tablename__ = "audit_reviews"

    event_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("audit_events.id"), nullable=False)
    finding: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    note: Mapped[str | None] = mapped_column(sa.String(1000))
    reviewed_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("users.id"))

    __table_args__ = (
        sa.UniqueConstraint("event_id"),
        sa.CheckConstraint(sql_in("finding", FINDINGS), name="finding_known"),
        sa.CheckConstraint("finding = 'ok' OR note IS NOT NULL", name="follow_up_has_note"),
    )
