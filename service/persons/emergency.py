"""Emergency access ("break the glass"): a user opens a person outside their row rule, with a reason.

Who: the roles of ``matrix.EMERGENCY_ACCESS_ROLES`` (the housing office, coordinators,
providers: their rows are narrower than the municipality's and their job can meet a person
outside them in an emergency). What: for ``EMERGENCY_ACCESS_HOURS`` (default 8) from the
opening, the user reads every row about the person of the resources its role reads at all, as
if its row rule gave them (``access.rows_clause``, so every feature and the overview follow);
fields as its role sees them (a masked national id stays masked, a protected address hidden).
An opening is for reading: a request other than GET follows the user's own rule. A block wins:
a user barred from the person cannot open them (404, as a random id, and the attempt is
audited as denied).

Audit: the opening (``create emergency_access``, the reason in the detail); and every request
in which the user reads anything about the person while an opening is in force adds one event
``read emergency_access`` naming the opening (``object_id``) and its reason (``detail``), beside
the feature's own read events of that request. The auditor lists the openings with
``GET /audit/emergency-access`` (``service.audit.review``).
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context

from service.audit.services import record
from service.auth.identity import current_user
from service.common import clock
from service.common.concurrency import check_version
from service.common.errors import NotFound
from service.common.i18n import _
from service.extensions import db
from service.persons.access import EMERGENCY_READS, forget_openings, opened_person_ids, refuse_barred
from service.persons.models import EmergencyAccess, Person

OBJECT = "emergency_access"
_PERSONS_READ = "_persons_read"  # g: the persons this request's read events are about


def hours() -> int:
    return int(current_app.config["EMERGENCY_ACCESS_HOURS"])


def open_access(person_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> EmergencyAccess:
    """Open the person for ``EMERGENCY_ACCESS_HOURS``: any person of the municipality the caller
    is not barred from (404 otherwise, as for an id that does not exist). ``expected_version`` is
    the person's, as on every action (a caller who reads the person may send its ETag)."""
    person = db.session.scalar(sa.select(Person).where(Person.id == person_id))
    if person is None:
        raise NotFound(_("No such person."))
    refuse_barred(person_id, "emergency access")
    check_version(person, expected_version)
    user = current_user()
    now = clock.now()
    access = EmergencyAccess(id=uuid.uuid4(), municipality_id=user.municipality_id, person_id=person_id,
                             user_id=user.id, reason=data["reason"].strip(), opened_at=now,
                             expires_at=now + dt.timedelta(hours=hours()))
    access.user = user
    db.session.add(access)
    db.session.flush()
    record("create", OBJECT, object_id=access.id, person_id=person_id,
           detail=f"{hours()} h: {access.reason}"[:200])
    forget_openings()
    return access


# --- every read in an opening, audited with its reason ----------------------------------------

def reads_through_openings(reading: bool) -> None:
    """Called by the HTTP layer before each request: whether it may read through openings (GET)."""
    g.setdefault(EMERGENCY_READS, reading)


def _note_person_read(target, args, kwargs) -> None:
    """An audit event is being built: remember the person of a read (any feature's)."""
    if kwargs.get("action") != "read" or kwargs.get("object_type") == OBJECT or kwargs.get("person_id") is None:
        return
    if has_app_context() and g.get(EMERGENCY_READS):
        g.setdefault(_PERSONS_READ, set()).add(uuid.UUID(str(kwargs["person_id"])))


def audit_reads_in_openings() -> None:
    """After a successful request, before it commits: one ``read emergency_access`` event per
    person the user read while an opening of theirs on that person is in force, with the
    opening's id and reason (the latest opening when several are)."""
    read = g.pop(_PERSONS_READ, None)
    user = current_user()
    if not read or user is None:
        return
    opened = read & set(opened_person_ids(user))
    if not opened:
        return
    now = clock.now()
    latest: dict[uuid.UUID, EmergencyAccess] = {}
    for access in db.session.scalars(sa.select(EmergencyAccess).where(
            EmergencyAccess.user_id == user.id, EmergencyAccess.person_id.in_(opened),
            EmergencyAccess.opened_at <= now, EmergencyAccess.expires_at > now)
            .order_by(EmergencyAccess.opened_at, EmergencyAccess.id)):
        latest[access.person_id] = access
    for person_id in sorted(latest):
        access = latest[person_id]
        record("read", OBJECT, object_id=access.id, person_id=person_id,
               detail=f"read in emergency access: {access.reason}"[:200])


def install(app: Flask) -> None:
    """Listen for the audit events every feature builds (once per process; the listener reads
    the request's ``g``, so it is inert outside requests and for other applications)."""
    from service.audit.models import AuditEvent

    if not sa.event.contains(AuditEvent, "init", _note_person_read):
        sa.event.listen(AuditEvent, "init", _note_person_read)
