"""Report tables over decisions: who receives which services (T1, T2, T3, T10; docs/reports.md).

The municipalities' own reports count *persons*, not decisions: Kristiansund's table 1 counts
each service user once per report group and once in its totals although many hold several
decisions, and a renewal (a superseded decision and the one renewing it) must not make one
person two. So every cell here is ``count(DISTINCT person_id)`` over the decisions that qualify,
and a person's group comes from the catalogue (``ServiceType.report_group``) of each decision.

Two moments are counted, with one rule each (``state``): "during the period" (a decision active
on at least one of its days, ``active_during_clause``) and "on its last day" (``active_on_clause``
on the last day). Both are as of the period's end: a decision decided later did not exist yet,
so a report for October built in December gives October's numbers. The tables that count decisions and
appeals themselves (T5, T6) are in ``report_cases``; ``REPORT_TABLES`` holds all six.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

import sqlalchemy as sa

from service.catalogue.models import REPORT_GROUPS, ServiceType
from service.common.i18n import N_
from service.decisions.models import Decision
from service.decisions.report_cases import (
    T5_COLUMNS,
    compute_t5,
    compute_t6,
    grouped_decisions,
    on_last_day_clause,
)
from service.decisions.state import active_during_clause
from service.extensions import db
from service.persons.models import Person
from service.reports.tables import (
    Period,
    Relation,
    ReportTable,
    TableResult,
    at_most,
    distinct_total_of,
    equal,
    total_of,
)

RAPID = "rapid_mental_health"
# "Ongoing services" (Kristiansund's "løpende tjenester"): every group but rapid mental-health help.
ONGOING = tuple(group for group in REPORT_GROUPS if group != RAPID)
# The fields of T3 (Kragerø 4.1.1); institution and other belong to neither.
MENTAL_HEALTH = ("home_based", "activity", "housing_support", RAPID)
SUBSTANCE = ("substance_care",)

DURING, LAST = "during_period", "on_last_day"
T1_ROWS = [*REPORT_GROUPS, "ongoing_total", "rapid_only", "total"]
T2_ROWS = [*REPORT_GROUPS, "ongoing_total", "total"]
T3_ROWS = ["mental_health_only", "substance_only", "both", "total"]
AGE_BANDS = ["under_18", "18_24", "25_34", "35_49", "50_66", "67_plus", "unknown"]
# (lowest age of the band, band), oldest first.
_BAND_FLOORS = ((67, "67_plus"), (50, "50_66"), (35, "35_49"), (25, "25_34"), (18, "18_24"))
T10_ROWS = [*AGE_BANDS, "total"]
T10_SEXES = ["female", "male", "sex_unknown"]
T10_COLUMNS = [*T10_SEXES, "total", "with_minor_children"]


def _flag(condition) -> sa.ColumnElement[int]:
    """1 when any of a person's decisions meets ``condition`` (``max`` over the person's rows)."""
    return sa.func.max(sa.case((condition, 1), else_=0))


def _persons(condition) -> sa.ColumnElement[int]:
    """Distinct persons among the rows that meet ``condition``."""
    return sa.func.count(sa.distinct(sa.case((condition, Decision.person_id))))


def compute_t1(period: Period, municipality_id: uuid.UUID) -> TableResult:
    """Persons with active services by report group (Kristiansund, table 1)."""
    during = active_during_clause(period.start, period.end)
    last = on_last_day_clause(period.end)
    values = {(row, column): 0 for row in T1_ROWS for column in (DURING, LAST)}
    by_group = db.session.execute(
        grouped_decisions(municipality_id, ServiceType.report_group,
                          sa.func.count(sa.distinct(Decision.person_id)), _persons(last))
        .where(during).group_by(ServiceType.report_group))
    for group, during_count, last_count in by_group:
        values[(group, DURING)], values[(group, LAST)] = during_count, last_count
    ongoing = ServiceType.report_group != RAPID
    person = grouped_decisions(municipality_id, _flag(ongoing).label("ongoing"),
                               _flag(sa.and_(ongoing, last)).label("ongoing_last"), _flag(last).label("any_last")
                               ).where(during).group_by(Decision.person_id).subquery()
    count = sa.func.count
    totals = db.session.execute(sa.select(
        count().filter(person.c.ongoing == 1), count().filter(person.c.ongoing == 0), count(),
        count().filter(person.c.ongoing_last == 1),
        count().filter(person.c.any_last == 1, person.c.ongoing_last == 0), count().filter(person.c.any_last == 1),
    )).one()
    for i, column in enumerate((DURING, LAST)):
        for j, row in enumerate(("ongoing_total", "rapid_only", "total")):
            values[(row, column)] = totals[3 * i + j]
    return TableResult(rows=list(T1_ROWS), columns=[DURING, LAST], values=values,
                       kinds={DURING: "count", LAST: "count"}, relations=_t1_relations())


def _t1_relations() -> list[Relation]:
    relations = []
    for column in (DURING, LAST):
        def cell(row, column=column):
            return ("T1", row, column)
        relations += distinct_total_of(cell("ongoing_total"), [cell(group) for group in ONGOING])
        relations.append(total_of(cell("total"), [cell("ongoing_total"), cell("rapid_only")]))
        relations.append(at_most(cell("rapid_only"), cell(RAPID)))
        relations.append(at_most(cell(RAPID), cell("total")))
    # Active on the last day is active during the period; not so "rapid only" (an ongoing
    # service earlier in the period makes the person not rapid-only during it).
    relations += [at_most(("T1", row, LAST), ("T1", row, DURING)) for row in T1_ROWS if row != "rapid_only"]
    return relations


def compute_t2(period: Period, municipality_id: uuid.UUID) -> TableResult:
    """Decided hours per week on the period's last day by report group (Kristiansund, table 2)."""
    last = sa.and_(on_last_day_clause(period.end), Decision.hours_per_week.is_not(None))
    hours, persons = sa.func.sum(Decision.hours_per_week), sa.func.count(sa.distinct(Decision.person_id))
    values: dict = {(row, column): 0 for row in T2_ROWS for column in ("hours", "persons")}
    by_group = db.session.execute(grouped_decisions(municipality_id, ServiceType.report_group, hours, persons)
                                  .where(last).group_by(ServiceType.report_group))
    for group, group_hours, group_persons in by_group:
        values[(group, "hours")], values[(group, "persons")] = _hours(group_hours), group_persons
    # Kristiansund's sum is of the ongoing services: rapid mental-health help is counted in talks, not hours.
    values[("ongoing_total", "hours")] = sum((values[(group, "hours")] for group in ONGOING), _hours(0))
    values[("total", "hours")] = sum((values[(group, "hours")] for group in REPORT_GROUPS), _hours(0))
    ongoing_persons = sa.func.count(sa.distinct(sa.case((ServiceType.report_group.in_(ONGOING), Decision.person_id))))
    values[("ongoing_total", "persons")], values[("total", "persons")] = db.session.execute(
        grouped_decisions(municipality_id, ongoing_persons, persons).where(last)).one()
    relations = [total_of(("T2", "total", "hours"), [("T2", group, "hours") for group in REPORT_GROUPS]),
                 total_of(("T2", "ongoing_total", "hours"), [("T2", group, "hours") for group in ONGOING]),
                 *distinct_total_of(("T2", "total", "persons"), [("T2", group, "persons") for group in REPORT_GROUPS]),
                 *distinct_total_of(("T2", "ongoing_total", "persons"),
                                    [("T2", group, "persons") for group in ONGOING]),
                 at_most(("T2", "ongoing_total", "persons"), ("T2", "total", "persons"))]
    return TableResult(rows=list(T2_ROWS), columns=["hours", "persons"], values=values,
                       kinds={"hours": "sum", "persons": "count"}, relations=relations,
                       bases={(row, "hours"): (row, "persons") for row in T2_ROWS})


