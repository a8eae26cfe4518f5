"""Persons: register, read, list, correct, search; who sees the national id; need-to-know."""

from __future__ import annotations

import datetime as dt

import pytest

from service.auth import matrix
from service.common.contributions import for_app
from service.persons.models import Person
from service.persons.national_id import compute_check_digits

PERSONS = "/api/v1/persons"


def d_number(day: int, month: int, year: int, individual: int = 100) -> str:
    """A D-number (day + 40) with valid check digits, built by hand for the test."""
    for ind in range(individual, individual + 100):
        first_nine = f"{day + 40:02d}{month:02d}{year % 100:02d}{ind:03d}"
        checks = compute_check_digits(first_nine)
        if checks is not None:
            return f"{first_nine}{checks[0]}{checks[1]}"
    raise AssertionError("no D-number found")


# --- create and read ---------------------------------------------------------

def test_create_returns_the_person_with_etag_and_derived_birth_date(case_officer, synthetic_id):
    national_id = synthetic_id(dt.date(1985, 6, 15))
    response = case_officer.post(PERSONS, json={"name": "  Kari Nordmann ", "national_id": national_id,
                                                "sex": "female", "district": "Sannidal",
                                                "has_minor_children": "yes"})
    assert response.status_code == 201
    assert response.headers["ETag"] == '"v1"'
    person = response.get_json()
    assert person["name"] == "Kari Nordmann"
    assert person["national_id"] == national_id
    assert person["birth_date"] == "1985-06-15"
    assert person["version"] == 1
    assert person["national_id_missing_reason"] is None
    assert (person["sex"], person["district"], person["has_minor_children"]) == ("female", "Sannidal", "yes")

    read = case_officer.get(f"{PERSONS}/{person['id']}")
    assert read.status_code == 200
    assert read.get_json() == person
    assert read.headers["ETag"] == '"v1"'
    assert read.headers["Cache-Control"] == "no-store"


def test_has_minor_children_defaults_to_unknown(case_officer, synthetic_id, problem):
    response = case_officer.post(PERSONS, json={"name": "Uten Svar", "national_id": synthetic_id()})
    assert response.status_code == 201
    assert response.get_json()["has_minor_children"] == "unknown"
    assert response.get_json()["sex"] is None
    null = case_officer.post(PERSONS, json={"name": "Null", "national_id": synthetic_id(),
                                            "has_minor_children": None})
    assert set(problem(null, 422)["errors"]) == {"has_minor_children"}


def test_birth_date_given_with_a_national_id_must_agree(case_officer, synthetic_id, problem, total):
    national_id = synthetic_id(dt.date(1985, 6, 15))
    ok = case_officer.post(PERSONS, json={"name": "A", "national_id": national_id, "birth_date": "1985-06-15"})
    assert ok.status_code == 201
    wrong = case_officer.post(PERSONS, json={"name": "B", "national_id": synthetic_id(dt.date(1985, 6, 15)),
                                             "birth_date": "1985-06-16"})
    body = problem(wrong, 422)
    assert set(body["errors"]) == {"birth_date"}
    assert total(case_officer.get(PERSONS)) == 1


def test_a_d_number_is_accepted_and_gives_the_real_birth_date(case_officer):
    number = d_number(5, 11, 1972)
    response = case_officer.post(PERSONS, json={"name": "Jan Utlending", "national_id": number})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["birth_date"] == "1972-11-05"
    assert response.get_json()["national_id"] == number


def test_a_person_without_a_national_id_needs_a_reason_and_a_birth_date(case_officer, problem, total):
    no_reason = case_officer.post(PERSONS, json={"name": "Ukjent", "birth_date": "1990-01-02"})
    assert set(problem(no_reason, 422)["errors"]) == {"national_id_missing_reason"}
    null_id = case_officer.post(PERSONS, json={"name": "Ukjent", "national_id": None, "birth_date": "1990-01-02"})
    assert set(problem(null_id, 422)["errors"]) == {"national_id_missing_reason"}
    no_birth = case_officer.post(PERSONS, json={"name": "Ukjent", "national_id_missing_reason": "Ikke tildelt"})
    assert set(problem(no_birth, 422)["errors"]) == {"birth_date"}
    assert total(case_officer.get(PERSONS)) == 0

    ok = case_officer.post(PERSONS, json={"name": "Ukjent", "birth_date": "1990-01-02",
                                          "national_id_missing_reason": "Asylsøker, ikke tildelt D-nummer"})
    assert ok.status_code == 201
    person = ok.get_json()
    assert person["national_id"] is None
    assert person["national_id_missing_reason"] == "Asylsøker, ikke tildelt D-nummer"
    assert person["birth_date"] == "1990-01-02"


