"""Every flag kind, on a hand-built case: raised on its first day and not the day before, due on
the right day, assigned to whoever must act, and resolved when its cause goes away — at once by
the action that removes it, and by the ``deadlines`` job when the cause went away otherwise.

Dates are counted by hand in each test (windows: reply 7 days, decision 60, evaluations 14,
appeals 28, maximum stay 90, inspection 30, provider news 14; docs/worklist.md).
"""

from __future__ import annotations

import uuid

from service.decisions.models import Appeal, Decision
from service.housing.models import HousingNeed, HousingUnit, Tenancy
from service.plans.models import IndividualPlan
from service.referrals.models import Referral
from tests.helpers import ok
from tests.worklist.conftest import RED, YELLOW, day

API = "/api/v1"


def _only(flags):
    assert len(flags) == 1, [(f.kind, f.due_on, f.status) for f in flags]
    return flags[0]


def _raised_first_on(board, kind: str, day_before: str, first_day: str):
    """Nothing of ``kind`` the day before; one open flag on the first day (raised then)."""
    board.deadlines(day_before)
    assert board.flags(kind) == [], f"{kind} raised on {day_before}, the day before its first day"
    board.deadlines(first_day)
    flag = _only(board.flags(kind))
    assert flag.status == "open" and flag.raised_on == day(first_day)
    return flag


def _resolved(board, kind: str, by: str, on: str):
    flag = _only(board.flags(kind))
    assert (flag.status, flag.resolution, flag.resolved_on) == ("resolved", by, day(on)), \
        (flag.status, flag.resolution, flag.resolved_on)
    return flag


# --- referrals ------------------------------------------------------------------------------

def test_referral_reply_due_a_week_before_the_month_is_out(board, case_officer, new_referral):
    referral = new_referral(received_on="2026-02-10")  # answer due 10.03.2026
    flag = _raised_first_on(board, "referral_reply_due", "2026-03-02", "2026-03-03")
    assert flag.due_on == day("2026-03-10") and flag.assigned_to is None and flag.office == "case_office"
    assert str(flag.subject_id) == referral["id"] and str(flag.person_id) == referral["person_id"]

    # assigning the referral takes its open flags along
    ok(case_officer.post(f"{API}/referrals/{referral['id']}/assign", json={"user_id": str(case_officer.user_id)}))
    assert _only(board.flags("referral_reply_due")).assigned_to == case_officer.user_id

    # the preliminary reply is the action that removes the cause: resolved at once
    ok(case_officer.post(f"{API}/referrals/{referral['id']}/preliminary-reply", json={
        "sent_on": "2026-03-03", "reason": "Venter på epikrise", "expected_by": "2026-03-20"}))
    _resolved(board, "referral_reply_due", "action", "2026-03-03")


def test_referral_reply_due_resolved_by_the_job_when_the_referral_closed_otherwise(board, new_referral):
    referral = new_referral(received_on="2026-02-10")
    board.deadlines("2026-03-03")
    board.update(Referral, referral["id"], status="withdrawn", closed_on=day("2026-03-03"))
    counts = board.deadlines("2026-03-04")
    assert counts["resolved"] == {"referral_reply_due": 1}
    _resolved(board, "referral_reply_due", "job", "2026-03-04")


def test_referral_reply_due_at_month_ends_and_on_a_leap_day(board, new_referral):
    # 31 January + 1 month = 28 February (2026) / 29 February (2024): first day a week before
    new_referral(received_on="2026-01-31")
    flag = _raised_first_on(board, "referral_reply_due", "2026-02-20", "2026-02-21")
    assert flag.due_on == day("2026-02-28")
    new_referral(received_on="2024-01-31")
    board.deadlines("2024-02-21")
    assert [f.due_on for f in board.flags("referral_reply_due")] == [day("2026-02-28")]
    board.deadlines("2024-02-22")
    assert [f.due_on for f in board.flags("referral_reply_due")] == [day("2024-02-29"), day("2026-02-28")]


