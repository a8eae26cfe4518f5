"""Report tables that count cases, not persons: decisions (T5) and appeals (T6) (docs/reports.md).

The office's workload is decisions made and appeals handled, so a person with two decisions
counts twice here, unlike in ``reports`` (T1–T3, T10). Every column is a date falling in the
period or a state on its last day, as known at its end: a renewal decided after the period does
not stop a decision from having expired in it, and an appeal resolved after it was still open.

Also the two pieces every decision table shares: the decisions with their report group
(``grouped_decisions``) and "active on the period's last day" (``on_last_day_clause``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from service.catalogue.models import REPORT_GROUPS, ServiceType
from service.decisions.models import Appeal, Decision
from service.decisions.state import active_on_clause
from service.extensions import db
from service.reports.tables import Period, TableResult, at_most, total_of

T5_ROWS = [*REPORT_GROUPS, "total"]
EXPIRING_WITHIN = (30, 60, 90)
T5_COLUMNS = ["new", "refused", "renewed", "ended", "expired",
              *(f"expiring_{days}" for days in EXPIRING_WITHIN), "untimed"]
RESOLUTIONS = ("reversed", "upheld", "overturned", "returned")
T6_ROWS = ["received", *RESOLUTIONS, "forwarded", "open_on_last_day", "late"]


def grouped_decisions(municipality_id: uuid.UUID, *columns) -> sa.Select:
    """``SELECT columns`` over the municipality's decisions joined to their service's report group.

    The municipality is named as well as scoped: a CLI or a job that forgot ``tenant_scope`` runs
    unscoped, and an aggregate would then count every municipality's service users."""
    return (sa.select(*columns).select_from(Decision)
            .join(ServiceType, sa.and_(ServiceType.municipality_id == Decision.municipality_id,
                                       ServiceType.code == Decision.service_code))
            .where(Decision.municipality_id == municipality_id))


def on_last_day_clause(end: dt.date) -> sa.ColumnElement[bool]:
    """Active on ``end`` as known then: ``active_on_clause`` of a decision decided by ``end``."""
    return sa.and_(active_on_clause(end), Decision.decided_on <= end)


def _superseded_by(end: dt.date, municipality_id: uuid.UUID) -> sa.Subquery:
    """The ids of the decisions a renewal or correction decided by ``end`` superseded
    (``state.superseded_clause`` as of a past day), to outer-join: one hash join over the
    municipality's decisions instead of an index probe per decision (a million of them)."""
    successor = aliased(Decision)
    return (sa.select(successor.supersedes_id.label("id"))
            .where(successor.municipality_id == municipality_id, successor.supersedes_id.is_not(None),
                   successor.discarded_at.is_(None), successor.decided_on <= end)
            .subquery("superseded"))


def compute_t5(period: Period, municipality_id: uuid.UUID) -> TableResult:
    """Decisions by report group: made, refused, renewed, ended and expired in the period, and
    expiring or untimed on its last day (counts decisions)."""
    start, end = period.start, period.end
    decided_in = Decision.decided_on.between(start, end)
    granted = Decision.outcome != "refused"
    superseded = _superseded_by(end, municipality_id)
    not_superseded = superseded.c.id.is_(None)  # at most one successor: the partial unique index
    # Still running on the last day and not yet renewed: the decisions that need a renewal.
    running = sa.and_(on_last_day_clause(end), not_superseded)
    conditions = {
        "new": sa.and_(decided_in, granted, Decision.supersedes_id.is_(None)),
        "refused": sa.and_(decided_in, Decision.outcome == "refused"),
        "renewed": sa.and_(decided_in, granted, Decision.supersedes_id.is_not(None)),
        "ended": sa.and_(granted, Decision.ended_on.between(start, end)),
        # Ran to its last day (an end on or before it is "ended") and nothing took over by the end.
        "expired": sa.and_(granted, Decision.valid_to.between(start, end),
                           sa.or_(Decision.ended_on.is_(None), Decision.ended_on > Decision.valid_to),
                           not_superseded),
        **{f"expiring_{days}": sa.and_(running, Decision.valid_to > end,
                                       Decision.valid_to <= end + dt.timedelta(days=days))
           for days in EXPIRING_WITHIN},
        "untimed": sa.and_(running, Decision.valid_to.is_(None)),
    }
    rows = db.session.execute(
        grouped_decisions(municipality_id, ServiceType.report_group,
                          *(sa.func.count().filter(conditions[column]) for column in T5_COLUMNS))
        .outerjoin(superseded, superseded.c.id == Decision.id)
        .where(Decision.decided_on <= end).group_by(ServiceType.report_group))
    values = {(row, column): 0 for row in T5_ROWS for column in T5_COLUMNS}
    for group, *counts in rows:
        for column, count in zip(T5_COLUMNS, counts, strict=True):
            values[(group, column)] = count
            values[("total", column)] += count
    relations = [total_of(("T5", "total", column), [("T5", group, column) for group in REPORT_GROUPS])
                 for column in T5_COLUMNS]
    relations += [at_most(("T5", row, f"expiring_{shorter}"), ("T5", row, f"expiring_{longer}"))
                  for row in T5_ROWS for shorter, longer in itertools.pairwise(EXPIRING_WITHIN)]
    return TableResult(rows=list(T5_ROWS), columns=list(T5_COLUMNS), values=values,
                       kinds={column: "count" for column in T5_COLUMNS}, relations=relations)


def compute_t6(period: Period, municipality_id: uuid.UUID) -> TableResult:
    """Appeals received, resolved, forwarded in the period and open on its last day (counts appeals)."""
    start, end = period.start, period.end
    received_in = Appeal.received_on.between(start, end)
    conditions = {
        "received": received_in,
        # resolved_on is the day of the final status: by the municipality itself (reversed) or
        # by the appeals body (upheld, overturned, returned).
        **{status: sa.and_(Appeal.status == status, Appeal.resolved_on.between(start, end))
           for status in RESOLUTIONS},
        "forwarded": Appeal.forwarded_on.between(start, end),
        "open_on_last_day": sa.and_(Appeal.received_on <= end,
                                    sa.or_(Appeal.resolved_on.is_(None), Appeal.resolved_on > end)),
        "late": sa.and_(received_in, Appeal.deadline_met.is_(False)),
    }
    counts = db.session.execute(sa.select(*(sa.func.count().filter(conditions[row]) for row in T6_ROWS))
                                .where(Appeal.municipality_id == municipality_id)).one()
    values = {(row, "appeals"): count for row, count in zip(T6_ROWS, counts, strict=True)}
    return TableResult(rows=list(T6_ROWS), columns=["appeals"], values=values, kinds={"appeals": "count"},
                       relations=[at_most(("T6", "late", "appeals"), ("T6", "received", "appeals"))])
