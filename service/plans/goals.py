"""The plan's goals and the measures (*tiltak*) that serve them.

Written once the person has consented and while the plan is worked on (``in_preparation``,
``active``). A measure may name a goal of the same plan and a decision of the same person.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from service.common.errors import ValidationFailed
from service.common.i18n import N_, _
from service.extensions import db
from service.plans import parts
from service.plans.models import PlanGoal, PlanMeasure
from service.plans.rules import OBJECT_GOAL, OBJECT_MEASURE, check_decision, require_not_before

# --------------------------------------------------------------------------- goals

_GOALS_BEFORE_CONSENT = N_("The plan is %(state)s; record the person's consent before adding goals.")
_GOALS_NOT_OPEN = N_("The plan is %(state)s; it cannot be given goals.")
_GOALS_NOT_CHANGED = N_("The plan is %(state)s; its goals cannot be changed.")


def _check_goal(plan, goal: PlanGoal) -> None:
    parts.require_text(goal, "text")


def add_goal(plan_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> PlanGoal:
    plan = parts.load_for_content(plan_id, expected_version, before_consent=_GOALS_BEFORE_CONSENT,
                                  not_open=_GOALS_NOT_OPEN)
    goal = PlanGoal(id=uuid.uuid4(), municipality_id=plan.municipality_id, plan_id=plan.id,
                    area=data["area"], text=data["text"].strip(), target_on=data.get("target_on"),
                    status=data.get("status", "open"))
    _check_goal(plan, goal)
    return parts.create_part(plan, goal, OBJECT_GOAL)


def list_goals(plan_id: uuid.UUID, page: int, page_size: int):
    return parts.list_parts(PlanGoal, OBJECT_GOAL, plan_id, (PlanGoal.created_at,), page, page_size)


def get_goal(plan_id: uuid.UUID, goal_id: uuid.UUID) -> PlanGoal:
    return parts.get_part(PlanGoal, OBJECT_GOAL, plan_id, goal_id)


def update_goal(plan_id: uuid.UUID, goal_id: uuid.UUID, data: dict, *,
                expected_version: int | None = None) -> PlanGoal:
    return parts.update_part(PlanGoal, OBJECT_GOAL, plan_id, goal_id, data, not_open=_GOALS_NOT_CHANGED,
                             check=_check_goal, expected_version=expected_version)


def goals_of(plan_id: uuid.UUID) -> list[PlanGoal]:
    """Every goal of the plan, for the person overview; not audited."""
    return list(db.session.scalars(sa.select(PlanGoal).where(PlanGoal.plan_id == plan_id)
                                   .order_by(PlanGoal.created_at)))


# --------------------------------------------------------------------------- measures

_MEASURES_BEFORE_CONSENT = N_("The plan is %(state)s; record the person's consent before adding measures.")
_MEASURES_NOT_OPEN = N_("The plan is %(state)s; it cannot be given measures.")
_MEASURES_NOT_CHANGED = N_("The plan is %(state)s; its measures cannot be changed.")


def _check_measure(plan, measure: PlanMeasure) -> None:
    parts.require_text(measure, "description", "responsible_organisation")
    if measure.goal_id is not None:
        goal = db.session.scalar(sa.select(PlanGoal.id).where(PlanGoal.id == measure.goal_id,
                                                             PlanGoal.plan_id == plan.id))
        if goal is None:
            raise ValidationFailed.field("goal_id", _("no such goal in this plan"))
    require_not_before("ends_on", measure.ends_on, measure.starts_on, N_("must not be before starts_on (%(date)s)"))


def add_measure(plan_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> PlanMeasure:
    plan = parts.load_for_content(plan_id, expected_version, before_consent=_MEASURES_BEFORE_CONSENT,
                                  not_open=_MEASURES_NOT_OPEN)
    check_decision(data.get("decision_id"), plan.person_id, plan=False)
    measure = PlanMeasure(
        id=uuid.uuid4(), municipality_id=plan.municipality_id, plan_id=plan.id,
        goal_id=data.get("goal_id"), description=data["description"].strip(), extent=data.get("extent"),
        responsible_organisation=data["responsible_organisation"].strip(),
        responsible_name=data.get("responsible_name"), decision_id=data.get("decision_id"),
        starts_on=data.get("starts_on"), ends_on=data.get("ends_on"), status=data.get("status", "ongoing"))
    _check_measure(plan, measure)
    return parts.create_part(plan, measure, OBJECT_MEASURE)


def list_measures(plan_id: uuid.UUID, page: int, page_size: int):
    return parts.list_parts(PlanMeasure, OBJECT_MEASURE, plan_id, (PlanMeasure.created_at,), page, page_size)


def get_measure(plan_id: uuid.UUID, measure_id: uuid.UUID) -> PlanMeasure:
    return parts.get_part(PlanMeasure, OBJECT_MEASURE, plan_id, measure_id)


def update_measure(plan_id: uuid.UUID, measure_id: uuid.UUID, data: dict, *,
                   expected_version: int | None = None) -> PlanMeasure:
    def check(plan, measure):
        if "decision_id" in data:
            check_decision(data["decision_id"], plan.person_id, plan=False)
        _check_measure(plan, measure)

    return parts.update_part(PlanMeasure, OBJECT_MEASURE, plan_id, measure_id, data,
                             not_open=_MEASURES_NOT_CHANGED, check=check, expected_version=expected_version)


def current_measures(plan_id: uuid.UUID) -> list[PlanMeasure]:
    """The plan's planned and ongoing measures, for the person overview; not audited."""
    return list(db.session.scalars(sa.select(PlanMeasure).where(
        PlanMeasure.plan_id == plan_id, PlanMeasure.status.in_(("planned", "ongoing")))
        .order_by(PlanMeasure.created_at)))
