"""Need-to-know: which rows about persons a user may see (the access matrix's row rules).

``rows_clause(user, resource, person_id_column)`` is the one way a feature selects the rows
of a resource of the matrix (``service/auth/matrix.py``) the caller may see:

* the role's row rule for the resource: ``all``; ``of_visible_persons`` (the rows about the
  persons the user may see); or a named rule whose clause the feature owning the data
  contributes from its ``init_app`` (``contributions.for_app(app).add_row_rule``), so this
  module imports no feature. A role the matrix does not name, or a rule nobody contributed,
  sees nothing;
* the rows about a person the user opened with emergency access (``EmergencyAccess``, in
  force for ``EMERGENCY_ACCESS_HOURS``), as if the rule gave them, on reads only: an action
  (any request but GET) follows the user's own rule (``service.persons.emergency``);
* and, whatever the rule, no row about a person the user is barred from (a per-person
  block, ``PersonBlock``): to that user the person is a random id, in lists and counts too.

``visible_persons_clause`` is the rule of the persons themselves; ``location_clause`` keeps a
filter on a location field from finding the rows of a person whose address protection hides
that field from the caller; ``refuse_barred`` records a barred user's attempt on a person.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import g, has_app_context

from service.audit import denials
from service.auth import matrix
from service.auth.identity import current_user
from service.common import cache, clock, contributions
from service.common.errors import NotFound, ValidationFailed
from service.common.i18n import _
from service.extensions import db
from service.persons.models import EmergencyAccess, Person, PersonBlock

# ``g`` keys: the request reads through emergency openings (set by the HTTP layer for GET).
EMERGENCY_READS = "_emergency_reads"
_OPENED = "_opened_person_ids"


BLOCKS_CACHE = "person_blocks"  # each user's blocks in force, remembered per process (common/cache.py)
_BLOCKS_WRITTEN = "_blocks_written"  # ``g``: this request recorded or lifted a block


def blocked_person_ids(user) -> list[uuid.UUID]:
    """The persons ``user`` is barred from (blocks in force).

    Read once per request, and remembered by the worker for ``TOKEN_CACHE_SECONDS`` like a
    live token (``common/cache.py``): a block recorded or lifted holds at once in the process
    that made it and within that bound in the others, the bound a revocation has too. The
    look-up was a sixth of an audited read's CPU (docs/performance.md)."""
    if user is None:
        return []
    per_request = g.setdefault("_blocked_person_ids", {}) if has_app_context() else {}
    if user.id not in per_request:
        # Not after this request wrote a block: what it reads is not committed yet, and a
        # rollback must not leave a lifted block remembered as lifted.
        remembered = cache.bounded(BLOCKS_CACHE) if has_app_context() and not g.get(_BLOCKS_WRITTEN) else None
        blocks = (remembered.get_or_load(user.id, lambda: _blocks_in_force(user.id)) if remembered is not None
                  else _blocks_in_force(user.id))
        per_request[user.id] = list(blocks)
    return per_request[user.id]


def _blocks_in_force(user_id: uuid.UUID) -> tuple[uuid.UUID, ...]:
    return tuple(sorted(db.session.scalars(sa.select(PersonBlock.person_id).where(
        PersonBlock.user_id == user_id, PersonBlock.lifted_at.is_(None))).all()))


def forget_blocks() -> None:
    """After a block is recorded or lifted: every later look-up in this process reads them anew."""
    if has_app_context():
        g.pop("_blocked_person_ids", None)
        g.setdefault(_BLOCKS_WRITTEN, True)
        cache.forget(BLOCKS_CACHE)


def opened_person_ids(user) -> list[uuid.UUID]:
    """The persons ``user`` opened with emergency access, in force now, when the request only
    reads (``g._emergency_reads``, set for GET by the HTTP layer); read once per request."""
    if user is None or user.role not in matrix.EMERGENCY_ACCESS_ROLES or not has_app_context() \
            or not g.get(EMERGENCY_READS):
        return []
    cache = g.setdefault(_OPENED, {})
    if user.id not in cache:
        now = clock.now()
        cache[user.id] = sorted(set(db.session.scalars(sa.select(EmergencyAccess.person_id).where(
            EmergencyAccess.user_id == user.id, EmergencyAccess.opened_at <= now,
            EmergencyAccess.expires_at > now)).all()))
    return cache[user.id]