def test_referral_overdue_the_day_after_the_promised_answer(board, case_officer, new_referral, new_decision):
    referral = new_referral(received_on="2026-02-01")
    ok(case_officer.post(f"{API}/referrals/{referral['id']}/preliminary-reply", json={
        "sent_on": "2026-02-25", "reason": "Venter på epikrise", "expected_by": "2026-03-02"}))
    flag = _raised_first_on(board, "referral_overdue", "2026-03-02", "2026-03-03")
    assert flag.due_on == day("2026-03-02")
    # the decision answering the referral resolves it
    new_decision(referral_id=referral["id"], decided_on="2026-03-03")
    _resolved(board, "referral_overdue", "action", "2026-03-03")


def test_referral_overdue_resolved_by_the_job(board, case_officer, new_referral):
    referral = new_referral(received_on="2026-02-01")
    ok(case_officer.post(f"{API}/referrals/{referral['id']}/preliminary-reply", json={
        "sent_on": "2026-02-25", "reason": "Venter", "expected_by": "2026-03-02"}))
    board.deadlines("2026-03-03")
    board.update(Referral, referral["id"], status="forwarded", closed_on=day("2026-03-03"), forwarded_to="DPS")
    board.deadlines("2026-03-03")
    _resolved(board, "referral_overdue", "job", "2026-03-03")


# --- decisions and appeals ------------------------------------------------------------------

def test_decision_expiring_sixty_days_before_valid_to(board, case_officer, new_decision):
    decision = new_decision(valid_from="2026-01-01", valid_to="2026-05-01")
    # 01.05.2026 − 60 days = 02.03.2026
    flag = _raised_first_on(board, "decision_expiring", "2026-03-01", "2026-03-02")
    assert flag.due_on == day("2026-05-01")
    assert flag.assigned_to == case_officer.user_id  # the officer who decided it
    # renewing (decided at once) supersedes it: resolved in the same transaction
    ok(case_officer.post(f"{API}/decisions/{decision['id']}/renew",
                         json={"valid_to": "2027-05-01", "decided_on": "2026-03-03"}), 201)
    _resolved(board, "decision_expiring", "action", "2026-03-03")


def test_decision_expiring_is_resolved_by_the_job_once_it_expired(board, new_decision):
    new_decision(valid_from="2026-01-01", valid_to="2026-05-01")
    board.deadlines("2026-04-30")
    assert _only(board.open("decision_expiring")).due_on == day("2026-05-01")
    board.deadlines("2026-05-01")  # the last day: still expiring
    assert board.open("decision_expiring")
    board.deadlines("2026-05-02")
    _resolved(board, "decision_expiring", "job", "2026-05-02")


def test_a_draft_renewal_keeps_the_expiring_flag_until_it_is_decided(board, case_officer, new_decision):
    decision = new_decision(valid_from="2026-01-01", valid_to="2026-04-01")
    board.deadlines("2026-03-03")
    draft = ok(case_officer.post(f"{API}/decisions/{decision['id']}/renew", json={"valid_to": "2027-04-01"}), 201)
    assert board.open("decision_expiring")
    ok(case_officer.post(f"{API}/decisions/{draft['id']}/decide", json={"decided_on": "2026-03-03"}))
    _resolved(board, "decision_expiring", "action", "2026-03-03")


def test_decision_evaluation_due_fourteen_days_ahead(board, case_officer, new_decision):
    decision = new_decision(valid_from="2026-01-01", valid_to="2026-12-31", evaluate_by="2026-03-20")
    flag = _raised_first_on(board, "decision_evaluation_due", "2026-03-05", "2026-03-06")
    assert flag.due_on == day("2026-03-20")
    board.today("2026-03-06")
    ok(case_officer.post(f"{API}/decisions/{decision['id']}/end",
                         json={"ended_on": "2026-03-06", "end_reason": "Målene er nådd"}))
    _resolved(board, "decision_evaluation_due", "action", "2026-03-06")


