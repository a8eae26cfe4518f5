"""Units: the traffic-light class from the checklist (docs/housing.md), overrides, inspections, availability."""

import pytest
import sqlalchemy as sa

from service.housing import units
from tests.housing.conftest import GREEN, RED, YELLOW, U


def test_class_is_derived_from_the_checklist(make_unit):
    assert make_unit(features=GREEN)["risk_class"] == "green"
    assert make_unit(features=YELLOW)["risk_class"] == "yellow"
    red = make_unit(features=RED, staffing="supervision")
    assert (red["risk_class"], red["derived_risk_class"], red["class_overridden"]) == ("red", "red", False)


def test_red_features_without_staffing_are_yellow(make_unit):
    assert make_unit(features=RED, staffing="none")["risk_class"] == "yellow"


def test_missing_green_feature_means_no_class(make_unit):
    unit = make_unit(features=["smoke_detector"] + YELLOW[2:])
    assert unit["risk_class"] is None


def test_unknown_feature_is_refused(housing_officer):
    response = housing_officer.post(U, json={"label": "X", "unit_type": "ordinary_rental",
                                             "features": GREEN + ["jacuzzi"]})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"features": ["unknown features: jacuzzi"]}


def test_rule_table_is_configuration(app, monkeypatch, make_unit, housing_officer, problem):
    rules = [{"class": "green", "features": ["smoke_detector"]},
             {"class": "red", "features": ["robust_materials"]}]
    monkeypatch.setitem(app.config, "HOUSING_RISK_RULES", rules)
    assert make_unit(features=["smoke_detector", "robust_materials"])["risk_class"] == "red"
    assert make_unit(features=["robust_materials"])["risk_class"] is None
    # A feature of the default table is unknown to this one.
    response = housing_officer.post(U, json={"label": "X", "unit_type": "ordinary_rental", "features": GREEN})
    assert problem(response, 422)["errors"] == {"features": ["unknown features: fire_extinguisher"]}


def test_manual_class_needs_a_reason_and_stays_visible(make_unit, housing_officer):
    response = housing_officer.post(U, json={"label": "M", "unit_type": "ordinary_rental", "features": GREEN,
                                             "risk_class_override": "yellow"})
    assert response.status_code == 422
    assert "class_override_reason" in response.get_json()["errors"]
    unit = make_unit(features=GREEN, risk_class_override="yellow",
                     class_override_reason="Stove guard fitted, not yet on the checklist")
    assert (unit["risk_class"], unit["derived_risk_class"], unit["class_overridden"]) == ("yellow", "green", True)
    # A new inspection does not silently drop the manual class.
    response = housing_officer.post(f"{U}/{unit['id']}/inspections",
                                    json={"inspected_on": "2026-03-01", "features": GREEN})
    assert response.get_json()["risk_class"] == "yellow"
    assert response.get_json()["class_overridden"] is True
    # Once the checklist reaches the manual class, the override is no longer needed.
    response = housing_officer.post(f"{U}/{unit['id']}/inspections",
                                    json={"inspected_on": "2026-03-02", "features": YELLOW})
    body = response.get_json()
    assert (body["risk_class"], body["class_overridden"], body["class_override_reason"]) == ("yellow", False, None)


def test_overlisted_override_is_filterable(make_unit, housing_officer):
    make_unit(features=GREEN, risk_class_override="red", class_override_reason="Robust after renovation 2025")
    make_unit(features=GREEN)
    listed = housing_officer.get(f"{U}?class_overridden=true").get_json()
    assert [u["risk_class"] for u in listed] == ["red"]


def test_update_needs_if_match(make_unit, housing_officer):
    unit = make_unit()
    assert housing_officer.patch(f"{U}/{unit['id']}", json={"address": "Storgata 1"}).status_code == 428
    assert housing_officer.patch(f"{U}/{unit['id']}", json={"address": "Storgata 1"},
                                 headers={"If-Match": '"v0"'}).status_code == 412
    response = housing_officer.patch(f"{U}/{unit['id']}", json={"address": "Storgata 1", "staffing": "supervision"},
                                     headers={"If-Match": '"v1"'})
    assert response.status_code == 200
    assert response.headers["ETag"] == '"v2"'


