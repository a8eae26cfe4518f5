"""Decisions through the API: drafting, deciding, notifying, ending, renewing, filters, bad input."""

import pytest

from tests.helpers import assert_problem as problem


def test_draft_then_decide_moves_the_referral_to_decided(case_officer, person, new_referral):
    referral = new_referral()
    draft = case_officer.post("/api/v1/decisions", json={
        "person_id": person["id"], "referral_id": referral["id"], "service_code": "psykisk-helse-oppfolging",
        "hours_per_week": 1.5, "valid_from": "2026-03-01", "valid_to": "2026-08-31"})
    assert draft.status_code == 201, draft.get_json()
    body = draft.get_json()
    assert body["state"] == "draft"
    assert body["legal_basis"] == "hol-3-2-6a"  # the service's default
    assert body["hours_per_week"] == 1.5
    decided = case_officer.post(f"/api/v1/decisions/{body['id']}/decide", json={"decided_on": "2026-03-02"})
    assert decided.status_code == 200, decided.get_json()
    assert decided.get_json()["state"] == "active"
    assert decided.get_json()["decided_by"] == str(case_officer.user_id)
    referral_now = case_officer.get(f"/api/v1/referrals/{referral['id']}").get_json()
    assert referral_now["status"] == "decided"
    assert referral_now["decided_on"] == "2026-03-02"


def test_decided_decision_is_immutable_except_through_actions(case_officer, new_decision):
    decision = new_decision()
    body = problem(case_officer.patch(f"/api/v1/decisions/{decision['id']}", json={"hours_per_week": 5},
                                      headers={"If-Match": f'"v{decision["version"]}"'}), 409)
    assert "active" in body["detail"] and body["state"] == "active"
    assert case_officer.get(f"/api/v1/decisions/{decision['id']}").get_json()["hours_per_week"] == 2
    problem(case_officer.post(f"/api/v1/decisions/{decision['id']}/decide", json={"decided_on": "2026-03-01"}), 409)


def test_draft_patch_needs_a_fresh_if_match(case_officer, new_decision):
    draft = new_decision(decided_on=None)
    problem(case_officer.patch(f"/api/v1/decisions/{draft['id']}", json={"hours_per_week": 3}), 428)
    ok = case_officer.patch(f"/api/v1/decisions/{draft['id']}", json={"hours_per_week": 3},
                            headers={"If-Match": '"v1"'})
    assert ok.status_code == 200 and ok.get_json()["hours_per_week"] == 3
    problem(case_officer.patch(f"/api/v1/decisions/{draft['id']}", json={"hours_per_week": 4},
                               headers={"If-Match": '"v1"'}), 412)
    assert case_officer.get(f"/api/v1/decisions/{draft['id']}").get_json()["hours_per_week"] == 3


def test_stale_if_match_on_an_action_is_412_and_changes_nothing(case_officer, new_decision):
    decision = new_decision()
    problem(case_officer.post(f"/api/v1/decisions/{decision['id']}/notify", json={"notified_on": "2026-03-01"},
                              headers={"If-Match": '"v0"'}), 412)
    assert case_officer.get(f"/api/v1/decisions/{decision['id']}").get_json()["notified_on"] is None


@pytest.mark.parametrize("fields, field", [
    ({"service_code": "kpr-999"}, "service_code"),
    ({"legal_basis": "lov-om-ingenting"}, "legal_basis"),
    ({"valid_from": "2026-05-01", "valid_to": "2026-04-30"}, "valid_to"),
    ({"hours_per_week": 0}, "hours_per_week"),
    ({"hours_per_week": -1}, "hours_per_week"),
    ({"hours_per_week": 168.01}, "hours_per_week"),
    ({"hours_per_week": None}, "hours_per_week"),       # hour-based service without hours
    ({"decided_on": "2026-03-04"}, "decided_on"),       # tomorrow
    ({"valid_from": None}, "valid_from"),               # granted without a start
    ({"outcome": "refused", "hours_per_week": None}, "valid_from"),  # a refusal with a period
    ({"outcome": "refused", "valid_from": None, "valid_to": None}, "hours_per_week"),  # … or with hours
    ({"evaluate_by": "2025-06-01"}, "evaluate_by"),
])
def test_bad_decisions_are_422_and_nothing_is_stored(case_officer, person, fields, field):
    body = {"person_id": person["id"], "service_code": "psykisk-helse-oppfolging", "hours_per_week": 2,
            "valid_from": "2026-01-01", "valid_to": "2026-12-31", "decided_on": "2026-01-01"}
    body.update(fields)
    body = {k: v for k, v in body.items() if v is not None}
    error = problem(case_officer.post("/api/v1/decisions", json=body), 422)
    assert field in error["errors"], error
    assert case_officer.get(f"/api/v1/decisions?person_id={person['id']}").get_json() == []