def _hours(value) -> decimal.Decimal:
    # SQLite sums NUMERIC as floating point; two decimals is what a decision holds.
    return decimal.Decimal(str(value or 0)).quantize(decimal.Decimal("0.01"))


def compute_t3(period: Period, municipality_id: uuid.UUID) -> TableResult:
    """Persons by combination of mental-health and substance services (Kragerø, section 4.1.1)."""
    last = on_last_day_clause(period.end)
    mental, substance = ServiceType.report_group.in_(MENTAL_HEALTH), ServiceType.report_group.in_(SUBSTANCE)
    person = grouped_decisions(
        municipality_id, _flag(mental).label("mental"), _flag(substance).label("substance"),
        _flag(sa.and_(mental, last)).label("mental_last"), _flag(sa.and_(substance, last)).label("substance_last"),
    ).where(active_during_clause(period.start, period.end)).group_by(Decision.person_id).subquery()
    count = sa.func.count
    cells = []
    for mental_flag, substance_flag in ((person.c.mental, person.c.substance),
                                        (person.c.mental_last, person.c.substance_last)):
        cells += [count().filter(mental_flag == 1, substance_flag == 0),
                  count().filter(mental_flag == 0, substance_flag == 1),
                  count().filter(mental_flag == 1, substance_flag == 1),
                  count().filter(sa.or_(mental_flag == 1, substance_flag == 1))]
    counts = db.session.execute(sa.select(*cells)).one()
    values = {(row, column): counts[4 * i + j]
              for i, column in enumerate((DURING, LAST)) for j, row in enumerate(T3_ROWS)}
    relations = [total_of(("T3", "total", column), [("T3", row, column) for row in T3_ROWS[:3]])
                 for column in (DURING, LAST)]
    # Both on the last day is both during; "only" on the last day is "only" or "both" during.
    relations += [at_most(("T3", row, LAST), ("T3", row, DURING)) for row in ("both", "total")]
    relations += [Relation(((("T3", row, LAST), 1), (("T3", row, DURING), -1), (("T3", "both", DURING), -1)), "le")
                  for row in ("mental_health_only", "substance_only")]
    return TableResult(rows=list(T3_ROWS), columns=[DURING, LAST], values=values,
                       kinds={DURING: "count", LAST: "count"}, relations=relations)


