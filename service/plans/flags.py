"""The worklist flags individual plans raise (docs/worklist.md), from the SELECTs of ``plans.reports``.

* ``plan_evaluation_due`` — an active plan whose ``next_evaluation_on`` is within
  ``PLAN_EVALUATION_DUE_WITHIN_DAYS`` (14) or passed (``reports.evaluation_due_stmt``); due on
  ``next_evaluation_on``; the coordinator's, or the allocation office's when the coordinator is
  a name (someone outside the system) or a disabled user. An evaluation resolves it.
* ``plan_coordinator_missing`` — a plan in preparation (or active, or kept for the coordinator
  only) without a coordinator (``reports.coordinator_missing_stmt``); due on the day the person
  consented (the plan's preparation started), else the request; the allocation office's.
  Appointing a coordinator resolves it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app

from service.auth import matrix
from service.auth.roles import CASE_OFFICER, COORDINATOR
from service.common.contributions import FlagKind, FlagScope
from service.common.i18n import N_, NP_, _
from service.plans.models import IndividualPlan
from service.plans.reports import coordinator_missing_stmt, evaluation_due_stmt
from service.worklist.flags import assignee

_NO_CAUSE = sa.cast(sa.null(), sa.String)


def evaluation_due_rows(scope: FlagScope) -> sa.Select:
    within = int(current_app.config["PLAN_EVALUATION_DUE_WITHIN_DAYS"])
    return evaluation_due_stmt(scope.on, within).where(
        IndividualPlan.municipality_id == scope.municipality_id).with_only_columns(
        IndividualPlan.id.label("subject_id"), IndividualPlan.person_id.label("person_id"),
        IndividualPlan.next_evaluation_on.label("due_on"),
        assignee(IndividualPlan.coordinator_user_id).label("assigned_to"), _NO_CAUSE.label("cause"))


def coordinator_missing_rows(scope: FlagScope) -> sa.Select:
    since = sa.func.coalesce(IndividualPlan.consent_given_on, IndividualPlan.requested_on)
    return coordinator_missing_stmt().where(
        IndividualPlan.municipality_id == scope.municipality_id, since <= scope.on).with_only_columns(
        IndividualPlan.id.label("subject_id"), IndividualPlan.person_id.label("person_id"), since.label("due_on"),
        sa.cast(sa.null(), sa.Uuid).label("assigned_to"), _NO_CAUSE.label("cause"))


def describe(ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    label = _("individual plan")
    return {plan_id: label for plan_id in ids}


def _kind(kind: str, label: str, rows, role: str, text: str) -> FlagKind:
    return FlagKind(kind=kind, label=label, subject_type="individual_plan", subject_model=IndividualPlan,
                    subject_resource=matrix.PLAN, rows=rows, role=role, office="case_office", describe=describe,
                    texts={None: text})


FLAG_KINDS = (
    _kind("plan_evaluation_due", NP_("flag_kind", "Plan evaluation due"), evaluation_due_rows, COORDINATOR,
          N_("The %(subject)s is to be evaluated by %(date)s")),
    _kind("plan_coordinator_missing", NP_("flag_kind", "Plan without coordinator"), coordinator_missing_rows,
          CASE_OFFICER, N_("The %(subject)s has been in preparation since %(date)s without a coordinator – "
                           "appoint one")),
)
