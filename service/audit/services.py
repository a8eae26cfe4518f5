"""Writing, reading and verifying the audit trail.

Events are recorded in the caller's session, so they commit or roll back with the
change they describe. They are linked into their municipality's chain when the
transaction commits (``service/audit/chain.py``): the chain head is locked only for
the INSERT of the events, the head's UPDATE and the commit (``SELECT … FOR UPDATE`` on
PostgreSQL; SQLite transactions are ``BEGIN IMMEDIATE`` and already serial), which
gives each municipality one unbroken order of events without making its requests
queue behind each other.
"""

from __future__ import annotations

import dataclasses
import hmac
import uuid
from collections.abc import Iterable

import sqlalchemy as sa
from flask import g
from sqlalchemy import orm

from service.audit import keys as audit_keys
from service.audit.chain import buffer, event_hash
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

__all__ = ["ChainBreak", "access_log", "event_hash", "list_events", "record", "record_many",
           "seal_unkeyed_chains", "start_chain", "verify_chains", "walk_chain"]


def start_chain(municipality_id: uuid.UUID) -> None:
    db.session.add(AuditChainHead(municipality_id=municipality_id, seq=0, hash=GENESIS_HASH))
    db.session.flush()


def _actor() -> tuple[uuid.UUID | None, str]:
    user = current_user()
    if user is None:
        return None, SYSTEM_ROLE
    return user.id, user.role


def record(action: str, object_type: str, *, object_id=None, person_id=None,
           outcome: str = "ok", detail: str | None = None, event_id: uuid.UUID | None = None) -> AuditEvent:
    """One event; ``event_id`` when the caller derives it (a refusal's minute row: service/audit/denials.py)."""
    return record_many(action, object_type, [(object_id, person_id)], outcome=outcome, detail=detail,
                       event_ids=None if event_id is None else [event_id])[0]


def record_many(action: str, object_type: str, subjects: Iterable[tuple[object, object]], *,
                outcome: str = "ok", detail: str | None = None,
                event_ids: list[uuid.UUID] | None = None) -> list[AuditEvent]:
    """Record one event per ``(object_id, person_id)`` pair, chained in order when the transaction commits.

    The object type and outcome must be among ``OBJECT_TYPES`` and ``OUTCOMES`` (each with
    its label): the listings declare them as enums, so an unknown code is a programming
    error, refused before anything is written (the action has its CHECK constraint).
    The events returned carry their id, time, actor and subject at once; their ``seq``
    and ``hash`` once the transaction has committed. The request id is the server's own
    (``g.request_id``), never what a client sent (``service/common/http.py``).
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
    actor_id, role = _actor()
    at = clock.now()
    request_id = g.get("request_id")
    ids = event_ids if event_ids is not None else [uuid.uuid4() for _subject in subjects]
    events = [
        AuditEvent(id=event_id, municipality_id=municipality_id, at=at, actor_id=actor_id, role=role,
                   action=action, object_type=object_type,
                   object_id=str(object_id) if object_id is not None else None,
                   person_id=person_id, request_id=request_id, outcome=outcome, detail=detail)
        for event_id, (object_id, person_id) in zip(ids, subjects, strict=True)
    ]
    buffer(db.session(), events)
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
    checkpoint: str | None = None  # "PATH line N" when a signed checkpoint is what fails

    def __str__(self) -> str:
        row = f"row seq={self.seq} id={self.event_id}" if self.event_id is not None else None
        if self.checkpoint:
            where = f"checkpoint {self.checkpoint}" + (f" ({row})" if row else "")
        else:
            where = row or "chain head"
        return f"municipality {self.municipality_number}: {where}: {self.reason}"


UNKEYED_TAIL = ("the newest row is not keyed: run `flask audit seal` once after upgrading to the keyed chain, "
                "or the chain was rewritten with plain SHA-256")


@dataclasses.dataclass
class ChainWalk:
    """One municipality's rows from ``from_seq`` on, checked link by link."""

    municipality: Municipality
    checked: int = 0
    last: AuditEvent | None = None
    broken: ChainBreak | None = None

    def fail(self, event: AuditEvent | None, reason: str, checkpoint=None) -> None:
        self.broken = ChainBreak(self.municipality.number, event.seq if event else None,
                                 event.id if event else None, reason,
                                 checkpoint.where if checkpoint is not None else None)