def test_decision_evaluation_due_resolved_by_the_job(board, new_decision):
    decision = new_decision(valid_from="2026-01-01", valid_to="2026-12-31", evaluate_by="2026-03-20")
    board.deadlines("2026-03-10")
    board.update(Decision, decision["id"], ended_on=day("2026-03-10"), end_reason="Flyttet")
    board.deadlines("2026-03-11")
    _resolved(board, "decision_evaluation_due", "job", "2026-03-11")


def test_decision_untimed_from_its_first_active_day(board, case_officer, new_decision):
    decision = new_decision(valid_from="2026-03-10", valid_to=None)
    flag = _raised_first_on(board, "decision_untimed", "2026-03-09", "2026-03-10")
    assert flag.due_on == day("2026-03-10") and flag.assigned_to == case_officer.user_id
    board.today("2026-03-12")
    ok(case_officer.post(f"{API}/decisions/{decision['id']}/end",
                         json={"ended_on": "2026-03-12", "end_reason": "Tjenesten avsluttet"}))
    _resolved(board, "decision_untimed", "action", "2026-03-12")


def test_decision_untimed_resolved_by_the_job(board, new_decision):
    decision = new_decision(valid_from="2026-03-01", valid_to=None)
    board.deadlines("2026-03-03")
    board.update(Decision, decision["id"], valid_to=day("2026-12-31"))
    board.deadlines("2026-03-04")
    _resolved(board, "decision_untimed", "job", "2026-03-04")


def test_appeal_pending_four_weeks_after_it_was_received(board, case_officer, new_decision):
    decision = new_decision(valid_from="2026-01-01", valid_to="2026-12-31", decided_on="2026-01-05")
    ok(case_officer.post(f"{API}/decisions/{decision['id']}/notify", json={"notified_on": "2026-01-06"}))
    appeal = ok(case_officer.post(f"{API}/decisions/{decision['id']}/appeals", json={"received_on": "2026-02-01"}),
                201)
    # 01.02.2026 + 28 days = 01.03.2026
    flag = _raised_first_on(board, "appeal_pending", "2026-02-28", "2026-03-01")
    assert flag.due_on == day("2026-03-01") and flag.assigned_to == case_officer.user_id
    url = f"{API}/decisions/{decision['id']}/appeals/{appeal['id']}/status"
    ok(case_officer.post(url, json={"status": "reassessing", "on": "2026-03-02"}))
    assert board.open("appeal_pending"), "a reassessment does not end the wait"
    ok(case_officer.post(url, json={"status": "forwarded", "on": "2026-03-03"}))
    _resolved(board, "appeal_pending", "action", "2026-03-03")


def test_appeal_pending_on_a_leap_day_and_resolved_by_the_job(board, case_officer, new_decision):
    decision = new_decision(valid_from="2024-01-01", valid_to="2024-12-31", decided_on="2024-01-05")
    ok(case_officer.post(f"{API}/decisions/{decision['id']}/notify", json={"notified_on": "2024-01-10"}))
    appeal = ok(case_officer.post(f"{API}/decisions/{decision['id']}/appeals", json={"received_on": "2024-02-01"}),
                201)
    flag = _raised_first_on(board, "appeal_pending", "2024-02-28", "2024-02-29")
    assert flag.due_on == day("2024-02-29")
    board.update(Appeal, appeal["id"], status="reversed", resolved_on=day("2024-03-01"))
    board.deadlines("2024-03-01")
    _resolved(board, "appeal_pending", "job", "2024-03-01")