def test_168_hours_is_the_maximum_and_allowed(new_decision):
    assert new_decision(hours_per_week=168)["hours_per_week"] == 168


def test_refused_decision_has_no_period_or_hours(new_decision):
    refused = new_decision(outcome="refused", valid_from=None, valid_to=None, hours_per_week=None,
                           reasoning="Behovet dekkes av fastlegen.")
    assert refused["state"] == "refused"
    assert refused["valid_from"] is None and refused["hours_per_week"] is None
    assert refused["untimed"] is False


def test_non_hour_based_service_needs_no_hours(new_decision):
    decision = new_decision(service_code="kpr-6", hours_per_week=None, valid_to=None)
    assert decision["legal_basis"] == "pbrl-2-1a"
    assert decision["untimed"] is True


def test_notify_rules(case_officer, new_decision):
    draft = new_decision(decided_on=None)
    assert problem(case_officer.post(f"/api/v1/decisions/{draft['id']}/notify",
                                     json={"notified_on": "2026-03-01"}), 409)["state"] == "draft"
    decision = new_decision()  # decided 2025-12-15
    problem(case_officer.post(f"/api/v1/decisions/{decision['id']}/notify", json={"notified_on": "2025-12-14"}), 422)
    problem(case_officer.post(f"/api/v1/decisions/{decision['id']}/notify", json={"notified_on": "2026-03-04"}), 422)
    ok = case_officer.post(f"/api/v1/decisions/{decision['id']}/notify", json={"notified_on": "2025-12-16"})
    assert ok.status_code == 200 and ok.get_json()["appeal_deadline_on"] == "2026-01-13"
    problem(case_officer.post(f"/api/v1/decisions/{decision['id']}/notify", json={"notified_on": "2025-12-17"}), 409)


def test_end_with_reason(case_officer, new_decision):
    decision = new_decision()
    problem(case_officer.post(f"/api/v1/decisions/{decision['id']}/end", json={"ended_on": "2026-03-01"}), 422)
    ended = case_officer.post(f"/api/v1/decisions/{decision['id']}/end",
                              json={"ended_on": "2026-03-01", "end_reason": "Flyttet fra kommunen"})
    assert ended.status_code == 200, ended.get_json()
    assert ended.get_json()["state"] == "ended"
    assert ended.get_json()["end_reason"] == "Flyttet fra kommunen"
    again = problem(case_officer.post(f"/api/v1/decisions/{decision['id']}/end",
                                      json={"ended_on": "2026-03-02", "end_reason": "x" * 3}), 409)
    assert again["state"] == "ended" and "ended" in again["detail"]


def test_end_in_the_future_keeps_it_active_until_then(case_officer, new_decision, person):
    decision = new_decision()
    ended = case_officer.post(f"/api/v1/decisions/{decision['id']}/end",
                              json={"ended_on": "2026-04-01", "end_reason": "Ønsker å avslutte"}).get_json()
    assert ended["state"] == "active"
    on_last = case_officer.get(f"/api/v1/decisions?person_id={person['id']}&active_on=2026-03-31").get_json()
    on_end = case_officer.get(f"/api/v1/decisions?person_id={person['id']}&active_on=2026-04-01").get_json()
    assert [d["id"] for d in on_last] == [decision["id"]] and on_end == []
    error = problem(case_officer.post(f"/api/v1/decisions/{decision['id']}/end",
                                      json={"ended_on": "2027-01-01", "end_reason": "etter perioden"}), 422)
    assert "ended_on" in error["errors"]


