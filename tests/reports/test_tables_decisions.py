"""Report tables T1, T2, T3, T5, T6 and T10 (service.decisions.reports): the seeds' own numbers
reproduced from decisions (Kristiansund's 2020 tables 1 and 2, Kragerø's 80/43/13 on 20 May
2020), and hand-computed cases at the edges of a period, computed through the service layer."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

import pytest
import sqlalchemy as sa

from service.auth import services as auth
from service.catalogue.seed_data import SERVICES
from service.common import contributions
from service.common.tenancy import tenant_scope
from service.decisions.models import Appeal, Decision
from service.decisions.reports import REPORT_RELATIONS, REPORT_TABLES, _years_before
from service.extensions import db
from service.persons.models import Person
from service.reports.tables import Period

D = dt.date
HOME = "psykisk-helse-oppfolging"               # home_based
ACTIVITY = "aktivitetstilbud"                   # activity
HOUSING = "bo-og-veiledning"                    # housing_support
SUBSTANCE = "rus-oppfolging"                    # substance_care
SUBSTANCE_HELP = "rus-praktisk-bistand-opplaering"  # substance_care (Kragerø's "praktisk bistand/opplæring (rus)")
RAPID = "rask-psykisk-helsehjelp"               # rapid_mental_health
INSTITUTION = "kpr-21"                          # institution, not hour-based
GROUPS = ["home_based", "activity", "housing_support", "substance_care", "rapid_mental_health", "institution",
          "other"]
_SERVICE = {service["code"]: service for service in SERVICES}
_AUTO = object()
BORN, SINCE = D(1980, 3, 4), D(2018, 1, 1)  # the defaults: a grown-up, a service since 2018


class Kommune:
    """Persons and decisions of one municipality, inserted with the ORM (no API round trips)."""

    def __init__(self, municipality_id: uuid.UUID, neighbour_id: uuid.UUID):
        self.id, self.neighbour_id = municipality_id, neighbour_id

    def person(self, born: dt.date = BORN, sex: str | None = "female", minor: str = "no",
               municipality_id: uuid.UUID | None = None) -> Person:
        person = Person(id=uuid.uuid4(), municipality_id=municipality_id or self.id, name="Test Testesen",
                        birth_date=born, sex=sex, has_minor_children=minor, national_id=None,
                        national_id_missing_reason="test data")
        db.session.add(person)
        return person

    def persons(self, count: int, **fields) -> list[Person]:
        return [self.person(**fields) for _ in range(count)]

    def decision(self, person: Person, service: str = HOME, *, valid_from: dt.date | None = SINCE,
                 valid_to: dt.date | None = None, decided_on=_AUTO, outcome: str = "granted",
                 ended_on: dt.date | None = None, supersedes: Decision | None = None, hours=_AUTO,
                 discarded_at: dt.date | None = None) -> Decision:
        """Decided two weeks before it starts unless told; 2.5 hours when the service is hour-based."""
        _flushed(person)
        if decided_on is _AUTO:
            decided_on = valid_from - dt.timedelta(days=14)
        if hours is _AUTO:
            hours = decimal.Decimal("2.5") if _SERVICE[service]["hour_based"] and outcome != "refused" else None
        decision = Decision(
            id=uuid.uuid4(), municipality_id=person.municipality_id, person_id=person.id, service_code=service,
            legal_basis=_SERVICE[service]["default_legal_basis"], outcome=outcome, hours_per_week=hours,
            valid_from=valid_from, valid_to=valid_to, decided_on=decided_on, ended_on=ended_on,
            end_reason="ended" if ended_on else None, supersedes_id=supersedes.id if supersedes else None,
            discarded_at=discarded_at, discard_reason="by mistake" if discarded_at else None)
        db.session.add(decision)
        return decision

    def refusal(self, person: Person, service: str, decided_on: dt.date) -> Decision:
        return self.decision(person, service, valid_from=None, decided_on=decided_on, outcome="refused")

    def appeal(self, decision: Decision, received_on: dt.date, status: str = "received", *, deadline_met=True,
               forwarded_on=None, resolved_on=None) -> Appeal:
        _flushed(decision)
        appeal = Appeal(id=uuid.uuid4(), municipality_id=decision.municipality_id, decision_id=decision.id,
                        person_id=decision.person_id, received_on=received_on, status=status,
                        deadline_met=deadline_met, appeal_period_days=21, forwarded_on=forwarded_on,
                        resolved_on=resolved_on)
        db.session.add(appeal)
        return appeal

    def tables(self, period: str) -> dict:
        """Every decision table of ``period``, as computed (raw), after checking its shape and relations."""
        results = {table.key: table.compute(Period.parse(period), self.id) for table in REPORT_TABLES}
        assert_complete_and_related(results)
        return results

    def table(self, key: str, period: str) -> dict:
        """``{row: {column: value}}`` of one table."""
        result = self.tables(period)[key]
        return {row: {column: result.values[(row, column)] for column in result.columns} for row in result.rows}


def _flushed(row) -> None:
    """Insert ``row`` (and what is pending with it) now: without a relationship between the models
    the unit of work does not know that a decision's person must be inserted first."""
    if sa.inspect(row).pending:
        db.session.flush()