def walk_chain(municipality: Municipality, keys: audit_keys.AuditKeys, pins: dict[int, list], *,
               from_seq: int = 1, to_seq: int | None = None) -> ChainWalk:
    """Check seq, link, hash (HMAC with the row's key; SHA-256 for rows from before keys, which may only
    come before every keyed row) and each signed checkpoint pinned to a row. From ``from_seq`` > 1 the
    first row's link is not checked: a checkpoint pins that row's hash."""
    walk = ChainWalk(municipality)
    stmt = sa.select(AuditEvent).where(AuditEvent.municipality_id == municipality.id, AuditEvent.seq >= from_seq)
    if to_seq is not None:
        stmt = stmt.where(AuditEvent.seq <= to_seq)
    expected_seq, prev_hash, keyed = from_seq, GENESIS_HASH if from_seq == 1 else None, False
    for event in db.session.execute(stmt.order_by(AuditEvent.seq).execution_options(yield_per=1000)).scalars():
        walk.checked += 1
        if event.seq != expected_seq:
            walk.fail(event, f"expected seq {expected_seq}: row(s) deleted")
            return walk
        if prev_hash is not None and event.prev_hash != prev_hash:
            walk.fail(event, "prev_hash does not link to the previous row")
            return walk
        if event.key_id is None:
            if keyed:
                walk.fail(event, "no key, after keyed rows: rewritten with plain SHA-256")
                return walk
            expected = event_hash(event)
        else:
            secret = keys.secret(event.key_id)
            if secret is None:
                walk.fail(event, f"signed with key {event.key_id!r}, which the configuration does not hold "
                                 "(AUDIT_HMAC_KEYS, AUDIT_HMAC_KEY_FILE)")
                return walk
            keyed = True
            expected = event_hash(event, secret)
        if not hmac.compare_digest(expected, event.hash):
            walk.fail(event, "content does not match its hash: row edited (or hashed without the key)")
            return walk
        for checkpoint in pins.get(event.seq, ()):
            if checkpoint.hash != event.hash:
                walk.fail(event, "the row's hash is not the one this signed checkpoint holds: "
                                 "rows up to it were rewritten", checkpoint)
                return walk
        expected_seq, prev_hash, walk.last = event.seq + 1, event.hash, event
    return walk


def verify_chains(municipality_number: str | None = None, checkpoints=(), *,
                  allow_unkeyed_tail: bool = False) -> tuple[int, ChainBreak | None]:
    """Walk every chain; return how many events were checked and the first break.

    ``checkpoints`` (``service.audit.checkpoints.read``): signed heads written earlier; each
    must verify, and the chain must still hold its row with its hash. ``allow_unkeyed_tail``
    is for ``audit seal`` only: a chain from before keys may end with an unkeyed row.
    """
    keys = audit_keys.current()
    stmt = sa.select(Municipality).order_by(Municipality.number)
    if municipality_number:
        stmt = stmt.where(Municipality.number == municipality_number)
        checkpoints = [c for c in checkpoints if c.municipality == municipality_number]
    for checkpoint in checkpoints:
        if not checkpoint.verifies(keys):
            return 0, ChainBreak(checkpoint.municipality, checkpoint.seq, None,
                                 "its signature does not verify: the checkpoint was altered, or its key "
                                 "is not configured", checkpoint.where)
    checked = 0
    municipalities = db.session.scalars(stmt).all()
    known = {m.id for m in municipalities}
    for checkpoint in checkpoints:
        if checkpoint.municipality_id not in known:
            return 0, ChainBreak(checkpoint.municipality, checkpoint.seq, None,
                                 "the municipality of this checkpoint is not in the database", checkpoint.where)
    for municipality in municipalities:
        own = [c for c in checkpoints if c.municipality_id == municipality.id]
        pins: dict[int, list] = {}
        for checkpoint in own:
            pins.setdefault(checkpoint.seq, []).append(checkpoint)
        walk = walk_chain(municipality, keys, pins)
        checked += walk.checked
        if walk.broken is not None:
            return checked, walk.broken
        last = walk.last
        last_seq, last_hash = (last.seq, last.hash) if last is not None else (0, GENESIS_HASH)
        head = db.session.get(AuditChainHead, municipality.id, populate_existing=True)
        if head is None or head.seq != last_seq or head.hash != last_hash:
            return checked, ChainBreak(municipality.number, None, None,
                                       "last row does not match the chain head: newest row(s) deleted")
        if last is not None and last.key_id is None and not allow_unkeyed_tail:
            return checked, ChainBreak(municipality.number, last.seq, last.id, UNKEYED_TAIL)
        for checkpoint in sorted(own, key=lambda c: c.seq):
            if checkpoint.seq > last_seq:
                return checked, ChainBreak(
                    municipality.number, None, None,
                    f"the chain ends at seq {last_seq}, before this checkpoint's seq {checkpoint.seq}: newest "
                    "row(s) deleted and the head moved back", checkpoint.where)
    return checked, None


def unkeyed_chains() -> list[Municipality]:
    """Municipalities whose newest event is from before the chain was keyed (``audit seal``)."""
    newest = (sa.select(AuditEvent.municipality_id, sa.func.max(AuditEvent.seq).label("seq"))
              .group_by(AuditEvent.municipality_id).subquery())
    return list(db.session.scalars(
        sa.select(Municipality)
        .join(newest, newest.c.municipality_id == Municipality.id)
        .join(AuditEvent, sa.and_(AuditEvent.municipality_id == newest.c.municipality_id,
                                  AuditEvent.seq == newest.c.seq))
        .where(AuditEvent.key_id.is_(None)).order_by(Municipality.number)))


def seal_unkeyed_chains() -> tuple[list[str], ChainBreak | None]:
    """After upgrading to the keyed chain: give every chain whose newest row has no key a keyed
    event, which seals the rows before it (they are verified first; nothing is written if one fails)."""
    from service.common.tenancy import tenant_scope

    checked, broken = verify_chains(allow_unkeyed_tail=True)
    if broken is not None:
        return [], broken
    sealed = []
    key_id = audit_keys.current().signing_id
    for municipality in unkeyed_chains():
        with tenant_scope(municipality.id):
            record("update", "audit_log", detail=f"chain keyed: new events signed with key {key_id}")
        sealed.append(municipality.number)
    db.session.commit()
    return sealed, None
