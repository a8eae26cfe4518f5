"""Report tables T4 (referrals by source) and T7 (individual plans), computed by hand.

The rows are made through the API, as the offices make them, with the clock moved to the day of
each change so that the plans' history is written by the real code paths. Both tables are built
for October 2026 in December, after November's changes, and must give October's numbers.
"""

from __future__ import annotations

import decimal

import pytest

from service.plans.reports import REPORT_RELATIONS as T7_CROSS_RELATIONS
from service.referrals.models import SOURCES
from tests.helpers import at, ok
from tests.reports.table_checks import assert_relations_hold, assert_well_formed, compute_tables, grid

REFERRALS = "/api/v1/referrals"
PLANS = "/api/v1/plans"
DECISIONS = "/api/v1/decisions"
BUILT_ON = "2026-12-05"
# The API calls are made before BUILT_ON, within the 90 days the callers' tokens (issued on the
# module's first day) live; the tables are computed through the service layer on BUILT_ON.
ENTERED_ON = "2026-11-20"


@pytest.fixture(autouse=True)
def autumn(frozen_clock):
    """The callers are made (and their tokens issued) on 1 September 2026."""
    frozen_clock.set(at("2026-09-01"))


# --- T4 ------------------------------------------------------------------------------------------

@pytest.fixture
def refer(case_officer, make_person):
    """``refer(source, received_on)``: a referral about a new person."""
    def make(source: str, received_on: str, **fields) -> dict:
        person = make_person()
        return ok(case_officer.post(REFERRALS, json={
            "person_id": person["id"], "received_on": received_on, "source": source,
            "channel": "electronic_message", "requested_services": ["psykisk-helse-oppfolging"], **fields}), 201)

    return make


@pytest.fixture
def decide(new_decision):
    """``decide(referral, on)``: a decision answering the referral, decided on ``on``."""
    def make(referral: dict, on: str) -> dict:
        return new_decision(person_id=referral["person_id"], referral_id=referral["id"], decided_on=on,
                            valid_from=on, valid_to="2027-06-30")

    return make


def _reply(caller, referral: dict, sent_on: str) -> None:
    ok(caller.post(f"{REFERRALS}/{referral['id']}/preliminary-reply", json={
        "sent_on": sent_on, "reason": "Venter på epikrise", "expected_by": "2026-12-31"}))


def _t4_row(received=0, decided=0, median=None, within=0, share=None, replies=0, overdue=0) -> dict:
    return {"received": received, "decided": decided, "median_days_to_decision": median,
            "decided_within_month": within, "share_within_month": share, "preliminary_replies": replies,
            "overdue_on_last_day": overdue}