def assert_complete_and_related(results: dict) -> None:
    """Every row × column has a value, and every relation declared (within and across tables) holds."""
    values = {}
    for key, result in results.items():
        assert set(result.values) == {(row, column) for row in result.rows for column in result.columns}, key
        assert all(value is not None for value in result.values.values()), key
        values.update({(key, row, column): value for (row, column), value in result.values.items()})
    relations = [*REPORT_RELATIONS, *(relation for result in results.values() for relation in result.relations)]
    assert relations
    for relation in relations:
        total = sum(coefficient * values[cell] for cell, coefficient in relation.terms)
        assert (total == 0 if relation.op == "eq" else total <= 0), (relation, total)


@pytest.fixture
def kommune(app, env):
    """A municipality (catalogue seeded) and a neighbour, inside the municipality's scope."""
    number, neighbour = env.municipality(), env.municipality()
    with app.app_context():
        municipality_id = auth.get_municipality_by_number(number).id
        neighbour_id = auth.get_municipality_by_number(neighbour).id
        with tenant_scope(municipality_id):
            yield Kommune(municipality_id, neighbour_id)


def column(table: dict, name: str) -> dict:
    return {row: cells[name] for row, cells in table.items()}


# --- the seeds ---

def _ongoing(kommune: Kommune, service: str, persons: list[Person]) -> list[Decision]:
    """One service for each person; by position, some only part of 2020 (expired 30 June, ended
    15 September), some renewed on 1 July, some starting on 31 December. Returns the decisions
    active on 31 December 2020."""
    on_last_day = []
    for i, person in enumerate(persons):
        kind = i % 10
        if kind == 7:
            kommune.decision(person, service, valid_from=D(2019, 5, 1), valid_to=D(2020, 6, 30))
        elif kind == 8:
            kommune.decision(person, service, valid_from=D(2020, 3, 1), valid_to=D(2021, 2, 28),
                             ended_on=D(2020, 9, 15))
        elif kind == 9:
            old = kommune.decision(person, service, valid_from=D(2019, 7, 1), valid_to=D(2020, 6, 30))
            on_last_day.append(kommune.decision(person, service, valid_from=D(2020, 7, 1), valid_to=D(2021, 6, 30),
                                                decided_on=D(2020, 6, 15), supersedes=old))
        elif kind == 6:
            on_last_day.append(kommune.decision(person, service, valid_from=D(2020, 12, 31), valid_to=D(2021, 12, 31)))
        else:
            on_last_day.append(kommune.decision(person, service, valid_from=D(2018, 1, 1)))
    return on_last_day


