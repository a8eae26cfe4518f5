"""What every plan module shares: need-to-know, loading a plan, its state conflicts,
date order, the decision link, loading a plan with what its answer derives, and its audit events.

Need-to-know is the access matrix's plan row rule (``service/auth/matrix.py``): case officers
see every plan of the municipality, a coordinator the plans they coordinate (``own_plans``),
a provider the plans of the persons it serves; nobody else sees plans, and nobody a plan of a
person barred to them.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import with_expression

from service.audit.services import record
from service.auth import matrix
from service.auth.identity import current_user
from service.common import clock
from service.common.concurrency import check_version
from service.common.errors import InvalidState, NotFound, ValidationFailed
from service.common.i18n import _, format_day, label
from service.decisions.models import Decision
from service.decisions.services import persons_decision
from service.extensions import db
from service.persons.access import rows_clause
from service.plans.models import DECLINED, IndividualPlan, PlanMeasure

# The catalogue code of the service "individuell plan og koordinator".
IP_SERVICE_CODE = "individuell-plan-koordinator"

# Audit object types.
OBJECT_PLAN = "individual_plan"
OBJECT_MEMBER = "plan_member"
OBJECT_GOAL = "plan_goal"
OBJECT_MEASURE = "plan_measure"
OBJECT_EVALUATION = "plan_evaluation"

COORDINATOR_ONLY = "declined (coordinator only)"  # the state's name in audit details


def visible_plans_clause(user) -> sa.ColumnElement[bool]:
    """Plans ``user`` may read (the CLI and jobs, without a user, see all)."""
    return rows_clause(user, matrix.PLAN, IndividualPlan.person_id)


def own_plans(user) -> sa.ColumnElement[bool]:
    """The matrix's ``own_plans``: the plans the user coordinates, closed ones too."""
    return IndividualPlan.coordinator_user_id == user.id


def plan_linked_decisions(user) -> sa.ColumnElement[bool]:
    """The matrix's ``plan_linked``: the decisions an open plan the user coordinates points at,
    as the plan's own decision or a measure's."""
    own_open = sa.and_(IndividualPlan.coordinator_user_id == user.id, IndividualPlan.open_clause())
    plans = sa.select(IndividualPlan.decision_id).where(own_open, IndividualPlan.decision_id.is_not(None))
    measures = (sa.select(PlanMeasure.decision_id)
                .join(IndividualPlan, IndividualPlan.id == PlanMeasure.plan_id)
                .where(own_open, PlanMeasure.decision_id.is_not(None)))
    return sa.or_(Decision.id.in_(plans), Decision.id.in_(measures))


def select_plans(today: dt.date | None = None) -> sa.Select:
    """Plans with ``evaluation_overdue`` derived by the database on ``today`` (the clock's by default).

    Every plan an answer shows is loaded through here (schemas never read the clock). A plan
    already in the session is populated anew (``populate_existing``), so one read or written
    earlier in the transaction gets today's value, never a stale or null one.
    """
    return (sa.select(IndividualPlan)
            .options(_evaluation_overdue(today or clock.today()))
            .execution_options(populate_existing=True))


@functools.lru_cache(maxsize=32)
def _evaluation_overdue(today: dt.date):
    """The loader option of ``select_plans``, built once per day and shared (``with_expression``
    copies its expression each time it is called)."""
    return with_expression(IndividualPlan.evaluation_overdue, IndividualPlan.evaluation_overdue_clause(today))


def load_plan(plan_id: uuid.UUID) -> IndividualPlan:
    """The plan, if the caller may read it; 404 otherwise (another row is simply not found)."""
    plan = db.session.scalar(
        select_plans().where(IndividualPlan.id == plan_id, visible_plans_clause(current_user())))
    if plan is None:
        raise NotFound(_("No such plan."))
    return plan


def reloaded(plan: IndividualPlan) -> IndividualPlan:
    """The plan again after a write, for its answer: the flush expired ``evaluation_overdue``.

    Not need-to-know scoped: the caller was allowed the write (appointing another coordinator
    may take the plan out of a coordinator's sight, the answer is still the plan written)."""
    db.session.flush()
    return db.session.scalars(select_plans().where(IndividualPlan.id == plan.id)).one()


def audit_plan(action: str, plan: IndividualPlan, detail: str | None = None) -> None:
    record(action, OBJECT_PLAN, object_id=plan.id, person_id=plan.person_id, detail=detail)


def audit_state(plan: IndividualPlan) -> str:
    """The plan's state as audit details name it (stored, so never translated)."""
    return COORDINATOR_ONLY if plan.status == DECLINED and plan.coordinator_only else plan.status


def state_name(plan: IndividualPlan) -> str:
    """The plan's state in a problem text: its status, and whether a declined plan keeps the coordinator."""
    if plan.status == DECLINED and plan.coordinator_only:
        return _("%(state)s (coordinator only)", state=label("plan_status", plan.status))
    return label("plan_status", plan.status)


def state_conflict(plan: IndividualPlan, message: str, **params) -> InvalidState:
    """409 ``invalid_state``; ``message`` is an ``N_()`` text with ``%(state)s``, translated here."""
    return InvalidState(_(message, state=state_name(plan), **params), state=plan.status)


def load_for_action(plan_id: uuid.UUID, expected_version: int | None,
                    allowed: Callable[[IndividualPlan], bool], refused: str) -> IndividualPlan:
    """The plan an action changes: readable by the caller (404), the version the caller saw
    (412), and in a state the action is ``allowed`` in (409 with ``refused``, an ``N_()`` text
    with ``%(state)s``) — checked in that order by every plan action."""
    plan = load_plan(plan_id)
    check_version(plan, expected_version)
    if not allowed(plan):
        raise state_conflict(plan, refused)
    return plan


def require_not_before(field: str, value: dt.date | None, earliest: dt.date | None, message: str) -> None:
    """422 on ``field`` when ``value`` is before ``earliest``; ``message`` is an ``N_()`` text with
    ``%(date)s`` (the earliest date), translated here."""
    if value is not None and earliest is not None and value < earliest:
        raise ValidationFailed.field(field, _(message, date=format_day(earliest)))


def check_decision(decision_id: uuid.UUID | None, person_id: uuid.UUID, *, plan: bool) -> None:
    """A plan may only point at this person's decision on the IP service; a measure at any of theirs."""
    if decision_id is None:
        return
    decision = persons_decision(decision_id, person_id)
    if plan and decision.service_code != IP_SERVICE_CODE:
        raise ValidationFailed.field("decision_id", _("must be a decision on the service %(code)s",
                                                      code=IP_SERVICE_CODE))