def test_t4_october_built_in_december(app, env, town, case_officer, refer, decide, frozen_clock):
    frozen_clock.set(at(ENTERED_ON))
    # gp
    refer("gp", "2026-09-10")  # due 10 October, still open: overdue on 31 October
    replied = refer("gp", "2026-09-15")  # due 15 October, preliminary reply on 12 October: not overdue
    _reply(case_officer, replied, "2026-10-12")
    decided_later = refer("gp", "2026-09-20")  # due 20 October, decided 10 November: open and overdue then
    decide(decided_later, "2026-11-10")
    quick = refer("gp", "2026-10-02")  # decided after 10 days, within the month
    decide(quick, "2026-10-12")
    refer("gp", "2026-10-05")  # due 5 November: open, not overdue
    # dps
    late = refer("dps", "2026-09-01")  # due 1 October, decided 21 October: 50 days, late
    decide(late, "2026-10-21")
    last_day = refer("dps", "2026-10-01")  # decided on the last day: 30 days, within the month
    decide(last_day, "2026-10-31")
    withdrawn = refer("dps", "2026-09-25")  # withdrawn 20 October: closed, not overdue
    ok(case_officer.post(f"{REFERRALS}/{withdrawn['id']}/withdraw", json={"on": "2026-10-20"}))
    replied_late = refer("dps", "2026-09-30")  # due 30 October; the reply of 2 November came too late for it
    _reply(case_officer, replied_late, "2026-11-02")
    # self: decided in October, 46 days after receipt; its reply in September is not October's
    answered = refer("self", "2026-08-20")
    _reply(case_officer, answered, "2026-09-15")
    decide(answered, "2026-10-05")
    # nav: received after the period (nothing), forwarded after it (open and overdue on 31 October)
    refer("nav", "2026-11-03")
    forwarded = refer("nav", "2026-09-05")
    ok(case_officer.post(f"{REFERRALS}/{forwarded['id']}/forward", json={"to": "DPS", "on": "2026-11-04"}))
    # relative: 10 and 11 days, a median between two days
    for received_on, decided_on in (("2026-10-01", "2026-10-11"), ("2026-10-01", "2026-10-12")):
        decide(refer("relative", received_on), decided_on)
    # Another municipality's referral is not counted.
    foreign = env.caller("case_officer", env.municipality())
    person = ok(foreign.post("/api/v1/persons", json={"name": "Annen Kommune", "national_id_missing_reason": "Ukjent",
                                                      "birth_date": "1980-01-01"}), 201)
    ok(foreign.post(REFERRALS, json={"person_id": person["id"], "received_on": "2026-10-03", "source": "gp",
                                     "channel": "letter"}), 201)

    frozen_clock.set(at(BUILT_ON))
    result = compute_tables(app, town, "2026-10", "T4")["T4"]

    expected = {source: _t4_row() for source in SOURCES}
    expected["gp"] = _t4_row(received=2, decided=1, median=10, within=1, share=decimal.Decimal("100.00"),
                             replies=1, overdue=2)
    expected["dps"] = _t4_row(received=1, decided=2, median=40, within=1, share=decimal.Decimal("50.00"), overdue=1)
    expected["self"] = _t4_row(decided=1, median=46, share=decimal.Decimal("0.00"))
    expected["nav"] = _t4_row(overdue=1)
    expected["relative"] = _t4_row(received=2, decided=2, median=decimal.Decimal("10.5"), within=2,
                                   share=decimal.Decimal("100.00"))
    # Days of the six decided: 10, 50, 30, 46, 10, 11 → 10, 10, 11 | 30, 46, 50: median 20.5.
    expected["total"] = _t4_row(received=5, decided=6, median=decimal.Decimal("20.5"), within=4,
                                share=decimal.Decimal("66.67"), replies=1, overdue=4)
    assert grid(result) == expected
    assert_well_formed("T4", result)
    assert_relations_hold({"T4": result}, result.relations)

    # November: the referral decided on 10 November is November's, 51 days after receipt.
    november = compute_tables(app, town, "2026-11", "T4")["T4"]
    assert (november.values[("gp", "decided")], november.values[("gp", "median_days_to_decision")]) == (1, 51)
    assert november.values[("nav", "received")] == 1
    assert november.values[("dps", "preliminary_replies")] == 1
    assert_relations_hold({"T4": november}, november.relations)


def test_t4_a_month_without_referrals_has_zeros_and_no_medians(app, town):
    result = compute_tables(app, town, "2026-01", "T4")["T4"]
    assert grid(result)["total"] == _t4_row()
    assert all(result.values[(row, "median_days_to_decision")] is None for row in result.rows)
    assert_relations_hold({"T4": result}, result.relations)


# --- T7 ------------------------------------------------------------------------------------------

@pytest.fixture
def coordinator(env, town):
    return env.caller("coordinator", town)


