"""A housing officer whose connection drops can safely send an offer again."""

from tests.housing.conftest import N, O


def test_an_offer_sent_twice_with_one_key_reserves_the_unit_once(housing_officer, make_unit, make_need):
    unit, need = make_unit(), make_need()
    body = {"unit_id": unit["id"], "need_id": need["id"], "offered_on": "2026-03-03", "respond_by": "2026-03-17"}
    first = housing_officer.post(O, json=body, headers={"Idempotency-Key": "offer-1"})
    again = housing_officer.post(O, json=body, headers={"Idempotency-Key": "offer-1"})
    assert first.status_code == again.status_code == 201
    assert again.get_json()["id"] == first.get_json()["id"]
    offers = housing_officer.get(O, query_string={"need_id": need["id"]}).get_json()
    assert len(offers) == 1


def test_the_same_key_for_another_need_is_refused(housing_officer, make_person):
    person, other = make_person(), make_person()
    body = {"person_id": person["id"], "category": "ordinary", "housing_situation": "housed_insecure",
            "registered_on": "2026-03-03"}
    assert housing_officer.post(N, json=body, headers={"Idempotency-Key": "need-1"}).status_code == 201
    body["person_id"] = other["id"]
    response = housing_officer.post(N, json=body, headers={"Idempotency-Key": "need-1"})
    assert response.status_code == 422
    assert housing_officer.get(N, query_string={"person_id": other["id"]}).get_json() == []
