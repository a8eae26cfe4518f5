"""Individual plans (IP) and coordinators: the plan's life cycle and its coordinator.

Life cycle (docs/plans.md): ``requested`` → (consent, ``consent.py``) ``in_preparation`` →
(activate: consent + coordinator) ``active`` → (close: reason) ``closed``; from
``requested``/``in_preparation`` the person may ``decline`` the plan, either outright or
keeping the coordinator (``coordinator_only``, helse- og omsorgstjenesteloven § 7-2). At most
one *open* plan per person, guaranteed by a partial unique index (``models.OPEN_PREDICATE``).

Need-to-know (``rules.visible_plans_clause``) applies to every read and write; every read and
write is audited in the same transaction. The plan's parts live in ``members.py``,
``goals.py`` (goals and measures) and ``evaluations.py``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import sqlalchemy as sa

from service.audit.services import record_many
from service.auth.identity import current_user
from service.auth.models import User
from service.auth.policy import EDITS_ONLY_REQUESTED_PLANS, PLAN_COORDINATOR_ROLES
from service.common import clock
from service.common.concurrency import unique_or_duplicate
from service.common.errors import Conflict, Duplicate, Forbidden, ValidationFailed, require_not_future
from service.common.i18n import N_, _
from service.common.pagination import page_of
from service.common.tenancy import current_municipality_id
from service.extensions import db
from service.persons.access import referenced_person
from service.persons.models import Person
from service.plans import evaluations, goals, members
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
from service.plans.rules import (
    IP_SERVICE_CODE,
    OBJECT_PLAN,
    audit_plan,
    audit_state,
    check_decision,
    load_for_action,
    load_plan,
    reloaded,
    require_not_before,
    select_plans,
    state_name,
    visible_plans_clause,
)
from service.worklist.flags import reassign_subject, resolve_for

_AFTER_REQUEST = N_("must not be before the request (%(date)s)")


# --------------------------------------------------------------------------- one open plan per person

def _open_plan_of(person_id: uuid.UUID) -> IndividualPlan | None:
    return db.session.scalar(
        sa.select(IndividualPlan).where(IndividualPlan.person_id == person_id, IndividualPlan.open_clause()))


def _duplicate(existing: IndividualPlan) -> Duplicate:
    return Duplicate(_("The person already has an open individual plan (status %(state)s); "
                       "there is only one plan per person.", state=state_name(existing)),
                     existing_id=existing.id, code="plan_exists")


def _insert_plan(plan: IndividualPlan) -> None:
    """Insert; a plan opened concurrently for the person after the check wins the unique index."""
    with unique_or_duplicate(lambda: _open_plan_of(plan.person_id), _duplicate):
        db.session.add(plan)


# --------------------------------------------------------------------------- plans

def create_plan(data: dict) -> IndividualPlan:
    """Register a request for an individual plan (status ``requested``)."""
    person = referenced_person(data["person_id"])
    requested_on = data["requested_on"]
    require_not_future("requested_on", requested_on)
    existing = _open_plan_of(person.id)
    if existing is not None:
        raise _duplicate(existing)
    check_decision(data.get("decision_id"), person.id, plan=True)
    plan = IndividualPlan(
        id=uuid.uuid4(), municipality_id=current_municipality_id(), person_id=person.id,
        status=REQUESTED, requested_on=requested_on, request_note=data.get("request_note"),
        needs=data.get("needs"), decision_id=data.get("decision_id"),
        consent_information_sharing=False, coordinator_only=False,
    )
    _insert_plan(plan)
    audit_plan("create", plan)
    return reloaded(plan)


def get_plan(plan_id: uuid.UUID) -> IndividualPlan:
    plan = load_plan(plan_id)
    audit_plan("read", plan)
    return plan


def list_plans(filters: dict, page: int, page_size: int) -> tuple[list[IndividualPlan], int]:
    stmt = select_plans().where(visible_plans_clause(current_user()))
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
    plan = load_for_action(plan_id, expected_version, lambda plan: plan.is_open,
                           N_("The plan is %(state)s; it cannot be changed."))
    user = current_user()
    if user is not None and user.role in EDITS_ONLY_REQUESTED_PLANS and plan.status != REQUESTED:
        raise Forbidden(_("A case officer edits a plan only while it is requested; it is %(state)s.",
                          state=state_name(plan)))
    changed = sorted(k for k in data if getattr(plan, k) != data[k])
    if "requested_on" in data:
        if plan.status != REQUESTED:
            raise ValidationFailed.field("requested_on", _("can only be corrected while the plan is requested"))
        if data["requested_on"] is None:
            raise ValidationFailed.field("requested_on", _("must not be empty"))
        require_not_future("requested_on", data["requested_on"])
        plan.requested_on = data["requested_on"]
    if "decision_id" in data:
        check_decision(data["decision_id"], plan.person_id, plan=True)
    for field in _CONTENT_FIELDS:
        if field in data:
            setattr(plan, field, data[field])
    if plan.period_from and plan.period_to and plan.period_to < plan.period_from:
        raise ValidationFailed.field("period_to", _("must not be before period_from"))
    db.session.flush()
    audit_plan("update", plan, ("fields: " + ",".join(changed))[:200] if changed else None)
    resolve_for("individual_plan", [plan.id])
    return reloaded(plan)


def activate(plan_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> IndividualPlan:
    """Make the plan active: needs consent and a coordinator."""
    plan = load_for_action(plan_id, expected_version, lambda plan: plan.status == IN_PREPARATION,
                           N_("The plan is %(state)s; it cannot be activated."))
    if plan.consent_given_on is None:
        raise Conflict(_("The plan cannot be activated without the person's consent."), code="consent_missing")
    if not plan.has_coordinator:
        raise Conflict(_("The plan cannot be activated without a coordinator."), code="coordinator_missing")
    activated_on = data["activated_on"]
    require_not_future("activated_on", activated_on)
    require_not_before("activated_on", activated_on, plan.requested_on, _AFTER_REQUEST)
    require_not_before("activated_on", activated_on, plan.consent_given_on,
                       N_("must not be before the consent (%(date)s)"))
    next_on = data.get("next_evaluation_on") or plan.next_evaluation_on or evaluations.first_evaluation_on(activated_on)
    if next_on <= activated_on:
        raise ValidationFailed.field("next_evaluation_on", _("must be after the activation date"))
    plan.status, plan.activated_on, plan.next_evaluation_on = ACTIVE, activated_on, next_on
    if plan.period_from is None:
        plan.period_from = activated_on
    db.session.flush()
    audit_plan("update", plan, "in_preparation -> active")
    resolve_for("individual_plan", [plan.id])
    return reloaded(plan)


def decline(plan_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> IndividualPlan:
    """The person declines the plan; with ``coordinator_only`` they keep the coordinator (§ 7-2)."""
    plan = load_for_action(plan_id, expected_version, lambda plan: plan.status in (REQUESTED, IN_PREPARATION),
                           N_("The plan is %(state)s; it cannot be declined."))
    declined_on = data["declined_on"]
    require_not_future("declined_on", declined_on)
    require_not_before("declined_on", declined_on, plan.requested_on, _AFTER_REQUEST)
    before = plan.status
    plan.status, plan.coordinator_only = DECLINED, bool(data["coordinator_only"])
    plan.declined_on, plan.decline_reason = declined_on, data.get("reason")
    db.session.flush()
    audit_plan("update", plan, f"{before} -> {audit_state(plan)}")
    resolve_for("individual_plan", [plan.id])
    return reloaded(plan)


def close(plan_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> IndividualPlan:
    """End the plan (or the coordinator-only arrangement), recording why and when."""
    plan = load_for_action(plan_id, expected_version, lambda plan: plan.is_open,
                           N_("The plan is %(state)s; it cannot be closed."))
    closed_on = data["closed_on"]
    require_not_future("closed_on", closed_on)
    require_not_before("closed_on", closed_on, plan.requested_on, _AFTER_REQUEST)
    before = audit_state(plan)
    plan.status, plan.closed_on, plan.close_reason = CLOSED, closed_on, data["reason"].strip()
    db.session.flush()
    audit_plan("update", plan, f"{before} -> closed")
    resolve_for("individual_plan", [plan.id])
    return reloaded(plan)


# --------------------------------------------------------------------------- coordinator

def coordinator_person_scope(user) -> sa.ColumnElement[bool]:
    """A coordinator sees the persons whose open plan they coordinate."""
    return Person.id.in_(
        sa.select(IndividualPlan.person_id)
        .where(IndividualPlan.coordinator_user_id == user.id, IndividualPlan.open_clause())
    )


def _coordinator_user(user_id: uuid.UUID) -> User:
    user = db.session.scalar(sa.select(User).where(
        User.id == user_id, User.municipality_id == current_municipality_id()))
    if user is None or user.disabled_at is not None:
        raise ValidationFailed.field("user_id", _("no such active user in the municipality"))
    if user.role not in PLAN_COORDINATOR_ROLES:
        raise ValidationFailed.field("user_id", _("the user does not have the coordinator role"))
    return user


def appoint_coordinator(plan_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> IndividualPlan:
    """Appoint (or replace) the coordinator: a user, or a named person outside the system."""
    plan = load_for_action(plan_id, expected_version, lambda plan: plan.is_open,
                           N_("The plan is %(state)s; it cannot be given a coordinator."))
    appointed_on = data["appointed_on"]
    require_not_future("appointed_on", appointed_on)
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
    audit_plan("update", plan, "coordinator appointed")
    # a coordinator is there now; the plan's open flags go to them (a name: to the office)
    resolve_for("individual_plan", [plan.id])
    reassign_subject("individual_plan", plan.id, plan.coordinator_user_id)
    return reloaded(plan)


# --------------------------------------------------------------------------- decisions

def on_decision_decided(sender, decision) -> None:
    """Receiver of ``decisions.signals.decision_decided`` (connected in ``service.plans.init_app``)."""
    if decision.outcome in ("granted", "partly_granted"):
        link_decision(decision.person_id, decision.id, service_code=decision.service_code,
                      decided_on=decision.decided_on)


def link_decision(person_id: uuid.UUID, decision_id: uuid.UUID, *, service_code: str,
                  decided_on: dt.date | None = None) -> IndividualPlan | None:
    """Link a decision on "individuell plan og koordinator" to the person's plan.

    Called when such a decision is granted or partly granted (the ``decision_decided``
    signal). The person's open plan gets the decision; when there is none, a plan is requested
    (``requested_on`` = the decision date) so a coordinator can be appointed. Other service
    codes are ignored (returns None).
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
        audit_plan("create", plan, "requested by decision")
        return plan
    plan.decision_id = decision_id
    db.session.flush()
    audit_plan("update", plan, "decision linked")
    return plan