@pytest.fixture
def plan_steps(case_officer, coordinator, frozen_clock):
    """Each step of a plan's life on its own day (the clock moved there first, so that the plan's
    history row is dated that day)."""
    class Steps:
        def request(self, person: dict, on: str) -> dict:
            frozen_clock.set(at(on))
            return ok(case_officer.post(PLANS, json={"person_id": person["id"], "requested_on": on}), 201)

        def appoint(self, plan: dict, on: str, name: str | None = None) -> None:
            frozen_clock.set(at(on))
            body = {"name": name} if name else {"user_id": str(coordinator.user_id)}
            ok(case_officer.post(f"{PLANS}/{plan['id']}/appoint-coordinator", json={**body, "appointed_on": on}))

        def prepare(self, plan: dict, on: str) -> None:
            self.appoint(plan, on)
            ok(coordinator.post(f"{PLANS}/{plan['id']}/consent", json={"given_on": on, "scope": "Individuell plan"}))

        def activate(self, plan: dict, on: str, next_evaluation_on: str) -> None:
            frozen_clock.set(at(on))
            ok(coordinator.post(f"{PLANS}/{plan['id']}/activate",
                                json={"activated_on": on, "next_evaluation_on": next_evaluation_on}))

        def close(self, plan: dict, on: str) -> None:
            frozen_clock.set(at(on))
            ok(case_officer.post(f"{PLANS}/{plan['id']}/close", json={"reason": "Mål nådd", "closed_on": on}))

    return Steps()


def _service(new_decision, person: dict, **fields) -> dict:
    body = {"person_id": person["id"], "decided_on": "2026-09-01", "valid_from": "2026-09-01",
            "valid_to": "2027-08-31", **fields}
    return new_decision(**body)


