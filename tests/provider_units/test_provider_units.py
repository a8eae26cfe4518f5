"""The provider-unit register (docs/cases.md, "Provider units"): kept by the administrator, named by
decisions and provider users, and the need-to-know rule of providers compares units by id."""

from __future__ import annotations

import pytest

UNITS = "/api/v1/provider-units"
DECISIONS = "/api/v1/decisions"


@pytest.fixture
def admin(env, town):
    return env.caller("admin", town)


@pytest.fixture
def decision_body(person):
    def make(**fields) -> dict:
        body = {"person_id": person["id"], "service_code": "kpr-6", "valid_from": "2026-01-01",
                "decided_on": "2025-12-15"}
        body.update(fields)
        return {k: v for k, v in body.items() if v is not None}

    return make


@pytest.fixture
def person(make_person):
    return make_person(name="Per Enhet")


def test_a_new_municipality_starts_with_no_units(env, town, admin):
    assert admin.get(UNITS).get_json() == []


def test_the_administrator_keeps_the_register(admin, problem):
    created = admin.post(UNITS, json={"name": "  Rusteamet "})
    assert created.status_code == 201 and created.headers["ETag"] == '"v1"'
    unit = created.get_json()
    assert (unit["name"], unit["active"]) == ("Rusteamet", True)
    assert problem(admin.post(UNITS, json={"name": "Rusteamet"}), 409)["existing_id"] == unit["id"]
    admin.post(UNITS, json={"name": "Hjemmetjenesten"})
    assert [u["name"] for u in admin.get(UNITS).get_json()] == ["Hjemmetjenesten", "Rusteamet"]

    url = f"{UNITS}/{unit['id']}"
    problem(admin.patch(url, json={"name": "Rus- og psykisk helseteam"}), 428)
    problem(admin.patch(url, json={"name": "Rus- og psykisk helseteam"}, headers={"If-Match": '"v9"'}), 412)
    problem(admin.patch(url, json={"name": "Hjemmetjenesten"}, headers={"If-Match": '"v1"'}), 409)
    renamed = admin.patch(url, json={"name": "Rus- og psykisk helseteam"}, headers={"If-Match": '"v1"'})
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "Rus- og psykisk helseteam"
    retired = admin.patch(url, json={"active": False}, headers={"If-Match": renamed.headers["ETag"]}).get_json()
    assert retired["active"] is False
    assert [u["name"] for u in admin.get(UNITS, query_string={"active": "true"}).get_json()] == ["Hjemmetjenesten"]
    problem(admin.post(UNITS, json={"name": "   "}), 422)


@pytest.mark.parametrize("role, may_read", [("case_officer", True), ("housing_officer", True),
                                            ("coordinator", True), ("provider", True), ("planner", True),
                                            ("auditor", False)])
def test_who_reads_and_who_writes_the_register(env, town, role, may_read, problem):
    caller = env.caller(role, town)
    assert caller.get(UNITS).status_code == (200 if may_read else 403)
    problem(caller.post(UNITS, json={"name": "Nytt team"}), 403)


def test_another_municipalitys_unit_does_not_exist(env, town, admin, decision_body, problem):
    elsewhere = env.municipality()
    foreign_unit = env.provider_unit(elsewhere, "Psykisk helseteam")
    problem(admin.get(f"{UNITS}/{foreign_unit}"), 404)
    problem(admin.patch(f"{UNITS}/{foreign_unit}", json={"active": False}, headers={"If-Match": '"v1"'}), 404)
    officer = env.caller("case_officer", town)
    error = problem(officer.post(DECISIONS, json=decision_body(provider_unit_id=foreign_unit)), 422)
    assert "provider_unit_id" in error["errors"]


def test_a_decision_names_its_unit_by_name_or_id_and_answers_both(env, town, case_officer, decision_body):
    unit_id = env.provider_unit(town, "Psykisk helseteam")
    by_name = case_officer.post(DECISIONS, json=decision_body(provider_unit="Psykisk helseteam")).get_json()
    by_id = case_officer.post(DECISIONS, json=decision_body(provider_unit_id=unit_id)).get_json()
    for decision in (by_name, by_id):
        assert (decision["provider_unit_id"], decision["provider_unit"]) == (unit_id, "Psykisk helseteam")
    none = case_officer.post(DECISIONS, json=decision_body()).get_json()
    assert (none["provider_unit_id"], none["provider_unit"]) == (None, None)


def test_a_name_the_register_lacks_is_422_listing_the_units(env, town, case_officer, decision_body, problem):
    env.provider_unit(town, "Psykisk helseteam")
    env.provider_unit(town, "Hjemmetjenesten")
    error = problem(case_officer.post(DECISIONS, json=decision_body(provider_unit="Psykisk helsetem")), 422)
    assert error["known_units"] == ["Hjemmetjenesten", "Psykisk helseteam"]
    assert error["errors"]["provider_unit"] == ["no provider unit named Psykisk helsetem",
                                                "known units: Hjemmetjenesten, Psykisk helseteam"]
    hjemme = env.provider_unit(town, "Hjemmetjenesten")
    mixed = decision_body(provider_unit="Psykisk helseteam", provider_unit_id=hjemme)
    assert "provider_unit" in problem(case_officer.post(DECISIONS, json=mixed), 422)["errors"]
    assert case_officer.get(DECISIONS).get_json() == []


