"""The audit trail: append-only, hash-chained per municipality (DESIGN §3)."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, query_expression

from service.common.models import TenantMixin, UTCDateTime, new_uuid
from service.extensions import db

ACTIONS = ("read", "create", "update", "delete", "export", "login", "denied")
GENESIS_HASH = "0" * 64


class AuditEvent(TenantMixin, db.Model):
    """One thing someone did. Database triggers refuse UPDATE and DELETE."""

    __tablename__ = "audit_events"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_uuid)
    seq: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, index=True)
    role: Mapped[str | None] = mapped_column(sa.String(20))
    action: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    object_type: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    object_id: Mapped[str | None] = mapped_column(sa.String(64))
    person_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, index=True)
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    outcome: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    detail: Mapped[str | None] = mapped_column(sa.String(200))
    prev_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    # Not a column: the actor's display name (else username), filled in by the listing
    # queries with a join (``with_expression``); None when not loaded or for system actions.
    actor_name: Mapped[str | None] = query_expression()

    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "seq"),
        sa.CheckConstraint(
            "action IN (" + ", ".join(f"'{a}'" for a in ACTIONS) + ")", name="action_known"
        ),
        sa.Index("ix_audit_events_municipality_at", "municipality_id", "at"),
    )


class AuditChainHead(db.Model):
    """The last link of each municipality's chain.

    Writers lock this row, so the chain has one order; ``audit verify`` compares
    it with the last event so that deleting the newest rows is detected too.
    """

    __tablename__ = "audit_chain_heads"

    municipality_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("municipalities.id"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, default=0)
    hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, default=GENESIS_HASH)
