"""Plans for the worklist and the reports: SELECTs for the jobs' flags and report table T7.

Not need-to-know scoped and not audited: the jobs and reports that run them decide who sees
what they produce.

T7 counts the plans as they stood on the period's last day, from their dated history
(``PlanHistory``, service/common/history.py), never from today's rows: a plan active in October
and closed in November is active in October's table however late it is built. The rules of
what an open plan and an overdue evaluation are stay in ``IndividualPlan`` (``open_clause``,
``evaluation_overdue_clause``); here they are applied to the history row in force on that day.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from service.common.history import as_of
from service.common.i18n import N_
from service.decisions.models import Decision
from service.decisions.state import active_on_clause
from service.extensions import db
from service.plans.models import ACTIVE, DECLINED, IN_PREPARATION, REQUESTED, IndividualPlan, PlanHistory
from service.reports.tables import Period, ReportTable, TableResult, at_most, equal, share


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


# --- report table T7 ---------------------------------------------------------------------

KEY = "T7"
COLUMN = "on_last_day"
PLAN_ROWS = ("active", "in_preparation", "requested", "with_coordinator", "evaluation_overdue")
PERSON_ROWS = ("service_users", "service_users_with_active_plan")
ROWS = (*PLAN_ROWS, *PERSON_ROWS, "share_with_plan")


def _on(rule, columns, *args) -> sa.ColumnElement[bool]:
    """One of ``IndividualPlan``'s rules (a classmethod over ``status``, ``coordinator_only``,
    ``next_evaluation_on``) applied to the columns of the same names of a history row."""
    return rule.__func__(columns, *args)


def _plan_counts(end: dt.date, municipality_id: uuid.UUID) -> dict[str, int]:
    """The plans by their history row in force on ``end`` (one aggregate)."""
    state = as_of(PlanHistory, "plan_id", end)
    c = state.c
    has_coordinator = sa.or_(c.coordinator_user_id.is_not(None), c.coordinator_name.is_not(None))
    row = db.session.execute(sa.select(
        sa.func.count().filter(c.status == ACTIVE).label("active"),
        sa.func.count().filter(c.status == IN_PREPARATION).label("in_preparation"),
        sa.func.count().filter(c.status == REQUESTED).label("requested"),
        sa.func.count().filter(_on(IndividualPlan.open_clause, c), has_coordinator).label("with_coordinator"),
        sa.func.count().filter(_on(IndividualPlan.evaluation_overdue_clause, c, end)).label("evaluation_overdue"),
    ).select_from(state).where(c.municipality_id == municipality_id)).one()
    return {key: int(value or 0) for key, value in row._mapping.items()}


def _person_counts(end: dt.date, municipality_id: uuid.UUID) -> dict[str, int]:
    """Service users on ``end`` (a decision active that day, decided by then: the rule of T1's
    total on the last day) and those of them whose plan was active that day (one aggregate)."""
    state = as_of(PlanHistory, "plan_id", end)
    with_active_plan = (sa.select(IndividualPlan.person_id)
                        .join(state, state.c.plan_id == IndividualPlan.id)
                        .where(IndividualPlan.municipality_id == municipality_id, state.c.status == ACTIVE))
    person = sa.distinct(Decision.person_id)
    row = db.session.execute(sa.select(
        sa.func.count(person).label("service_users"),
        sa.func.count(person).filter(Decision.person_id.in_(with_active_plan)).label("service_users_with_active_plan"),
    ).where(Decision.municipality_id == municipality_id, active_on_clause(end), Decision.decided_on <= end)).one()
    return {key: int(value or 0) for key, value in row._mapping.items()}


def compute(period: Period, municipality_id: uuid.UUID) -> TableResult:
    counts = {**_plan_counts(period.end, municipality_id), **_person_counts(period.end, municipality_id)}
    values = {(row, COLUMN): counts[row] for row in (*PLAN_ROWS, *PERSON_ROWS)}
    values[("share_with_plan", COLUMN)] = share(counts["service_users_with_active_plan"], counts["service_users"])

    def cell(row: str) -> tuple[str, str, str]:
        return (KEY, row, COLUMN)

    return TableResult(
        rows=list(ROWS), columns=[COLUMN], values=values, kinds={COLUMN: "count"},
        cell_kinds={("share_with_plan", COLUMN): "derived"},
        bases={("share_with_plan", COLUMN): ("service_users", COLUMN)},
        depends_on={("share_with_plan", COLUMN): (cell("service_users_with_active_plan"), cell("service_users"))},
        relations=[
            at_most(cell("evaluation_overdue"), cell("active")),
            # An active plan has a coordinator (the check constraint active_has_consent_and_coordinator).
            at_most(cell("active"), cell("with_coordinator")),
            at_most(cell("service_users_with_active_plan"), cell("service_users")),
            # A person has at most one open plan: persons with an active plan are at most the active plans.
            at_most(cell("service_users_with_active_plan"), cell("active")),
        ],
    )


REPORT_TABLES = (
    ReportTable(
        key=KEY, title=N_("Individual plans and coordinators"), row_domain="report_rows_T7",
        column_domain="report_columns_T7", compute=compute, units={COLUMN: "persons"}, mirrors=None,
        definition=N_("Individual plans by their status on the period's last day (active, in preparation, "
                      "requested), open plans with a coordinator, active plans whose evaluation was overdue, "
                      "and the service users that day (persons with an active decision) with the number and "
                      "share of them whose plan was active."),
    ),
)
# Service users on the last day are T1's persons with any service on the last day.
REPORT_RELATIONS = (equal((KEY, "service_users", COLUMN), ("T1", "total", "on_last_day")),)
