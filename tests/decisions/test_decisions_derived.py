"""A decision's ``state``, ``superseded_by_id`` and appeal period are derived by the database when
it is loaded for an answer (``query_expression`` + ``loading.select_with_state``); the appeal
deadline is computed from them. Every answer shape carries them, the state follows the clock
without a write, and a decision already in the session is loaded anew."""

from __future__ import annotations

import uuid

import pytest

from service.common.tenancy import tenant_scope
from service.decisions import loading
from service.decisions.models import STATES, Decision
from service.extensions import db
from tests.helpers import at, ok

API = "/api/v1/decisions"


def _derived(body: dict) -> str:
    """The decision's state, after checking every derived field is there (never null where it must not be)."""
    assert body["state"] in STATES, body
    assert isinstance(body["appeal_period_days"], int) and body["appeal_period_days"] > 0, body
    assert "superseded_by_id" in body and "appeal_deadline_on" in body, body
    if body["notified_on"] is not None:
        assert body["appeal_deadline_on"] is not None and body["appeal_deadline_on"] > body["notified_on"], body
    return body["state"]


def _overview_states(caller, person_id: str) -> dict[str, str]:
    sections = ok(caller.get(f"/api/v1/persons/{person_id}/overview"))["decisions"]
    states = {}
    for state, decisions in sections.items():
        for decision in decisions:
            assert _derived(decision) == state
            states[decision["id"]] = state
    return states


def test_every_answer_carries_the_derived_fields(case_officer, person, new_decision):
    draft = ok(case_officer.post(API, json={
        "person_id": person["id"], "service_code": "psykisk-helse-oppfolging", "hours_per_week": 2,
        "valid_from": "2026-01-01", "valid_to": "2026-12-31"}), 201)
    assert _derived(draft) == "draft" and draft["appeal_deadline_on"] is None  # POST
    url = f"{API}/{draft['id']}"
    assert _derived(ok(case_officer.get(url))) == "draft"
    patched = ok(case_officer.patch(url, json={"hours_per_week": 3}, headers={"If-Match": f'"v{draft["version"]}"'}))
    assert _derived(patched) == "draft"
    decided = ok(case_officer.post(f"{url}/decide", json={"decided_on": "2025-12-15"}))
    assert _derived(decided) == "active"  # loaded as a draft in the same request, answered as decided
    notified = ok(case_officer.post(f"{url}/notify", json={"notified_on": "2026-03-02", "channel": "letter"}))
    assert _derived(notified) == "active"
    assert notified["appeal_period_days"] == 28 and notified["appeal_deadline_on"] == "2026-03-30"
    assert ok(case_officer.get(url))["appeal_deadline_on"] == "2026-03-30"

    renewal = ok(case_officer.post(f"{url}/renew", json={"decided_on": "2026-03-03"}), 201)
    assert _derived(renewal) == "upcoming" and renewal["valid_from"] == "2027-01-01"
    old = ok(case_officer.get(url))
    assert _derived(old) == "superseded" and old["superseded_by_id"] == renewal["id"]

    running = new_decision()
    ended = ok(case_officer.post(f"{API}/{running['id']}/end", json={"ended_on": "2026-03-03",
                                                                     "end_reason": "Flyttet"}))
    assert _derived(ended) == "ended"
    mistake = ok(case_officer.post(API, json={"person_id": person["id"], "service_code": "kpr-1",
                                              "outcome": "refused"}), 201)
    discarded = ok(case_officer.post(f"{API}/{mistake['id']}/discard", json={"reason": "Feil person"}))
    assert _derived(discarded) == "discarded"

    listed = {d["id"]: _derived(d) for d in ok(case_officer.get(API))}
    assert listed == {draft["id"]: "superseded", renewal["id"]: "upcoming", running["id"]: "ended"}
    assert [_derived(d) for d in ok(case_officer.get(API, query_string={"state": "discarded"}))] == ["discarded"]
    assert _overview_states(case_officer, person["id"]) == listed


@pytest.mark.parametrize("day, state", [("2026-03-31", "upcoming"), ("2026-04-01", "active"),
                                        ("2026-10-31", "active"), ("2026-11-01", "expiring"),
                                        ("2026-12-31", "expiring"), ("2027-01-01", "expired")])
def test_state_follows_the_clock_without_a_write(env, town, person, new_decision, frozen_clock, day, state):
    """Valid 1 April to 31 December 2026; expiring within 60 days of valid_to."""
    decision = new_decision(valid_from="2026-04-01", valid_to="2026-12-31", decided_on="2026-03-01")
    assert _derived(decision) == "upcoming"
    frozen_clock.set(at(day))
    reader = env.caller("case_officer", town)  # a token of that day
    body = ok(reader.get(f"{API}/{decision['id']}"))
    assert _derived(body) == state and body["version"] == decision["version"]  # nothing was written
    assert [_derived(d) for d in ok(reader.get(API, query_string={"state": state}))] == [state]
    assert _overview_states(reader, person["id"]) == {decision["id"]: state}


def test_a_decision_already_in_the_session_is_derived_anew(app, new_decision, frozen_clock):
    """The identity map: a row loaded without the expressions, or on another day, is populated anew."""
    decision = new_decision(valid_from="2026-04-01", valid_to="2026-12-31", decided_on="2026-03-01")
    decision_id = uuid.UUID(decision["id"])
    with app.app_context():
        municipality_id = db.session.get(Decision, decision_id).municipality_id
        with tenant_scope(municipality_id):
            plain = db.session.get(Decision, decision_id)  # no expressions: null
            assert plain.state is None and plain.appeal_period_days is None
            loaded = loading.fetch_decision(decision_id)
            assert loaded is plain and loaded.state == "upcoming" and loaded.appeal_period_days == 28
            frozen_clock.set(at("2026-04-01"))
            assert loading.fetch_decision(decision_id).state == "active"


def test_the_appeal_deadline_refuses_a_decision_loaded_without_its_period(app, case_officer, new_decision):
    decision = new_decision()
    ok(case_officer.post(f"{API}/{decision['id']}/notify", json={"notified_on": "2026-03-02"}))
    with app.app_context():
        plain = db.session.get(Decision, uuid.UUID(decision["id"]))
        with pytest.raises(RuntimeError, match="select_with_state"):
            plain.appeal_deadline_on  # noqa: B018
