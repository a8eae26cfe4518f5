"""Plans for the worklist and the reports: SELECTs for the jobs' flags and the counts of report T7.

Not need-to-know scoped and not audited: the jobs and reports that run them decide who sees
what they produce.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from service.extensions import db
from service.plans.models import ACTIVE, CLOSED, DECLINED, IN_PREPARATION, REQUESTED, IndividualPlan


def evaluation_due_stmt(as_of: dt.date, within_days: int = 14) -> sa.Select:
    """Active plans whose next evaluation is within ``within_days`` of ``as_of`` or passed
    (the worklist's ``plan_evaluation_due``, ``plans.flags``)."""
    return sa.select(IndividualPlan).where(
        IndividualPlan.status == ACTIVE,
        IndividualPlan.next_evaluation_on <= as_of + dt.timedelta(days=within_days))


def coordinator_missing_stmt() -> sa.Select:
    """Plans in preparation or active, or kept for the coordinator only, without a coordinator
    (the worklist's ``plan_coordinator_missing``, ``plans.flags``)."""
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
        sa.func.count().filter(plan.evaluation_overdue_clause(as_of)).label("evaluation_overdue"),
    ).select_from(plan)).one()
    return {key: int(value or 0) for key, value in row._mapping.items()}
