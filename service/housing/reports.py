"""Report tables T8 (the housing stock) and T9 (the housing needs) (docs/reports.md, "T8", "T9").

Kragerø's plan (section 6.0) counts its dwellings by the traffic-light classes and its waiting
persons by the kind of dwelling they need, and finds the gap: no red units for about ten persons
who need one. T8 and T9 are those two counts, for any past month: a unit's status and class and a
need's status, category, class and housing situation are read from their dated history
(``HousingUnitHistory``, ``HousingNeedHistory``; service/common/history.py) as it stood on the
period's last day, so a unit occupied on 31 October and vacated in November is occupied in
October's table however late it is built. Offers, placements and class mismatches carry their
own dates and are counted when those fall in the period.

Every count is of units, needs or offers (a person has at most one open need, so waiting needs are
waiting persons). Row totals are sums of the class rows, computed from the few aggregated rows.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

import sqlalchemy as sa

from service.common.history import as_of
from service.common.i18n import N_
from service.extensions import db
from service.housing.models import (
    HOMELESS_SITUATIONS,
    NEED_CATEGORIES,
    RISK_CLASSES,
    UNIT_STATUSES,
    HousingEvent,
    HousingNeed,
    HousingNeedHistory,
    HousingOffer,
    HousingUnitHistory,
    Tenancy,
)
from service.reports.tables import Period, Relation, ReportTable, TableResult, at_most, equal, total_of

_TOTAL = "total"
# A need waits on a day while its status is waiting or offered (an offer not yet answered is
# still a need without a home); a parked need is counted in a column of its own.
WAITING_STATUSES = ("waiting", "offered")
LONG_WAIT_DAYS = 90

# --- T8: the housing stock on the last day ---------------------------------------------------

T8 = "T8"
UNCLASSIFIED = "unclassified"
T8_ROWS = (*RISK_CLASSES, UNCLASSIFIED, _TOTAL)
T8_COLUMNS = (*UNIT_STATUSES, _TOTAL)


def units_on(day: dt.date, municipality_id: uuid.UUID) -> dict[tuple[str, str], int]:
    """Units by (risk class or ``unclassified``, status) as their history stood on ``day`` (one GROUP BY)."""
    state = as_of(HousingUnitHistory, "unit_id", day)
    stmt = (sa.select(state.c.risk_class, state.c.status, sa.func.count().label("units"))
            .where(state.c.municipality_id == municipality_id)
            .group_by(state.c.risk_class, state.c.status))
    counts: dict[tuple[str, str], int] = {}
    for row in db.session.execute(stmt):
        key = (row.risk_class or UNCLASSIFIED, row.status)
        counts[key] = counts.get(key, 0) + int(row.units)
    return counts


def compute_stock(period: Period, municipality_id: uuid.UUID) -> TableResult:
    counts = units_on(period.end, municipality_id)
    values: dict[tuple[str, str], int] = {}
    for row in (*RISK_CLASSES, UNCLASSIFIED):
        for status in UNIT_STATUSES:
            values[(row, status)] = counts.get((row, status), 0)
        values[(row, _TOTAL)] = sum(values[(row, status)] for status in UNIT_STATUSES)
    for column in T8_COLUMNS:
        values[(_TOTAL, column)] = sum(values[(row, column)] for row in (*RISK_CLASSES, UNCLASSIFIED))
    relations = [total_of((T8, row, _TOTAL), [(T8, row, status) for status in UNIT_STATUSES]) for row in T8_ROWS]
    relations += [total_of((T8, _TOTAL, column), [(T8, row, column) for row in (*RISK_CLASSES, UNCLASSIFIED)])
                  for column in T8_COLUMNS]
    return TableResult(rows=list(T8_ROWS), columns=list(T8_COLUMNS), values=values,
                       kinds=dict.fromkeys(T8_COLUMNS, "count"), relations=relations)


# --- T9: the housing needs ------------------------------------------------------------------

T9 = "T9"
T9_ROWS = (*RISK_CLASSES, _TOTAL)
HOMELESS_COLUMNS = tuple(f"homeless_{situation}" for situation in HOMELESS_SITUATIONS)
WAITING_COLUMNS = (*NEED_CATEGORIES, "total_waiting", "parked", *HOMELESS_COLUMNS, "waiting_over_90_days")
FLOW_COLUMNS = ("offers_made", "offers_declined", "placements", "class_mismatches")
ADDITIVE_COLUMNS = (*WAITING_COLUMNS, "available_units", *FLOW_COLUMNS)
T9_COLUMNS = (*WAITING_COLUMNS, "median_days_waiting", "available_units", "gap", *FLOW_COLUMNS)


def _in(column, period: Period) -> sa.ColumnElement[bool]:
    return column.between(period.start, period.end)


def _waiting(period: Period, municipality_id: uuid.UUID) -> dict[str, dict[str, int]]:
    """Needs by required class as they stood on the last day (one GROUP BY)."""
    state = as_of(HousingNeedHistory, "need_id", period.end)
    c = state.c
    waiting = c.status.in_(WAITING_STATUSES)
    long_ago = period.end - dt.timedelta(days=LONG_WAIT_DAYS)  # waited more than 90 days on the last day
    stmt = (sa.select(
        c.required_risk_class,
        *(sa.func.count().filter(waiting, c.category == category).label(category) for category in NEED_CATEGORIES),
        sa.func.count().filter(waiting).label("total_waiting"),
        sa.func.count().filter(c.status == "parked").label("parked"),
        *(sa.func.count().filter(waiting, c.housing_situation == situation).label(f"homeless_{situation}")
          for situation in HOMELESS_SITUATIONS),
        sa.func.count().filter(waiting, HousingNeed.registered_on < long_ago).label("waiting_over_90_days"))
        .select_from(state).join(HousingNeed, HousingNeed.id == c.need_id)
        .where(c.municipality_id == municipality_id, HousingNeed.registered_on <= period.end)
        .group_by(c.required_risk_class))
    return {row.required_risk_class: {column: int(getattr(row, column) or 0) for column in WAITING_COLUMNS}
            for row in db.session.execute(stmt)}


def _median_days_waiting(period: Period, municipality_id: uuid.UUID) -> dict[str, int | decimal.Decimal]:
    """The median days waiting on the last day (from ``registered_on``) of the waiting needs, per
    required class and in total: the middle registration day (or the two middle ones) by a window
    over each group, the days counted from them."""
    state = as_of(HousingNeedHistory, "need_id", period.end)
    c = state.c
    where = (c.municipality_id == municipality_id, c.status.in_(WAITING_STATUSES),
             HousingNeed.registered_on <= period.end)
    joined = state.join(HousingNeed, HousingNeed.id == c.need_id)
    groups = sa.union_all(
        sa.select(c.required_risk_class.label("grp"), HousingNeed.registered_on.label("registered_on"))
        .select_from(joined).where(*where),
        sa.select(sa.literal(_TOTAL, sa.String).label("grp"), HousingNeed.registered_on.label("registered_on"))
        .select_from(joined).where(*where),
    ).subquery()
    ranked = sa.select(
        groups.c.grp, groups.c.registered_on,
        sa.func.row_number().over(partition_by=groups.c.grp, order_by=groups.c.registered_on).label("rank"),
        sa.func.count().over(partition_by=groups.c.grp).label("n"),
    ).subquery()
    # The middle rank(s): 2·rank ∈ [n, n + 2] (one when n is odd, two when it is even).
    stmt = (sa.select(ranked.c.grp, sa.func.min(ranked.c.registered_on).label("first"),
                      sa.func.max(ranked.c.registered_on).label("last"))
            .where(2 * ranked.c.rank >= ranked.c.n, 2 * ranked.c.rank <= ranked.c.n + 2)
            .group_by(ranked.c.grp))
    medians: dict[str, int | decimal.Decimal] = {}
    for row in db.session.execute(stmt):
        days = (period.end - row.first).days + (period.end - row.last).days
        medians[row.grp] = days // 2 if days % 2 == 0 else decimal.Decimal(days) / 2
    return medians


def _need_class(period: Period):
    """The class a need required on the last day (its history then); a need registered later with
    an earlier date (no history on that day yet) by the class it requires now."""
    state = as_of(HousingNeedHistory, "need_id", period.end)
    return state, sa.func.coalesce(state.c.required_risk_class, HousingNeed.required_risk_class)


def _flows(period: Period, municipality_id: uuid.UUID) -> dict[str, dict[str, int]]:
    """Offers made and declined, placements (tenancies started) and class mismatches in the period,
    by the required class of their need (three GROUP BYs)."""
    counts: dict[str, dict[str, int]] = {}

    def add(rows, columns):
        for row in rows:
            for column in columns:
                counts.setdefault(row.grp, {})[column] = int(getattr(row, column) or 0)

    state, need_class = _need_class(period)
    made = _in(HousingOffer.offered_on, period)
    declined = sa.and_(HousingOffer.status == "declined", _in(HousingOffer.responded_on, period))
    add(db.session.execute(
        sa.select(need_class.label("grp"), sa.func.count().filter(made).label("offers_made"),
                  sa.func.count().filter(declined).label("offers_declined"))
        .select_from(HousingOffer).join(HousingNeed, HousingNeed.id == HousingOffer.need_id)
        .outerjoin(state, state.c.need_id == HousingOffer.need_id)
        .where(HousingOffer.municipality_id == municipality_id, sa.or_(made, declined))
        .group_by(need_class)), ("offers_made", "offers_declined"))

    state, need_class = _need_class(period)
    add(db.session.execute(
        sa.select(need_class.label("grp"), sa.func.count().label("placements"))
        .select_from(Tenancy).join(HousingNeed, HousingNeed.id == Tenancy.need_id)
        .outerjoin(state, state.c.need_id == Tenancy.need_id)
        .where(Tenancy.municipality_id == municipality_id, _in(Tenancy.start_on, period))
        .group_by(need_class)), ("placements",))

    add(db.session.execute(
        sa.select(HousingEvent.required_risk_class.label("grp"), sa.func.count().label("class_mismatches"))
        .where(HousingEvent.municipality_id == municipality_id, HousingEvent.kind == "need_class_mismatch",
               _in(HousingEvent.occurred_on, period))
        .group_by(HousingEvent.required_risk_class)), ("class_mismatches",))
    return counts


def compute_needs(period: Period, municipality_id: uuid.UUID) -> TableResult:
    waiting = _waiting(period, municipality_id)
    flows = _flows(period, municipality_id)
    medians = _median_days_waiting(period, municipality_id)
    units = units_on(period.end, municipality_id)
    values: dict[tuple[str, str], object] = {}
    for risk_class in RISK_CLASSES:
        for column in WAITING_COLUMNS:
            values[(risk_class, column)] = waiting.get(risk_class, {}).get(column, 0)
        for column in FLOW_COLUMNS:
            values[(risk_class, column)] = flows.get(risk_class, {}).get(column, 0)
        values[(risk_class, "available_units")] = units.get((risk_class, "available"), 0)
    for column in ADDITIVE_COLUMNS:
        values[(_TOTAL, column)] = sum(values[(risk_class, column)] for risk_class in RISK_CLASSES)

    result = TableResult(rows=list(T9_ROWS), columns=list(T9_COLUMNS), values=values,
                         kinds={**dict.fromkeys(ADDITIVE_COLUMNS, "count"),
                                "median_days_waiting": "derived", "gap": "derived"})
    for row in T9_ROWS:
        values[(row, "median_days_waiting")] = medians.get(row) if values[(row, "total_waiting")] else None
        values[(row, "gap")] = values[(row, "total_waiting")] - values[(row, "available_units")]
        result.bases[(row, "median_days_waiting")] = (row, "total_waiting")
        result.depends_on[(row, "median_days_waiting")] = ((T9, row, "total_waiting"),)
        result.bases[(row, "gap")] = (row, "total_waiting")
        result.depends_on[(row, "gap")] = ((T9, row, "total_waiting"), (T9, row, "available_units"))
        cell = {column: (T9, row, column) for column in T9_COLUMNS}
        result.relations.append(total_of(cell["total_waiting"], [cell[category] for category in NEED_CATEGORIES]))
        # The homeless are some of the waiting (the other situations are housed, if insecurely).
        result.relations.append(Relation(((cell["total_waiting"], -1), *((cell[h], 1) for h in HOMELESS_COLUMNS)),
                                         "le"))
        result.relations.append(at_most(cell["waiting_over_90_days"], cell["total_waiting"]))
    for column in ADDITIVE_COLUMNS:
        result.relations.append(total_of((T9, _TOTAL, column), [(T9, risk_class, column) for risk_class in RISK_CLASSES]))
    # A class mismatch is recorded with its tenancy, on the day it starts: one per placement at most.
    # (Not per class: a mismatch keeps the class the need required when it was placed, a placement
    # takes the need's class on the last day, and a late-recorded start can fall between the two.)
    result.relations.append(at_most((T9, _TOTAL, "class_mismatches"), (T9, _TOTAL, "placements")))
    return result


REPORT_TABLES = (
    ReportTable(
        key=T8, title=N_("Housing stock by risk class and status"), row_domain="report_rows_T8",
        column_domain="report_columns_T8", compute=compute_stock, units=dict.fromkeys(T8_COLUMNS, "units"),
        mirrors="Kragerø, section 6.0 (the housing stock by traffic-light class)",
        definition=N_("Housing units by risk class and status as registered on the period's last day."),
    ),
    ReportTable(
        key=T9, title=N_("Housing needs by required risk class"), row_domain="report_rows_T9",
        column_domain="report_columns_T9", compute=compute_needs,
        units={**dict.fromkeys(WAITING_COLUMNS, "needs"), "median_days_waiting": "days", "available_units": "units",
               "gap": "needs", "offers_made": "offers", "offers_declined": "offers", "placements": "needs",
               "class_mismatches": "needs"},
        mirrors="Kragerø, section 6.0 (persons needing each kind of dwelling)",
        definition=N_("Housing needs by the risk class they require: those waiting on the period's last day by "
                      "category and homelessness situation, how long they had waited, the units of the class "
                      "available that day and the gap, and the offers, placements and placements below the "
                      "required class during the period."),
    ),
)
# T9's available units of a class are T8's available units of that class (the same history, the same day).
REPORT_RELATIONS = tuple(equal((T9, risk_class, "available_units"), (T8, risk_class, "available"))
                         for risk_class in RISK_CLASSES)
