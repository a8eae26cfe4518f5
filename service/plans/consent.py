"""The person's consent (forskrift om habilitering og rehabilitering § 19): the trigger of the
plan's preparation, and what the responsibility group may share.

Consent moves a requested plan to ``in_preparation``; on a plan declined with the coordinator
kept (``coordinator_only``) it means the person changed their mind and the same plan is taken
up again. Consent may be recorded again (e.g. a wider scope) while the plan is open.
"""

from __future__ import annotations

import uuid

from service.common.errors import require_not_future
from service.common.i18n import N_
from service.extensions import db
from service.plans.models import DECLINED, IN_PREPARATION, REQUESTED, IndividualPlan
from service.plans.rules import audit_plan, load_for_action, reloaded


def give_consent(plan_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> IndividualPlan:
    """Record the person's consent; a requested plan moves to ``in_preparation``."""
    plan = load_for_action(plan_id, expected_version, lambda plan: plan.is_open,
                           N_("The plan is %(state)s; it cannot be consented to."))
    given_on = data["given_on"]
    require_not_future("given_on", given_on)
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
    audit_plan("update", plan, detail)
    return reloaded(plan)