def forget_openings() -> None:
    """After an opening is recorded: the next look-up in this request reads them anew."""
    if has_app_context():
        g.pop(_OPENED, None)


def not_blocked(user, person_id_column) -> sa.ColumnElement[bool]:
    blocked = blocked_person_ids(user)
    return person_id_column.not_in(blocked) if blocked else sa.true()


def rows_clause(user, resource: str, person_id_column, *, openings: bool | None = None) -> sa.ColumnElement[bool]:
    """The rows of ``resource`` (about the person in ``person_id_column``) ``user`` may see.

    No user (the CLI, jobs, demo seeding) sees every row. ``openings``: whether the user's
    emergency openings count (by default for the resources they open, ``matrix.EMERGENCY_OPENS``).
    """
    if user is None:
        return sa.true()
    if openings is None:
        openings = resource in matrix.EMERGENCY_OPENS
    rule = matrix.row_rule(user.role, resource)
    if rule is None:
        return sa.false()
    if rule == matrix.ALL:
        by_rule = sa.true()
    elif rule == matrix.OF_VISIBLE_PERSONS:
        if resource == matrix.PERSON:
            raise LookupError("the person rule cannot follow itself")
        persons = rows_clause(user, matrix.PERSON, Person.id, openings=openings)
        return person_id_column.in_(sa.select(Person.id).where(persons))
    else:
        builders = contributions.current().row_rules_for(resource, rule)
        by_rule = sa.or_(*(build(user) for build in builders)) if builders else sa.false()
        opened = opened_person_ids(user) if openings else []
        if opened:
            by_rule = sa.or_(by_rule, person_id_column.in_(opened))
    return sa.and_(by_rule, not_blocked(user, person_id_column))


def visible_persons_clause(user) -> sa.ColumnElement[bool]:
    """The persons ``user`` may see: the matrix's person rule, less the persons barred to them."""
    return rows_clause(user, matrix.PERSON, Person.id)


def referenced_person(person_id: uuid.UUID, field: str = "person_id") -> Person:
    """The person a record in the request body points at, if the caller may see them.

    The one check for "the person exists" in every feature: a 422 on the field, the same
    answer for a person of another municipality, one outside the caller's caseload, one the
    caller is barred from and an id that exists nowhere, so a guessed id reveals nothing.
    """
    person = db.session.scalar(sa.select(Person).where(
        Person.id == person_id, visible_persons_clause(current_user())))
    if person is None:
        raise ValidationFailed.field(field, _("no such person"))
    return person


def location_clause(user, resource: str, field_name: str, protection_column) -> sa.ColumnElement[bool]:
    """The rows a filter on ``field_name`` (a location field of ``resource``) may find for ``user``:
    those about a person whose marking (``protection_column``) lets the user see the field, so a
    filter never tells where a protected person lives (docs/security.md, "Protected addresses")."""
    seen = matrix.protections_seen(user.role if user is not None else None, resource, field_name)
    if len(seen) == len(matrix.ADDRESS_PROTECTIONS):
        return sa.true()
    return protection_column.in_(seen)


def refuse_barred(person_id: uuid.UUID, what: str) -> None:
    """When the caller is barred from the person: record the attempt (``denied``, committed
    now, since the failed request rolls back; the first of the minute, its repeats counted:
    service/audit/denials.py) and answer 404 as for a random id. Nothing in the answer
    differs from an id that does not exist; only the auditor sees the attempt."""
    user = current_user()
    if user is None or person_id not in blocked_person_ids(user):
        return
    denials.record_denied("person", person_id, person_id=person_id, detail=f"{what}: barred (per-person block)")
    raise NotFound(_("No such person."))