def test_unit_decision_changed_tells_the_provider_unit_news(board, case_officer, new_decision):
    decision = new_decision(valid_from="2026-03-10", valid_to="2026-04-30", decided_on="2026-03-03")
    board.deadlines("2026-03-02")
    assert board.flags("unit_decision_changed") == []
    board.deadlines("2026-03-03")
    news = _only(board.flags("unit_decision_changed"))
    assert (news.cause, news.due_on, news.office, news.assigned_to) == ("decided", day("2026-03-10"),
                                                                          "provider_unit", None)
    # 30.04.2026 − 60 days = 01.03.2026: expiring too once it runs
    board.deadlines("2026-03-10")
    assert {(f.cause, f.due_on) for f in board.open("unit_decision_changed")} == {
        ("decided", day("2026-03-10")), ("expiring", day("2026-04-30"))}
    # the news of the decision is old after 14 days (decided 03.03: still news on 16.03, not on 17.03)
    board.deadlines("2026-03-16")
    assert {f.cause for f in board.open("unit_decision_changed")} == {"decided", "expiring"}
    board.deadlines("2026-03-17")
    assert {f.cause for f in board.open("unit_decision_changed")} == {"expiring"}
    # renewing resolves the expiring news; the renewal is news of its own
    board.today("2026-03-17")
    ok(case_officer.post(f"{API}/decisions/{decision['id']}/renew",
                         json={"valid_to": "2026-12-31", "decided_on": "2026-03-17"}), 201)
    assert board.open("unit_decision_changed") == []
    board.deadlines("2026-03-17")
    renewal = _only(board.open("unit_decision_changed"))
    assert (renewal.cause, renewal.due_on) == ("decided", day("2026-05-01"))


def test_unit_decision_changed_when_a_decision_ended(board, case_officer, new_decision):
    decision = new_decision(valid_from="2026-01-01", valid_to=None)
    board.today("2026-03-05")
    ok(case_officer.post(f"{API}/decisions/{decision['id']}/end",
                         json={"ended_on": "2026-03-05", "end_reason": "Flyttet"}))
    board.deadlines("2026-03-04")
    assert [f.cause for f in board.flags("unit_decision_changed")] == []
    board.deadlines("2026-03-05")
    ended = _only(board.flags("unit_decision_changed"))
    assert (ended.cause, ended.due_on) == ("ended", day("2026-03-05"))
    board.deadlines("2026-03-19")
    _resolved(board, "unit_decision_changed", "job", "2026-03-19")


# --- individual plans ------------------------------------------------------------------------

def test_plan_evaluation_due_fourteen_days_ahead(board, env, town, case_officer, make_person):
    coordinator = env.caller("coordinator", town)
    plan = _active_plan(case_officer, coordinator, make_person(), next_evaluation_on="2026-03-20")
    flag = _raised_first_on(board, "plan_evaluation_due", "2026-03-05", "2026-03-06")
    assert flag.due_on == day("2026-03-20") and flag.assigned_to == coordinator.user_id
    board.today("2026-03-06")
    ok(coordinator.post(f"{API}/plans/{plan['id']}/evaluations", json={
        "evaluated_on": "2026-03-06", "summary": "Fremgang", "next_evaluation_on": "2026-09-06"}), 201)
    _resolved(board, "plan_evaluation_due", "action", "2026-03-06")


def test_plan_evaluation_due_goes_to_the_office_when_the_coordinator_is_a_name(board, case_officer, make_person):
    person = make_person()
    plan = ok(case_officer.post(f"{API}/plans", json={"person_id": person["id"], "requested_on": "2026-01-15"}), 201)
    ok(case_officer.post(f"{API}/plans/{plan['id']}/appoint-coordinator",
                         json={"name": "Kari Ekstern", "appointed_on": "2026-01-20"}))
    ok(case_officer.post(f"{API}/plans/{plan['id']}/consent", json={"given_on": "2026-01-21", "scope": "Individuell plan"}))
    board.update(IndividualPlan, plan["id"], status="active", activated_on=day("2026-01-25"),
                 next_evaluation_on=day("2026-03-10"))
    board.deadlines("2026-03-03")
    flag = _only(board.flags("plan_evaluation_due"))
    assert flag.assigned_to is None and flag.office == "case_office"
    board.update(IndividualPlan, plan["id"], status="closed", closed_on=day("2026-03-03"), close_reason="Flyttet")
    board.deadlines("2026-03-04")
    _resolved(board, "plan_evaluation_due", "job", "2026-03-04")


