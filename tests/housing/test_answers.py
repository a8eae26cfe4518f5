"""Offer and tenancy answers name the unit, and a page costs the same statements for any size."""

from __future__ import annotations

from tests.helpers import count_statements
from tests.housing.conftest import O, T


def _accepted(make_unit, make_need, offer, housing_officer, n, start=0):
    for k in range(start, start + n):
        made = offer(make_unit(label=f"Bolig {k:02d}"), make_need())
        response = housing_officer.post(f"{O}/{made['id']}/accept", json={"start_on": "2026-03-10"})
        assert response.status_code == 200, response.get_json()


def test_offers_and_tenancies_show_the_unit_label(make_unit, make_need, offer, housing_officer):
    _accepted(make_unit, make_need, offer, housing_officer, 1)
    [listed] = housing_officer.get(O).get_json()
    assert listed["unit_label"] == "Bolig 00" and listed["tenancy_id"]
    [tenancy] = housing_officer.get(T).get_json()
    assert tenancy["unit_label"] == "Bolig 00" and tenancy["id"] == listed["tenancy_id"]
    assert housing_officer.get(f"{T}/{tenancy['id']}").get_json()["unit_label"] == "Bolig 00"


def test_a_page_of_offers_costs_the_same_statements_for_any_size(app, make_unit, make_need, offer,
                                                                  housing_officer):
    _accepted(make_unit, make_need, offer, housing_officer, 2)
    with count_statements(app) as few:
        assert len(housing_officer.get(O).get_json()) == 2
    _accepted(make_unit, make_need, offer, housing_officer, 10, start=2)
    with count_statements(app) as many:
        body = housing_officer.get(O).get_json()
    assert len(body) == 12 and all(item["tenancy_id"] for item in body)
    assert len(many) == len(few), "the answer queries per offer"
    with count_statements(app) as tenancies:
        assert len(housing_officer.get(T).get_json()) == 12
    assert len(tenancies) <= len(few) + 1