def test_t7_october_built_in_december(app, town, make_person, plan_steps, coordinator, case_officer,
                                      new_decision, frozen_clock):
    people = {name: make_person(name=name) for name in (
        "Aktiv Lukket", "Aktiv Forfalt", "Forberedt", "Bedt", "Bare Koordinator", "Lukket Oktober",
        "Ny November", "Aktiv Uten Vedtak", "Bare Vedtak", "Vedtatt Senere", "Avsluttet Siste Dag", "Gyldig Til Siste")}
    steps = plan_steps
    # Active on 31 October, closed 15 November: active in October's table.
    closed_later = steps.request(people["Aktiv Lukket"], "2026-09-01")
    steps.prepare(closed_later, "2026-09-02")
    steps.activate(closed_later, "2026-09-10", "2026-12-01")
    # Active, evaluation due 15 October and not done: overdue on 31 October (evaluated in November).
    overdue = steps.request(people["Aktiv Forfalt"], "2026-09-01")
    steps.prepare(overdue, "2026-09-02")
    steps.activate(overdue, "2026-09-10", "2026-10-15")
    # Active, evaluation due on the last day itself: not overdue that day.
    due_last_day = steps.request(people["Aktiv Uten Vedtak"], "2026-09-01")
    steps.prepare(due_last_day, "2026-09-02")
    steps.activate(due_last_day, "2026-09-10", "2026-10-31")
    # In preparation (coordinator and consent).
    steps.prepare(steps.request(people["Forberedt"], "2026-09-05"), "2026-09-06")
    # Requested without a coordinator on 31 October; the coordinator came in November.
    requested = steps.request(people["Bedt"], "2026-09-05")
    # Declined in October, the person keeping a named coordinator: open, with a coordinator.
    kept = steps.request(people["Bare Koordinator"], "2026-09-05")
    steps.appoint(kept, "2026-09-06", name="Kari Koordinator")
    frozen_clock.set(at("2026-10-05"))
    ok(case_officer.post(f"{PLANS}/{kept['id']}/decline", json={"coordinator_only": True, "declined_on": "2026-10-05"}))
    # Closed in October: not counted.
    closed = steps.request(people["Lukket Oktober"], "2026-09-05")
    steps.close(closed, "2026-10-20")
    # November: the changes that must not reach October's table.
    steps.appoint(requested, "2026-11-02")
    steps.request(people["Ny November"], "2026-11-03")
    frozen_clock.set(at("2026-11-05"))
    ok(coordinator.post(f"{PLANS}/{overdue['id']}/evaluations", json={
        "evaluated_on": "2026-11-05", "summary": "Evaluert", "next_evaluation_on": "2027-05-05"}), 201)
    steps.close(closed_later, "2026-11-15")

    # Service users on 31 October: a decision active that day and decided by then.
    frozen_clock.set(at(ENTERED_ON))
    _service(new_decision, people["Aktiv Lukket"])
    _service(new_decision, people["Aktiv Lukket"], service_code="bo-og-veiledning", hours_per_week=3)  # once
    _service(new_decision, people["Aktiv Forfalt"])
    _service(new_decision, people["Forberedt"])
    _service(new_decision, people["Bare Vedtak"])
    _service(new_decision, people["Vedtatt Senere"], decided_on="2026-11-03", valid_from="2026-10-01")
    ended = _service(new_decision, people["Avsluttet Siste Dag"])
    ok(case_officer.post(f"{DECISIONS}/{ended['id']}/end", json={"ended_on": "2026-10-31", "end_reason": "Flyttet"}))
    _service(new_decision, people["Gyldig Til Siste"], valid_to="2026-10-31")

    frozen_clock.set(at(BUILT_ON))
    results = compute_tables(app, town, "2026-10", "T7", "T1")
    result = results["T7"]
    assert {row: values["on_last_day"] for row, values in grid(result).items()} == {
        "active": 3,  # Aktiv Lukket, Aktiv Forfalt, Aktiv Uten Vedtak
        "in_preparation": 1,
        "requested": 1,
        "with_coordinator": 5,  # the three active, the one in preparation, the coordinator only
        "evaluation_overdue": 1,
        "service_users": 5,  # Aktiv Lukket (two decisions), Aktiv Forfalt, Forberedt, Bare Vedtak, Gyldig Til Siste
        "service_users_with_active_plan": 2,  # Aktiv Lukket, Aktiv Forfalt
        "share_with_plan": decimal.Decimal("40.00"),
    }
    assert_well_formed("T7", result)
    assert_relations_hold({"T7": result}, result.relations)
    # The service users are T1's persons with any service on the last day (decisions' table).
    assert results["T1"].values[("total", "on_last_day")] == 5
    assert_relations_hold(results, list(T7_CROSS_RELATIONS))

    november = compute_tables(app, town, "2026-11", "T7")["T7"]
    assert {row: november.values[(row, "on_last_day")] for row in
            ("active", "requested", "with_coordinator", "evaluation_overdue")} == {
        "active": 2,  # Aktiv Lukket closed on 15 November
        "requested": 2,  # Bedt (now with a coordinator) and Ny November
        "with_coordinator": 5,  # Aktiv Forfalt, Aktiv Uten Vedtak, Forberedt, Bare Koordinator, Bedt
        "evaluation_overdue": 1,  # Aktiv Uten Vedtak (31 October); Aktiv Forfalt was evaluated
    }
    assert_relations_hold({"T7": november}, november.relations)


def test_t7_counts_overdue_evaluations_by_the_rule_the_answers_use(app, town, make_person, plan_steps, coordinator,
                                                                   frozen_clock):
    """On the period's last day, T7's overdue evaluations are the plans whose answer says so."""
    plans = []
    for next_evaluation_on in ("2026-09-15", "2026-09-30", "2026-10-10", "2026-10-31", "2026-11-15"):
        plan = plan_steps.request(make_person(), "2026-09-01")
        plan_steps.prepare(plan, "2026-09-02")
        plan_steps.activate(plan, "2026-09-10", next_evaluation_on)
        plans.append(plan)
    for period, last_day, expected in (("2026-09", "2026-09-30", 1), ("2026-10", "2026-10-31", 3)):
        frozen_clock.set(at(last_day))
        answered = sum(ok(coordinator.get(f"{PLANS}/{plan['id']}"))["evaluation_overdue"] for plan in plans)
        counted = compute_tables(app, town, period, "T7")["T7"].values[("evaluation_overdue", "on_last_day")]
        assert answered == counted == expected, period
