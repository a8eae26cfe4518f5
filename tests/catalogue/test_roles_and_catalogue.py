"""Who may do what: only case officers write cases; providers read their unit's decisions;
planners read no person-level data; admins edit the catalogue and see no health data."""

import pytest

from tests.helpers import assert_problem as problem


@pytest.mark.parametrize("role", ["provider", "planner", "coordinator", "housing_officer", "auditor", "admin"])
def test_only_case_officers_write_referrals_and_decisions(env, town, person, new_referral,
                                                                   new_decision, role):
    caller = env.caller(role, town)
    referral, decision = new_referral(), new_decision()
    attempts = [
        caller.post("/api/v1/referrals", json={"person_id": person["id"], "received_on": "2026-03-01",
                                               "source": "gp", "channel": "letter"}),
        caller.post(f"/api/v1/referrals/{referral['id']}/withdraw", json={}),
        caller.post("/api/v1/decisions", json={"person_id": person["id"], "service_code": "kpr-6",
                                               "valid_from": "2026-03-01"}),
        caller.post(f"/api/v1/decisions/{decision['id']}/end", json={"ended_on": "2026-03-01", "end_reason": "nei"}),
        caller.post(f"/api/v1/decisions/{decision['id']}/renew", json={}),
        caller.post(f"/api/v1/decisions/{decision['id']}/appeals", json={"received_on": "2026-03-01"}),
    ]
    for response in attempts:
        problem(response, 403)


def test_the_admin_is_a_technical_role_without_health_data(env, town, person, new_referral, new_decision):
    """Issue 11: the admin read and wrote persons, referrals and decisions with unmasked national
    ids; a municipality that wants its administrator to work cases gives them a second,
    case-officer account."""
    admin = env.caller("admin", town)
    referral, decision = new_referral(), new_decision()
    for url in ("/api/v1/persons", f"/api/v1/persons/{person['id']}", f"/api/v1/persons/{person['id']}/overview",
                "/api/v1/referrals", f"/api/v1/referrals/{referral['id']}", "/api/v1/decisions",
                f"/api/v1/decisions/{decision['id']}", f"/api/v1/decisions/{decision['id']}/appeals",
                "/api/v1/plans", "/api/v1/housing/needs", "/api/v1/housing/tenancies", "/api/v1/person-blocks"):
        problem(admin.get(url), 403)
    problem(admin.post("/api/v1/persons/search", json={"national_id": person["national_id"]}), 403)
    problem(admin.post("/api/v1/decisions", json={"person_id": person["id"], "service_code": "kpr-6",
                                                  "valid_from": "2026-03-01", "decided_on": "2026-03-01"}), 403)
    # ... and keeps its technical work: users, the catalogue, the provider units.
    for url in ("/api/v1/users", "/api/v1/service-catalogue", "/api/v1/provider-units"):
        assert admin.get(url).status_code == 200, url


def test_provider_reads_only_its_own_units_decisions(env, town, case_officer, new_decision, make_person):
    mine = new_decision(provider_unit="Psykisk helseteam")
    theirs = new_decision(person_id=make_person(name="Annen Bruker")["id"], provider_unit="Hjemmetjenesten")
    draft = new_decision(provider_unit="Psykisk helseteam", decided_on=None)
    provider = env.caller("provider", town, provider_unit="Psykisk helseteam")
    listed = provider.get("/api/v1/decisions")
    assert listed.status_code == 200
    assert [d["id"] for d in listed.get_json()] == [mine["id"]]
    assert provider.get(f"/api/v1/decisions/{mine['id']}").status_code == 200
    problem(provider.get(f"/api/v1/decisions/{theirs['id']}"), 404)
    problem(provider.get(f"/api/v1/decisions/{draft['id']}"), 404)
    problem(provider.get("/api/v1/referrals"), 403)
    problem(provider.get(f"/api/v1/decisions/{mine['id']}/appeals"), 403)
    # the person scope: the provider sees the person served, not the other one
    assert provider.get(f"/api/v1/persons/{mine['person_id']}").status_code == 200
    problem(provider.get(f"/api/v1/persons/{theirs['person_id']}"), 404)


def test_planner_reads_nothing_person_level_but_the_catalogue(env, town, new_referral, new_decision):
    planner = env.caller("planner", town)
    referral, decision = new_referral(), new_decision()
    for url in ("/api/v1/referrals", f"/api/v1/referrals/{referral['id']}", "/api/v1/decisions",
                f"/api/v1/decisions/{decision['id']}", f"/api/v1/decisions/{decision['id']}/appeals",
                f"/api/v1/persons/{decision['person_id']}/overview"):
        problem(planner.get(url), 403)
    assert planner.get("/api/v1/service-catalogue").status_code == 200
    assert planner.get("/api/v1/service-catalogue/legal-bases").status_code == 200


