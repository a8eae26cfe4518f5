"""Need-to-know: which persons a user may see at all.

Roles that work across the municipality's caseload (case officer, housing
officer, admin) see every person of their municipality. A coordinator sees the
persons whose plan they coordinate and a provider the persons their unit serves;
those features register the rule here (``register_person_scope``) so that this
module does not import them. A role with no rule sees nobody.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app, g

from service.auth.roles import ADMIN, CASE_OFFICER, HOUSING_OFFICER

CASELOAD_ROLES = frozenset({CASE_OFFICER, HOUSING_OFFICER, ADMIN})

ScopeRule = Callable[[object], sa.ColumnElement[bool]]
_SCOPES: dict[str, list[ScopeRule]] = {}


def register_person_scope(role: str, rule: ScopeRule) -> None:
    """``rule(user)`` returns a clause on ``Person`` selecting the persons that user serves."""
    _SCOPES.setdefault(role, []).append(rule)


def visible_persons_clause(user) -> sa.ColumnElement[bool]:
    if user is None or user.role in CASELOAD_ROLES:
        return sa.true()
    rules = _SCOPES.get(user.role, [])
    if not rules:
        return sa.false()
    return sa.or_(*(rule(user) for rule in rules))


def may_see_national_id() -> bool:
    user = g.get("current_user")
    if user is None:  # CLI and jobs run as the system
        return True
    return user.role in current_app.config["NATIONAL_ID_VISIBLE_ROLES"]
