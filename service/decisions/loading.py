"""Loading decisions under need-to-know, with their derived state, and the helpers every decision module shares.

Need-to-know: the roles in ``SEES_EVERY_DECISION`` see every decision; a provider sees the
decided decisions delivered by their own unit (and, through ``provider_person_scope``, the
persons those are about); everyone else sees the decisions of the persons they may see.
A decision is loaded with ``state`` (``decisions.state``), the appeal deadline and the id
of the decision superseding it attached.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from flask import current_app

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
from service.decisions.timeliness import appeal_deadline
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
    """Rows of (decision, state, appeal period, whether it moves, superseded_by_id) for ``attach_state``."""
    today = today or clock.today()
    return (sa.select(Decision, state_expression(today, window_days()).label("state"),
                      LegalBasis.appeal_period_days, LegalBasis.appeal_period_moves,
                      superseded_by_expression().label("superseded_by_id"))
            .join(LegalBasis, sa.and_(LegalBasis.code == Decision.legal_basis,
                                      LegalBasis.municipality_id == Decision.municipality_id)))


def attach_state(rows) -> list[Decision]:
    items = []
    for decision, state, period, moves, superseded_by_id in rows:
        decision.state = state
        decision.appeal_period_days = period
        decision.appeal_deadline_on = appeal_deadline(decision.notified_on, period, moves)
        decision.superseded_by_id = superseded_by_id
        items.append(decision)
    return items


def fetch_decision(decision_id: uuid.UUID, *, scoped: bool = True) -> Decision:
    """The decision with its derived state; 404 when there is none the caller may see."""
    stmt = select_with_state().where(Decision.id == decision_id)
    if scoped:
        stmt = scope(stmt)
    rows = db.session.execute(stmt).all()
    if not rows:
        raise NotFound(_("No such decision."))
    return attach_state(rows)[0]


def refresh(decision: Decision) -> Decision:
    """The decision again after a write, with its new derived state."""
    db.session.flush()
    return fetch_decision(decision.id, scoped=False)


# --- shared by every write --------------------------------------------------------------

def audit(action: str, decision: Decision, detail: str | None = None) -> None:
    record(action, "decision", object_id=decision.id, person_id=decision.person_id, detail=detail)


def state_conflict(decision: Decision, message: str) -> InvalidState:
    """``message`` is an ``N_()`` text with ``%(state)s``, translated here."""
    return InvalidState(_(message, state=label("decision_state", decision.state)), state=decision.state)
