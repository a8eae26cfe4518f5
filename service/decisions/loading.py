"""Loading decisions under need-to-know, with their derived state, and the helpers every decision module shares.

Need-to-know: the roles in ``SEES_EVERY_DECISION`` see every decision; a provider sees the
decided decisions delivered by their own unit (and, through ``provider_person_scope``, the
persons those are about); everyone else sees the decisions of the persons they may see.
A decision an answer shows is loaded through ``select_with_state``: the database derives its
``state`` (``decisions.state``), the id of the decision superseding it and its legal basis'
appeal period (``query_expression`` attributes of ``Decision``; the appeal deadline is a
property computed from them).
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import with_expression

from service.audit.services import record
from service.auth.identity import current_user
from service.auth.policy import SEES_EVERY_DECISION
from service.auth.roles import PROVIDER
from service.catalogue.models import LegalBasis
from service.common import clock
from service.common.errors import InvalidState, NotFound
from service.common.i18n import _, label
from service.decisions.models import Decision
from service.decisions.state import state_expression, superseded_by_expression
from service.extensions import db
from service.persons.access import visible_persons_clause
from service.persons.models import Person


def window_days() -> int:
    return int(current_app.config["DECISION_EXPIRING_WINDOW_DAYS"])


# --- need-to-know -----------------------------------------------------------------------

def scope(stmt: sa.Select) -> sa.Select:
    """Need-to-know: providers see decided decisions of their own unit; others the persons they may see."""
    user = current_user()
    if user is None or user.role in SEES_EVERY_DECISION:
        return stmt
    if user.role == PROVIDER:
        return stmt.where(_of_providers_unit(user), Decision.decided_on.is_not(None))
    return stmt.where(Decision.person_id.in_(sa.select(Person.id).where(visible_persons_clause(user))))


def _of_providers_unit(user) -> sa.ColumnElement[bool]:
    """The decisions delivered by the provider's unit, compared by id (none without a unit)."""
    if user.provider_unit_id is None:
        return sa.false()
    return Decision.provider_unit_id == user.provider_unit_id


def provider_person_scope(user) -> sa.ColumnElement[bool]:
    """A provider sees the persons with a decided decision delivered by their unit."""
    return Person.id.in_(sa.select(Decision.person_id).where(
        _of_providers_unit(user), Decision.decided_on.is_not(None)))


# --- loading with the derived state -----------------------------------------------------

def select_with_state(today: dt.date | None = None) -> sa.Select:
    """Decisions with ``state`` on ``today`` (the clock's by default), ``superseded_by_id`` and the
    legal basis' ``appeal_period_days``/``appeal_period_moves``, derived by the database.

    A decision already in the session is populated anew (``populate_existing``): one read or
    written earlier in the transaction gets the state of now, never a stale or null one.
    """
    today = today or clock.today()
    return (sa.select(Decision)
            .join(LegalBasis, sa.and_(LegalBasis.code == Decision.legal_basis,
                                      LegalBasis.municipality_id == Decision.municipality_id))
            .options(with_expression(Decision.state, state_expression(today, window_days())),
                     with_expression(Decision.superseded_by_id, superseded_by_expression()),
                     with_expression(Decision.appeal_period_days, LegalBasis.appeal_period_days),
                     with_expression(Decision.appeal_period_moves, LegalBasis.appeal_period_moves))
            .execution_options(populate_existing=True))


def fetch_decision(decision_id: uuid.UUID, *, scoped: bool = True) -> Decision:
    """The decision with its derived state; 404 when there is none the caller may see."""
    stmt = select_with_state().where(Decision.id == decision_id)
    if scoped:
        stmt = scope(stmt)
    decision = db.session.scalar(stmt)
    if decision is None:
        raise NotFound(_("No such decision."))
    return decision


def refresh(decision: Decision) -> Decision:
    """The decision again after a write: the flush expired what the database derives, it is loaded anew."""
    db.session.flush()
    return fetch_decision(decision.id, scoped=False)


# --- shared by every write --------------------------------------------------------------

def audit(action: str, decision: Decision, detail: str | None = None) -> None:
    record(action, "decision", object_id=decision.id, person_id=decision.person_id, detail=detail)


def state_conflict(decision: Decision, message: str) -> InvalidState:
    """``message`` is an ``N_()`` text with ``%(state)s``, translated here."""
    return InvalidState(_(message, state=label("decision_state", decision.state)), state=decision.state)
