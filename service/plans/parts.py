"""What the plan's parts share (members, goals, measures, evaluations): rows hanging off one
plan, read with the plan's need-to-know and audited with its person.

The state texts are ``N_()`` texts with ``%(state)s``, given by each part's module so that
a problem names what was refused ("… it cannot be given goals.").
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import sqlalchemy as sa

from service.audit.services import record, record_many
from service.common.concurrency import check_version
from service.common.errors import Conflict, NotFound, ValidationFailed
from service.common.i18n import _, label
from service.common.pagination import page_of
from service.extensions import db
from service.plans.models import ACTIVE, IN_PREPARATION, REQUESTED, IndividualPlan
from service.plans.rules import load_plan, state_conflict

# Members, goals and measures are worked on once consent is given, until the plan closes.
WORKING_STATES = (IN_PREPARATION, ACTIVE)


def load_for_content(plan_id: uuid.UUID, expected_version: int | None, *, before_consent: str,
                     not_open: str) -> IndividualPlan:
    """The plan a part is added to: 409 ``consent_missing`` while requested (``before_consent``),
    ``invalid_state`` when declined or closed (``not_open``)."""
    plan = load_plan(plan_id)
    check_version(plan, expected_version)
    if plan.status not in WORKING_STATES:
        if plan.status == REQUESTED:
            raise Conflict(_(before_consent, state=label("plan_status", plan.status)), code="consent_missing",
                           state=plan.status)
        raise state_conflict(plan, not_open)
    return plan


def _load_part(model, plan_id: uuid.UUID, part_id: uuid.UUID):
    plan = load_plan(plan_id)
    part = db.session.scalar(sa.select(model).where(model.id == part_id, model.plan_id == plan.id))
    if part is None:
        raise NotFound(_("No such item in this plan."))
    return plan, part


def list_parts(model, object_type: str, plan_id: uuid.UUID, order, page: int, page_size: int):
    plan = load_plan(plan_id)
    stmt = sa.select(model).where(model.plan_id == plan.id).order_by(*order, model.id)
    items, total = page_of(stmt, page, page_size)
    record_many("read", object_type, [(i.id, plan.person_id) for i in items], detail="list")
    return items, total


def get_part(model, object_type: str, plan_id: uuid.UUID, part_id: uuid.UUID):
    plan, part = _load_part(model, plan_id, part_id)
    record("read", object_type, object_id=part.id, person_id=plan.person_id)
    return part


def create_part(plan: IndividualPlan, part, object_type: str):
    db.session.add(part)
    db.session.flush()
    record("create", object_type, object_id=part.id, person_id=plan.person_id)
    return part


def update_part(model, object_type: str, plan_id: uuid.UUID, part_id: uuid.UUID, data: dict, *,
                not_open: str, check: Callable | None = None, expected_version: int | None = None):
    """Change a part while the plan is worked on (``not_open``: the state text otherwise);
    ``check(plan, part)`` runs on the changed part before it is written."""
    plan, part = _load_part(model, plan_id, part_id)
    check_version(part, expected_version)
    if plan.status not in WORKING_STATES:
        raise state_conflict(plan, not_open)
    changed = sorted(k for k in data if getattr(part, k) != data[k])
    for key, value in data.items():
        setattr(part, key, value)
    if check:
        # Not flushed before the check: an id that exists nowhere (goal_id, decision_id) would meet
        # the foreign key (409) where another municipality's meets the scoped look-up (422).
        with db.session.no_autoflush:
            check(plan, part)
    db.session.flush()
    record("update", object_type, object_id=part.id, person_id=plan.person_id,
           detail=("fields: " + ",".join(changed))[:200] if changed else None)
    return part


def require_text(part, *fields: str) -> None:
    """Free-text fields of a part that must hold more than blanks."""
    for field in fields:
        if not (getattr(part, field) or "").strip():
            raise ValidationFailed.field(field, _("must not be empty"))