def _spread(hours: int, decisions: list[Decision]) -> None:
    """``hours`` per week shared over the decisions to the hundredth."""
    share, extra = divmod(hours * 100, len(decisions))
    for i, decision in enumerate(decisions):
        decision.hours_per_week = decimal.Decimal(share + (i < extra)) / 100


def test_kristiansund_2020_tables_1_and_2(kommune):
    """Kristiansund 2020: 235 home-based, 140 activity, 36 housing, 101 substance, 510 persons
    with ongoing services (one person in home-based and activity, one in housing and substance),
    199 rapid mental-health help only, 709 in total; 374 + 1651 + 1521 + 153 = 3699 hours on
    31 December."""
    home = kommune.persons(235)
    activity = [home[0], *kommune.persons(139)]
    housing = kommune.persons(36)
    substance = [housing[0], *kommune.persons(100)]
    for service, persons, hours in ((HOME, home, 374), (ACTIVITY, activity, 1651), (HOUSING, housing, 1521),
                                    (SUBSTANCE, substance, 153)):
        _spread(hours, _ongoing(kommune, service, persons))
    # Rapid mental-health help: twelve weeks between January and October, 199 persons with nothing
    # else and five home-based users besides.
    for i, person in enumerate(kommune.persons(199)):
        start = D(2020, 1, 6) + dt.timedelta(weeks=i % 30)
        kommune.decision(person, RAPID, valid_from=start, valid_to=start + dt.timedelta(days=83),
                         hours=decimal.Decimal("1.5"))
    for person in home[1:6]:
        kommune.decision(person, RAPID, valid_from=D(2020, 2, 3), valid_to=D(2020, 4, 26))
    # Not in 2020's tables: expired in 2019, decided in 2021, refused, discarded, a draft, ended
    # on New Year's Day, ended on its first day, and the neighbour's service users.
    kommune.decision(kommune.person(), HOME, valid_from=D(2019, 1, 1), valid_to=D(2019, 12, 31))
    kommune.decision(kommune.person(), HOME, valid_from=D(2020, 12, 1), decided_on=D(2021, 1, 10))
    kommune.refusal(kommune.person(), SUBSTANCE, D(2020, 3, 1))
    kommune.decision(kommune.person(), ACTIVITY, valid_from=D(2020, 4, 1), decided_on=None,
                     discarded_at=D(2020, 4, 1))
    kommune.decision(kommune.person(), ACTIVITY, valid_from=D(2020, 4, 1), decided_on=None)
    kommune.decision(kommune.person(), HOME, valid_from=D(2019, 1, 1), ended_on=D(2020, 1, 1))
    kommune.decision(kommune.person(), HOME, valid_from=D(2020, 5, 1), ended_on=D(2020, 5, 1))
    for _ in range(3):
        kommune.decision(kommune.person(municipality_id=kommune.neighbour_id), HOUSING, valid_from=D(2020, 1, 1))

    tables = kommune.tables("2020")
    t1 = {row: [tables["T1"].values[(row, "during_period")], tables["T1"].values[(row, "on_last_day")]]
          for row in tables["T1"].rows}
    assert t1 == {  # [during the year, on 31 December]
        "home_based": [235, 189], "activity": [140, 112], "housing_support": [36, 30], "substance_care": [101, 81],
        "rapid_mental_health": [204, 0], "institution": [0, 0], "other": [0, 0],
        "ongoing_total": [510, 410], "rapid_only": [199, 0], "total": [709, 410]}
    t2 = {row: (tables["T2"].values[(row, "hours")], tables["T2"].values[(row, "persons")])
          for row in tables["T2"].rows}
    assert t2 == {"home_based": (374, 189), "activity": (1651, 112), "housing_support": (1521, 30),
                  "substance_care": (153, 81), "rapid_mental_health": (0, 0), "institution": (0, 0),
                  "other": (0, 0), "ongoing_total": (3699, 410), "total": (3699, 410)}
    assert t2["ongoing_total"][0] == t2["total"][0] == decimal.Decimal("3699.00")
    assert tables["T2"].bases[("total", "hours")] == ("total", "persons")
    assert tables["T10"].values[("total", "total")] == 410


