"""The auditor's follow-up: a reproducible random sample of a month's person accesses, the
month's accesses outside the row rule, and a review of each (docs/security.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
import random

import pytest

from tests.helpers import CaseRows, assert_problem, ok

API = "/api/v1"
UTC = dt.timezone.utc


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


class Month:
    """Persons registered in February; in March (Europe/Oslo) twelve reads of them, plus things
    that are not person accesses; in April two more reads."""

    def __init__(self, env, town, frozen_clock):
        self.town, self.clock = town, frozen_clock
        self.officer = env.caller("case_officer", town)
        self.auditor = env.caller("auditor", town)
        self.callers = {"case_officer": self.officer, "housing_officer": env.caller("housing_officer", town),
                        "coordinator": env.caller("coordinator", town), "provider": env.caller("provider", town)}
        rows = CaseRows(env, town, self.callers)
        frozen_clock.set(_at("2026-02-10T09:00:00"))
        self.persons = [rows.person(f"Person {i}", dt.date(1980, 1, i + 1)) for i in range(4)]
        # 00:30 on 1 March in Oslo is still February in UTC: it is March's.
        frozen_clock.set(_at("2026-02-28T23:30:00"))
        self.read(0)
        for day in range(2, 13):
            frozen_clock.set(_at(f"2026-03-{day:02d}T10:00:00"))
            self.read(day % 4)
        frozen_clock.set(_at("2026-03-15T10:00:00"))
        ok(self.officer.post(f"{API}/persons", json={"name": "Ny i mars", "national_id": None,
                                                     "national_id_missing_reason": "Venter", "birth_date": "1999-01-01"}),
           201)  # a create, not a read
        ok(self.officer.post(f"{API}/persons/search", json={"national_id": "01010100050"}), 200)  # a miss: no person
        ok(self.auditor.get(f"{API}/audit"))  # the auditor's read: no person
        # 00:30 on 1 April in Oslo (summer time) is 31 March in UTC: it is April's.
        frozen_clock.set(_at("2026-03-31T22:30:00"))
        self.read(1)
        frozen_clock.set(_at("2026-04-03T10:00:00"))
        self.read(2)
        frozen_clock.set(_at("2026-05-02T10:00:00"))

    def read(self, i: int) -> None:
        ok(self.officer.get(f"{API}/persons/{self.persons[i]['id']}"))

    def sample(self, period: str = "2026-03", n: int = 5, caller=None):
        return (caller or self.auditor).get(f"{API}/audit/sample", query_string={"period": period, "n": n})


@pytest.fixture
def month(env, town, frozen_clock):
    return Month(env, town, frozen_clock)


def _ids(events) -> list[str]:
    return [e["id"] for e in events]


def test_the_sample_draws_n_of_the_months_person_accesses_only(month):
    answer = ok(month.sample(n=5))
    assert (answer["period"], answer["population"], answer["n"]) == ("2026-03", 12, 5)
    assert len(answer["sample"]) == 5 and len(set(_ids(answer["sample"]))) == 5
    start, end = _at("2026-02-28T23:00:00"), _at("2026-03-31T22:00:00")  # March in Oslo, in UTC
    for event in answer["sample"]:
        assert start <= dt.datetime.fromisoformat(event["at"]) < end
        assert (event["action"], event["object_type"], event["outcome"]) == ("read", "person", "ok")
        assert event["person_id"] in {p["id"] for p in month.persons}
        assert event["review"] is None
    assert [e["seq"] for e in answer["sample"]] == sorted(e["seq"] for e in answer["sample"])


def test_the_same_call_gives_the_same_sample_and_more_accesses_elsewhere_change_nothing(month):
    first = ok(month.sample(n=5))
    month.read(3)  # May: another month's access
    ok(month.auditor.get(f"{API}/audit"))
    again = ok(month.sample(n=5))
    assert _ids(again["sample"]) == _ids(first["sample"])
    assert again["seed"] == first["seed"]
    other = ok(month.sample(period="2026-04", n=5))
    assert other["population"] == 2 and len(other["sample"]) == 2  # n larger than the month: all of it


def test_anyone_with_the_trail_draws_the_same_sample_as_the_docs_say(month):
    """docs/security.md: positions random.Random(seed).sample(range(population), n) over the month's
    person reads in chain order, the seed SHA-256 of "<municipality number>:<period>", 8 bytes."""
    events = ok(month.auditor.get(f"{API}/audit", query_string={
        "action": "read", "outcome": "ok", "at_from": "2026-02-28T23:00:00Z", "at_to": "2026-03-31T22:00:00Z",
        "page_size": 200}))
    population = sorted((e for e in events if e["person_id"] and e["object_type"] != "emergency_access"),
                        key=lambda e: e["seq"])
    seed = int.from_bytes(hashlib.sha256(f"{month.town}:2026-03".encode()).digest()[:8], "big")
    positions = sorted(random.Random(seed).sample(range(len(population)), 4))
    answer = ok(month.sample(n=4))
    assert answer["seed"] == seed
    assert _ids(answer["sample"]) == [population[p]["id"] for p in positions]


def test_a_month_without_accesses_samples_nothing(month):
    answer = ok(month.sample(period="2025-12", n=10))
    assert (answer["population"], answer["sample"], answer["outside_rule"], answer["outside_rule_count"]) == (
        0, [], [], 0)


def test_accesses_outside_the_row_rule_are_listed(env, month, frozen_clock):
    frozen_clock.set(_at("2026-03-20T10:00:00"))
    planner = env.caller("planner", month.town)
    assert_problem(planner.get(f"{API}/persons"), 403)  # a refused request
    barred = env.caller("housing_officer", month.town)
    CaseRows(env, month.town, month.callers).block(month.officer, barred, month.persons[0])
    assert_problem(barred.get(f"{API}/persons/{month.persons[0]['id']}"), 404)  # a barred attempt
    provider = month.callers["provider"]
    opening = ok(provider.post(f"{API}/persons/{month.persons[1]['id']}/emergency-access",
                               json={"reason": "Akutt: må se vedtakene"}), 201)
    ok(provider.get(f"{API}/persons/{month.persons[1]['id']}"))
    frozen_clock.set(_at("2026-05-02T10:00:00"))

    answer = ok(month.sample(n=50))
    outside = [(e["action"], e["object_type"], e["outcome"], e["actor_id"]) for e in answer["outside_rule"]]
    assert outside == [
        ("denied", "route", "denied", str(planner.user_id)),
        ("denied", "person", "denied", str(barred.user_id)),
        ("create", "emergency_access", "ok", str(provider.user_id)),
        ("read", "emergency_access", "ok", str(provider.user_id)),
    ]
    assert answer["outside_rule_count"] == 4
    assert {e["object_id"] for e in answer["outside_rule"][2:]} == {opening["id"]}
    # The provider's read is a person access too (sampled from), its companion event is not.
    assert answer["population"] == 13
    assert not any(e["object_type"] == "emergency_access" for e in answer["sample"])


def test_a_sampled_access_is_reviewed_once(env, month):
    answer = ok(month.sample(n=3))
    event = answer["sample"][1]
    review = ok(month.auditor.post(f"{API}/audit/reviews", json={"event_id": event["id"], "finding": "ok"}), 201)
    assert (review["event_id"], review["finding"], review["finding_label"], review["note"]) == (
        event["id"], "ok", "No remark", None)
    again = ok(month.sample(n=3))
    assert [e["review"] and e["review"]["id"] for e in again["sample"]] == [None, review["id"], None]

    duplicate = assert_problem(month.auditor.post(f"{API}/audit/reviews", json={
        "event_id": event["id"], "finding": "follow_up", "note": "Spør lederen"}), 409)
    assert duplicate["existing_id"] == review["id"]
    body = assert_problem(month.auditor.post(f"{API}/audit/reviews", json={
        "event_id": answer["sample"][0]["id"], "finding": "follow_up"}), 422)
    assert "note" in body["errors"]
    followed = ok(month.auditor.post(f"{API}/audit/reviews", json={
        "event_id": answer["sample"][0]["id"], "finding": "follow_up", "note": "Spør lederen"}), 201)
    assert followed["note"] == "Spør lederen"
    created = ok(month.auditor.get(f"{API}/audit", query_string={"object_type": "audit_review"}))
    assert {e["object_id"] for e in created} == {review["id"], followed["id"]}


def test_a_review_names_an_event_of_the_municipality(env, month):
    elsewhere = env.municipality()
    other = env.caller("case_officer", elsewhere)
    person = ok(other.post(f"{API}/persons", json={"name": "Annen Kommune", "national_id": None,
                                                   "national_id_missing_reason": "Venter",
                                                   "birth_date": "1990-01-01"}), 201)
    ok(other.get(f"{API}/persons/{person['id']}"))
    foreign = ok(env.caller("auditor", elsewhere).get(f"{API}/persons/{person['id']}/access-log"))[0]
    body = assert_problem(month.auditor.post(f"{API}/audit/reviews", json={
        "event_id": foreign["id"], "finding": "ok"}), 422)
    assert "event_id" in body["errors"]


@pytest.mark.parametrize("query", [{"period": "2026-13"}, {"period": "2026-3"}, {"n": 5},
                                   {"period": "2026-03", "n": 0}, {"period": "2026-03", "n": 501}])
def test_the_period_and_n_are_checked(month, query):
    assert_problem(month.auditor.get(f"{API}/audit/sample", query_string=query), 422)


def test_the_follow_up_is_the_auditors(month):
    for caller in month.callers.values():
        assert_problem(month.sample(caller=caller), 403)
        assert_problem(caller.get(f"{API}/audit/emergency-access"), 403)
        assert_problem(caller.post(f"{API}/audit/reviews", json={"event_id": "x", "finding": "ok"}), 403)
