"""Writing, reading and verifying the audit trail.

Events are added to the caller's session, so they commit or roll back with the
change they describe. The chain head is locked (``SELECT … FOR UPDATE`` on
PostgreSQL; SQLite transactions are ``BEGIN IMMEDIATE`` and already serial), which
gives each municipality one unbroken order of events.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import uuid
from collections.abc import Iterable

import sqlalchemy as sa
from flask import g
from sqlalchemy import orm

from service.audit.models import GENESIS_HASH, OBJECT_TYPES, OUTCOMES, SYSTEM_ROLE, AuditChainHead, AuditEvent
from service.auth.identity import current_user
from service.auth.models import Municipality, User
from service.common import clock
from service.common.errors import NotFound
from service.common.i18n import _
from service.common.pagination import page_of
from service.common.tenancy import current_municipality_id
from service.extensions import db
from service.persons.models import Person


def event_hash(event: AuditEvent) -> str:
    """SHA-256 over the event's fields and the previous hash, in a fixed order."""
    fields = [
        event.seq,
        str(event.municipality_id),
        event.at.astimezone(clock.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        str(event.actor_id) if event.actor_id else None,
        event.role,
        event.action,
        event.object_type,
        event.object_id,
        str(event.person_id) if event.person_id else None,
        event.request_id,
        event.outcome,
        event.detail,
        event.prev_hash,
    ]
    return hashlib.sha256(json.dumps(fields, separators=(",", ":")).encode()).hexdigest()


def start_chain(municipality_id: uuid.UUID) -> None:
    db.session.add(AuditChainHead(municipality_id=municipality_id, seq=0, hash=GENESIS_HASH))
    db.session.flush()


def _actor() -> tuple[uuid.UUID | None, str]:
    user = current_user()
    if user is None:
        return None, SYSTEM_ROLE
    return user.id, user.role


def record(action: str, object_type: str, *, object_id=None, person_id=None,
           outcome: str = "ok", detail: str | None = None) -> AuditEvent:
    return record_many(action, object_type, [(object_id, person_id)], outcome=outcome, detail=detail)[0]


def record_many(action: str, object_type: str, subjects: Iterable[tuple[object, object]], *,
                outcome: str = "ok", detail: str | None = None) -> list[AuditEvent]:
    """Append one event per ``(object_id, person_id)`` pair, chained in order.

    The object type and outcome must be among ``OBJECT_TYPES`` and ``OUTCOMES`` (each with
    its label): the listings declare them as enums, so an unknown code is a programming
    error, refused before anything is written (the action has its CHECK constraint).
    """
    if object_type not in OBJECT_TYPES:
        raise ValueError(f"unknown audit object type {object_type!r}: add it to "
                         "service.audit.models.OBJECT_TYPES and label it in service/audit/labels.py")
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown audit outcome {outcome!r}: add it to "
                         "service.audit.models.OUTCOMES and label it in service/audit/labels.py")
    subjects = list(subjects)
    if not subjects:
        return []
    municipality_id = current_municipality_id()
    if municipality_id is None:
        raise RuntimeError("audit events need a municipality")
    head = db.session.execute(
        sa.select(AuditChainHead)
        .where(AuditChainHead.municipality_id == municipality_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    actor_id, role = _actor()
    at = clock.now()
    request_id = g.get("request_id")
    events = []
    for object_id, person_id in subjects:
        event = AuditEvent(
            id=uuid.uuid4(), municipality_id=municipality_id, seq=head.seq + 1, at=at,
            actor_id=actor_id, role=role, action=action, object_type=object_type,
            object_id=str(object_id) if object_id is not None else None,
            person_id=person_id, request_id=request_id, outcome=outcome, detail=detail,
            prev_hash=head.hash,
        )
        event.hash = event_hash(event)
        head.seq, head.hash = event.seq, event.hash
        events.append(event)
    db.session.add_all(events)
    return events


def _with_actor_names(stmt: sa.Select) -> sa.Select:
    """Each event's ``actor_name`` (display name, else username) from the same query.

    An outer join, so system actions (no actor) stay, with no name. Events are
    immutable, so refreshing ones already in the session (populate_existing) is safe
    and makes the name appear on them too.
    """
    same_town = sa.and_(User.id == AuditEvent.actor_id, User.municipality_id == AuditEvent.municipality_id)
    return (stmt.outerjoin(User, same_town)
            .options(orm.with_expression(AuditEvent.actor_name,
                                         sa.func.coalesce(User.display_name, User.username)))
            .execution_options(populate_existing=True))


def list_events(filters: dict, page: int, page_size: int) -> tuple[list[AuditEvent], int]:
    stmt = _with_actor_names(sa.select(AuditEvent))
    for column in ("actor_id", "person_id", "action", "object_type", "object_id", "outcome", "request_id"):
        if filters.get(column) is not None:
            stmt = stmt.where(getattr(AuditEvent, column) == filters[column])
    if filters.get("at_from") is not None:
        stmt = stmt.where(AuditEvent.at >= filters["at_from"])
    if filters.get("at_to") is not None:
        stmt = stmt.where(AuditEvent.at < filters["at_to"])
    return page_of(stmt.order_by(AuditEvent.seq.desc()), page, page_size)


def access_log(person_id: uuid.UUID, page: int, page_size: int) -> tuple[list[AuditEvent], int]:
    """Who touched this person's data; reading the log is itself recorded.

    The person is the path's resource, so an unknown one is a 404, and the auditor may read
    the log of any person of the municipality: ``persons.access.referenced_person`` (a 422
    on a body field, limited to the caller's need-to-know, which gives the auditor nobody)
    means something else.
    """
    if db.session.get(Person, person_id) is None:
        raise NotFound(_("No such person."))
    items, total = list_events({"person_id": person_id}, page, page_size)
    record("read", "access_log", object_id=person_id, person_id=person_id)
    return items, total


@dataclasses.dataclass(frozen=True)
class ChainBreak:
    municipality_number: str
    seq: int | None
    event_id: uuid.UUID | None
    reason: str

    def __str__(self) -> str:
        where = f"row seq={self.seq} id={self.event_id}" if self.seq is not None else "chain head"
        return f"municipality {self.municipality_number}: {where}: {self.reason}"


def verify_chains(municipality_number: str | None = None) -> tuple[int, ChainBreak | None]:
    """Walk every chain; return how many events were checked and the first break."""
    stmt = sa.select(Municipality).order_by(Municipality.number)
    if municipality_number:
        stmt = stmt.where(Municipality.number == municipality_number)
    checked = 0
    for municipality in db.session.scalars(stmt).all():
        expected_seq, prev_hash = 1, GENESIS_HASH
        events = db.session.execute(
            sa.select(AuditEvent).where(AuditEvent.municipality_id == municipality.id)
            .order_by(AuditEvent.seq).execution_options(yield_per=1000)
        ).scalars()
        for event in events:
            checked += 1
            if event.seq != expected_seq:
                return checked, ChainBreak(municipality.number, event.seq, event.id,
                                           f"expected seq {expected_seq}: row(s) deleted")
            if event.prev_hash != prev_hash:
                return checked, ChainBreak(municipality.number, event.seq, event.id,
                                           "prev_hash does not link to the previous row")
            if event_hash(event) != event.hash:
                return checked, ChainBreak(municipality.number, event.seq, event.id,
                                           "content does not match its hash: row edited")
            expected_seq, prev_hash = event.seq + 1, event.hash
        head = db.session.get(AuditChainHead, municipality.id)
        if head is None or head.seq != expected_seq - 1 or head.hash != prev_hash:
            return checked, ChainBreak(municipality.number, None, None,
                                       "last row does not match the chain head: newest row(s) deleted")
    return checked, None
