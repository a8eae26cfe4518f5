"""Report table T4: referrals by source (docs/reports.md, "T4").

Every column is a count of referrals (cases, not persons) or is derived from one. Nothing here
reads ``status``: a referral's status is today's, and a report for October built in December
must see the referrals as they stood on 31 October. The dates say it instead — a referral is
open on a day when it was received by then and neither decided (``decided_on``) nor withdrawn
or forwarded (``closed_on``) by the end of that day — so a referral decided in November is
still open, and may be overdue, in October's table.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

import sqlalchemy as sa

from service.common.i18n import N_
from service.common.sqldates import days_between
from service.extensions import db
from service.referrals.models import SOURCES, Referral
from service.reports.tables import Period, ReportTable, TableResult, at_most, share, total_of

KEY = "T4"
ROWS = (*SOURCES, "total")
COUNT_COLUMNS = ("received", "decided", "decided_within_month", "preliminary_replies", "overdue_on_last_day")
COLUMNS = ("received", "decided", "median_days_to_decision", "decided_within_month", "share_within_month",
           "preliminary_replies", "overdue_on_last_day")
_TOTAL = "total"


def _in(column, period: Period) -> sa.ColumnElement[bool]:
    return column.between(period.start, period.end)


def _not_by(column, day: dt.date) -> sa.ColumnElement[bool]:
    """The event dated by ``column`` had not happened by the end of ``day``."""
    return sa.or_(column.is_(None), column > day)


def open_on_clause(day: dt.date) -> sa.ColumnElement[bool]:
    """Open at the end of ``day``: received by then, neither decided nor closed (withdrawn, forwarded) by then."""
    return sa.and_(Referral.received_on <= day, _not_by(Referral.decided_on, day), _not_by(Referral.closed_on, day))


def overdue_on_clause(day: dt.date) -> sa.ColumnElement[bool]:
    """Overdue on ``day``: open, no preliminary reply sent by then, and the answer was due before ``day``
    (the rule of ``Referral.reply_overdue_clause``, read from the dates as they stood on ``day``)."""
    return sa.and_(open_on_clause(day), _not_by(Referral.preliminary_reply_sent_on, day),
                   Referral.answer_due_on < day)


def _counts(period: Period, municipality_id: uuid.UUID) -> dict[str, dict[str, int]]:
    decided = _in(Referral.decided_on, period)
    stmt = (sa.select(
        Referral.source,
        sa.func.count().filter(_in(Referral.received_on, period)).label("received"),
        sa.func.count().filter(decided).label("decided"),
        sa.func.count().filter(decided, Referral.decided_on <= Referral.answer_due_on).label("decided_within_month"),
        sa.func.count().filter(_in(Referral.preliminary_reply_sent_on, period)).label("preliminary_replies"),
        sa.func.count().filter(overdue_on_clause(period.end)).label("overdue_on_last_day"))
        .where(Referral.municipality_id == municipality_id, Referral.received_on <= period.end)
        .group_by(Referral.source))
    return {row.source: {column: int(getattr(row, column) or 0) for column in COUNT_COLUMNS}
            for row in db.session.execute(stmt)}


def _medians(period: Period, municipality_id: uuid.UUID) -> dict[str, int | decimal.Decimal]:
    """The median days received → decided of the referrals decided in the period, per source and
    in total: the middle one (or the mean of the middle two) by a window over each group."""
    days = days_between(Referral.decided_on, Referral.received_on)
    where = (Referral.municipality_id == municipality_id, _in(Referral.decided_on, period))
    groups = sa.union_all(
        sa.select(Referral.source.label("grp"), days.label("days")).where(*where),
        sa.select(sa.literal(_TOTAL, sa.String).label("grp"), days.label("days")).where(*where),
    ).subquery()
    ranked = sa.select(
        groups.c.grp, groups.c.days,
        sa.func.row_number().over(partition_by=groups.c.grp, order_by=groups.c.days).label("rank"),
        sa.func.count().over(partition_by=groups.c.grp).label("n"),
    ).subquery()
    # The middle rank(s) without division: 2·rank ∈ [n, n + 2] is rank (n+1)/2 when n is odd,
    # n/2 and n/2 + 1 when n is even.
    stmt = (sa.select(ranked.c.grp, sa.func.avg(ranked.c.days).label("median"))
            .where(2 * ranked.c.rank >= ranked.c.n, 2 * ranked.c.rank <= ranked.c.n + 2)
            .group_by(ranked.c.grp))
    return {row.grp: _number(row.median) for row in db.session.execute(stmt)}


def _number(value) -> int | decimal.Decimal:
    """A median of whole days is whole or ends in .5: an int, or an exact Decimal."""
    exact = decimal.Decimal(str(value))
    return int(exact) if exact == exact.to_integral_value() else exact


def compute(period: Period, municipality_id: uuid.UUID) -> TableResult:
    counts = _counts(period, municipality_id)
    medians = _medians(period, municipality_id)
    values: dict[tuple[str, str], object] = {}
    for source in SOURCES:
        for column in COUNT_COLUMNS:
            values[(source, column)] = counts.get(source, {}).get(column, 0)
    for column in COUNT_COLUMNS:
        values[(_TOTAL, column)] = sum(values[(source, column)] for source in SOURCES)
    result = TableResult(rows=list(ROWS), columns=list(COLUMNS), values=values,
                         kinds={**dict.fromkeys(COUNT_COLUMNS, "count"),
                                "median_days_to_decision": "derived", "share_within_month": "derived"})
    for row in ROWS:
        decided = values[(row, "decided")]
        values[(row, "median_days_to_decision")] = medians.get(row) if decided else None
        values[(row, "share_within_month")] = share(values[(row, "decided_within_month")], decided)
        for column in ("median_days_to_decision", "share_within_month"):
            result.bases[(row, column)] = (row, "decided")
        result.depends_on[(row, "median_days_to_decision")] = ((KEY, row, "decided"),)
        result.depends_on[(row, "share_within_month")] = ((KEY, row, "decided_within_month"), (KEY, row, "decided"))
        result.relations.append(at_most((KEY, row, "decided_within_month"), (KEY, row, "decided")))
    for column in COUNT_COLUMNS:
        result.relations.append(total_of((KEY, _TOTAL, column), [(KEY, source, column) for source in SOURCES]))
    return result


REPORT_TABLES = (
    ReportTable(
        key=KEY, title=N_("Referrals by source"), row_domain="report_rows_T4", column_domain="report_columns_T4",
        compute=compute,
        units={"received": "referrals", "decided": "referrals", "median_days_to_decision": "days",
               "decided_within_month": "referrals", "share_within_month": "percent",
               "preliminary_replies": "referrals", "overdue_on_last_day": "referrals"},
        mirrors=None,
        definition=N_("Referrals by source: received, decided and given a preliminary reply during the period, "
                      "the median days from receipt to decision and the share decided within one month of those "
                      "decided in it, and those still open on the period's last day without a preliminary reply "
                      "whose answer was due before that day."),
    ),
)
REPORT_RELATIONS: tuple = ()
