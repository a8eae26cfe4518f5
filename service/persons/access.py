"""Need-to-know: which persons a user may see at all.

Roles that work across the municipality's caseload (``policy.SEES_EVERY_PERSON``)
see every person of their municipality. A coordinator sees the persons whose
plan they coordinate and a provider the persons their unit serves; those
features contribute the rule from their ``init_app``
(``contributions.for_app(app).add_person_scope``), so this module does not
import them. A role with no rule sees nobody.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask import current_app

from service.auth.identity import current_user
from service.auth.policy import SEES_EVERY_PERSON
from service.common import contributions
from service.common.errors import ValidationFailed
from service.common.i18n import _
from service.extensions import db
from service.persons.models import Person


def visible_persons_clause(user) -> sa.ColumnElement[bool]:
    if user is None or user.role in SEES_EVERY_PERSON:
        return sa.true()
    rules = contributions.current().scopes_for(user.role)
    if not rules:
        return sa.false()
    return sa.or_(*(rule(user) for rule in rules))


def referenced_person(person_id: uuid.UUID, field: str = "person_id") -> Person:
    """The person a record in the request body points at, if the caller may see them.

    The one check for "the person exists" in every feature: a 422 on the field, the same
    answer for a person of another municipality, one outside the caller's caseload and an
    id that exists nowhere, so a guessed id reveals nothing.
    """
    person = db.session.scalar(sa.select(Person).where(
        Person.id == person_id, visible_persons_clause(current_user())))
    if person is None:
        raise ValidationFailed.field(field, _("no such person"))
    return person


def may_see_national_id() -> bool:
    user = current_user()
    if user is None:  # CLI and jobs run as the system
        return True
    return user.role in current_app.config["NATIONAL_ID_VISIBLE_ROLES"]