def test_renewal_chain_starts_the_day_after_and_supersedes(case_officer, new_decision, person):
    first = new_decision(valid_from="2025-04-01", valid_to="2026-03-31", decided_on="2025-03-20")
    assert first["state"] == "expiring"
    second = case_officer.post(f"/api/v1/decisions/{first['id']}/renew",
                               json={"valid_to": "2026-09-30", "decided_on": "2026-03-02"})
    assert second.status_code == 201, second.get_json()
    second = second.get_json()
    assert second["valid_from"] == "2026-04-01"
    assert second["supersedes_id"] == first["id"]
    assert second["service_code"] == first["service_code"] and second["hours_per_week"] == 2
    assert second["state"] == "upcoming"
    old = case_officer.get(f"/api/v1/decisions/{first['id']}").get_json()
    assert old["state"] == "superseded" and old["superseded_by_id"] == second["id"]
    assert old["ended_on"] is None  # the periods meet, they do not overlap
    # a renewal of the renewal, with a different start and hours
    third = case_officer.post(f"/api/v1/decisions/{second['id']}/renew",
                              json={"valid_from": "2026-10-01", "valid_to": None, "hours_per_week": 4,
                                    "decided_on": "2026-03-03"}).get_json()
    assert third["supersedes_id"] == second["id"] and third["untimed"] is True
    # only one decision is active on each day across the chain
    for day, expected in (("2026-03-31", first), ("2026-04-01", second), ("2026-09-30", second),
                          ("2026-10-01", third)):
        active = case_officer.get(f"/api/v1/decisions?person_id={person['id']}&active_on={day}").get_json()
        assert [d["id"] for d in active] == [expected["id"]], day
    # a superseded decision cannot be renewed again
    assert problem(case_officer.post(f"/api/v1/decisions/{first['id']}/renew", json={}), 409)["state"] == "superseded"
    # an untimed decision needs an explicit start for its renewal
    error = problem(case_officer.post(f"/api/v1/decisions/{third['id']}/renew", json={}), 422)
    assert "valid_from" in error["errors"]


def test_a_decision_to_the_end_of_the_calendar_is_refused_and_the_last_day_renews(case_officer, new_decision,
                                                                                  person):
    """Found by the API fuzz test: renewing a decision valid to 9999-12-31 answered 500 (the day after overflowed)."""
    body = {"person_id": person["id"], "service_code": "psykisk-helse-oppfolging", "hours_per_week": 2,
            "valid_from": "2026-01-01", "valid_to": "9999-12-31", "decided_on": "2025-12-15"}
    error = problem(case_officer.post("/api/v1/decisions", json=body), 422)
    assert error["errors"] == {"valid_to": ["must be between 1850-01-01 and 2199-12-31"]}
    last = new_decision(valid_to="2199-12-31")
    renewed = case_officer.post(f"/api/v1/decisions/{last['id']}/renew", json={})
    assert renewed.status_code == 201, renewed.get_json()
    assert renewed.get_json()["valid_from"] == "2200-01-01"


def test_renewal_as_draft_blocks_a_second_renewal(case_officer, new_decision):
    first = new_decision()
    draft = case_officer.post(f"/api/v1/decisions/{first['id']}/renew", json={}).get_json()
    assert draft["state"] == "draft" and draft["valid_from"] == "2027-01-01"
    assert case_officer.get(f"/api/v1/decisions/{first['id']}").get_json()["state"] == "active"
    problem(case_officer.post(f"/api/v1/decisions/{first['id']}/renew", json={}), 409)


def test_correction_supersedes_and_ends_the_overlap(case_officer, new_decision, person):
    original = new_decision(valid_from="2026-01-01", valid_to="2026-12-31", hours_per_week=2)
    correction = case_officer.post("/api/v1/decisions", json={
        "person_id": person["id"], "supersedes_id": original["id"], "service_code": "psykisk-helse-oppfolging",
        "hours_per_week": 6, "valid_from": "2026-03-01", "valid_to": "2026-12-31", "decided_on": "2026-02-27",
        "reasoning": "Økt behov"})
    assert correction.status_code == 201, correction.get_json()
    old = case_officer.get(f"/api/v1/decisions/{original['id']}").get_json()
    assert old["state"] == "superseded" and old["ended_on"] == "2026-03-01"
    feb = case_officer.get(f"/api/v1/decisions?person_id={person['id']}&active_on=2026-02-28").get_json()
    mar = case_officer.get(f"/api/v1/decisions?person_id={person['id']}&active_on=2026-03-01").get_json()
    assert [d["hours_per_week"] for d in feb] == [2] and [d["hours_per_week"] for d in mar] == [6]


def test_refused_decision_cannot_be_renewed_or_ended(case_officer, new_decision):
    refused = new_decision(outcome="refused", valid_from=None, valid_to=None, hours_per_week=None)
    for action, body in (("renew", {}), ("end", {"ended_on": "2026-03-01", "end_reason": "nei"})):
        error = problem(case_officer.post(f"/api/v1/decisions/{refused['id']}/{action}", json=body), 409)
        assert error["state"] == "refused" and "refused" in error["detail"]