def test_a_birth_date_in_the_future_is_refused(case_officer, problem, frozen_clock):
    response = case_officer.post(PERSONS, json={"name": "Fremtid", "birth_date": "2026-03-04",
                                                "national_id_missing_reason": "Ikke født ennå"})
    assert set(problem(response, 422)["errors"]) == {"birth_date"}
    today = case_officer.post(PERSONS, json={"name": "Nyfødt", "birth_date": "2026-03-03",
                                             "national_id_missing_reason": "Ikke tildelt ennå"})
    assert today.status_code == 201


def test_synthetic_ids_are_refused_when_not_allowed(app, case_officer, synthetic_id, problem, monkeypatch):
    monkeypatch.setitem(app.config, "ALLOW_SYNTHETIC_IDS", False)
    number = synthetic_id()
    body = problem(case_officer.post(PERSONS, json={"name": "Test", "national_id": number}), 422)
    assert body["errors"] == {"national_id": ["synthetic or test-range national ids are not allowed here"]}
    assert number not in str(body)


# --- duplicates ----------------------------------------------------------------

def test_a_duplicate_national_id_in_the_municipality_is_409_and_nothing_is_stored(
        case_officer, make_person, problem, total):
    first = make_person(name="Første")
    response = case_officer.post(PERSONS, json={"name": "Andre", "national_id": first["national_id"]})
    body = problem(response, 409)
    assert body["type"] == "urn:tjenestespor:problem:duplicate_national_id"
    assert body["detail"] == "A person with this national id is already registered in the municipality."
    assert body["existing_id"] == first["id"]
    assert first["national_id"] not in response.get_data(as_text=True)
    listing = case_officer.get(PERSONS)
    assert total(listing) == 1
    assert [p["name"] for p in listing.get_json()] == ["Første"]


def test_a_duplicate_does_not_point_to_a_person_the_caller_may_not_see(case_officer, make_person, problem,
                                                                      env, town):
    first = make_person(name="Første")
    colleague = env.caller("case_officer", town)
    blocked = colleague.post(f"{PERSONS}/{first['id']}/blocks",
                             json={"user_id": str(case_officer.user_id), "reason": "related"})
    assert blocked.status_code == 201, blocked.get_json()  # the case officer now may not see the person
    body = problem(case_officer.post(PERSONS, json={"name": "Andre", "national_id": first["national_id"]}), 409)
    assert body["type"] == "urn:tjenestespor:problem:duplicate_national_id"
    assert "existing_id" not in body


def test_the_same_national_id_in_another_municipality_is_fine(env, make_person):
    first = make_person()
    elsewhere = env.caller("case_officer", env.municipality())
    response = elsewhere.post(PERSONS, json={"name": "Samme Person", "national_id": first["national_id"]})
    assert response.status_code == 201
    assert response.get_json()["id"] != first["id"]


def test_changing_the_national_id_to_one_already_registered_is_409(case_officer, make_person, problem):
    first, second = make_person(name="En"), make_person(name="To")
    response = case_officer.patch(f"{PERSONS}/{second['id']}", json={"national_id": first["national_id"]},
                                  headers={"If-Match": '"v1"'})
    problem(response, 409)
    unchanged = case_officer.get(f"{PERSONS}/{second['id']}").get_json()
    assert unchanged["national_id"] == second["national_id"] and unchanged["version"] == 1


# --- update with If-Match ----------------------------------------------------------

def test_update_needs_if_match(case_officer, make_person, problem):
    person = make_person()
    body = problem(case_officer.patch(f"{PERSONS}/{person['id']}", json={"name": "Nytt Navn"}), 428)
    assert "If-Match" in body["detail"]
    assert case_officer.get(f"{PERSONS}/{person['id']}").get_json()["name"] == person["name"]


def test_a_stale_if_match_is_412_and_changes_nothing(case_officer, make_person, problem):
    person = make_person()
    url = f"{PERSONS}/{person['id']}"
    problem(case_officer.patch(url, json={"name": "Nytt Navn"}, headers={"If-Match": '"v0"'}), 412)
    problem(case_officer.patch(url, json={"name": "Nytt Navn"}, headers={"If-Match": "garbage"}), 412)
    assert case_officer.get(url).get_json()["name"] == person["name"]


def test_a_fresh_if_match_updates_and_moves_the_etag(case_officer, make_person, problem):
    person = make_person(district="Helle")
    url = f"{PERSONS}/{person['id']}"
    etag = case_officer.get(url).headers["ETag"]
    response = case_officer.patch(url, json={"name": "Nytt Navn", "district": None}, headers={"If-Match": etag})
    assert response.status_code == 200
    assert response.headers["ETag"] == '"v2"'
    updated = response.get_json()
    assert updated["name"] == "Nytt Navn" and updated["district"] is None and updated["version"] == 2
    assert updated["national_id"] == person["national_id"]

    # The old ETag is now stale; the new one works.
    problem(case_officer.patch(url, json={"sex": "other"}, headers={"If-Match": etag}), 412)
    third = case_officer.patch(url, json={"sex": "other"}, headers={"If-Match": response.headers["ETag"]})
    assert third.status_code == 200 and third.get_json()["version"] == 3


