"""The derived decision state and "active on date", in Python and SQL alike."""

import datetime as dt
import decimal
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.common.errors import ValidationFailed
from service.decisions.rules import check_hours
from service.decisions.state import active_on, derive_state

D = dt.date
TODAY = D(2026, 3, 3)


def decision(**fields):
    base = {"decided_on": D(2025, 12, 1), "outcome": "granted", "valid_from": D(2026, 1, 1),
            "valid_to": D(2026, 12, 31), "ended_on": None, "discarded_at": None}
    base.update(fields)
    return SimpleNamespace(**base)


@pytest.mark.parametrize("fields, superseded, state", [
    ({"decided_on": None}, False, "draft"),
    ({"decided_on": None, "discarded_at": TODAY}, False, "discarded"),
    ({}, True, "superseded"),
    ({"outcome": "refused", "valid_from": None, "valid_to": None}, False, "refused"),
    ({"ended_on": TODAY}, False, "ended"),
    ({"ended_on": TODAY + dt.timedelta(days=1)}, False, "active"),   # ends tomorrow: still active today
    ({"valid_to": TODAY - dt.timedelta(days=1)}, False, "expired"),
    ({"valid_to": TODAY}, False, "expiring"),                       # last day
    ({"valid_from": TODAY + dt.timedelta(days=1)}, False, "upcoming"),
    ({"valid_from": TODAY}, False, "active"),                       # first day
    ({"valid_to": TODAY + dt.timedelta(days=60)}, False, "expiring"),  # window edge (60 days)
    ({"valid_to": TODAY + dt.timedelta(days=61)}, False, "active"),
    ({"valid_to": None}, False, "active"),                          # untimed
])
def test_state_table(fields, superseded, state):
    assert derive_state(decision(**fields), TODAY, 60, superseded) == state


def test_active_on_first_and_last_day_of_the_period():
    d = decision(valid_from=D(2026, 1, 1), valid_to=D(2026, 6, 30))
    assert not active_on(d, D(2025, 12, 31))
    assert active_on(d, D(2026, 1, 1))
    assert active_on(d, D(2026, 6, 30))
    assert not active_on(d, D(2026, 7, 1))


def test_ended_on_is_the_first_day_without_the_service():
    d = decision(ended_on=D(2026, 4, 1))
    assert active_on(d, D(2026, 3, 31))
    assert not active_on(d, D(2026, 4, 1))


def test_refused_and_draft_are_never_active():
    assert not active_on(decision(outcome="refused"), D(2026, 3, 1))
    assert not active_on(decision(decided_on=None), D(2026, 3, 1))


@given(st.decimals(min_value=decimal.Decimal("0.01"), max_value=decimal.Decimal(168), places=2))
def test_hours_in_range_are_accepted(hours):
    check_hours(hours, True, "granted")


@given(st.one_of(st.decimals(max_value=decimal.Decimal(0), places=2, allow_nan=False, allow_infinity=False),
                 st.decimals(min_value=decimal.Decimal("168.01"), places=2, allow_nan=False, allow_infinity=False)))
@settings(max_examples=50)
def test_hours_out_of_range_are_refused(hours):
    with pytest.raises(ValidationFailed) as caught:
        check_hours(hours, True, "granted")
    assert "hours_per_week" in caught.value.errors


def test_hours_required_only_for_hour_based_and_forbidden_on_refusal():
    with pytest.raises(ValidationFailed):
        check_hours(None, True, "granted")
    check_hours(None, False, "granted")
    with pytest.raises(ValidationFailed):
        check_hours(decimal.Decimal(2), False, "refused")


# --- the SQL expression agrees with the Python table ------------------------------------

CASES = {
    # name: (fields for POST /decisions, expected state today 2026-03-03)
    "draft": ({"decided_on": None}, "draft"),
    "refused": ({"outcome": "refused", "valid_from": None, "valid_to": None, "hours_per_week": None}, "refused"),
    "expired": ({"valid_from": "2025-01-01", "valid_to": "2026-03-02"}, "expired"),
    "last_day": ({"valid_from": "2025-01-01", "valid_to": "2026-03-03"}, "expiring"),
    "window_edge": ({"valid_to": "2026-05-02"}, "expiring"),
    "beyond_window": ({"valid_to": "2026-05-03"}, "active"),
    "untimed": ({"valid_to": None}, "active"),
    "upcoming": ({"valid_from": "2026-03-04", "valid_to": "2026-12-31"}, "upcoming"),
    "first_day": ({"valid_from": "2026-03-03"}, "active"),
}


def test_sql_state_filter_matches_python_derivation(case_officer, new_decision, person):
    ids = {name: new_decision(**fields)["id"] for name, (fields, _) in CASES.items()}
    for name, (_, expected) in CASES.items():
        got = case_officer.get(f"/api/v1/decisions/{ids[name]}").get_json()["state"]
        assert got == expected, name
        listed = case_officer.get(f"/api/v1/decisions?person_id={person['id']}&state={expected}").get_json()
        assert ids[name] in {d["id"] for d in listed}, name
    active = case_officer.get(f"/api/v1/decisions?person_id={person['id']}&state=active,expiring").get_json()
    assert {d["id"] for d in active} == {ids[n] for n in ("last_day", "window_edge", "beyond_window",
                                                          "untimed", "first_day")}
