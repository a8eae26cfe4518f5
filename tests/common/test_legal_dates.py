"""Dates with legal effect are always sent, never taken to be today (docs/cases.md, "Dates"):
without one the request is a 422 naming the date, before anything is looked up or changed."""

from __future__ import annotations

import uuid

import pytest

from tests.helpers import assert_problem as problem

ANY = str(uuid.uuid4())  # the body is refused before the row is looked for

# (role, path, body without the date, the date)
REQUIRED_DATES = [
    ("case_officer", f"/api/v1/decisions/{ANY}/decide", {}, "decided_on"),
    ("case_officer", f"/api/v1/decisions/{ANY}/notify", {"channel": "letter"}, "notified_on"),
    ("case_officer", f"/api/v1/decisions/{ANY}/end", {"end_reason": "Flyttet"}, "ended_on"),
    ("case_officer", f"/api/v1/decisions/{ANY}/appeals", {"summary": "Klage"}, "received_on"),
    ("case_officer", f"/api/v1/decisions/{ANY}/appeals/{ANY}/status", {"status": "reassessing"}, "on"),
    ("case_officer", f"/api/v1/referrals/{ANY}/preliminary-reply",
     {"reason": "Venter på epikrise", "expected_by": "2026-04-01"}, "sent_on"),
    ("case_officer", f"/api/v1/referrals/{ANY}/withdraw", {"reason": "Trukket"}, "on"),
    ("case_officer", f"/api/v1/referrals/{ANY}/forward", {"to": "DPS"}, "on"),
    ("case_officer", "/api/v1/plans", {"person_id": ANY}, "requested_on"),
    ("case_officer", f"/api/v1/plans/{ANY}/consent", {"scope": "Individuell plan"}, "given_on"),
    ("case_officer", f"/api/v1/plans/{ANY}/appoint-coordinator", {"name": "Kari Koordinator"}, "appointed_on"),
    ("coordinator", f"/api/v1/plans/{ANY}/activate", {}, "activated_on"),
    ("case_officer", f"/api/v1/plans/{ANY}/decline", {"coordinator_only": False}, "declined_on"),
    ("case_officer", f"/api/v1/plans/{ANY}/close", {"reason": "Flyttet"}, "closed_on"),
    ("coordinator", f"/api/v1/plans/{ANY}/evaluations",
     {"summary": "God fremgang", "next_evaluation_on": "2026-06-01"}, "evaluated_on"),
    ("housing_officer", "/api/v1/housing/needs",
     {"person_id": ANY, "category": "ordinary", "housing_situation": "housed"}, "registered_on"),
    ("housing_officer", f"/api/v1/housing/needs/{ANY}/withdraw", {"reason": "Fikk bolig selv"}, "withdrawn_on"),
    ("housing_officer", "/api/v1/housing/offers", {"unit_id": ANY, "need_id": ANY, "respond_by": "2026-03-17"},
     "offered_on"),
    ("housing_officer", f"/api/v1/housing/offers/{ANY}/accept", {}, "start_on"),
    ("housing_officer", f"/api/v1/housing/tenancies/{ANY}/end", {"reason": "moved"}, "ended_on"),
    ("housing_officer", f"/api/v1/housing/units/{ANY}/inspections", {"features": ["smoke_detector"]},
     "inspected_on"),
]


@pytest.mark.parametrize("role, path, body, date", REQUIRED_DATES,
                         ids=[f"{path.replace(ANY, '{id}')} {date}" for _, path, _, date in REQUIRED_DATES])
def test_a_date_with_legal_effect_is_never_defaulted(env, town, role, path, body, date):
    response = env.caller(role, town).post(path, json=body)
    assert date in problem(response, 422)["errors"]


def test_the_offices_own_working_steps_still_default_to_today(case_officer, new_referral):
    """Starting the assessment is the office's own step, registered when it is taken: no deadline
    runs from it, so it defaults to today (the table in docs/cases.md)."""
    referral = new_referral()
    started = case_officer.post(f"/api/v1/referrals/{referral['id']}/start-assessment", json={})
    assert started.status_code == 200 and started.get_json()["assessment_started_on"] == "2026-03-03"