def test_update_revalidates_the_identity(case_officer, make_person, synthetic_id, problem):
    person = make_person()
    url = f"{PERSONS}/{person['id']}"
    problem(case_officer.patch(url, json={"name": "  "}, headers={"If-Match": '"v1"'}), 422)
    problem(case_officer.patch(url, json={"national_id": None}, headers={"If-Match": '"v1"'}), 422)
    new_id = synthetic_id(dt.date(1990, 2, 3))
    moved = case_officer.patch(url, json={"national_id": new_id}, headers={"If-Match": '"v1"'})
    assert moved.status_code == 200
    assert moved.get_json()["birth_date"] == "1990-02-03"
    assert moved.get_json()["national_id"] == new_id


def test_there_is_no_hard_delete(case_officer, make_person, problem):
    person = make_person()
    problem(case_officer.delete(f"{PERSONS}/{person['id']}"), 405)
    assert case_officer.get(f"{PERSONS}/{person['id']}").status_code == 200


# --- list and search -------------------------------------------------------------

def test_list_paginates_and_filters(case_officer, make_person, total):
    for name in ("Berit Berg", "Anders And", "Cecilie Berg"):
        make_person(name=name, district="Helle" if "Berg" in name else "Sannidal")
    first = case_officer.get(f"{PERSONS}?page_size=2")
    assert [p["name"] for p in first.get_json()] == ["Anders And", "Berit Berg"]
    assert total(first) == 3
    second = case_officer.get(f"{PERSONS}?page_size=2&page=2")
    assert [p["name"] for p in second.get_json()] == ["Cecilie Berg"]
    by_name = case_officer.get(f"{PERSONS}?name=BERG")
    assert [p["name"] for p in by_name.get_json()] == ["Berit Berg", "Cecilie Berg"]
    assert total(by_name) == 2
    by_district = case_officer.get(f"{PERSONS}?district=Sannidal")
    assert [p["name"] for p in by_district.get_json()] == ["Anders And"]
    assert case_officer.get(f"{PERSONS}?page_size=201").status_code == 422


def test_search_by_national_id_in_the_body(case_officer, make_person, synthetic_id):
    wanted = make_person(name="Funnet")
    make_person(name="Annen")
    response = case_officer.post(f"{PERSONS}/search", json={"national_id": wanted["national_id"]})
    assert response.status_code == 200
    assert [p["id"] for p in response.get_json()] == [wanted["id"]]
    nobody = case_officer.post(f"{PERSONS}/search", json={"national_id": synthetic_id()})
    assert nobody.status_code == 200 and nobody.get_json() == []


def test_search_with_an_invalid_number_is_422_without_echo(case_officer, problem):
    number = "15068512345"
    response = case_officer.post(f"{PERSONS}/search", json={"national_id": number})
    body = problem(response, 422)
    assert set(body["errors"]) == {"national_id"}
    assert number not in response.get_data(as_text=True)


def test_search_cannot_be_done_with_get(case_officer, make_person, problem):
    person = make_person()
    problem(case_officer.get(f"{PERSONS}/search?national_id={person['national_id']}"), 405)


# --- who sees the national id -------------------------------------------------------

@pytest.mark.parametrize("role, visible", [
    ("case_officer", True), ("housing_officer", False),
])
def test_national_id_is_masked_for_roles_that_may_not_see_it(role, visible, env, town, make_person):
    person = make_person()
    number = person["national_id"]
    expected = number if visible else "***********"  # not one digit of it
    caller = env.caller(role, town)
    read = caller.get(f"{PERSONS}/{person['id']}")
    listed = caller.get(PERSONS)
    found = caller.post(f"{PERSONS}/search", json={"national_id": number})
    overview = caller.get(f"{PERSONS}/{person['id']}/overview")
    assert read.get_json()["national_id"] == expected
    assert [p["national_id"] for p in listed.get_json()] == [expected]
    assert [p["national_id"] for p in found.get_json()] == [expected]
    assert overview.get_json()["person"]["national_id"] == expected
    # Nor the birth date that, with the last digits, would rebuild the number: the year only.
    assert read.get_json()["birth_date"] == (person["birth_date"] if visible else None)
    assert read.get_json()["birth_year"] == int(person["birth_date"][:4])
    if not visible:
        for response in (read, listed, found, overview):
            assert number not in response.get_data(as_text=True)
            assert number[-5:] not in response.get_data(as_text=True)
            assert person["birth_date"] not in response.get_data(as_text=True)