def test_kragero_on_20_may_2020(kommune):
    """Kragerø, 20 May 2020: 80 persons with a mental-health service only, 43 with practical help
    and training for substance use only, 13 with both: 136 (its decisions run through May)."""
    mental = kommune.persons(80)
    substance = kommune.persons(43)
    both = kommune.persons(13)
    for i, person in enumerate([*mental, *both]):
        kommune.decision(person, HOME, valid_from=D(2019, 9, 1) + dt.timedelta(days=30 * (i % 8)),
                         valid_to=None if i % 2 else D(2020, 12, 31))
    for i, person in enumerate([*substance, *both]):
        kommune.decision(person, SUBSTANCE_HELP, valid_from=D(2020, 5, 1) - dt.timedelta(days=20 * i),
                         valid_to=D(2021, 4, 30))
    # A renewal in the middle of May does not make its person two.
    renewed = kommune.decision(mental[0], ACTIVITY, valid_from=D(2019, 5, 16), valid_to=D(2020, 5, 15))
    kommune.decision(mental[0], ACTIVITY, valid_from=D(2020, 5, 16), decided_on=D(2020, 5, 4), supersedes=renewed)
    # In neither field (a stay in an institution), or not in May.
    kommune.decision(kommune.person(), INSTITUTION, valid_from=D(2020, 1, 1))
    kommune.decision(kommune.person(), HOME, valid_from=D(2020, 1, 1), ended_on=D(2020, 4, 30))
    kommune.decision(kommune.person(), SUBSTANCE_HELP, valid_from=D(2020, 6, 1))

    t3 = kommune.table("T3", "2020-05")
    expected = {"mental_health_only": 80, "substance_only": 43, "both": 13, "total": 136}
    assert column(t3, "on_last_day") == expected
    assert column(t3, "during_period") == expected
    t1 = kommune.table("T1", "2020-05")
    assert t1["total"] == {"during_period": 137, "on_last_day": 137}  # and the institution stay


# --- hand-computed cases at the edges of a period (October 2025) ---

def test_first_and_last_day_of_the_period(kommune):
    """Active on the last day: valid_to on the last day counts, ended_on on the last day does not
    (ended_on is the first day without the service). Starting on the first day counts during it."""
    cases = {
        "valid to the last day": dict(valid_from=D(2025, 1, 1), valid_to=D(2025, 10, 31), hours=2),
        "ended on the last day": dict(valid_from=D(2025, 1, 1), ended_on=D(2025, 10, 31), hours=7),
        "one day, the first": dict(valid_from=D(2025, 10, 1), valid_to=D(2025, 10, 1), hours=11),
        "starts on the first": dict(valid_from=D(2025, 10, 1), hours=3),
        "expired the day before": dict(valid_from=D(2025, 1, 1), valid_to=D(2025, 9, 30)),
        "ended on the first day": dict(valid_from=D(2025, 1, 1), ended_on=D(2025, 10, 1)),
        "starts the day after": dict(valid_from=D(2025, 11, 1)),
    }
    for fields in cases.values():
        kommune.decision(kommune.person(), HOME, **fields)
    renewed = kommune.person()
    old = kommune.decision(renewed, HOME, valid_from=D(2025, 1, 1), valid_to=D(2025, 10, 15), hours=4)
    kommune.decision(renewed, HOME, valid_from=D(2025, 10, 16), valid_to=D(2026, 10, 15), decided_on=D(2025, 10, 10),
                     supersedes=old, hours=5)

    tables = kommune.tables("2025-10")
    t1 = tables["T1"].values
    # during: valid to the last day, ended on it, the one day, starts on the first, the renewed person (once)
    assert (t1[("home_based", "during_period")], t1[("total", "during_period")]) == (5, 5)
    # on the last day: valid to the last day, starts on the first, the renewal
    assert (t1[("home_based", "on_last_day")], t1[("total", "on_last_day")]) == (3, 3)
    t2 = tables["T2"].values
    assert (t2[("home_based", "hours")], t2[("home_based", "persons")]) == (2 + 3 + 5, 3)
    t5 = tables["T5"].values
    # renewed: the renewal; new: "starts the day after" (decided 18 October); expired: "valid to
    # the last day" and "one day, the first" (the renewed one was renewed); ended: on the first
    # day and on the last
    assert [t5[("home_based", c)] for c in ("renewed", "new", "expired", "ended")] == [1, 1, 2, 2]