# --------------------------------------------------------------------------- person overview

@dataclass(frozen=True)
class PlanWithParts:
    """A plan with its current parts, for the person overview: a read model beside the ORM
    row (nothing is stuck on the instance). Every other attribute is the plan's own."""

    plan: IndividualPlan
    members: list[PlanMember]
    goals: list[PlanGoal]
    measures: list[PlanMeasure]
    last_evaluation: PlanEvaluation | None

    def __getattr__(self, name: str):
        return getattr(self.plan, name)


def plan_of(person_id: uuid.UUID) -> PlanWithParts | None:
    """The person's plan the caller may read, for the person overview: the open plan, else the
    latest, with its current members, goals, planned or ongoing measures and last evaluation.
    Not audited: the caller audits what it shows.
    """
    plan = db.session.scalar(
        select_plans()
        .where(IndividualPlan.person_id == person_id, visible_plans_clause(current_user()))
        .order_by(sa.case((IndividualPlan.open_clause(), 0), else_=1),
                  IndividualPlan.requested_on.desc(), IndividualPlan.created_at.desc())
        .limit(1))
    if plan is None:
        return None
    return PlanWithParts(plan, members=members.current_members(plan.id), goals=goals.goals_of(plan.id),
                         measures=goals.current_measures(plan.id),
                         last_evaluation=evaluations.last_evaluation(plan.id))