def test_list_filters(case_officer, new_decision, make_person, person):
    other = make_person(name="Ola Annen")
    a = new_decision(valid_to="2026-04-15")                                  # expiring in 43 days
    b = new_decision(service_code="rus-oppfolging", valid_to="2026-12-31")   # active
    c = new_decision(person_id=other["id"], valid_to=None)                   # untimed, other person
    ids = lambda url: {d["id"] for d in case_officer.get(url).get_json()}  # noqa: E731
    assert ids("/api/v1/decisions?state=expiring") >= {a["id"]}
    assert a["id"] not in ids("/api/v1/decisions?state=active")
    assert ids("/api/v1/decisions?service_code=rus-oppfolging") == {b["id"]}
    assert ids(f"/api/v1/decisions?person_id={other['id']}") == {c["id"]}
    assert ids("/api/v1/decisions?expiring_within=43") == {a["id"]}
    assert ids("/api/v1/decisions?expiring_within=42") == set()
    assert ids("/api/v1/decisions?active_on=2026-12-31") == {b["id"], c["id"]}
    assert ids("/api/v1/decisions?active_on=2027-01-01") == {c["id"]}
    problem(case_officer.get("/api/v1/decisions?state=sleeping"), 422)


def test_decision_for_a_withdrawn_referral_is_409(case_officer, person, new_referral, new_decision):
    referral = new_referral()
    case_officer.post(f"/api/v1/referrals/{referral['id']}/withdraw", json={"reason": "Trukket", "on": "2026-03-01"})
    body = {"person_id": person["id"], "referral_id": referral["id"], "service_code": "kpr-6",
            "valid_from": "2026-03-01", "decided_on": "2026-03-02"}
    assert problem(case_officer.post("/api/v1/decisions", json=body), 409)["state"] == "withdrawn"


def test_decision_for_another_persons_referral_is_422(case_officer, make_person, new_referral):
    referral = new_referral()
    other = make_person(name="Noen Andre")
    body = {"person_id": other["id"], "referral_id": referral["id"], "service_code": "kpr-6",
            "valid_from": "2026-03-01"}
    assert "referral_id" in problem(case_officer.post("/api/v1/decisions", json=body), 422)["errors"]


def test_appeal_rules(case_officer, new_decision):
    draft = new_decision(decided_on=None)
    assert problem(case_officer.post(f"/api/v1/decisions/{draft['id']}/appeals",
                                     json={"received_on": "2026-03-01"}), 409)["state"] == "draft"
    decision = new_decision()  # decided 2025-12-15
    for day in ("2025-12-14", "2026-03-04"):
        error = problem(case_officer.post(f"/api/v1/decisions/{decision['id']}/appeals", json={"received_on": day}), 422)
        assert "received_on" in error["errors"]
    assert case_officer.get(f"/api/v1/decisions/{decision['id']}/appeals").get_json() == []
    appeal = case_officer.post(f"/api/v1/decisions/{decision['id']}/appeals", json={"received_on": "2026-01-10"}).get_json()
    assert appeal["deadline_on"] is None and appeal["deadline_met"] is True  # never notified
    url = f"/api/v1/decisions/{decision['id']}/appeals/{appeal['id']}/status"
    problem(case_officer.post(url, json={"status": "reassessing", "on": "2026-01-09"}), 422)
    assert "on" in problem(case_officer.post(url, json={"status": "reassessing"}), 422)["errors"]  # never today
    assert case_officer.post(url, json={"status": "reassessing", "on": "2026-01-12"}).status_code == 200
    reversed_ = case_officer.post(url, json={"status": "reversed", "on": "2026-03-02"}).get_json()
    assert reversed_["status"] == "reversed" and reversed_["resolved_on"] == "2026-03-02"
    assert problem(case_officer.post(url, json={"status": "forwarded", "on": "2026-03-03"}),
                   409)["state"] == "reversed"
    problem(case_officer.post(url, json={"status": "finished", "on": "2026-03-03"}), 422)
    other = new_decision()
    problem(case_officer.get(f"/api/v1/decisions/{other['id']}/appeals/{appeal['id']}"), 404)


@pytest.mark.committed
def test_concurrent_renewals_create_one(app, committed_env, synthetic_id):
    import threading

    from tests.conftest import Caller

    town = committed_env.municipality()
    officer = committed_env.caller("case_officer", town)
    person = officer.post("/api/v1/persons", json={"name": "Samtidig Fornyelse", "national_id": synthetic_id()}).get_json()
    decision = officer.post("/api/v1/decisions", json={
        "person_id": person["id"], "service_code": "kpr-6", "valid_from": "2026-01-01", "valid_to": "2026-03-31",
        "decided_on": "2025-12-20"}).get_json()
    barrier, responses = threading.Barrier(4), []

    def renew():
        caller = Caller(app.test_client(), officer.token)
        barrier.wait()
        responses.append(caller.post(f"/api/v1/decisions/{decision['id']}/renew", json={"decided_on": "2026-03-03"}))

    threads = [threading.Thread(target=renew) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409], [r.get_json() for r in responses]
    chain = officer.get(f"/api/v1/decisions?person_id={person['id']}").get_json()
    assert len(chain) == 2