def test_renewal_counts_the_person_once_in_every_persons_table(kommune):
    person = kommune.person(born=D(1990, 1, 1), sex="male")
    old = kommune.decision(person, HOUSING, valid_from=D(2025, 1, 1), valid_to=D(2025, 10, 15), hours=10)
    kommune.decision(person, HOUSING, valid_from=D(2025, 10, 16), valid_to=D(2026, 10, 15),
                     decided_on=D(2025, 10, 1), supersedes=old, hours=12)
    tables = kommune.tables("2025-10")
    assert tables["T1"].values[("housing_support", "during_period")] == 1
    assert tables["T1"].values[("ongoing_total", "during_period")] == 1
    assert tables["T3"].values[("mental_health_only", "during_period")] == 1
    assert tables["T10"].values[("35_49", "male")] == 1
    assert (tables["T2"].values[("housing_support", "hours")], tables["T2"].values[("total", "persons")]) == (12, 1)
    year = kommune.tables("2025")
    assert year["T1"].values[("total", "during_period")] == 1


def test_october_built_in_december_gives_octobers_numbers(kommune):
    """What happened in November (an end, a new decision reaching back into October, a renewal
    and a refusal decided in November, an appeal forwarded and upheld) leaves October as it was."""
    ongoing = kommune.decision(kommune.person(), HOME, valid_from=D(2025, 1, 1))
    tenant = kommune.person()
    expiring = kommune.decision(tenant, HOUSING, valid_from=D(2025, 1, 1), valid_to=D(2025, 10, 31))
    appeal = kommune.appeal(ongoing, D(2025, 10, 10))
    october = {key: result.values for key, result in kommune.tables("2025-10").items()}

    ongoing.ended_on, ongoing.end_reason = D(2025, 11, 10), "moved away"
    latecomer = kommune.person()
    kommune.decision(latecomer, ACTIVITY, valid_from=D(2025, 10, 1), decided_on=D(2025, 11, 5))
    kommune.decision(tenant, HOUSING, valid_from=D(2025, 11, 1), decided_on=D(2025, 11, 3), supersedes=expiring)
    kommune.refusal(latecomer, SUBSTANCE, D(2025, 11, 2))
    appeal.status, appeal.forwarded_on = "forwarded", D(2025, 11, 12)
    appeal.status, appeal.resolved_on = "upheld", D(2025, 11, 20)
    db.session.flush()

    tables = kommune.tables("2025-10")
    assert {key: result.values for key, result in tables.items()} == october
    t1, t5, t6 = tables["T1"].values, tables["T5"].values, tables["T6"].values
    assert (t1[("home_based", "on_last_day")], t1[("housing_support", "on_last_day")],
            t1[("activity", "during_period")]) == (1, 1, 0)
    assert (t5[("housing_support", "expired")], t5[("home_based", "untimed")], t5[("total", "refused")]) == (1, 1, 0)
    assert (t6[("received", "appeals")], t6[("open_on_last_day", "appeals")], t6[("upheld", "appeals")]) == (1, 1, 0)
    assert tables["T10"].values[("total", "total")] == 2
    # November shows November's changes.
    november = kommune.tables("2025-11")
    assert november["T1"].values[("activity", "during_period")] == 1
    assert november["T1"].values[("home_based", "on_last_day")] == 0
    t5_nov = november["T5"].values
    # new: the latecomer's; renewed: the housing renewal; untimed: both of those
    assert [t5_nov[("total", c)] for c in ("new", "refused", "renewed", "ended", "expired", "untimed")] == [
        1, 1, 1, 1, 0, 2]
    t6_nov = november["T6"].values
    assert [t6_nov[(row, "appeals")] for row in ("received", "forwarded", "upheld", "open_on_last_day")] == [0, 1, 1, 0]