def test_catalogue_is_seeded_with_national_and_local_services(case_officer):
    services = {s["code"]: s for s in case_officer.get("/api/v1/service-catalogue").get_json()}
    kpr = {s["kpr_code"] for s in services.values() if s["kpr_code"]}
    assert kpr == {"1", "2", "3", "4", "6", "7", "8", "9", "11", "15", "17", "18", "19", "20", "21",
                   "25", "27", "28", "29"}
    assert services["kpr-15"]["hour_based"] is True and services["kpr-6"]["hour_based"] is False
    for code, group in (("psykisk-helse-oppfolging", "home_based"), ("rask-psykisk-helsehjelp", "rapid_mental_health"),
                        ("rus-oppfolging", "substance_care"), ("rus-praktisk-bistand-opplaering", "substance_care"),
                        ("bo-og-veiledning", "housing_support"), ("aktivitetstilbud", "activity"),
                        ("individuell-plan-koordinator", "other"), ("boligsosial-bistand", "housing_support"),
                        ("midlertidig-botilbud", "housing_support")):
        assert services[code]["report_group"] == group, code
    bases = {b["code"]: b for b in case_officer.get("/api/v1/service-catalogue/legal-bases").get_json()}
    assert bases["hol-3-2-6a"]["appeal_period_days"] == 28
    assert bases["hol-3-2-6a"]["appeal_rule"] == "pasient- og brukerrettighetsloven § 7-5"
    assert bases["stjl-27"]["appeal_period_days"] == 21
    assert bases["boligsosialloven-6"]["appeal_rule"] == "forvaltningsloven § 29"
    assert all(s["default_legal_basis"] in bases for s in services.values())
    filtered = case_officer.get("/api/v1/service-catalogue?report_group=substance_care").get_json()
    assert {s["code"] for s in filtered} == {"rus-oppfolging", "rus-praktisk-bistand-opplaering"}


def test_admin_edits_the_catalogue_with_if_match(env, town, case_officer, person):
    admin = env.caller("admin", town)
    problem(case_officer.patch("/api/v1/service-catalogue/kpr-6", json={"active": False},
                               headers={"If-Match": '"v1"'}), 403)
    problem(admin.patch("/api/v1/service-catalogue/kpr-6", json={"active": False}), 428)
    problem(admin.patch("/api/v1/service-catalogue/kpr-6", json={"active": False}, headers={"If-Match": '"v9"'}), 412)
    problem(admin.patch("/api/v1/service-catalogue/kpr-6", json={"default_legal_basis": "nope"},
                        headers={"If-Match": '"v1"'}), 422)
    ok = admin.patch("/api/v1/service-catalogue/kpr-6", json={"active": False}, headers={"If-Match": '"v1"'})
    assert ok.status_code == 200 and ok.get_json()["active"] is False
    retired = problem(case_officer.post("/api/v1/decisions", json={
        "person_id": person["id"], "service_code": "kpr-6", "valid_from": "2026-03-01"}), 422)
    assert "service_code" in retired["errors"]
    created = admin.post("/api/v1/service-catalogue", json={
        "code": "lavterskel-kafe", "name_nb": "Lavterskel kafétilbud", "hour_based": False,
        "report_group": "activity", "default_legal_basis": "pbrl-2-1a"})
    assert created.status_code == 201, created.get_json()
    problem(admin.post("/api/v1/service-catalogue", json={
        "code": "lavterskel-kafe", "name_nb": "x", "hour_based": False, "report_group": "activity"}), 409)
    problem(admin.post("/api/v1/service-catalogue", json={
        "code": "x", "name_nb": "x", "hour_based": False, "report_group": "nowhere"}), 422)
    basis = admin.patch("/api/v1/service-catalogue/legal-bases/stjl-27", json={"appeal_period_days": 22},
                        headers={"If-Match": '"v1"'})
    assert basis.status_code == 200 and basis.get_json()["appeal_period_days"] == 22
    # the catalogue is the municipality's own: another municipality is unaffected
    other_admin = env.caller("admin", env.municipality())
    assert other_admin.get("/api/v1/service-catalogue/legal-bases/stjl-27").get_json()["appeal_period_days"] == 21
    assert other_admin.get("/api/v1/service-catalogue/lavterskel-kafe").status_code == 404