@pytest.fixture
def no_scopes(app, monkeypatch):
    """Start from no contributed row rules; whatever the test adds is undone."""
    monkeypatch.setattr(for_app(app), "row_rules", {})


def add_person_rule(app, role, rule):
    """Contribute ``rule`` as the clause of the role's person rule in the access matrix."""
    for_app(app).add_row_rule(matrix.PERSON, matrix.row_rule(role, matrix.PERSON), rule)


@pytest.mark.parametrize("role", ["coordinator", "provider"])
def test_a_role_with_no_registered_scope_sees_nobody(role, no_scopes, env, town, make_person, total, problem):
    person = make_person()
    caller = env.caller(role, town)
    listing = caller.get(PERSONS)
    assert listing.status_code == 200 and listing.get_json() == [] and total(listing) == 0
    problem(caller.get(f"{PERSONS}/{person['id']}"), 404)
    problem(caller.get(f"{PERSONS}/{person['id']}/overview"), 404)
    found = caller.post(f"{PERSONS}/search", json={"national_id": person["national_id"]})
    assert found.get_json() == []


@pytest.mark.parametrize("role", ["coordinator", "provider"])
def test_a_registered_scope_selects_exactly_the_persons_that_role_sees(
        role, no_scopes, app, env, town, make_person, total, problem):
    served = [make_person(name=f"Sannidal {i}", district="Sannidal") for i in range(2)]
    other = make_person(name="Helle 1", district="Helle")
    add_person_rule(app, role, lambda user: Person.district == "Sannidal")
    caller = env.caller(role, town)

    listing = caller.get(PERSONS)
    assert sorted(p["id"] for p in listing.get_json()) == sorted(p["id"] for p in served)
    assert total(listing) == 2
    assert all(p["national_id"].startswith("******") for p in listing.get_json())
    read = caller.get(f"{PERSONS}/{served[0]['id']}")
    assert read.status_code == 200
    assert read.get_json()["national_id"] == "***********"
    problem(caller.get(f"{PERSONS}/{other['id']}"), 404)
    assert caller.post(f"{PERSONS}/search", json={"national_id": other["national_id"]}).get_json() == []

    # The scope is per role: the other scoped role still sees nobody.
    other_role = "provider" if role == "coordinator" else "coordinator"
    assert env.caller(other_role, town).get(PERSONS).get_json() == []


def test_scope_rules_receive_the_calling_user(no_scopes, app, env, town, make_person):
    seen = []
    mine = make_person(name="Min", district="Psykisk helseteam")
    make_person(name="Ikke min", district="Rusteam")

    def rule(user):
        seen.append(user.username)
        return Person.district == user.provider_unit.name

    add_person_rule(app, "provider", rule)
    provider = env.caller("provider", town, provider_unit="Psykisk helseteam")
    assert [p["id"] for p in provider.get(PERSONS).get_json()] == [mine["id"]]
    assert provider.username in seen


# --- a role writes and filters only what it may read (issue 11, finding 3) ------------------

def test_a_housing_officer_may_not_overwrite_or_clear_a_national_id_it_cannot_read(
        housing_officer, case_officer, make_person, synthetic_id, problem):
    person = make_person()
    read = housing_officer.get(f"{PERSONS}/{person['id']}")
    for body in ({"national_id": synthetic_id()},
                 {"national_id": None, "national_id_missing_reason": "Ukjent identitet"},
                 {"national_id_missing_reason": "Ukjent identitet"},
                 {"birth_date": person["birth_date"]}):
        refused = problem(housing_officer.patch(f"{PERSONS}/{person['id']}", json=body,
                                                headers={"If-Match": read.headers["ETag"]}), 403)
        assert set(refused["fields"]) == set(body)
        assert "housing officer may not change" in refused["detail"]
    assert case_officer.get(f"{PERSONS}/{person['id']}").get_json() == person, "nothing was changed"

    # What it reads it may still correct, and it registers new persons with their number:
    # it typed the number itself, so nothing is revealed (and the answer is masked).
    changed = housing_officer.patch(f"{PERSONS}/{person['id']}", json={"district": "Helle"},
                                    headers={"If-Match": read.headers["ETag"]})
    assert changed.status_code == 200 and changed.get_json()["district"] == "Helle"
    number = synthetic_id()
    created = housing_officer.post(PERSONS, json={"name": "Ny Søker", "national_id": number})
    assert created.status_code == 201
    assert created.get_json()["national_id"] == "***********" and created.get_json()["birth_date"] is None


def test_a_role_may_not_filter_by_a_field_it_cannot_read(housing_officer, case_officer, make_person, problem):
    person = make_person()
    query = {"birth_date": person["birth_date"]}
    assert [p["id"] for p in case_officer.get(PERSONS, query_string=query).get_json()] == [person["id"]]
    body = problem(housing_officer.get(PERSONS, query_string=query), 403)
    assert body["fields"] == ["birth_date"]
