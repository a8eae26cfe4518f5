"""Evaluations (*evaluering, revisjon*) of an active plan, and when the next one is due.

An evaluation sets the plan's ``next_evaluation_on`` unless a later one is already recorded.
A correction is a new evaluation: evaluations are never changed.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from flask import current_app

from service.common.deadlines import add_months
from service.common.errors import ValidationFailed, require_not_future
from service.common.i18n import N_, _
from service.extensions import db
from service.plans import parts
from service.plans.models import ACTIVE, PlanEvaluation
from service.plans.rules import (
    OBJECT_EVALUATION,
    audit_plan,
    load_for_action,
    require_not_before,
)
from service.worklist.flags import resolve_for


def first_evaluation_on(activated_on: dt.date) -> dt.date:
    """The first evaluation when none is given: ``PLAN_EVALUATION_INTERVAL_MONTHS`` calendar
    months after activation (31 August + 6 months = 28 February)."""
    return add_months(activated_on, int(current_app.config["PLAN_EVALUATION_INTERVAL_MONTHS"]))


def add_evaluation(plan_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> PlanEvaluation:
    """Record an evaluation of an active plan; the plan's next evaluation follows the latest one."""
    plan = load_for_action(plan_id, expected_version, lambda plan: plan.status == ACTIVE,
                           N_("The plan is %(state)s; it cannot be evaluated."))
    evaluated_on = data["evaluated_on"]
    require_not_future("evaluated_on", evaluated_on)
    require_not_before("evaluated_on", evaluated_on, plan.activated_on,
                       N_("must not be before the activation (%(date)s)"))
    if data["next_evaluation_on"] <= evaluated_on:
        raise ValidationFailed.field("next_evaluation_on", _("must be after evaluated_on"))
    if not data["summary"].strip():
        raise ValidationFailed.field("summary", _("must not be empty"))
    latest = db.session.scalar(sa.select(sa.func.max(PlanEvaluation.evaluated_on))
                               .where(PlanEvaluation.plan_id == plan.id))
    evaluation = PlanEvaluation(id=uuid.uuid4(), municipality_id=plan.municipality_id, plan_id=plan.id,
                                evaluated_on=evaluated_on, summary=data["summary"].strip(),
                                next_evaluation_on=data["next_evaluation_on"])
    parts.create_part(plan, evaluation, OBJECT_EVALUATION)
    if latest is None or evaluated_on >= latest:
        plan.next_evaluation_on = evaluation.next_evaluation_on
        db.session.flush()
        audit_plan("update", plan, "next evaluation set by evaluation")
        resolve_for("individual_plan", [plan.id])
    return evaluation


def list_evaluations(plan_id: uuid.UUID, page: int, page_size: int):
    return parts.list_parts(PlanEvaluation, OBJECT_EVALUATION, plan_id, (PlanEvaluation.evaluated_on.desc(),),
                            page, page_size)


def get_evaluation(plan_id: uuid.UUID, evaluation_id: uuid.UUID) -> PlanEvaluation:
    return parts.get_part(PlanEvaluation, OBJECT_EVALUATION, plan_id, evaluation_id)


def last_evaluation(plan_id: uuid.UUID) -> PlanEvaluation | None:
    """The plan's latest evaluation, for the person overview; not audited."""
    return db.session.scalar(sa.select(PlanEvaluation).where(PlanEvaluation.plan_id == plan_id)
                             .order_by(PlanEvaluation.evaluated_on.desc()).limit(1))
