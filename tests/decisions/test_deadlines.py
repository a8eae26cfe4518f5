"""Legal deadlines, hand-computed: answer within one calendar month (forvaltningsloven § 11 a),
appeal within 3 weeks (forvaltningsloven § 29) or 4 weeks (pasient- og brukerrettighetsloven § 7-5)."""

import datetime as dt

import pytest

from service.decisions.periods import appeal_deadline, deadline_met
from service.referrals.services import answer_due_on
from tests.helpers import at

D = dt.date


@pytest.mark.parametrize("received, due", [
    (D(2025, 1, 31), D(2025, 2, 28)),   # month end, ordinary year
    (D(2024, 1, 31), D(2024, 2, 29)),   # month end, leap year
    (D(2024, 1, 29), D(2024, 2, 29)),
    (D(2025, 1, 28), D(2025, 2, 28)),
    (D(2025, 3, 31), D(2025, 4, 30)),   # 31 → 30-day month
    (D(2025, 2, 28), D(2025, 3, 28)),   # not the month's last day in March
    (D(2024, 2, 29), D(2024, 3, 29)),
    (D(2025, 12, 31), D(2026, 1, 31)),  # over the year boundary
    (D(2025, 3, 15), D(2025, 4, 15)),
])
def test_answer_is_due_one_calendar_month_after_receipt(received, due):
    assert answer_due_on(received) == due


@pytest.mark.parametrize("notified, days, deadline", [
    (D(2025, 3, 3), 21, D(2025, 3, 24)),   # forvaltningsloven § 29: 3 weeks, Monday to Monday
    (D(2025, 3, 3), 28, D(2025, 3, 31)),   # pasient- og brukerrettighetsloven § 7-5: 4 weeks
    (D(2024, 2, 10), 21, D(2024, 3, 4)),   # over a leap day: Saturday 2 March → Monday 4 March
    (D(2025, 2, 10), 21, D(2025, 3, 3)),
    (D(2025, 12, 20), 28, D(2026, 1, 19)),  # Saturday 17 January → Monday 19 January
])
def test_appeal_deadline_is_notification_plus_period_moved_to_a_working_day(notified, days, deadline):
    assert appeal_deadline(notified, days) == deadline


def test_appeal_deadline_that_does_not_move_when_the_legal_basis_says_so():
    assert appeal_deadline(D(2024, 2, 10), 21, moves=False) == D(2024, 3, 2)


def test_appeal_on_the_last_day_is_in_time_and_the_day_after_is_late():
    assert deadline_met(D(2025, 3, 24), D(2025, 3, 24))
    assert not deadline_met(D(2025, 3, 25), D(2025, 3, 24))
    assert deadline_met(D(2025, 3, 25), None)  # not notified: the period has not started
    # fvl § 30: posted on the last day, arrived later: in time.
    assert deadline_met(D(2025, 3, 27), D(2025, 3, 24), sent_on=D(2025, 3, 24))
    assert not deadline_met(D(2025, 3, 27), D(2025, 3, 24), sent_on=D(2025, 3, 25))


def test_api_computes_answer_due_on_in_a_leap_year(case_officer, new_referral, frozen_clock):
    frozen_clock.set(at("2024-03-01"))
    referral = new_referral(received_on="2024-01-31")
    assert referral["answer_due_on"] == "2024-02-29"
    assert referral["reply_overdue"] is True  # due 29 Feb, today 1 Mar, no preliminary reply


def test_api_recomputes_answer_due_on_when_receipt_is_corrected(case_officer, new_referral):
    referral = new_referral(received_on="2026-01-31")
    assert referral["answer_due_on"] == "2026-02-28"
    response = case_officer.patch(f"/api/v1/referrals/{referral['id']}", json={"received_on": "2026-01-30"},
                                  headers={"If-Match": '"v1"'})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["answer_due_on"] == "2026-02-28"
    response = case_officer.patch(f"/api/v1/referrals/{referral['id']}", json={"received_on": "2026-02-03"},
                                  headers={"If-Match": '"v2"'})
    assert response.get_json()["answer_due_on"] == "2026-03-03"


@pytest.mark.parametrize("legal_basis, deadline", [("boligsosialloven-6", "2025-03-24"), ("hol-3-2-6a", "2025-03-31")])
def test_api_appeal_deadline_per_legal_basis(case_officer, new_decision, frozen_clock, legal_basis, deadline):
    frozen_clock.set(at("2025-04-10"))
    decision = new_decision(service_code="boligsosial-bistand" if legal_basis.startswith("bolig") else "kpr-15",
                            legal_basis=legal_basis, hours_per_week=3 if legal_basis.startswith("hol") else None,
                            valid_from="2025-03-01", valid_to="2025-12-31", decided_on="2025-02-28")
    notified = case_officer.post(f"/api/v1/decisions/{decision['id']}/notify", json={"notified_on": "2025-03-03"})
    assert notified.status_code == 200, notified.get_json()
    assert notified.get_json()["appeal_deadline_on"] == deadline
    on_time = case_officer.post(f"/api/v1/decisions/{decision['id']}/appeals", json={"received_on": deadline})
    assert on_time.status_code == 201, on_time.get_json()
    assert on_time.get_json()["deadline_on"] == deadline
    assert on_time.get_json()["deadline_met"] is True
    late_day = (D.fromisoformat(deadline) + dt.timedelta(days=1)).isoformat()
    late = case_officer.post(f"/api/v1/decisions/{decision['id']}/appeals", json={"received_on": late_day})
    assert late.status_code == 201, "a late appeal is still registered"
    assert late.get_json()["deadline_met"] is False