def test_inspection_sets_features_class_and_next_date(make_unit, housing_officer):
    unit = make_unit(features=GREEN)
    response = housing_officer.post(f"{U}/{unit['id']}/inspections", json={
        "inspected_on": "2026-01-31", "features": YELLOW, "notes": "Komfyrvakt montert"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["risk_class"] == "yellow"
    assert body["next_inspection_on"] == "2027-01-31"
    inspections = housing_officer.get(f"{U}/{unit['id']}/inspections").get_json()
    assert [(i["inspected_on"], i["derived_risk_class"], i["result"]) for i in inspections] == [
        ("2026-01-31", "yellow", "approved")]


def test_inspection_in_the_future_is_refused(make_unit, housing_officer):
    unit = make_unit()
    response = housing_officer.post(f"{U}/{unit['id']}/inspections",
                                    json={"inspected_on": "2026-03-04", "features": GREEN})
    assert response.status_code == 422


def test_unavailable_and_back(make_unit, housing_officer, problem):
    unit = make_unit()
    response = housing_officer.post(f"{U}/{unit['id']}/unavailable", json={"reason": "damage", "note": "Vannskade"})
    assert response.status_code == 200
    assert (response.get_json()["status"], response.get_json()["unavailable_reason"]) == ("unavailable", "damage")
    again = problem(housing_officer.post(f"{U}/{unit['id']}/unavailable", json={"reason": "renovation"}), 409)
    assert (again["type"], again["state"]) == ("urn:tjenestespor:problem:invalid_state", "unavailable")
    assert again["detail"] == "The unit is already out of use."
    response = housing_officer.post(f"{U}/{unit['id']}/available", json={})
    assert (response.get_json()["status"], response.get_json()["unavailable_reason"]) == ("available", None)
    again = problem(housing_officer.post(f"{U}/{unit['id']}/available", json={}), 409)
    assert (again["type"], again["state"]) == ("urn:tjenestespor:problem:invalid_state", "available")
    assert again["detail"] == "The unit cannot be put back in use in state available; it is not out of use."


def test_a_label_is_registered_once(make_unit, housing_officer, problem):
    first, second = make_unit(label="Tangen 1"), make_unit(label="Tangen 2")
    body = problem(housing_officer.post(U, json={"label": " Tangen 1 ", "unit_type": "ordinary_rental",
                                                 "features": GREEN}), 409)
    assert body["type"] == "urn:tjenestespor:problem:duplicate_label"
    assert body["existing_id"] == first["id"]
    assert body["detail"] == "A unit labelled Tangen 1 is already registered."
    body = problem(housing_officer.patch(f"{U}/{second['id']}", json={"label": "Tangen 1"},
                                         headers={"If-Match": "*"}), 409)
    assert (body["type"], body["existing_id"]) == ("urn:tjenestespor:problem:duplicate_label", first["id"])
    # Keeping its own label is no clash.
    response = housing_officer.patch(f"{U}/{second['id']}", json={"label": "Tangen 2", "address": "Tangen 2"},
                                     headers={"If-Match": "*"})
    assert response.status_code == 200, response.get_json()


def test_a_label_taken_after_the_check_points_to_the_unit_that_took_it(make_unit, housing_officer, problem,
                                                                      check_misses_once):
    first, second = make_unit(label="Tangen 1"), make_unit(label="Tangen 2")
    calls = check_misses_once(units, "_unit_labelled")
    body = problem(housing_officer.post(U, json={"label": "Tangen 1", "unit_type": "ordinary_rental",
                                                 "features": GREEN}), 409)
    assert (body["type"], body["existing_id"]) == ("urn:tjenestespor:problem:duplicate_label", first["id"])
    assert len(calls) == 2  # the check missed; the unique constraint caught it and the lookup found the unit
    calls.clear()
    body = problem(housing_officer.patch(f"{U}/{second['id']}", json={"label": "Tangen 1", "capacity": 2},
                                         headers={"If-Match": '"v1"'}), 409)
    assert (body["type"], body["existing_id"]) == ("urn:tjenestespor:problem:duplicate_label", first["id"])
    assert len(calls) == 2
    unchanged = housing_officer.get(f"{U}/{second['id']}")
    assert (unchanged.get_json()["label"], unchanged.get_json()["capacity"]) == ("Tangen 2", 1)
    assert unchanged.headers["ETag"] == '"v1"'


def test_filters(make_unit, housing_officer, frozen_clock):
    make_unit(features=GREEN, complex="Tangen", next_inspection_on="2026-03-20")
    make_unit(features=YELLOW, substance_free=True, unit_type="training_flat", next_inspection_on="2026-12-01")
    make_unit(features=RED, staffing="staff_base", unit_type="staffed_complex", complex="Tangen")

    def labels(query):
        return sorted(u["risk_class"] for u in housing_officer.get(f"{U}?{query}").get_json())

    assert labels("risk_class=red") == ["red"]
    assert labels("complex=Tangen") == ["green", "red"]
    assert labels("substance_free=true") == ["yellow"]
    assert labels("unit_type=training_flat") == ["yellow"]
    # due: passed, within 30 days, or never planned
    assert labels("inspection_due=true") == ["green", "red"]
    assert labels("status=available") == ["green", "red", "yellow"]


def test_unit_writes_are_audited_without_person(make_unit, app):
    unit = make_unit()
    from service.audit.models import AuditEvent
    from service.extensions import db

    with app.app_context():
        rows = db.session.execute(sa.select(AuditEvent.action, AuditEvent.person_id).where(
            AuditEvent.object_type == "housing_unit", AuditEvent.object_id == unit["id"])).all()
    assert rows == [("create", None)]


@pytest.mark.parametrize("role, status", [("planner", 200), ("case_officer", 200), ("provider", 403),
                                          ("coordinator", 403), ("auditor", 403)])
def test_who_reads_units(env, town, role, status):
    assert env.caller(role, town).get(U).status_code == status


@pytest.mark.parametrize("role", ["planner", "case_officer", "provider"])
def test_only_housing_officer_writes_units(env, town, role):
    response = env.caller(role, town).post(U, json={"label": "X", "unit_type": "ordinary_rental", "features": GREEN})
    assert response.status_code == 403