def test_the_provider_sees_its_units_decisions_whatever_the_unit_is_called(env, town, admin, case_officer,
                                                                           decision_body):
    unit_id = env.provider_unit(town, "Psykisk helseteam")
    provider = env.caller("provider", town, provider_unit="Psykisk helseteam")
    decision = case_officer.post(DECISIONS, json=decision_body(provider_unit=" Psykisk helseteam ")).get_json()
    assert decision["provider_unit_id"] == unit_id  # the name is trimmed, never a new unit
    unit = admin.get(f"{UNITS}/{unit_id}")
    admin.patch(f"{UNITS}/{unit_id}", json={"name": "Psykisk helse- og rusteam"},
                headers={"If-Match": unit.headers["ETag"]})
    seen = provider.get(DECISIONS).get_json()
    assert [(d["id"], d["provider_unit"]) for d in seen] == [(decision["id"], "Psykisk helse- og rusteam")]
    assert provider.get(f"/api/v1/persons/{decision['person_id']}").status_code == 200
    me = provider.get("/api/v1/me").get_json()
    assert (me["provider_unit_id"], me["provider_unit"]) == (unit_id, "Psykisk helse- og rusteam")


def test_a_retired_unit_keeps_its_decisions_but_takes_no_new_ones(env, town, admin, case_officer, decision_body,
                                                                 problem):
    unit_id = env.provider_unit(town, "Dagsenteret")
    provider = env.caller("provider", town, provider_unit="Dagsenteret")
    kept = case_officer.post(DECISIONS, json=decision_body(provider_unit="Dagsenteret", valid_to="2026-03-31"))
    kept = kept.get_json()
    draft = case_officer.post(DECISIONS, json=decision_body(provider_unit="Dagsenteret", decided_on=None))
    draft = draft.get_json()
    admin.patch(f"{UNITS}/{unit_id}", json={"active": False}, headers={"If-Match": '"v1"'})

    assert "provider_unit" in problem(case_officer.post(DECISIONS, json=decision_body(
        provider_unit="Dagsenteret")), 422)["errors"]
    assert "provider_unit" in problem(case_officer.post(f"{DECISIONS}/{draft['id']}/decide",
                                                        json={"decided_on": "2026-03-01"}), 422)["errors"]
    assert "provider_unit" in problem(case_officer.post(f"{DECISIONS}/{kept['id']}/renew",
                                                        json={"decided_on": "2026-03-02"}), 422)["errors"]
    other = env.provider_unit(town, "Aktivitetshuset")
    renewed = case_officer.post(f"{DECISIONS}/{kept['id']}/renew",
                                json={"decided_on": "2026-03-02", "provider_unit_id": other})
    assert renewed.status_code == 201 and renewed.get_json()["provider_unit"] == "Aktivitetshuset"
    assert [d["id"] for d in provider.get(DECISIONS).get_json()] == [kept["id"]]
    assert case_officer.get(f"{DECISIONS}/{kept['id']}").get_json()["provider_unit"] == "Dagsenteret"


def test_a_renewal_keeps_the_unit(env, town, case_officer, decision_body):
    unit_id = env.provider_unit(town, "Psykisk helseteam")
    old = case_officer.post(DECISIONS, json=decision_body(provider_unit_id=unit_id, valid_to="2026-06-30")).get_json()
    renewed = case_officer.post(f"{DECISIONS}/{old['id']}/renew", json={}).get_json()
    assert renewed["provider_unit_id"] == unit_id and renewed["state"] == "draft"


def test_lists_filter_by_unit_name_or_id(env, town, case_officer, decision_body, problem):
    team = env.provider_unit(town, "Psykisk helseteam")
    home = env.provider_unit(town, "Hjemmetjenesten")
    mine = case_officer.post(DECISIONS, json=decision_body(provider_unit_id=team)).get_json()
    case_officer.post(DECISIONS, json=decision_body(provider_unit_id=home))
    assert [d["id"] for d in case_officer.get(DECISIONS, query_string={"provider_unit": "Psykisk helseteam"})
            .get_json()] == [mine["id"]]
    assert [d["id"] for d in case_officer.get(DECISIONS, query_string={"provider_unit_id": team})
            .get_json()] == [mine["id"]]
    error = problem(case_officer.get(DECISIONS, query_string={"provider_unit": "Psykisk"}), 422)
    assert error["known_units"] == ["Hjemmetjenesten", "Psykisk helseteam"]


def test_a_provider_user_names_a_unit_of_the_register(app, env, town):
    from service.auth import services as auth
    from service.common.errors import ValidationFailed

    with app.app_context(), pytest.raises(ValidationFailed) as refused:
        auth.create_user(town, "ny.utforer", "provider", provider_unit="Psykisk helseteam")
    assert "ingen tjenesteutøvere ennå" in refused.value.detail  # no request: the default language, bokmål
    env.provider_unit(town, "Psykisk helseteam")
    provider = env.caller("provider", town, provider_unit="Psykisk helseteam", username="ny.utforer")
    assert provider.get("/api/v1/me").get_json()["provider_unit"] == "Psykisk helseteam"


def test_reads_of_the_register_are_not_audited_but_changes_are(env, town, admin):
    auditor = env.caller("auditor", town)
    created = admin.post(UNITS, json={"name": "Rusteamet"}).get_json()
    admin.get(UNITS)
    admin.get(f"{UNITS}/{created['id']}")
    events = auditor.get("/api/v1/audit", query_string={"object_id": created["id"]}).get_json()
    assert [(e["action"], e["object_type"]) for e in events] == [("create", "provider_unit")]