def _years_before(day: dt.date, years: int) -> dt.date:
    """The last birth date that makes a person ``years`` old on ``day``: age as the birthday
    counts it, so one born on 29 February is a year older on 1 March in a common year, and a
    ``day`` of 29 February looks back to the 28th of a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def compute_t10(period: Period, municipality_id: uuid.UUID) -> TableResult:
    """Service users on the period's last day by age band, sex and minor children."""
    users = grouped_decisions(municipality_id, Decision.person_id).where(on_last_day_clause(period.end))
    band = sa.case((Person.birth_date.is_(None), "unknown"),
                   *((Person.birth_date <= _years_before(period.end, floor), name) for floor, name in _BAND_FLOORS),
                   else_="under_18")
    person = (sa.select(band.label("band"), Person.sex, Person.has_minor_children)
              .where(Person.municipality_id == municipality_id, Person.id.in_(users)).subquery())
    count = sa.func.count
    rows = db.session.execute(sa.select(
        person.c.band, count().filter(person.c.sex == "female"), count().filter(person.c.sex == "male"),
        count().filter(sa.or_(person.c.sex.is_(None), person.c.sex.not_in(("female", "male")))), count(),
        count().filter(person.c.has_minor_children == "yes"),
    ).group_by(person.c.band))
    values = {(row, column): 0 for row in T10_ROWS for column in T10_COLUMNS}
    for band_code, *counts in rows:
        for column, value in zip(T10_COLUMNS, counts, strict=True):
            values[(band_code, column)] = value
            values[("total", column)] += value
    relations = [total_of(("T10", "total", column), [("T10", row, column) for row in AGE_BANDS])
                 for column in T10_COLUMNS]
    relations += [total_of(("T10", row, "total"), [("T10", row, sex) for sex in T10_SEXES]) for row in T10_ROWS]
    relations += [at_most(("T10", row, "with_minor_children"), ("T10", row, "total")) for row in T10_ROWS]
    return TableResult(rows=list(T10_ROWS), columns=list(T10_COLUMNS), values=values,
                       kinds={column: "count" for column in T10_COLUMNS}, relations=relations)


