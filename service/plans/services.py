"""Individual plans (IP) and coordinators: life cycle, rules, need-to-know, audit.

Life cycle (docs/plans.md): ``requested`` → (consent) ``in_preparation`` →
(activate: consent + coordinator) ``active`` → (close: reason) ``closed``;
from ``requested``/``in_preparation`` the person may ``decline`` the plan,
either outright or keeping the coordinator (``coordinator_only``, helse- og
omsorgstjenesteloven § 7-2). At most one *open* plan per person, guaranteed
by a partial unique index (see ``models.OPEN_PREDICATE``).

Need-to-know: case officers see every plan of the municipality, a coordinator
only the plans they coordinate, a provider the plans of the persons it serves
(``visible_persons_clause``); nobody else sees plans. Every read and write is
audited in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app, g, has_app_context
from sqlalchemy.exc import IntegrityError

from service.audit.services import record, record_many
from service.auth.models import User
from service.auth.policy import PLAN_COORDINATOR_ROLES, SEES_EVERY_PLAN
from service.auth.roles import CASE_OFFICER, COORDINATOR, PROVIDER
from service.common import clock
from service.common.concurrency import check_version
from service.common.deadlines import add_months
from service.common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from service.common.pagination import page_of
from service.common.tenancy import current_municipality_id
from service.decisions.services import persons_decision
from service.extensions import db
from service.persons.access import visible_persons_clause
from service.persons.models import Person
from service.plans.models import (
    ACTIVE,
    CLOSED,
    DECLINED,
    IN_PREPARATION,
    REQUESTED,
    IndividualPlan,
    PlanEvaluation,
    PlanGoal,
    PlanMeasure,
    PlanMember,
)

# The catalogue code of the service "individuell plan og koordinator".
IP_SERVICE_CODE = "individuell-plan-koordinator"
DEFAULT_EVALUATION_INTERVAL_MONTHS = 6

OBJECT_PLAN = "individual_plan"
OBJECT_MEMBER = "plan_member"
OBJECT_GOAL = "plan_goal"
OBJECT_MEASURE = "plan_measure"
OBJECT_EVALUATION = "plan_evaluation"


# --------------------------------------------------------------------------- helpers

def _user():
    return g.get("current_user") if has_app_context() else None


def _not_in_future(field: str, value: dt.date | None) -> None:
    if value is not None and value > clock.today():
        raise ValidationFailed.field(field, "must not be in the future")


def _not_before(field: str, value: dt.date | None, earliest: dt.date | None, what: str) -> None:
    if value is not None and earliest is not None and value < earliest:
        raise ValidationFailed.field(field, f"must not be before {what} ({earliest.isoformat()})")


def _state_name(plan: IndividualPlan) -> str:
    if plan.status == DECLINED and plan.coordinator_only:
        return "declined (coordinator only)"
    return plan.status


def _illegal(plan: IndividualPlan, action: str) -> Conflict:
    return Conflict(f"The plan is {_state_name(plan)}; it cannot be {action}.", code="invalid_state",
                    state=plan.status)


# --------------------------------------------------------------------------- decisions

def _check_decision(decision_id: uuid.UUID | None, person_id: uuid.UUID, purpose: str) -> None:
    """A plan may only point at this person's decision on the IP service; a measure at any of theirs."""
    if decision_id is None:
        return
    decision = persons_decision(decision_id, person_id)
    if purpose == "plan" and decision.service_code != IP_SERVICE_CODE:
        raise ValidationFailed.field("decision_id", f"must be a decision on the service {IP_SERVICE_CODE}")


# --------------------------------------------------------------------------- need-to-know

def visible_plans_clause(user) -> sa.ColumnElement[bool]:
    """Plans ``user`` may read (the CLI and jobs, without a user, see all)."""
    if user is None or user.role in SEES_EVERY_PLAN:
        return sa.true()
    if user.role == COORDINATOR:
        return IndividualPlan.coordinator_user_id == user.id
    if user.role == PROVIDER:
        return IndividualPlan.person_id.in_(sa.select(Person.id).where(visible_persons_clause(user)))
    return sa.false()


