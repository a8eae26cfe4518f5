"""The hash chain, linked at commit (docs/architecture.md, "Audit trail").

``record_many`` only builds a request's events and keeps them on the session; when the
session commits its outermost transaction, ``_chain_at_commit`` (a ``before_commit``
hook) flushes every other change first, then locks each municipality's chain head
(``SELECT … FOR UPDATE``), numbers and hashes the events, INSERTs them and moves the
head. The lock is held for those statements and the commit, never while the request
does its own work, so a municipality's requests do not queue behind each other.

Events leave with the transaction they describe: those recorded inside a savepoint
that rolls back are dropped with it, all of them when the transaction rolls back.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import time
import uuid
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy import event as sa_event

from service.audit import keys as audit_keys
from service.audit.models import AuditChainHead, AuditEvent
from service.common import clock
from service.common.tenancy import tenant_scope
from service.extensions import AppSession

log = logging.getLogger(__name__)

_PENDING = "audit_pending"        # session.info: [(_Prepared event, innermost savepoint when recorded, or None)]
_FIRST_RECORDED = "audit_first"   # session.info: perf_counter() of the transaction's first event
_LOCKED = "audit_locked"          # session.info: (perf_counter() when the head lock was granted, wait s, events)
_HEADS = AuditChainHead.__table__
_EVENTS = AuditEvent.__table__
_EVENT_COLUMNS = tuple(column.key for column in _EVENTS.columns)
# Built once: every audited commit runs them (Core, past the ORM and its tenancy hook).
_LOCK_HEAD = (sa.select(_HEADS.c.seq, _HEADS.c.hash)
              .where(_HEADS.c.municipality_id == sa.bindparam("municipality_id")).with_for_update())
_INSERT_EVENTS = sa.insert(_EVENTS)
_MOVE_HEAD = (sa.update(_HEADS).where(_HEADS.c.municipality_id == sa.bindparam("head_of"))
              .values(seq=sa.bindparam("new_seq"), hash=sa.bindparam("new_hash")))
_TIMING = "audit_lock_timing"


def event_fields(event: AuditEvent) -> list:
    """What the hash covers, in a fixed order (the key id too, once there is one)."""
    fields = [
        event.seq,
        *_content_fields(event),
        event.prev_hash,
    ]
    if event.key_id is not None:
        fields.append(event.key_id)
    return fields


def _content_fields(event: AuditEvent) -> list:
    """The fields an event has from the moment it is recorded (all but the chain's)."""
    return [
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
    ]


def event_hash(event: AuditEvent, secret: bytes | None = None) -> str:
    """HMAC-SHA256 with the event's key; plain SHA-256 for the events from before keys (no key id).

    The message is the JSON array of ``event_fields`` (compact separators).
    """
    message = json.dumps(event_fields(event), separators=(",", ":")).encode()
    if event.key_id is None:
        return hashlib.sha256(message).hexdigest()
    if secret is None:
        raise ValueError(f"event {event.id} is keyed ({event.key_id!r}): its hash needs that key's secret")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


class _Prepared:
    """What an event's hash and row need that is known when it is recorded, so that only the
    chain's part (seq, prev_hash, the HMAC) is left for the time the head is locked."""

    __slots__ = ("event", "content", "row")

    def __init__(self, event: AuditEvent):
        self.event = event
        # The JSON array event_hash hashes, less its first item (seq) and its last two
        # (prev_hash, key id): the items of a compact JSON list are its brackets' inside.
        self.content = json.dumps(_content_fields(event), separators=(",", ":"))[1:-1]
        self.row = {column: getattr(event, column) for column in _EVENT_COLUMNS}

    def link(self, seq: int, prev_hash: str, key_id: str, secret: bytes) -> str:
        message = f"[{seq},{self.content},{json.dumps(prev_hash)},{json.dumps(key_id)}]".encode()
        digest = hmac.new(secret, message, hashlib.sha256).hexdigest()
        event = self.event
        event.seq, event.prev_hash, event.key_id, event.hash = seq, prev_hash, key_id, digest
        self.row.update(seq=seq, prev_hash=prev_hash, key_id=key_id, hash=digest)
        return digest


# --- the events of a transaction, kept until it commits ------------------------------

def buffer(session, events: list[AuditEvent]) -> None:
    """Keep the events with the session's current savepoint, to be chained at commit."""
    pending = session.info.setdefault(_PENDING, [])
    if not pending:
        session.info[_FIRST_RECORDED] = time.perf_counter()
    savepoint = session.get_nested_transaction()
    pending.extend((_Prepared(event), savepoint) for event in events)


def pending_events(session) -> list[AuditEvent]:
    """The events recorded in the session and not yet committed (in recording order)."""
    return [prepared.event for prepared, _savepoint in session.info.get(_PENDING, ())]


def _within(savepoint, ended) -> bool:
    while savepoint is not None:
        if savepoint is ended:
            return True
        savepoint = savepoint.parent
    return False


def _drop_rolled_back(session, previous_transaction) -> None:
    pending = session.info.get(_PENDING)
    if not pending:
        return
    if not previous_transaction.nested:
        pending.clear()
        return
    pending[:] = [(prepared, savepoint) for prepared, savepoint in pending
                  if not _within(savepoint, previous_transaction)]


def _forget_at_end(session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction: committed (chained) or rolled back
        session.info.pop(_PENDING, None)
        session.info.pop(_FIRST_RECORDED, None)
        session.info.pop(_LOCKED, None)


def _chain_at_commit(session) -> None:
    if session.get_nested_transaction() is not None:
        return  # a savepoint is released: its events go on with the enclosing transaction
    pending = session.info.get(_PENDING)
    if not pending:
        return
    session.flush()  # every other write first, so the head is the last lock the transaction takes
    connection = session.connection()
    while pending:  # a flush hook could record more; chain until nothing is left
        events = [prepared for prepared, _savepoint in pending]
        pending.clear()
        _link(session.info, connection, events)


def _link(info: dict, connection, events: list[_Prepared]) -> None:
    keys = audit_keys.current()
    key_id, secret = keys.signing_id, keys.signing_secret
    by_municipality: dict[uuid.UUID, list[_Prepared]] = {}
    for prepared in events:
        by_municipality.setdefault(prepared.event.municipality_id, []).append(prepared)
    for municipality_id in sorted(by_municipality, key=str):  # one order: two towns never deadlock
        asked = time.perf_counter()
        seq, prev_hash = connection.execute(_LOCK_HEAD, {"municipality_id": municipality_id}).one()
        granted = time.perf_counter()
        _note_lock(info, asked, granted, len(by_municipality[municipality_id]))
        rows = []
        for prepared in by_municipality[municipality_id]:
            seq += 1
            prev_hash = prepared.link(seq, prev_hash, key_id, secret)
            rows.append(prepared.row)
        # Each municipality's events in its own scope: the database's row-level security accepts
        # an event only in its municipality (a job's commit may come after its scope has ended).
        with tenant_scope(municipality_id):
            connection.execute(_INSERT_EVENTS, rows)
        connection.execute(_MOVE_HEAD, {"head_of": municipality_id, "new_seq": seq, "new_hash": prev_hash})


# --- lock hold times, for the benchmark only (AUDIT_LOCK_TIMING_DIR) ----------------

def _note_lock(info: dict, asked: float, granted: float, events: int) -> None:
    first = info.get(_LOCKED)
    if first is None:
        info[_LOCKED] = (granted, granted - asked, events)
    else:
        info[_LOCKED] = (first[0], first[1] + granted - asked, first[2] + events)


class _LockTimingLog:
    """One line per commit that chained events: when, lock wait, lock held, first event to commit (ms)."""

    def __init__(self, directory: str):
        self.directory = Path(directory)
        self.pid, self.file = None, None

    def write(self, wait_s: float, held_s: float, span_s: float, events: int) -> None:
        if self.pid != os.getpid():  # gunicorn forks workers: each writes its own file
            self.pid = os.getpid()
            self.directory.mkdir(parents=True, exist_ok=True)
            self.file = (self.directory / f"audit-lock-{self.pid}.log").open("a", buffering=1)
        self.file.write(f"{time.time():.6f} {wait_s * 1000:.3f} {held_s * 1000:.3f} {span_s * 1000:.3f} {events}\n")


def _time_the_lock(session) -> None:
    locked = session.info.pop(_LOCKED, None)
    if locked is None:
        return
    timing = current_app.extensions.get(_TIMING)
    if timing is None:
        return
    released = time.perf_counter()
    granted, wait_s, events = locked
    first = session.info.get(_FIRST_RECORDED, granted)
    try:
        timing.write(wait_s, released - granted, released - first, events)
    except OSError as error:  # a benchmark aid must never fail a request
        log.warning("audit lock timing not written: %s", error)


def install(app: Flask) -> None:
    """Link every AppSession's events at commit (called by the audit feature's ``init_app``)."""
    audit_keys.init_app(app)
    directory = app.config.get("AUDIT_LOCK_TIMING_DIR")
    if directory:
        app.extensions[_TIMING] = _LockTimingLog(directory)
    for name, listener in (("before_commit", _chain_at_commit), ("after_soft_rollback", _drop_rolled_back),
                           ("after_transaction_end", _forget_at_end), ("after_commit", _time_the_lock)):
        if not sa_event.contains(AppSession, name, listener):
            sa_event.listen(AppSession, name, listener)
