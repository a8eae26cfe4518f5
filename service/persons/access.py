"""Need-to-know: which persons a user may see at all.

Roles that work across the municipality's caseload (``policy.SEES_EVERY_PERSON``)
see every person of their municipality. A coordinator sees the persons whose
plan they coordinate and a provider the persons their unit serves; those
features contribute the rule from their ``init_app``
(``contributions.for_app(app).add_person_scope``), so this module does not
import them. A role with no rule sees nobody.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, g

from service.auth.policy import SEES_EVERY_PERSON
from service.common import contributions


def visible_persons_clause(user) -> sa.ColumnElement[bool]:
    if user is None or user.role in SEES_EVERY_PERSON:
        return sa.true()
    rules = contributions.current().scopes_for(user.role)
    if not rules:
        return sa.false()
    return sa.or_(*(rule(user) for rule in rules))


def may_see_national_id() -> bool:
    user = g.get("current_user")
    if user is None:  # CLI and jobs run as the system
        return True
    return user.role in current_app.config["NATIONAL_ID_VISIBLE_ROLES"]