def test_t3_combinations_during_and_on_the_last_day(kommune):
    both_then_mental = kommune.person()
    kommune.decision(both_then_mental, HOME, valid_from=D(2025, 1, 1))
    kommune.decision(both_then_mental, SUBSTANCE, valid_from=D(2025, 1, 1), ended_on=D(2025, 10, 15))
    kommune.decision(kommune.person(), RAPID, valid_from=D(2025, 9, 1))             # mental health only
    housed = kommune.person()
    kommune.decision(housed, HOUSING, valid_from=D(2025, 1, 1))                     # both
    kommune.decision(housed, SUBSTANCE_HELP, valid_from=D(2025, 1, 1))
    kommune.decision(kommune.person(), INSTITUTION, valid_from=D(2025, 1, 1))      # neither field
    kommune.decision(kommune.person(), SUBSTANCE, valid_from=D(2025, 1, 1), valid_to=D(2025, 10, 10))

    t3 = kommune.table("T3", "2025-10")
    assert t3 == {
        "mental_health_only": {"during_period": 1, "on_last_day": 2},
        "substance_only": {"during_period": 1, "on_last_day": 0},
        "both": {"during_period": 2, "on_last_day": 1},
        "total": {"during_period": 4, "on_last_day": 3},
    }
    t1 = kommune.table("T1", "2025-10")
    assert t1["total"] == {"during_period": 5, "on_last_day": 4}
    assert t1["rapid_only"] == {"during_period": 1, "on_last_day": 1}