def coordinator_person_scope(user) -> sa.ColumnElement[bool]:
    """A coordinator sees the persons whose open plan they coordinate."""
    return Person.id.in_(
        sa.select(IndividualPlan.person_id)
        .where(IndividualPlan.coordinator_user_id == user.id, IndividualPlan.open_clause())
    )


def _load(plan_id: uuid.UUID) -> IndividualPlan:
    plan = db.session.scalar(
        sa.select(IndividualPlan).where(IndividualPlan.id == plan_id, visible_plans_clause(_user())))
    if plan is None:
        raise NotFound("No such plan.")
    return plan


def _audit_plan(action: str, plan: IndividualPlan, detail: str | None = None) -> None:
    record(action, OBJECT_PLAN, object_id=plan.id, person_id=plan.person_id, detail=detail)


def _open_plan_of(person_id: uuid.UUID) -> IndividualPlan | None:
    return db.session.scalar(
        sa.select(IndividualPlan).where(IndividualPlan.person_id == person_id, IndividualPlan.open_clause()))


def _duplicate(existing: IndividualPlan | None) -> Conflict:
    if existing is None:
        return Conflict("The person already has an open individual plan.", code="plan_exists")
    return Conflict(f"The person already has an open individual plan (status {_state_name(existing)}); "
                    "there is only one plan per person.", code="plan_exists", plan_id=str(existing.id))


def _insert_plan(plan: IndividualPlan) -> None:
    """Insert in a savepoint so that losing the race on the unique index is a clean 409."""
    try:
        with db.session.begin_nested():
            db.session.add(plan)
            db.session.flush()
    except IntegrityError:
        raise _duplicate(_open_plan_of(plan.person_id)) from None


# --------------------------------------------------------------------------- plans

def create_plan(data: dict) -> IndividualPlan:
    """Register a request for an individual plan (status ``requested``)."""
    person_id = data["person_id"]
    person = db.session.scalar(
        sa.select(Person).where(Person.id == person_id, visible_persons_clause(_user())))
    if person is None:
        raise ValidationFailed.field("person_id", "no such person")
    requested_on = data["requested_on"]
    _not_in_future("requested_on", requested_on)
    existing = _open_plan_of(person.id)
    if existing is not None:
        raise _duplicate(existing)
    _check_decision(data.get("decision_id"), person.id, "plan")
    plan = IndividualPlan(
        id=uuid.uuid4(), municipality_id=current_municipality_id(), person_id=person.id,
        status=REQUESTED, requested_on=requested_on, request_note=data.get("request_note"),
        needs=data.get("needs"), decision_id=data.get("decision_id"),
        consent_information_sharing=False, coordinator_only=False,
    )
    _insert_plan(plan)
    _audit_plan("create", plan)
    return plan


def get_plan(plan_id: uuid.UUID) -> IndividualPlan:
    plan = _load(plan_id)
    _audit_plan("read", plan)
    return plan


def list_plans(filters: dict, page: int, page_size: int) -> tuple[list[IndividualPlan], int]:
    stmt = sa.select(IndividualPlan).where(visible_plans_clause(_user()))
    if filters.get("status"):
        stmt = stmt.where(IndividualPlan.status == filters["status"])
    if filters.get("person_id"):
        stmt = stmt.where(IndividualPlan.person_id == filters["person_id"])
    if filters.get("coordinator"):
        stmt = stmt.where(IndividualPlan.coordinator_user_id == filters["coordinator"])
    if filters.get("coordinator_only") is not None:
        stmt = stmt.where(IndividualPlan.coordinator_only.is_(filters["coordinator_only"]))
    if filters.get("evaluation_due_before"):
        stmt = stmt.where(IndividualPlan.status == ACTIVE,
                          IndividualPlan.next_evaluation_on < filters["evaluation_due_before"])
    stmt = stmt.order_by(IndividualPlan.requested_on.desc(), IndividualPlan.id)
    items, total = page_of(stmt, page, page_size)
    record_many("read", OBJECT_PLAN, [(p.id, p.person_id) for p in items], detail="list")
    return items, total


_CONTENT_FIELDS = ("request_note", "needs", "person_contribution", "relatives_contribution",
                   "services_contribution", "cooperation", "period_from", "period_to",
                   "next_evaluation_on", "decision_id")


