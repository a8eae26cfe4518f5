"""How many open deadline conditions a generated municipality holds on the generation date.

The scheduler's benchmark needs data in which the flag conditions of the worklist
(docs/cases.md, "Deadlines") actually hold, many thousands of times; ``demo generate``
builds its decision periods, evaluations, referrals, plans and inspections so that they
do (``proportions``), and this module proves it after the insert, in one SQL statement.

Where a feature already states a condition as SQL, that expression is used (a decision's
``state_expression``, the plans' ``evaluation_due_stmt``); the few conditions no feature
states yet are written here against the same windows from configuration. These counts are
the generator's report only: the worklist's flags are raised by the scheduler.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from flask import current_app

from service.common import clock
from service.decisions.models import Appeal, Decision
from service.decisions.state import state_expression
from service.extensions import db
from service.housing.models import HousingUnit
from service.plans.models import IndividualPlan
from service.plans.reports import coordinator_missing_stmt, evaluation_due_stmt
from service.referrals.models import OPEN_STATUSES, Referral

REFERRAL_REPLY_DUE_WITHIN_DAYS = 7
EVALUATION_DUE_WITHIN_DAYS = 14
APPEAL_PENDING_AFTER_DAYS = 28


def open_deadline_conditions(municipality_id: uuid.UUID, today: dt.date | None = None) -> dict[str, int]:
    """Counts per flag kind for one municipality (one SELECT of scalar subqueries)."""
    today = today or clock.today()
    config = current_app.config
    state = state_expression(today, config["DECISION_EXPIRING_WINDOW_DAYS"])
    in_municipality = {model: model.municipality_id == municipality_id
                       for model in (Decision, Referral, Appeal, HousingUnit)}

    def count(model, *where) -> sa.ScalarSelect:
        return sa.select(sa.func.count()).select_from(model).where(in_municipality[model], *where).scalar_subquery()

    def count_plans(stmt: sa.Select) -> sa.ScalarSelect:
        inner = stmt.where(IndividualPlan.municipality_id == municipality_id).subquery()
        return sa.select(sa.func.count()).select_from(inner).scalar_subquery()

    due = today + dt.timedelta(days=EVALUATION_DUE_WITHIN_DAYS)
    counts = {
        "referral_reply_due": count(
            Referral, Referral.status.in_(OPEN_STATUSES), Referral.preliminary_reply_sent_on.is_(None),
            Referral.answer_due_on <= today + dt.timedelta(days=REFERRAL_REPLY_DUE_WITHIN_DAYS)),
        "decision_expiring": count(Decision, state == "expiring"),
        "decision_evaluation_due": count(Decision, state.in_(("active", "expiring")), Decision.evaluate_by <= due),
        "decision_untimed": count(Decision, state == "active", Decision.outcome != "refused",
                                  Decision.valid_to.is_(None)),
        "appeal_pending": count(Appeal, Appeal.status == "received",
                                Appeal.received_on <= today - dt.timedelta(days=APPEAL_PENDING_AFTER_DAYS)),
        "plan_evaluation_due": count_plans(evaluation_due_stmt(today, EVALUATION_DUE_WITHIN_DAYS)),
        "plan_coordinator_missing": count_plans(coordinator_missing_stmt()),
        "unit_inspection_due": count(HousingUnit, HousingUnit.next_inspection_on <= today + dt.timedelta(
            days=config["HOUSING_INSPECTION_DUE_DAYS"])),
    }
    row = db.session.execute(sa.select(*(value.label(kind) for kind, value in counts.items()))).one()
    return {kind: int(value) for kind, value in row._mapping.items()}
