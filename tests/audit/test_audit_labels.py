"""An officer reads the audit trail in words: each code comes with its label in the caller's
language (the codes stay, for filtering), and every code the trail holds has a label."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from service.extensions import db

PERSONS = "/api/v1/persons"
LABELLED = {"action": ("action_label", "audit_action"), "object_type": ("object_label", "audit_object_type"),
            "role": ("role_label", "audit_role"), "outcome": ("outcome_label", "audit_outcome")}


def access_log(auditor, person_id, **headers):
    response = auditor.get(f"{PERSONS}/{person_id}/access-log", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_an_access_log_event_says_what_was_done_to_what_by_whom(case_officer, auditor, person, new_decision):
    decision = new_decision()
    assert case_officer.get(f"/api/v1/decisions/{decision['id']}").status_code == 200

    newest = access_log(auditor, person["id"])[0]
    assert (newest["action"], newest["object_type"], newest["role"], newest["outcome"]) == (
        "read", "decision", "case_officer", "ok")
    assert newest["object_id"] == decision["id"]
    # The labels stand alone: the capital stays ("Case officer", not "case officer").
    assert (newest["action_label"], newest["object_label"], newest["role_label"], newest["outcome_label"]) == (
        "Read", "Decision", "Case officer", "Done")


@pytest.mark.parametrize("language", ["nb", "en"])
def test_each_label_is_the_label_table_s_in_the_caller_s_language(case_officer, auditor, person, new_decision,
                                                                  language):
    decision = new_decision()
    case_officer.get(f"/api/v1/decisions/{decision['id']}")
    access_log(auditor, person["id"])  # the log's own reading: an access_log event by the auditor
    table = auditor.get("/api/v1/labels").get_json()

    log = access_log(auditor, person["id"], **{"Accept-Language": language})
    assert {(e["object_type"], e["action"]) for e in log} >= {
        ("person", "create"), ("decision", "create"), ("decision", "read"), ("access_log", "read")}
    for event in log:
        for code_field, (label_field, domain) in LABELLED.items():
            assert event[label_field] == table[domain][event[code_field]][language], (event, label_field)


def test_a_system_action_and_a_refused_request_are_labelled_too(app, env, town, auditor, person, problem):
    from service.audit.services import record
    from service.auth.services import get_municipality_by_number
    from service.common.tenancy import tenant_scope

    with app.app_context():  # a job: no user behind it
        with tenant_scope(get_municipality_by_number(town).id):
            record("update", "person", object_id=person["id"], person_id=uuid.UUID(person["id"]), detail="job")
        db.session.commit()
    system = access_log(auditor, person["id"])[0]
    assert (system["role"], system["role_label"], system["action_label"]) == ("system", "System", "Updated")

    problem(env.caller("planner", town).get(PERSONS), 403)
    denied = auditor.get("/api/v1/audit?action=denied").get_json()[0]
    assert (denied["role_label"], denied["action_label"], denied["object_label"], denied["outcome_label"]) == (
        "Planner", "Access denied", "API operation", "Denied")


def test_the_audit_listing_carries_the_labels_and_still_filters_on_codes(case_officer, auditor, person):
    events = auditor.get(f"/api/v1/audit?object_type=person&person_id={person['id']}").get_json()
    assert [(e["action"], e["action_label"], e["object_label"]) for e in events] == [
        ("create", "Created", "Person")]


def test_the_label_domains_label_exactly_the_codes_the_trail_may_hold(app, auditor):
    from service.audit.models import ACTIONS, ACTOR_ROLES, OBJECT_TYPES, OUTCOMES

    table = auditor.get("/api/v1/labels").get_json()
    assert set(table["audit_action"]) == set(ACTIONS)
    assert set(table["audit_object_type"]) == set(OBJECT_TYPES)
    assert set(table["audit_outcome"]) == set(OUTCOMES)
    assert set(table["audit_role"]) == set(ACTOR_ROLES)
    # A user's role reads the same in the trail as everywhere else.
    for role, text in table["role"].items():
        assert table["audit_role"][role]["en"] == text["en"], role


def test_the_openapi_document_declares_the_codes_of_an_event(env):
    from service.audit.models import ACTIONS, ACTOR_ROLES, OBJECT_TYPES, OUTCOMES

    event = env.client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["AuditEvent"]["properties"]
    assert {field: event[field]["enum"] for field in LABELLED} == {
        "action": list(ACTIONS), "object_type": list(OBJECT_TYPES),
        "role": list(ACTOR_ROLES), "outcome": list(OUTCOMES)}
    assert all(event[label]["type"] == "string" for label, _ in LABELLED.values())


@pytest.mark.parametrize("kwargs", [{"object_type": "spaceship"}, {"object_type": "person", "outcome": "maybe"}])
def test_an_unknown_object_type_or_outcome_is_refused_before_anything_is_written(app, env, town, kwargs):
    from service.audit.models import AuditEvent
    from service.audit.services import record
    from service.auth.services import get_municipality_by_number
    from service.common.tenancy import tenant_scope

    with app.app_context():
        with tenant_scope(get_municipality_by_number(town).id):
            before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
            with pytest.raises(ValueError, match="unknown audit"):
                record("read", kwargs.pop("object_type"), **kwargs)
            assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before