def test_plan_coordinator_missing_from_the_day_the_preparation_started(board, env, town, case_officer, make_person):
    person = make_person()
    plan = ok(case_officer.post(f"{API}/plans", json={"person_id": person["id"], "requested_on": "2026-02-01"}), 201)
    ok(case_officer.post(f"{API}/plans/{plan['id']}/consent", json={"given_on": "2026-02-20", "scope": "Individuell plan"}))
    flag = _raised_first_on(board, "plan_coordinator_missing", "2026-02-19", "2026-02-20")
    assert flag.due_on == day("2026-02-20") and flag.assigned_to is None
    coordinator = env.caller("coordinator", town)
    ok(case_officer.post(f"{API}/plans/{plan['id']}/appoint-coordinator",
                         json={"user_id": str(coordinator.user_id), "appointed_on": "2026-03-03"}))
    _resolved(board, "plan_coordinator_missing", "action", "2026-03-03")


def test_plan_coordinator_missing_resolved_by_the_job(board, case_officer, make_person):
    person = make_person()
    plan = ok(case_officer.post(f"{API}/plans", json={"person_id": person["id"], "requested_on": "2026-02-01"}), 201)
    ok(case_officer.post(f"{API}/plans/{plan['id']}/consent", json={"given_on": "2026-02-20", "scope": "Individuell plan"}))
    board.deadlines("2026-03-01")
    board.update(IndividualPlan, plan["id"], coordinator_name="Ola Ekstern")
    board.deadlines("2026-03-02")
    _resolved(board, "plan_coordinator_missing", "job", "2026-03-02")


def _active_plan(officer, coordinator, person, **activate) -> dict:
    plan = ok(officer.post(f"{API}/plans", json={"person_id": person["id"], "requested_on": "2026-01-15"}), 201)
    ok(officer.post(f"{API}/plans/{plan['id']}/appoint-coordinator",
                    json={"user_id": str(coordinator.user_id), "appointed_on": "2026-02-01"}))
    ok(coordinator.post(f"{API}/plans/{plan['id']}/consent", json={"given_on": "2026-02-02", "scope": "Individuell plan"}))
    return ok(coordinator.post(f"{API}/plans/{plan['id']}/activate", json={"activated_on": "2026-02-10", **activate}))


# --- housing -------------------------------------------------------------------------------

def _unit(housing_officer, **fields) -> dict:
    body = {"label": f"Enhet {uuid.uuid4().hex[:6]}", "unit_type": "ordinary_rental",
            "features": ["smoke_detector", "fire_extinguisher"], **fields}
    return ok(housing_officer.post(f"{API}/housing/units", json=body), 201)


def _housed(housing_officer, person, unit, *, need=None, start_on="2026-03-03", offered_on="2026-03-01",
            **offer) -> tuple[dict, dict]:
    need = need or ok(housing_officer.post(f"{API}/housing/needs", json={
        "person_id": person["id"], "category": "ordinary", "housing_situation": "housed_insecure",
        "registered_on": offered_on}), 201)
    made = ok(housing_officer.post(f"{API}/housing/offers", json={
        "unit_id": unit["id"], "need_id": need["id"], "offered_on": offered_on, "respond_by": "2026-03-03", **offer}),
        201)
    accepted = ok(housing_officer.post(f"{API}/housing/offers/{made['id']}/accept",
                                       json={"start_on": start_on, "responded_on": offered_on}))
    return need, accepted


