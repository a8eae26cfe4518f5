"""The audit trail: append-only, hash-chained per municipality (docs/architecture.md, "Audit trail")."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, query_expression

from service.auth.roles import ALL_ROLES
from service.common.models import TenantMixin, UTCDateTime, new_uuid, sql_in
from service.extensions import db

ACTIONS = ("read", "create", "update", "delete", "export", "login", "denied")
# What an event is about: every object type a feature records (``record_many`` refuses
# any other, so the listings' OpenAPI enum holds). Each has a label in ``audit/labels.py``.
OBJECT_TYPES = (
    "person", "person_search", "person_block", "address_protection", "emergency_access",
    "referral", "decision", "appeal",
    "individual_plan", "plan_member", "plan_goal", "plan_measure", "plan_evaluation",
    "housing_unit", "housing_inspection", "housing_need", "housing_offer", "housing_tenancy",
    "housing_event", "housing_allocation_proposal",
    "provider_unit", "service_type", "legal_basis",
    "route",  # a refused request (action "denied"): object_id is "METHOD rule"
    "access_log", "audit_log", "audit_review", "idempotent_replay",
    "report_snapshot", "report_live",  # a report's tables (no person): built, or read (action "export")
    "user",  # a user administered on the web (service/auth/services.py): created, disabled, credentials
)
OUTCOMES = ("ok", "denied", "no_match")
# The role an event was recorded under: the user's, or "system" for jobs, the CLI and seeding.
SYSTEM_ROLE = "system"
ACTOR_ROLES = (*ALL_ROLES, SYSTEM_ROLE)
GENESIS_HASH = "0" * 64


class AuditEvent(TenantMixin, db.Model):
    """One thing someone did. Database triggers refuse UPDATE and DELETE.

    ``seq``, ``prev_hash``, ``hash`` and ``key_id`` are given when the transaction commits
    (service/audit/chain.py); until then an event recorded by ``record_many`` has none.
    """

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
    # The id of the key whose HMAC ``hash`` is (service/audit/keys.py); NULL only for the
    # events written before the chain was keyed, whose hash is plain SHA-256.
    key_id: Mapped[str | None] = mapped_column(sa.String(40))
    # Not a column: the actor's display name (else username), filled in by the listing
    # queries with a join (``with_expression``); None when not loaded or for system actions.
    actor_name: Mapped[str | None] = query_expression()

    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "seq"),
        sa.CheckConstraint(sql_in("action", ACTIONS), name="action_known"),
        sa.Index("ix_audit_events_municipality_at", "municipality_id", "at"),
    )


class AuditChainHead(db.Model):
    """The last link of each municipality's chain.

    Writers lock this row at commit, so the chain has one order; ``audit verify``
    compares it with the last event so that deleting the newest rows is detected too.
    Database triggers let it only move forward: seq never decreases, the row is never
    deleted (migration 0008).
    """

    __tablename__ = "audit_chain_heads"

    municipality_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("municipalities.id"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, default=0)
    hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, default=GENESIS_HASH)