def test_t5_every_column(kommune):
    """October 2025 (last day 31 October): decisions, not persons, by the group of their service."""
    def person():
        return kommune.person()

    old_decision = D(2024, 12, 1)
    # home-based: one new, two renewals (one renewing before the end, so its predecessor is not
    # expiring), two expiring within 30 days
    kommune.decision(person(), HOME, valid_from=D(2025, 10, 6), valid_to=D(2026, 10, 5), decided_on=D(2025, 10, 5))
    renewed = person()
    old = kommune.decision(renewed, HOME, valid_from=D(2025, 1, 1), valid_to=D(2025, 10, 15), decided_on=old_decision)
    kommune.decision(renewed, HOME, valid_from=D(2025, 10, 16), valid_to=D(2026, 10, 15), decided_on=D(2025, 10, 10),
                     supersedes=old)
    kommune.decision(person(), HOME, valid_from=D(2025, 1, 1), valid_to=D(2025, 11, 30), decided_on=old_decision)
    kommune.decision(person(), HOME, valid_from=D(2025, 1, 1), valid_to=D(2025, 11, 1), decided_on=old_decision)
    early = person()
    soon = kommune.decision(early, HOME, valid_from=D(2025, 1, 1), valid_to=D(2025, 11, 15), decided_on=old_decision)
    kommune.decision(early, HOME, valid_from=D(2025, 11, 16), valid_to=D(2026, 11, 15), decided_on=D(2025, 10, 20),
                     supersedes=soon)
    # substance: refused in October and in November; expiring within 60 days
    kommune.refusal(person(), SUBSTANCE, D(2025, 10, 6))
    kommune.refusal(person(), SUBSTANCE, D(2025, 11, 2))
    kommune.decision(person(), SUBSTANCE, valid_from=D(2025, 1, 1), valid_to=D(2025, 12, 30), decided_on=old_decision)
    # activity: ended, expiring on day 90 and on day 91, untimed, untimed but decided in November
    kommune.decision(person(), ACTIVITY, valid_from=D(2025, 1, 1), ended_on=D(2025, 10, 20), decided_on=old_decision)
    kommune.decision(person(), ACTIVITY, valid_from=D(2025, 1, 1), valid_to=D(2026, 1, 29), decided_on=old_decision)
    kommune.decision(person(), ACTIVITY, valid_from=D(2025, 1, 1), valid_to=D(2026, 1, 30), decided_on=old_decision)
    kommune.decision(person(), ACTIVITY, valid_from=D(2025, 1, 1), decided_on=old_decision)
    kommune.decision(person(), ACTIVITY, valid_from=D(2025, 10, 1), decided_on=D(2025, 11, 2))
    # housing: expired (not renewed), ended before its end date (ended, not expired), expired on
    # the last day, expired and renewed only in November (expired as of October)
    kommune.decision(person(), HOUSING, valid_from=D(2025, 1, 1), valid_to=D(2025, 10, 15), decided_on=old_decision)
    kommune.decision(person(), HOUSING, valid_from=D(2025, 1, 1), valid_to=D(2025, 10, 10), ended_on=D(2025, 10, 5),
                     decided_on=old_decision)
    kommune.decision(person(), HOUSING, valid_from=D(2025, 1, 1), valid_to=D(2025, 10, 31), decided_on=old_decision)
    late = person()
    lapsed = kommune.decision(late, HOUSING, valid_from=D(2025, 1, 1), valid_to=D(2025, 10, 20),
                              decided_on=old_decision)
    kommune.decision(late, HOUSING, valid_from=D(2025, 10, 21), decided_on=D(2025, 11, 3), supersedes=lapsed)
    # institution: untimed
    kommune.decision(person(), INSTITUTION, valid_from=D(2025, 1, 1), decided_on=old_decision)

    t5 = kommune.table("T5", "2025-10")
    zero = dict.fromkeys(t5["total"], 0)
    assert t5 == {
        "home_based": zero | {"new": 1, "renewed": 2, "expiring_30": 2, "expiring_60": 2, "expiring_90": 2},
        "activity": zero | {"ended": 1, "expiring_90": 1, "untimed": 1},
        "housing_support": zero | {"ended": 1, "expired": 3},
        "substance_care": zero | {"refused": 1, "expiring_60": 1, "expiring_90": 1},
        "rapid_mental_health": zero,
        "institution": zero | {"untimed": 1},
        "other": zero,
        "total": {"new": 1, "refused": 1, "renewed": 2, "ended": 2, "expired": 3, "expiring_30": 2,
                  "expiring_60": 3, "expiring_90": 4, "untimed": 2},
    }


def test_t6_every_row(kommune):
    """October 2025: appeals counted by the dates of their steps, not by their status today."""
    decision = kommune.decision(kommune.person(), HOME, valid_from=D(2025, 1, 1))
    kommune.appeal(decision, D(2025, 10, 3))                                             # received, open
    kommune.appeal(decision, D(2025, 10, 4), deadline_met=False)                         # received, late, open
    kommune.appeal(decision, D(2025, 9, 10), "reversed", resolved_on=D(2025, 10, 12))    # reversed
    kommune.appeal(decision, D(2025, 8, 1), "upheld", forwarded_on=D(2025, 9, 1),
                   resolved_on=D(2025, 10, 20))                                          # upheld
    kommune.appeal(decision, D(2025, 8, 1), "overturned", forwarded_on=D(2025, 10, 2),
                   resolved_on=D(2025, 11, 5))                                           # forwarded, open
    kommune.appeal(decision, D(2025, 7, 1), "returned", forwarded_on=D(2025, 8, 1),
                   resolved_on=D(2025, 10, 31))                                          # returned on the last day
    kommune.appeal(decision, D(2025, 6, 1), "overturned", forwarded_on=D(2025, 7, 1),
                   resolved_on=D(2025, 10, 15))                                          # overturned
    kommune.appeal(decision, D(2025, 11, 1), deadline_met=False)                         # November: nothing

    assert column(kommune.table("T6", "2025-10"), "appeals") == {
        "received": 2, "reversed": 1, "upheld": 1, "overturned": 1, "returned": 1, "forwarded": 1,
        "open_on_last_day": 3, "late": 1}


