"""Refused requests as audit evidence, without letting a caller grow the trail at will (issue 18).

A refusal (a role refused a route, 403; a barred user refused a person, 404) is evidence and is
committed at once, though the request fails. Written once per refusal, any valid token could add
rows to its municipality's hash chain as fast as it could send requests. So:

- The first refusal of an actor on a subject (route, or person and what was tried) in a minute
  is a ``denied`` row in the chain, as before: the auditor sees who tried what, and when.
- Its repeats in that minute are counted, not written (a primary-key look-up finds the row);
  the count reaches the security log (logger ``service.security``) once the minute is over, in
  one line per actor and subject.

Across processes: the row's id is derived from municipality, actor, subject and minute
(``denial_id``), so every process finds the same row. Two that both find none both insert, and
the database's primary key refuses the second (the chain's head lock makes them queue, so the
second meets the first's row): it rolls back and answers like the first. Each process counts
its own repeats, so the lines of all processes for a minute add up to the number of refusals;
a process killed outright loses the count of its last minute, never a row.

Failed authentications have no user, hence no municipality and no chain: they are counted the
same way per client address, with a line for the first of each minute at once (the operator
sees an attack start) and one with the minute's count when it is over.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import threading
import uuid
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from service.audit.models import AuditEvent
from service.audit.services import record
from service.auth.identity import current_user
from service.common import clock
from service.common.tenancy import current_municipality_id
from service.extensions import db

log = logging.getLogger("service.security")

# uuid5 namespace of denial rows (fixed: the same refusal minute gives the same id in every process).
_NAMESPACE = uuid.UUID("6f1c3d52-2b8e-4c59-9a57-1d0f3e7b9a41")


def _minute(at: dt.datetime) -> dt.datetime:
    return at.astimezone(dt.timezone.utc).replace(second=0, microsecond=0)


def _stamp(minute: dt.datetime) -> str:
    return minute.strftime("%Y-%m-%dT%H:%MZ")


def denial_id(municipality_id, actor_id, subject: str, minute: dt.datetime) -> uuid.UUID:
    """The id of the one row of an actor's refusals on ``subject`` in ``minute``."""
    return uuid.uuid5(_NAMESPACE, f"{municipality_id}|{actor_id}|{subject}|{_stamp(minute)}")


class MinuteTally:
    """Counts events per key and minute in this process; ``report(label, minute, count)`` gets each
    finished minute's count once (at the first event of a later minute, or at ``flush``)."""

    def __init__(self, report: Callable[[str, dt.datetime, int], None]):
        self._report = report
        self._lock = threading.Lock()
        self._minute: dt.datetime | None = None
        self._counts: dict[object, list] = {}  # key -> [count, label]

    def add(self, key, minute: dt.datetime, label: Callable[[], str]) -> int:
        """Count one event; its number in the minute (1: the first in this process)."""
        finished = []
        with self._lock:
            if minute != self._minute:
                finished, self._counts, self._minute = self._drain(), {}, minute
            entry = self._counts.get(key)
            if entry is None:
                entry = self._counts[key] = [0, label()]
            entry[0] += 1
            count = entry[0]
        self._send(finished)
        return count

    def flush(self) -> None:
        with self._lock:
            finished, self._counts = self._drain(), {}
        self._send(finished)

    def _drain(self) -> list:
        return [(label, self._minute, count) for count, label in self._counts.values()]

    def _send(self, finished) -> None:
        for label, minute, count in finished:
            self._report(label, minute, count)


def _report_denials(label: str, minute: dt.datetime, count: int) -> None:
    if count > 1:  # one refusal is its row; the line is for the repeats
        log.warning("denied: %s: %d refusal(s) in the minute from %s; the first is in the audit trail",
                    label, count, _stamp(minute))


def _report_authentication(label: str, minute: dt.datetime, count: int) -> None:
    if count > 1:  # the first had its line at once
        log.warning("authentication failed from %s: %d failure(s) in the minute from %s", label, count,
                    _stamp(minute))


_denials = MinuteTally(_report_denials)
_authentication_failures = MinuteTally(_report_authentication)


def _already_recorded(event_id: uuid.UUID) -> bool:
    return db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.id == event_id)) is not None


def record_denied(object_type: str, object_id, *, person_id=None, detail: str | None = None) -> None:
    """A refusal of the current user: the minute's first is a ``denied`` row, committed now; a repeat
    only counts. ``object_id`` with ``detail`` is the subject (``"GET /api/v1/persons"``; a person's id
    and what was tried)."""
    user, municipality_id = current_user(), current_municipality_id()
    minute = _minute(clock.now())
    subject = f"{object_type} {object_id} {detail or ''}"
    key = (municipality_id, user.id, subject)

    def label() -> str:
        number = user.municipality.number if user.municipality is not None else municipality_id
        what = f"{object_id} ({detail})" if detail else str(object_id)
        return f"user {user.id} ({user.role}, municipality {number}) {what}"

    _denials.add(key, minute, label)
    # Whether the minute's row is there is the database's to say (a primary-key look-up, no write):
    # this process's count cannot know another's, nor a row that was rolled back.
    event_id = denial_id(municipality_id, user.id, subject, minute)
    if _already_recorded(event_id):
        return
    try:
        record("denied", object_type, object_id=object_id, person_id=person_id, outcome="denied", detail=detail,
               event_id=event_id)
        db.session.commit()
    except IntegrityError:
        # Another process wrote the same row between our look-up and our commit: it stands for both.
        db.session.rollback()


def authentication_failed(client: str) -> None:
    """A request without a valid token or session: counted per client address and minute."""
    minute = _minute(clock.now())
    if _authentication_failures.add(client, minute, lambda: client) == 1:
        log.warning("authentication failed from %s: first in the minute from %s (further failures are counted)",
                    client, _stamp(minute))


def flush() -> None:
    """Write the counts not yet written (at exit; tests)."""
    _denials.flush()
    _authentication_failures.flush()


def reset() -> None:
    """Forget every count without writing it (tests)."""
    for tally in (_denials, _authentication_failures):
        with tally._lock:
            tally._counts, tally._minute = {}, None


def flush_at_exit() -> None:
    """Write the last minute's counts when the process ends (once per process)."""
    if not getattr(flush_at_exit, "registered", False):
        atexit.register(flush)
        flush_at_exit.registered = True
