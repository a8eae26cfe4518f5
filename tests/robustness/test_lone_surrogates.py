"""Finding 2 of issue 18: a lone UTF-16 surrogate in free text (``"a\\ud83db"``, which JSON may
spell and Python decodes, but UTF-8 cannot encode) answered 500 in 23 of 28 text fields on
PostgreSQL. One rule, beside the NUL rule, refuses it before any schema or database sees it: 422
naming the field. (SQLite stores such text, so these tests pin the refusal, not the crash.)"""

from __future__ import annotations

import pytest

PERSONS = "/api/v1/persons"
LONE = "a\ud83db"  # the high half of 😀 without its low half
MESSAGE = "must not contain unpaired surrogate characters (invalid Unicode)"


def refused(problem, response, field: str) -> None:
    body = problem(response, 422)
    assert body["type"] == "urn:tjenestespor:problem:validation_failed"
    assert body["errors"] == {field: [MESSAGE]}, body


@pytest.mark.parametrize("text", [LONE, "\ud83d", "\ude00 alone", "x\udfff", "\ud800"])
def test_a_lone_surrogate_in_a_person_field_is_422(text, case_officer, synthetic_id, problem, total):
    response = case_officer.post(PERSONS, json={"name": "Kari", "national_id": synthetic_id(), "district": text})
    refused(problem, response, "district")
    assert total(case_officer.get(PERSONS)) == 0


def test_a_pair_that_makes_one_character_is_text_like_any_other(case_officer, synthetic_id):
    """\\ud83d\\ude00 is how JSON spells 😀: a whole character, stored and given back."""
    body = '{"name": "Kari \\ud83d\\ude00", "national_id": "%s"}' % synthetic_id()
    response = case_officer.client.post(PERSONS, data=body, headers={
        "Authorization": f"Bearer {case_officer.token}", "Content-Type": "application/json"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["name"] == "Kari 😀"


def test_the_free_text_fields_the_probe_found_are_refused(env, town, case_officer, housing_officer, person,
                                                          new_referral, new_decision, problem):
    """A sample of the 23 fields that failed on PostgreSQL, one per feature."""
    admin = env.caller("admin", town)
    refused(problem, case_officer.post("/api/v1/referrals", json={
        "person_id": person["id"], "received_on": "2026-02-10", "source": "gp", "channel": "electronic_message",
        "requested_services": ["psykisk-helse-oppfolging"], "summary": LONE}), "summary")
    refused(problem, case_officer.post("/api/v1/referrals", json={
        "person_id": person["id"], "received_on": "2026-02-10", "source": "gp", "channel": "electronic_message",
        "requested_services": [LONE]}), "requested_services.0")
    refused(problem, case_officer.post("/api/v1/decisions", json={
        "person_id": person["id"], "service_code": "psykisk-helse-oppfolging", "hours_per_week": 2,
        "valid_from": "2026-01-01", "valid_to": "2026-12-31", "provider_unit": "Psykisk helseteam",
        "decided_on": "2025-12-15", "reasoning": LONE}), "reasoning")
    refused(problem, case_officer.post("/api/v1/plans", json={
        "person_id": person["id"], "requested_on": "2026-01-15", "needs": LONE}), "needs")
    refused(problem, housing_officer.post("/api/v1/housing/units", json={
        "label": "Sikker 1", "unit_type": "ordinary_rental", "address": LONE}), "address")
    refused(problem, housing_officer.post("/api/v1/housing/needs", json={
        "person_id": person["id"], "category": "ordinary", "housing_situation": "housed_insecure",
        "registered_on": "2026-03-01", "notes": LONE}), "notes")
    refused(problem, admin.post("/api/v1/services", json={
        "code": "ny-tjeneste", "name_nb": LONE, "report_group": "home_based"}), "name_nb")
    # A PATCH too, and nothing changed.
    referral = new_referral()
    response = case_officer.patch(f"/api/v1/referrals/{referral['id']}", json={"summary": LONE},
                                  headers={"If-Match": '"v1"'})
    refused(problem, response, "summary")
    assert case_officer.get(f"/api/v1/referrals/{referral['id']}").get_json()["summary"] == referral["summary"]


def test_a_lone_surrogate_in_a_field_name_is_named_escaped(case_officer, synthetic_id, problem):
    response = case_officer.post(PERSONS, json={"name": "Kari", "national_id": synthetic_id(), "bad\ud83dkey": 1})
    refused(problem, response, "bad\\ud83dkey")


def test_an_invalid_utf8_query_is_not_a_500(case_officer):
    """Werkzeug decodes a query as UTF-8 with replacement characters, so no surrogate gets through."""
    response = case_officer.get(f"{PERSONS}?name=%ED%A0%BDx")
    assert response.status_code == 200
