"""Loading decisions under need-to-know, with their derived state, and the helpers every decision module shares.

Need-to-know is the access matrix's decision row rule (``service/auth/matrix.py``), applied
by ``scope`` through ``persons.access.rows_clause``: the allocation office sees every
decision; a provider the decisions its unit serves (``served_decisions``, and through
``provider_person_scope`` the persons they are about); a housing officer those of the housing
group (``housing_service_decisions``) or that a need rests on (contributed by housing); a
coordinator those its open plans point at (contributed by plans). A role that does not write
decisions sees only decided ones, and nobody sees a row about a person barred to them.
A decision an answer shows is loaded through ``select_with_state``: the database derives its
``state`` (``decisions.state``), the id of the decision superseding it and its legal basis'
appeal period (``query_expression`` attributes of ``Decision``; the appeal deadline is a
property computed from them).
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import with_expression
from sqlalchemy.orm.attributes import set_committed_value

from service.audit.services import record
from service.auth import matrix
from service.auth.identity import current_user
from service.catalogue.models import LegalBasis, ServiceType
from service.catalogue.services import legal_basis as lookup_legal_basis
from service.common import clock
from service.common.errors import InvalidState, NotFound
from service.common.i18n import _, label
from service.decisions.models import Decision
from service.decisions.state import derive_state, state_expression, superseded_by_expression
from service.extensions import db
from service.persons.access import rows_clause
from service.persons.models import Person

# The catalogue's report group of the services that are about housing (docs/cases.md):
# a housing officer sees the decisions on them.
HOUSING_REPORT_GROUP = "housing_support"


def window_days() -> int:
    return int(current_app.config["DECISION_EXPIRING_WINDOW_DAYS"])


# --- need-to-know -----------------------------------------------------------------------

def scope(stmt: sa.Select) -> sa.Select:
    """Need-to-know: the decisions the caller's row rule gives (the access matrix), less any
    about a person barred to them; a role that does not write decisions sees decided ones only."""
    user = current_user()
    if user is None:
        return stmt
    if user.role not in matrix.writers(matrix.DECISION):
        stmt = stmt.where(Decision.decided_on.is_not(None), Decision.discarded_at.is_(None))
    return stmt.where(rows_clause(user, matrix.DECISION, Decision.person_id))


def served_decisions(user) -> sa.ColumnElement[bool]:
    """The decisions the provider's unit serves: delivered by the unit (compared by id; none
    without a unit), decided, not refused, and upcoming, running, or ended at most
    ``PROVIDER_ACCESS_AFTER_END_DAYS`` ago (``ended_on`` is the first day without the
    service, ``valid_to`` the last day with it)."""
    if user.provider_unit_id is None:
        return sa.false()
    cutoff = clock.today() - dt.timedelta(days=int(current_app.config["PROVIDER_ACCESS_AFTER_END_DAYS"]))
    return sa.and_(
        Decision.provider_unit_id == user.provider_unit_id,
        Decision.decided_on.is_not(None),
        Decision.discarded_at.is_(None),
        Decision.outcome != "refused",
        sa.or_(Decision.ended_on.is_(None), Decision.ended_on > cutoff),
        sa.or_(Decision.valid_to.is_(None), Decision.valid_to >= cutoff),
    )


def provider_person_scope(user) -> sa.ColumnElement[bool]:
    """A provider sees the persons its unit serves (``served_decisions``)."""
    return Person.id.in_(sa.select(Decision.person_id).where(served_decisions(user)))


def housing_service_decisions(user) -> sa.ColumnElement[bool]:
    """Decisions on a service of the housing group (the municipality's own catalogue)."""
    return sa.exists().where(ServiceType.code == Decision.service_code,
                             ServiceType.municipality_id == Decision.municipality_id,
                             ServiceType.report_group == HOUSING_REPORT_GROUP)


# --- loading with the derived state -----------------------------------------------------

def select_with_state(today: dt.date | None = None) -> sa.Select:
    """Decisions with ``state`` on ``today`` (the clock's by default), ``superseded_by_id`` and the
    legal basis' ``appeal_period_days``/``appeal_period_moves``, derived by the database.

    A decision already in the session is populated anew (``populate_existing``): one read or
    written earlier in the transaction gets the state of now, never a stale or null one.
    """
    return (sa.select(Decision)
            .join(LegalBasis, sa.and_(LegalBasis.code == Decision.legal_basis,
                                      LegalBasis.municipality_id == Decision.municipality_id))
            .options(*_derived(today or clock.today(), window_days()))
            .execution_options(populate_existing=True))


@functools.lru_cache(maxsize=32)
def _derived(today: dt.date, window_days: int) -> tuple:
    """The loader options of ``select_with_state``, built once per day and window and shared.

    ``with_expression`` copies its whole expression (the state's CASE with its subquery) each
    time it is called: about a tenth of the CPU of a new draft and of an overview, spent on
    building what is the same all day."""
    return (with_expression(Decision.state, state_expression(today, window_days)),
            with_expression(Decision.superseded_by_id, superseded_by_expression()),
            with_expression(Decision.appeal_period_days, LegalBasis.appeal_period_days),
            with_expression(Decision.appeal_period_moves, LegalBasis.appeal_period_moves))


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


def derive_new(decision: Decision) -> Decision:
    """A decision created in this transaction, with what ``select_with_state`` would derive, without
    reading it back (``refresh`` is one SELECT of six for a new draft).

    Nothing supersedes a decision that did not exist before the transaction, so its
    ``superseded_by_id`` is null and its state is ``derive_state`` with ``superseded`` false
    (the Python twin of the SQL, proven equal in tests/decisions/test_state_property.py); the appeal
    period is its legal basis' (the row validation read, remembered for the request).
    ``tests/decisions/test_derive_new.py`` shows the answer equal to the decision read back.
    """
    db.session.flush()
    basis = lookup_legal_basis(decision.legal_basis, for_new_use=False)
    derived = {"state": derive_state(decision, clock.today(), window_days(), superseded=False),
               "superseded_by_id": None, "appeal_period_days": basis.appeal_period_days,
               "appeal_period_moves": basis.appeal_period_moves}
    for key, value in derived.items():
        set_committed_value(decision, key, value)
    return decision


# --- shared by every write --------------------------------------------------------------

def audit(action: str, decision: Decision, detail: str | None = None) -> None:
    record(action, "decision", object_id=decision.id, person_id=decision.person_id, detail=detail)


def state_conflict(decision: Decision, message: str) -> InvalidState:
    """``message`` is an ``N_()`` text with ``%(state)s``, translated here."""
    return InvalidState(_(message, state=label("decision_state", decision.state)), state=decision.state)