def update_plan(plan_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> IndividualPlan:
    """Correct or complete the plan's content (the route requires If-Match)."""
    plan = _load(plan_id)
    check_version(plan, expected_version)
    if not plan.is_open:
        raise _illegal(plan, "changed")
    user = _user()
    if user is not None and user.role == CASE_OFFICER and plan.status != REQUESTED:
        raise Forbidden(f"A case officer edits a plan only while it is requested; it is {_state_name(plan)}.")
    changed = sorted(k for k in data if getattr(plan, k) != data[k])
    if "requested_on" in data:
        if plan.status != REQUESTED:
            raise ValidationFailed.field("requested_on", "can only be corrected while the plan is requested")
        if data["requested_on"] is None:
            raise ValidationFailed.field("requested_on", "must not be empty")
        _not_in_future("requested_on", data["requested_on"])
        plan.requested_on = data["requested_on"]
    if "decision_id" in data:
        _check_decision(data["decision_id"], plan.person_id, "plan")
    for field in _CONTENT_FIELDS:
        if field in data:
            setattr(plan, field, data[field])
    if plan.period_from and plan.period_to and plan.period_to < plan.period_from:
        raise ValidationFailed.field("period_to", "must not be before period_from")
    db.session.flush()
    _audit_plan("update", plan, ("fields: " + ",".join(changed))[:200] if changed else None)
    return plan


def give_consent(plan_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> IndividualPlan:
    """Record the person's consent; a requested plan moves to ``in_preparation``.

    On a plan declined with coordinator only, consent means the person changed
    their mind: the same plan is taken up again (``in_preparation``).
    """
    plan = _load(plan_id)
    check_version(plan, expected_version)
    if not plan.is_open:
        raise _illegal(plan, "consented to")
    given_on = data["given_on"]
    _not_in_future("given_on", given_on)
    detail = "consent"
    if plan.status == REQUESTED:
        plan.status = IN_PREPARATION
        detail = "consent; requested -> in_preparation"
    elif plan.status == DECLINED:
        plan.status, plan.coordinator_only = IN_PREPARATION, False
        plan.declined_on = plan.decline_reason = None
        detail = "consent; declined (coordinator only) -> in_preparation"
    plan.consent_given_on = given_on
    plan.consent_scope = data["scope"]
    plan.consent_information_sharing = bool(data.get("information_sharing", False))
    db.session.flush()
    _audit_plan("update", plan, detail)
    return plan


def _coordinator_user(user_id: uuid.UUID) -> User:
    user = db.session.scalar(sa.select(User).where(
        User.id == user_id, User.municipality_id == current_municipality_id()))
    if user is None or user.disabled_at is not None:
        raise ValidationFailed.field("user_id", "no such active user in the municipality")
    if user.role not in PLAN_COORDINATOR_ROLES:
        raise ValidationFailed.field("user_id", "the user does not have the coordinator role")
    return user


def appoint_coordinator(plan_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> IndividualPlan:
    """Appoint (or replace) the coordinator: a user, or a named person outside the system."""
    plan = _load(plan_id)
    check_version(plan, expected_version)
    if not plan.is_open:
        raise _illegal(plan, "given a coordinator")
    appointed_on = data["appointed_on"]
    _not_in_future("appointed_on", appointed_on)
    if data.get("user_id"):
        user = _coordinator_user(data["user_id"])
        plan.coordinator_user_id, plan.coordinator_name = user.id, None
        plan.coordinator_user = user
    else:
        plan.coordinator_user_id, plan.coordinator_name = None, data["name"].strip()
        plan.coordinator_user = None
    plan.coordinator_contact = data.get("contact")
    plan.coordinator_appointed_on = appointed_on
    db.session.flush()
    _audit_plan("update", plan, "coordinator appointed")
    return plan


def _evaluation_interval_months() -> int:
    return int(current_app.config.get("PLAN_EVALUATION_INTERVAL_MONTHS") or DEFAULT_EVALUATION_INTERVAL_MONTHS)


def activate(plan_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> IndividualPlan:
    """Make the plan active: needs consent and a coordinator."""
    plan = _load(plan_id)
    check_version(plan, expected_version)
    if plan.status != IN_PREPARATION:
        raise _illegal(plan, "activated")
    if plan.consent_given_on is None:
        raise Conflict("The plan cannot be activated without the person's consent.", code="consent_missing")
    if not plan.has_coordinator:
        raise Conflict("The plan cannot be activated without a coordinator.", code="coordinator_missing")
    activated_on = data["activated_on"]
    _not_in_future("activated_on", activated_on)
    _not_before("activated_on", activated_on, plan.requested_on, "the request")
    _not_before("activated_on", activated_on, plan.consent_given_on, "the consent")
    next_on = (data.get("next_evaluation_on") or plan.next_evaluation_on
               or add_months(activated_on, _evaluation_interval_months()))
    if next_on <= activated_on:
        raise ValidationFailed.field("next_evaluation_on", "must be after the activation date")
    plan.status, plan.activated_on, plan.next_evaluation_on = ACTIVE, activated_on, next_on
    if plan.period_from is None:
        plan.period_from = activated_on
    db.session.flush()
    _audit_plan("update", plan, "in_preparation -> active")
    return plan


def decline(plan_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> IndividualPlan:
    """The person declines the plan; with ``coordinator_only`` they keep the coordinator (§ 7-2)."""
    plan = _load(plan_id)
    check_version(plan, expected_version)
    if plan.status not in (REQUESTED, IN_PREPARATION):
        raise _illegal(plan, "declined")
    declined_on = data["declined_on"]
    _not_in_future("declined_on", declined_on)
    _not_before("declined_on", declined_on, plan.requested_on, "the request")
    before = plan.status
    plan.status, plan.coordinator_only = DECLINED, bool(data["coordinator_only"])
    plan.declined_on, plan.decline_reason = declined_on, data.get("reason")
    db.session.flush()
    _audit_plan("update", plan, f"{before} -> declined" + (" (coordinator only)" if plan.coordinator_only else ""))
    return plan


def close(plan_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> IndividualPlan:
    """End the plan (or the coordinator-only arrangement), recording why and when."""
    plan = _load(plan_id)
    check_version(plan, expected_version)
    if not plan.is_open:
        raise _illegal(plan, "closed")
    closed_on = data["closed_on"]
    _not_in_future("closed_on", closed_on)
    _not_before("closed_on", closed_on, plan.requested_on, "the request")
    before = _state_name(plan)
    plan.status, plan.closed_on, plan.close_reason = CLOSED, closed_on, data["reason"].strip()
    db.session.flush()
    _audit_plan("update", plan, f"{before} -> closed")
    return plan


def on_decision_decided(sender, decision) -> None:
    """Receiver of ``decisions.signals.decision_decided`` (connected in ``service.plans.init_app``)."""
    if decision.outcome in ("granted", "partly_granted"):
        link_decision(decision.person_id, decision.id, service_code=decision.service_code,
                      decided_on=decision.decided_on)


def link_decision(person_id: uuid.UUID, decision_id: uuid.UUID, *, service_code: str,
                  decided_on: dt.date | None = None) -> IndividualPlan | None:
    """Link a decision on "individuell plan og koordinator" to the person's plan.

    Called when such a decision is granted or partly granted (the
    ``decision_decided`` signal). The person's open plan gets the decision; when there is none, a
    plan is requested (``requested_on`` = the decision date) so a coordinator
    can be appointed. Other service codes are ignored (returns None).
    """
    if service_code != IP_SERVICE_CODE:
        return None
    plan = _open_plan_of(person_id)
    if plan is None:
        plan = IndividualPlan(
            id=uuid.uuid4(), municipality_id=current_municipality_id(), person_id=person_id,
            status=REQUESTED, requested_on=decided_on or clock.today(), decision_id=decision_id,
            consent_information_sharing=False, coordinator_only=False)
        _insert_plan(plan)
        _audit_plan("create", plan, "requested by decision")
        return plan
    plan.decision_id = decision_id
    db.session.flush()
    _audit_plan("update", plan, "decision linked")
    return plan


# --------------------------------------------------------------------------- plan content

def _load_for_content(plan_id: uuid.UUID, what: str, expected_version: int | None) -> IndividualPlan:
    """Members, goals and measures are worked on once consent is given, until the plan closes."""
    plan = _load(plan_id)
    check_version(plan, expected_version)
    if plan.status not in (IN_PREPARATION, ACTIVE):
        if plan.status == REQUESTED:
            raise Conflict(f"The plan is requested; record the person's consent before adding {what}.",
                           code="consent_missing", state=plan.status)
        raise _illegal(plan, f"given {what}")
    return plan


def _load_part(model, plan_id: uuid.UUID, part_id: uuid.UUID):
    plan = _load(plan_id)
    part = db.session.scalar(sa.select(model).where(model.id == part_id, model.plan_id == plan.id))
    if part is None:
        raise NotFound("No such item in this plan.")
    return plan, part


def _list_parts(model, object_type: str, plan_id: uuid.UUID, order, page: int, page_size: int):
    plan = _load(plan_id)
    stmt = sa.select(model).where(model.plan_id == plan.id).order_by(*order, model.id)
    items, total = page_of(stmt, page, page_size)
    record_many("read", object_type, [(i.id, plan.person_id) for i in items], detail="list")
    return items, total


def _get_part(model, object_type: str, plan_id: uuid.UUID, part_id: uuid.UUID):
    plan, part = _load_part(model, plan_id, part_id)
    record("read", object_type, object_id=part.id, person_id=plan.person_id)
    return part


def _update_part(model, object_type: str, plan_id: uuid.UUID, part_id: uuid.UUID, data: dict, what: str,
                 check: Callable | None = None, *, expected_version: int | None = None):
    plan, part = _load_part(model, plan_id, part_id)
    check_version(part, expected_version)
    if plan.status not in (IN_PREPARATION, ACTIVE):
        raise _illegal(plan, f"changed ({what})")
    changed = sorted(k for k in data if getattr(part, k) != data[k])
    for key, value in data.items():
        setattr(part, key, value)
    if check:
        check(plan, part)
    db.session.flush()
    record("update", object_type, object_id=part.id, person_id=plan.person_id,
           detail=("fields: " + ",".join(changed))[:200] if changed else None)
    return part


def _create_part(plan: IndividualPlan, part, object_type: str):
    db.session.add(part)
    db.session.flush()
    record("create", object_type, object_id=part.id, person_id=plan.person_id)
    return part


# members (ansvarsgruppe)

def _check_member(plan, member: PlanMember) -> None:
    for field in ("organisation", "role", "name"):
        if not (getattr(member, field) or "").strip():
            raise ValidationFailed.field(field, "must not be empty")
    _not_before("ended_on", member.ended_on, member.joined_on, "joined_on")


def add_member(plan_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> PlanMember:
    plan = _load_for_content(plan_id, "members", expected_version)
    joined_on = data.get("joined_on") or clock.today()
    member = PlanMember(id=uuid.uuid4(), municipality_id=plan.municipality_id, plan_id=plan.id,
                        organisation=data["organisation"].strip(), role=data["role"].strip(),
                        name=data["name"].strip(), contact=data.get("contact"), joined_on=joined_on,
                        ended_on=data.get("ended_on"))
    _check_member(plan, member)
    return _create_part(plan, member, OBJECT_MEMBER)


def list_members(plan_id, page, page_size):
    return _list_parts(PlanMember, OBJECT_MEMBER, plan_id, (PlanMember.joined_on,), page, page_size)


def get_member(plan_id, member_id):
    return _get_part(PlanMember, OBJECT_MEMBER, plan_id, member_id)


def update_member(plan_id, member_id, data, *, expected_version: int | None = None):
    return _update_part(PlanMember, OBJECT_MEMBER, plan_id, member_id, data, "members", _check_member,
                        expected_version=expected_version)


# goals

def _check_goal(plan, goal: PlanGoal) -> None:
    if not (goal.text or "").strip():
        raise ValidationFailed.field("text", "must not be empty")


def add_goal(plan_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> PlanGoal:
    plan = _load_for_content(plan_id, "goals", expected_version)
    goal = PlanGoal(id=uuid.uuid4(), municipality_id=plan.municipality_id, plan_id=plan.id,
                    area=data["area"], text=data["text"].strip(), target_on=data.get("target_on"),
                    status=data.get("status", "open"))
    _check_goal(plan, goal)
    return _create_part(plan, goal, OBJECT_GOAL)


def list_goals(plan_id, page, page_size):
    return _list_parts(PlanGoal, OBJECT_GOAL, plan_id, (PlanGoal.created_at,), page, page_size)


def get_goal(plan_id, goal_id):
    return _get_part(PlanGoal, OBJECT_GOAL, plan_id, goal_id)


def update_goal(plan_id, goal_id, data, *, expected_version: int | None = None):
    return _update_part(PlanGoal, OBJECT_GOAL, plan_id, goal_id, data, "goals", _check_goal,
                        expected_version=expected_version)


# measures (tiltak)

def _check_measure(plan, measure: PlanMeasure) -> None:
    for field in ("description", "responsible_organisation"):
        if not (getattr(measure, field) or "").strip():
            raise ValidationFailed.field(field, "must not be empty")
    if measure.goal_id is not None:
        goal = db.session.scalar(sa.select(PlanGoal.id).where(PlanGoal.id == measure.goal_id,
                                                             PlanGoal.plan_id == plan.id))
        if goal is None:
            raise ValidationFailed.field("goal_id", "no such goal in this plan")
    _not_before("ends_on", measure.ends_on, measure.starts_on, "starts_on")


def add_measure(plan_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> PlanMeasure:
    plan = _load_for_content(plan_id, "measures", expected_version)
    _check_decision(data.get("decision_id"), plan.person_id, "measure")
    measure = PlanMeasure(
        id=uuid.uuid4(), municipality_id=plan.municipality_id, plan_id=plan.id,
        goal_id=data.get("goal_id"), description=data["description"].strip(), extent=data.get("extent"),
        responsible_organisation=data["responsible_organisation"].strip(),
        responsible_name=data.get("responsible_name"), decision_id=data.get("decision_id"),
        starts_on=data.get("starts_on"), ends_on=data.get("ends_on"), status=data.get("status", "ongoing"))
    _check_measure(plan, measure)
    return _create_part(plan, measure, OBJECT_MEASURE)


def list_measures(plan_id, page, page_size):
    return _list_parts(PlanMeasure, OBJECT_MEASURE, plan_id, (PlanMeasure.created_at,), page, page_size)


def get_measure(plan_id, measure_id):
    return _get_part(PlanMeasure, OBJECT_MEASURE, plan_id, measure_id)


def update_measure(plan_id, measure_id, data, *, expected_version: int | None = None):
    def check(plan, measure):
        if "decision_id" in data:
            _check_decision(data["decision_id"], plan.person_id, "measure")
        _check_measure(plan, measure)

    return _update_part(PlanMeasure, OBJECT_MEASURE, plan_id, measure_id, data, "measures", check,
                        expected_version=expected_version)


# evaluations (revisjon)

def add_evaluation(plan_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> PlanEvaluation:
    """Record an evaluation of an active plan; the plan's next evaluation follows the latest one."""
    plan = _load(plan_id)
    check_version(plan, expected_version)
    if plan.status != ACTIVE:
        raise _illegal(plan, "evaluated")
    evaluated_on = data["evaluated_on"]
    _not_in_future("evaluated_on", evaluated_on)
    _not_before("evaluated_on", evaluated_on, plan.activated_on, "the activation")
    if data["next_evaluation_on"] <= evaluated_on:
        raise ValidationFailed.field("next_evaluation_on", "must be after evaluated_on")
    if not data["summary"].strip():
        raise ValidationFailed.field("summary", "must not be empty")
    latest = db.session.scalar(sa.select(sa.func.max(PlanEvaluation.evaluated_on))
                               .where(PlanEvaluation.plan_id == plan.id))
    evaluation = PlanEvaluation(id=uuid.uuid4(), municipality_id=plan.municipality_id, plan_id=plan.id,
                                evaluated_on=evaluated_on, summary=data["summary"].strip(),
                                next_evaluation_on=data["next_evaluation_on"])
    _create_part(plan, evaluation, OBJECT_EVALUATION)
    if latest is None or evaluated_on >= latest:
        plan.next_evaluation_on = evaluation.next_evaluation_on
        db.session.flush()
        _audit_plan("update", plan, "next evaluation set by evaluation")
    return evaluation


def list_evaluations(plan_id, page, page_size):
    return _list_parts(PlanEvaluation, OBJECT_EVALUATION, plan_id, (PlanEvaluation.evaluated_on.desc(),),
                       page, page_size)


def get_evaluation(plan_id, evaluation_id):
    return _get_part(PlanEvaluation, OBJECT_EVALUATION, plan_id, evaluation_id)


# --------------------------------------------------------------------------- worklist / reports helpers

def evaluation_due_stmt(as_of: dt.date, within_days: int = 14) -> sa.Select:
    """Active plans whose next evaluation is within ``within_days`` of ``as_of`` or passed
    (flag ``plan_evaluation_due``, DESIGN §4)."""
    return sa.select(IndividualPlan).where(
        IndividualPlan.status == ACTIVE,
        IndividualPlan.next_evaluation_on <= as_of + dt.timedelta(days=within_days))


def coordinator_missing_stmt() -> sa.Select:
    """Plans in preparation or active, or kept for the coordinator only, without a coordinator
    (flag ``plan_coordinator_missing``, DESIGN §4)."""
    return sa.select(IndividualPlan).where(
        sa.or_(IndividualPlan.status.in_((IN_PREPARATION, ACTIVE)),
               sa.and_(IndividualPlan.status == DECLINED, IndividualPlan.coordinator_only.is_(True))),
        IndividualPlan.coordinator_user_id.is_(None), IndividualPlan.coordinator_name.is_(None))


def plan_counts(as_of: dt.date) -> dict[str, int]:
    """Current counts for report table T7 (one SQL aggregate over the municipality's plans):
    plans by status, open plans with a coordinator (including coordinator only),
    coordinator-only arrangements, and active plans whose evaluation is overdue on ``as_of``."""
    plan = IndividualPlan
    has_coordinator = sa.or_(plan.coordinator_user_id.is_not(None), plan.coordinator_name.is_not(None))
    row = db.session.execute(sa.select(
        *(sa.func.count().filter(plan.status == status).label(status)
          for status in (REQUESTED, IN_PREPARATION, ACTIVE, DECLINED, CLOSED)),
        sa.func.count().filter(plan.open_clause(), has_coordinator).label("with_coordinator"),
        sa.func.count().filter(plan.status == DECLINED, plan.coordinator_only.is_(True)).label("coordinator_only"),
        sa.func.count().filter(plan.status == ACTIVE, plan.next_evaluation_on < as_of).label("evaluation_overdue"),
    ).select_from(plan)).one()
    return {key: int(value or 0) for key, value in row._mapping.items()}


# --------------------------------------------------------------------------- person overview

def plan_of(person_id: uuid.UUID) -> IndividualPlan | None:
    """The person's plan the caller may read, for the person overview: the open plan, else the latest.

    Attached to it: ``members`` (current), ``goals``, ``measures`` (planned or ongoing) and
    ``last_evaluation``. Not audited: the caller audits what it shows.
    """
    plan = db.session.scalar(
        sa.select(IndividualPlan)
        .where(IndividualPlan.person_id == person_id, visible_plans_clause(_user()))
        .order_by(sa.case((IndividualPlan.open_clause(), 0), else_=1),
                  IndividualPlan.requested_on.desc(), IndividualPlan.created_at.desc())
        .limit(1))
    if plan is None:
        return None
    plan.members = list(db.session.scalars(sa.select(PlanMember).where(
        PlanMember.plan_id == plan.id, PlanMember.ended_on.is_(None)).order_by(PlanMember.joined_on)))
    plan.goals = list(db.session.scalars(sa.select(PlanGoal).where(PlanGoal.plan_id == plan.id)
                                         .order_by(PlanGoal.created_at)))
    plan.measures = list(db.session.scalars(sa.select(PlanMeasure).where(
        PlanMeasure.plan_id == plan.id, PlanMeasure.status.in_(("planned", "ongoing")))
        .order_by(PlanMeasure.created_at)))
    plan.last_evaluation = db.session.scalar(sa.select(PlanEvaluation).where(PlanEvaluation.plan_id == plan.id)
                                             .order_by(PlanEvaluation.evaluated_on.desc()).limit(1))
    return plan
