"""A decision created by a request is answered with its derived fields worked out in Python
(``loading.derive_new``) instead of being read back: the answer must be exactly what reading it
back gives, in every state a new decision can have (today is 03.03.2026, the window 60 days)."""

from __future__ import annotations

import pytest

from tests.helpers import count_statements, ok

API = "/api/v1/decisions"
RUNNING = {"valid_from": "2026-01-01", "valid_to": "2026-12-31", "decided_on": "2025-12-15"}


@pytest.mark.parametrize("fields, state", [
    ({"valid_from": "2026-01-01", "valid_to": "2026-12-31"}, "draft"),
    (RUNNING, "active"),
    ({**RUNNING, "valid_to": None}, "active"),
    ({**RUNNING, "valid_from": "2026-03-04"}, "upcoming"),
    ({**RUNNING, "valid_to": "2026-05-02"}, "expiring"),   # today + 60 days: the window's last day
    ({**RUNNING, "valid_to": "2026-05-03"}, "active"),     # the day after it
    ({**RUNNING, "valid_to": "2026-03-02"}, "expired"),
    ({**RUNNING, "valid_to": "2026-03-03"}, "expiring"),   # its last day is today
    ({"outcome": "refused", "decided_on": "2026-03-01", "hours_per_week": None}, "refused"),
    ({**RUNNING, "hours_per_week": 2.5}, "active"),
])
def test_a_new_decision_is_answered_as_it_reads_back(case_officer, person, fields, state):
    body = {"person_id": person["id"], "service_code": "psykisk-helse-oppfolging", "hours_per_week": 2, **fields}
    created = ok(case_officer.post(API, json={k: v for k, v in body.items() if v is not None}), 201)
    assert created["state"] == state
    assert created["superseded_by_id"] is None and created["appeal_period_days"] == 28
    assert created == ok(case_officer.get(f"{API}/{created['id']}"))


def test_a_renewal_and_a_correction_are_answered_as_they_read_back(case_officer, new_decision):
    first = new_decision()
    renewal = ok(case_officer.post(f"{API}/{first['id']}/renew", json={"decided_on": "2026-03-03"}), 201)
    assert renewal["state"] == "upcoming" and renewal == ok(case_officer.get(f"{API}/{renewal['id']}"))
    assert ok(case_officer.get(f"{API}/{first['id']}"))["superseded_by_id"] == renewal["id"]

    second = new_decision()
    correction = ok(case_officer.post(API, json={
        "person_id": second["person_id"], "supersedes_id": second["id"], "service_code": "psykisk-helse-oppfolging",
        "hours_per_week": 4, "valid_from": "2026-03-01", "valid_to": "2026-12-31", "decided_on": "2026-03-03"}), 201)
    assert correction["state"] == "active" and correction == ok(case_officer.get(f"{API}/{correction['id']}"))


def test_a_new_draft_is_not_read_back(app, case_officer, person):
    body = {"person_id": person["id"], "service_code": "psykisk-helse-oppfolging", "hours_per_week": 2}
    with count_statements(app) as sent:
        ok(case_officer.post(API, json=body), 201)
    reads = [s for s in sent if s.lstrip().upper().startswith("SELECT") and "FROM decisions" in s]
    assert reads == [], reads
