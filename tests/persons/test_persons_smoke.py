def test_case_officer_registers_and_reads_person(case_officer, make_person):
    person = make_person(name="Ola Nordmann")
    response = case_officer.get(f"/api/v1/persons/{person['id']}")
    assert response.status_code == 200
    assert response.get_json()["name"] == "Ola Nordmann"
    assert response.headers["ETag"] == '"v1"'


def test_overview_starts_with_the_person(case_officer, make_person):
    person = make_person()
    response = case_officer.get(f"/api/v1/persons/{person['id']}/overview")
    assert response.status_code == 200
    assert response.get_json()["person"]["id"] == person["id"]