def test_tenancy_limit_approaching_ninety_days_before_the_maximum_stay(board, housing_officer, make_person):
    flat = _unit(housing_officer, unit_type="training_flat", substance_free=True, max_stay_months=2)
    need = ok(housing_officer.post(f"{API}/housing/needs", json={
        "person_id": make_person()["id"], "category": "training_flat", "housing_situation": "institution_release",
        "registered_on": "2026-01-01"}), 201)
    _, accepted = _housed(housing_officer, None, flat, need=need, start_on="2026-03-03")
    # 03.03.2026 + 2 months = 03.05.2026; − 90 days = 02.02.2026: already within the window
    flag = _raised_first_on(board, "tenancy_limit_approaching", "2026-02-01", "2026-02-02")
    assert flag.due_on == day("2026-05-03") and flag.office == "housing_office"
    ok(housing_officer.post(f"{API}/housing/tenancies/{accepted['tenancy_id']}/end",
                            json={"ended_on": "2026-03-03", "reason": "moved_to_own_home"}))
    _resolved(board, "tenancy_limit_approaching", "action", "2026-03-03")


def test_tenancy_limit_from_a_leap_day_and_resolved_by_the_job(board, housing_officer, make_person):
    flat = _unit(housing_officer, unit_type="aftercare_flat", max_stay_months=24)
    need = ok(housing_officer.post(f"{API}/housing/needs", json={
        "person_id": make_person()["id"], "category": "aftercare", "housing_situation": "institution_release",
        "registered_on": "2024-01-01"}), 201)
    _, accepted = _housed(housing_officer, None, flat, need=need, start_on="2024-02-29", offered_on="2024-02-20",
                          respond_by="2024-02-28")
    tenancy = ok(housing_officer.get(f"{API}/housing/tenancies/{accepted['tenancy_id']}"))
    assert tenancy["planned_end_on"] == "2026-02-28"  # 29.02.2024 + 24 months
    # 28.02.2026 − 90 days = 30.11.2025
    _raised_first_on(board, "tenancy_limit_approaching", "2025-11-29", "2025-11-30")
    board.update(Tenancy, accepted["tenancy_id"], ended_on=day("2026-01-15"), end_reason="other")
    board.deadlines("2026-01-15")
    _resolved(board, "tenancy_limit_approaching", "job", "2026-01-15")


def test_offer_expired_raised_by_the_offers_job_which_frees_the_unit(board, housing_officer, make_person):
    unit = _unit(housing_officer)
    need = ok(housing_officer.post(f"{API}/housing/needs", json={
        "person_id": make_person()["id"], "category": "ordinary", "housing_situation": "with_friends_family",
        "registered_on": "2026-02-01"}), 201)
    offer = ok(housing_officer.post(f"{API}/housing/offers", json={
        "unit_id": unit["id"], "need_id": need["id"], "offered_on": "2026-02-20", "respond_by": "2026-03-01"}), 201)
    assert ok(housing_officer.get(f"{API}/housing/units/{unit['id']}"))["status"] == "reserved"
    assert board.offers("2026-03-01") == {"expired": 0, "raised": {}, "resolved": {}}
    board.deadlines("2026-03-02")
    assert board.flags("offer_expired") == [], "only the offers job raises it"
    assert board.offers("2026-03-02") == {"expired": 1, "raised": {"offer_expired": 1}, "resolved": {}}
    flag = _only(board.flags("offer_expired"))
    assert flag.due_on == day("2026-03-01") and flag.assigned_to == housing_officer.user_id
    assert ok(housing_officer.get(f"{API}/housing/offers/{offer['id']}"))["status"] == "expired"
    assert ok(housing_officer.get(f"{API}/housing/units/{unit['id']}"))["status"] == "available"
    assert ok(housing_officer.get(f"{API}/housing/needs/{need['id']}"))["status"] == "waiting"
    # a new offer for the need is the action
    ok(housing_officer.post(f"{API}/housing/offers", json={
        "unit_id": unit["id"], "need_id": need["id"], "offered_on": "2026-03-03", "respond_by": "2026-03-17"}), 201)
    _resolved(board, "offer_expired", "action", "2026-03-03")