def test_t10_age_bands_at_their_edges_sex_and_minor_children(kommune):
    """Age on 31 October 2025: an 18th birthday on the last day is 18, the day after is 17."""
    born = [  # (birth date, sex, minor children, band)
        (D(2007, 10, 31), "female", "no"),       # 18 on the last day: 18_24
        (D(2007, 11, 1), "male", "no"),          # 17: under_18
        (D(2000, 10, 31), None, "yes"),          # 25: 25_34, sex not given
        (D(2000, 11, 1), "other", "no"),         # 24: 18_24
        (D(1958, 10, 31), "female", "unknown"),  # 67: 67_plus
        (D(1958, 11, 1), "female", "yes"),       # 66: 50_66
        (D(1975, 11, 1), "male", "no"),          # 49: 35_49
    ]
    for birth_date, sex, minor in born:
        kommune.decision(kommune.person(born=birth_date, sex=sex, minor=minor), HOME, valid_from=D(2025, 1, 1))
    two_services = kommune.person(born=D(1990, 10, 31), sex="male", minor="yes")  # 35: 35_49, counted once
    kommune.decision(two_services, HOME, valid_from=D(2025, 1, 1))
    kommune.decision(two_services, ACTIVITY, valid_from=D(2025, 1, 1))
    kommune.decision(kommune.person(), HOME, valid_from=D(2025, 1, 1), ended_on=D(2025, 10, 31))
    kommune.decision(kommune.person(sex="male"), HOME, valid_from=D(2025, 10, 1), decided_on=D(2025, 11, 2))

    t10 = kommune.table("T10", "2025-10")
    empty = {"female": 0, "male": 0, "sex_unknown": 0, "total": 0, "with_minor_children": 0}
    assert t10 == {
        "under_18": empty | {"male": 1, "total": 1},
        "18_24": empty | {"female": 1, "sex_unknown": 1, "total": 2},
        "25_34": empty | {"sex_unknown": 1, "total": 1, "with_minor_children": 1},
        "35_49": empty | {"male": 2, "total": 2, "with_minor_children": 1},
        "50_66": empty | {"female": 1, "total": 1, "with_minor_children": 1},
        "67_plus": empty | {"female": 1, "total": 1},
        "unknown": empty,
        "total": {"female": 3, "male": 3, "sex_unknown": 2, "total": 8, "with_minor_children": 3},
    }


@pytest.mark.parametrize("day, years, last_birth_date", [
    (D(2025, 10, 31), 18, D(2007, 10, 31)),
    (D(2024, 2, 29), 18, D(2006, 2, 28)),   # the last day of a leap February: born 28 February is 18
    (D(2024, 2, 29), 20, D(2004, 2, 29)),
    (D(2022, 2, 28), 18, D(2004, 2, 28)),   # born 29 February 2004: still 17 on 28 February 2022
])
def test_the_last_birth_date_of_an_age(day, years, last_birth_date):
    assert _years_before(day, years) == last_birth_date


def test_the_tables_are_contributed_with_labels_for_every_row_and_column(app, kommune):
    registry = contributions.for_app(app)
    for table in REPORT_TABLES:
        assert registry.report_tables[table.key] is table
        result = table.compute(Period.parse("2025-10"), kommune.id)
        assert set(result.rows) == set(registry.labels[table.row_domain]), table.key
        assert set(result.columns) == set(registry.labels[table.column_domain]), table.key
        assert set(table.units) == set(result.columns), table.key
    assert all(relation in registry.report_relations for relation in REPORT_RELATIONS)