def _cross_table_relations() -> list[Relation]:
    """What one snapshot's decision tables share: the same persons counted on the same day."""
    relations = [equal(("T10", "total", "total"), ("T1", "total", LAST))]
    for column in (DURING, LAST):
        # Substance users are T1's substance group; mental-health users at least each such group.
        relations.append(Relation(((("T1", "substance_care", column), 1), (("T3", "substance_only", column), -1),
                                   (("T3", "both", column), -1)), "eq"))
        mental = ((("T3", "mental_health_only", column), 1), (("T3", "both", column), 1))
        relations += [Relation(((("T1", group, column), 1), *((cell, -c) for cell, c in mental)), "le")
                      for group in MENTAL_HEALTH]
        relations.append(Relation((*mental, *((("T1", group, column), -1) for group in MENTAL_HEALTH)), "le"))
        relations.append(at_most(("T3", "total", column), ("T1", "total", column)))
    # T2 counts, per group, the persons of T1's last day who hold hours.
    relations += [at_most(("T2", row, "persons"), ("T1", row, LAST)) for row in T2_ROWS]
    return relations


REPORT_RELATIONS = _cross_table_relations()

_PERSONS, _DECISIONS = "persons", "decisions"
REPORT_TABLES = [
    ReportTable(
        key="T1", title=N_("Persons with active services by report group"),
        row_domain="report_rows_T1", column_domain="report_columns_T1", compute=compute_t1,
        units={DURING: _PERSONS, LAST: _PERSONS}, mirrors="Kristiansund, table 1",
        definition=N_("Distinct persons with a decision active on at least one day of the period, and on its last "
                      "day, in each report group of the decision's service; a person counts once per cell, and "
                      "the totals count each person once.")),
    ReportTable(
        key="T2", title=N_("Decided hours per week by report group"),
        row_domain="report_rows_T2", column_domain="report_columns_T2", compute=compute_t2,
        units={"hours": "hours", "persons": _PERSONS}, mirrors="Kristiansund, table 2",
        definition=N_("Hours per week of the decisions with hours that are active on the period's last day, by "
                      "report group, and the distinct persons who hold them.")),
    ReportTable(
        key="T3", title=N_("Persons by mental-health and substance services"),
        row_domain="report_rows_T3", column_domain="report_columns_T3", compute=compute_t3,
        units={DURING: _PERSONS, LAST: _PERSONS}, mirrors="Kragerø, section 4.1.1",
        definition=N_("Distinct persons with an active mental-health service only, a substance-use service only, "
                      "or both, during the period and on its last day; institution stays and other services "
                      "count in neither.")),
    ReportTable(
        key="T5", title=N_("Decisions by report group"),
        row_domain="report_rows_T5", column_domain="report_columns_T5", compute=compute_t5,
        units={column: _DECISIONS for column in T5_COLUMNS},
        definition=N_("Decisions (not persons) made, refused, renewed, ended and expired in the period, and those "
                      "active on its last day that expire within 30, 60 or 90 days or have no end date.")),
    ReportTable(
        key="T6", title=N_("Appeals"),
        row_domain="report_rows_T6", column_domain="report_columns_T6", compute=compute_t6,
        units={"appeals": "appeals"},
        definition=N_("Appeals (not persons) received, resolved by outcome and forwarded in the period, open on "
                      "its last day, and received after the appeal deadline.")),
    ReportTable(
        key="T10", title=N_("Service users by age, sex and minor children"),
        row_domain="report_rows_T10", column_domain="report_columns_T10", compute=compute_t10,
        units={column: _PERSONS for column in T10_COLUMNS},
        definition=N_("Distinct persons with a decision active on the period's last day, by age on that day, "
                      "sex, and whether they have children under 18.")),
]
