"""Need-to-know: which rows about persons a user may see (the access matrix's row rules).

``rows_clause(user, resource, person_id_column)`` is the one way a feature selects the rows
of a resource of the matrix (``service/auth/matrix.py``) the caller may see:

* the role's row rule for the resource: ``all``; ``of_visible_persons`` (the rows about the
  persons the user may see); or a named rule whose clause the feature owning the data
  contributes from its ``init_app`` (``contributions.for_app(app).add_row_rule``), so this
  module imports no feature. A role the matrix does not name, or a rule nobody contributed,
  sees nothing;
* and, whatever the rule, no row about a person the user is barred from (a per-person
  block, ``PersonBlock``): to that user the person is a random id, in lists and counts too.

``visible_persons_clause`` is the rule of the persons themselves.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import g, has_app_context

from service.auth import matrix
from service.auth.identity import current_user
from service.common import contributions
from service.common.errors import ValidationFailed
from service.common.i18n import _
from service.extensions import db
from service.persons.models import Person, PersonBlock


def blocked_person_ids(user) -> list[uuid.UUID]:
    """The persons ``user`` is barred from (blocks in force); read once per request."""
    if user is None:
        return []
    cache = g.setdefault("_blocked_person_ids", {}) if has_app_context() else {}
    if user.id not in cache:
        cache[user.id] = sorted(db.session.scalars(sa.select(PersonBlock.person_id).where(
            PersonBlock.user_id == user.id, PersonBlock.lifted_at.is_(None))).all())
    return cache[user.id]


def forget_blocks() -> None:
    """After a block is recorded or lifted: the next look-up in this request reads them anew."""
    if has_app_context():
        g.pop("_blocked_person_ids", None)


def not_blocked(user, person_id_column) -> sa.ColumnElement[bool]:
    blocked = blocked_person_ids(user)
    return person_id_column.not_in(blocked) if blocked else sa.true()


def rows_clause(user, resource: str, person_id_column) -> sa.ColumnElement[bool]:
    """The rows of ``resource`` (about the person in ``person_id_column``) ``user`` may see.

    No user (the CLI, jobs, demo seeding) sees every row.
    """
    if user is None:
        return sa.true()
    rule = matrix.row_rule(user.role, resource)
    if rule is None:
        return sa.false()
    if rule == matrix.ALL:
        by_rule = sa.true()
    elif rule == matrix.OF_VISIBLE_PERSONS:
        if resource == matrix.PERSON:
            raise LookupError("the person rule cannot follow itself")
        return person_id_column.in_(sa.select(Person.id).where(visible_persons_clause(user)))
    else:
        builders = contributions.current().row_rules_for(resource, rule)
        by_rule = sa.or_(*(build(user) for build in builders)) if builders else sa.false()
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