def test_offer_expired_resolved_by_the_job_when_the_need_no_longer_waits(board, housing_officer, make_person):
    unit = _unit(housing_officer)
    need = ok(housing_officer.post(f"{API}/housing/needs", json={
        "person_id": make_person()["id"], "category": "ordinary", "housing_situation": "with_friends_family",
        "registered_on": "2026-02-01"}), 201)
    ok(housing_officer.post(f"{API}/housing/offers", json={
        "unit_id": unit["id"], "need_id": need["id"], "offered_on": "2026-02-20", "respond_by": "2026-03-01"}), 201)
    board.offers("2026-03-02")
    board.update(HousingNeed, need["id"], status="withdrawn", withdrawn_on=day("2026-03-02"))
    board.deadlines("2026-03-03")
    _resolved(board, "offer_expired", "job", "2026-03-03")


def test_unit_inspection_due_thirty_days_ahead(board, housing_officer):
    unit = _unit(housing_officer, next_inspection_on="2026-04-01")
    # 01.04.2026 − 30 days = 02.03.2026
    flag = _raised_first_on(board, "unit_inspection_due", "2026-03-01", "2026-03-02")
    assert flag.person_id is None and flag.due_on == day("2026-04-01")
    ok(housing_officer.post(f"{API}/housing/units/{unit['id']}/inspections", json={
        "inspected_on": "2026-03-03", "features": ["smoke_detector", "fire_extinguisher"]}))
    _resolved(board, "unit_inspection_due", "action", "2026-03-03")


def test_unit_inspection_due_resolved_by_the_job(board, housing_officer):
    unit = _unit(housing_officer, next_inspection_on="2026-03-10")
    board.deadlines("2026-03-03")
    board.update(HousingUnit, unit["id"], next_inspection_on=day("2027-03-10"))
    board.deadlines("2026-03-03")
    _resolved(board, "unit_inspection_due", "job", "2026-03-03")


def test_need_class_mismatch_from_the_tenancy_start(board, housing_officer, make_person):
    unit = _unit(housing_officer, unit_type="staffed_complex", features=YELLOW, staffing="round_the_clock")
    need = ok(housing_officer.post(f"{API}/housing/needs", json={
        "person_id": make_person()["id"], "category": "robust_supervised", "housing_situation": "sleeping_rough",
        "active_substance_use": True, "registered_on": "2026-02-01"}), 201)
    _, accepted = _housed(housing_officer, None, unit, need=need, start_on="2026-03-03",
                          class_mismatch_reason="Akutt behov; rød enhet ledig om tre måneder")
    flag = _raised_first_on(board, "need_class_mismatch", "2026-03-02", "2026-03-03")
    assert str(flag.subject_id) == accepted["tenancy_id"] and flag.due_on == day("2026-03-03")
    # an inspection that makes the unit red removes the cause
    ok(housing_officer.post(f"{API}/housing/units/{unit['id']}/inspections", json={
        "inspected_on": "2026-03-03", "features": RED}))
    _resolved(board, "need_class_mismatch", "action", "2026-03-03")


def test_need_class_mismatch_resolved_by_the_job(board, housing_officer, make_person):
    unit = _unit(housing_officer, unit_type="staffed_complex", features=YELLOW, staffing="round_the_clock")
    need = ok(housing_officer.post(f"{API}/housing/needs", json={
        "person_id": make_person()["id"], "category": "robust_supervised", "housing_situation": "sleeping_rough",
        "active_substance_use": True, "registered_on": "2026-02-01"}), 201)
    _, accepted = _housed(housing_officer, None, unit, need=need, start_on="2026-03-01",
                          class_mismatch_reason="Akutt behov")
    board.deadlines("2026-03-03")
    board.update(Tenancy, accepted["tenancy_id"], ended_on=day("2026-03-03"), end_reason="institution")
    board.deadlines("2026-03-04")
    _resolved(board, "need_class_mismatch", "job", "2026-03-04")
