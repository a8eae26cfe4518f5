"""Statutory periods as domstolloven §§ 148–149 count them, hand-computed for 2024–2028.

Every date below was worked out by hand from a calendar: the weekday of the start, the
end of the period, and the first working day after it when the end is a Saturday, a
Sunday or a public holiday (helligdagsloven § 2; 1 and 17 May).
"""

import datetime as dt

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.common.deadlines import (
    is_working_day,
    next_working_day,
    norwegian_public_holidays,
    statutory_period_end,
)

D = dt.date

# Hand-computed: Easter Sunday 31.03.2024, 20.04.2025, 05.04.2026, 28.03.2027, 16.04.2028.
HOLIDAYS = {
    2024: ["01-01", "03-28", "03-29", "03-31", "04-01", "05-01", "05-09", "05-17", "05-19", "05-20",
           "12-25", "12-26"],
    2025: ["01-01", "04-17", "04-18", "04-20", "04-21", "05-01", "05-17", "05-29", "06-08", "06-09",
           "12-25", "12-26"],
    2026: ["01-01", "04-02", "04-03", "04-05", "04-06", "05-01", "05-14", "05-17", "05-24", "05-25",
           "12-25", "12-26"],
    # 2027: Whit Monday falls on 17 May, so eleven dates.
    2027: ["01-01", "03-25", "03-26", "03-28", "03-29", "05-01", "05-06", "05-16", "05-17",
           "12-25", "12-26"],
    2028: ["01-01", "04-13", "04-14", "04-16", "04-17", "05-01", "05-17", "05-25", "06-04", "06-05",
           "12-25", "12-26"],
}


@pytest.mark.parametrize("year", sorted(HOLIDAYS))
def test_public_holidays_are_the_legal_list(year):
    expected = {D.fromisoformat(f"{year}-{md}") for md in HOLIDAYS[year]}
    assert norwegian_public_holidays(year) == expected


@given(st.integers(min_value=1950, max_value=2100))
def test_calendar_agrees_with_the_holidays_package(year):
    assert norwegian_public_holidays(year) == set(holidays.country_holidays("NO", years=year,
                                                                            include_sundays=False))


def test_christmas_eve_and_new_years_eve_are_working_days():
    for year in range(2024, 2029):
        for day in (D(year, 12, 24), D(year, 12, 31)):
            assert is_working_day(day) == (day.weekday() < 5)


@pytest.mark.parametrize("start, days, end, why", [
    (D(2024, 3, 2), 21, D(2024, 3, 25), "Saturday 23.03 → Monday"),
    (D(2024, 3, 3), 21, D(2024, 3, 25), "Sunday 24.03 → Monday"),
    (D(2027, 3, 4), 21, D(2027, 3, 30), "Maundy Thursday 25.03.2027 → Tuesday after Easter Monday"),
    (D(2026, 3, 12), 21, D(2026, 4, 7), "Maundy Thursday 02.04.2026 → Tuesday 07.04"),
    (D(2026, 3, 6), 28, D(2026, 4, 7), "Good Friday 03.04.2026 → Tuesday 07.04"),
    (D(2027, 3, 1), 28, D(2027, 3, 30), "Easter Monday 29.03.2027 → Tuesday"),
    (D(2026, 4, 10), 21, D(2026, 5, 4), "1 May 2026 (Friday) → Monday 04.05"),
    (D(2028, 4, 10), 21, D(2028, 5, 2), "1 May 2028 (Monday) → Tuesday"),
    (D(2028, 4, 26), 21, D(2028, 5, 18), "17 May 2028 (Wednesday) → Thursday"),
    (D(2024, 4, 19), 28, D(2024, 5, 21), "17 May 2024 (Friday), weekend with Whit Sunday, Whit Monday"),
    (D(2026, 4, 23), 21, D(2026, 5, 15), "Ascension Day 14.05.2026 → Friday"),
    (D(2027, 4, 19), 28, D(2027, 5, 18), "Whit Monday and 17 May 2027 → Tuesday"),
    (D(2025, 5, 19), 21, D(2025, 6, 10), "Whit Monday 09.06.2025 → Tuesday"),
    (D(2024, 12, 4), 21, D(2024, 12, 27), "Christmas Day and Boxing Day 2024 → Friday"),
    (D(2026, 12, 4), 21, D(2026, 12, 28), "Christmas Day 2026 (Friday), Boxing Day Saturday → Monday"),
    (D(2026, 12, 11), 21, D(2027, 1, 4), "New Year's Day 2027 (Friday) → Monday"),
    (D(2027, 12, 11), 21, D(2028, 1, 3), "New Year's Day 2028 (Saturday) → Monday"),
    (D(2025, 12, 3), 21, D(2025, 12, 24), "24 December is a working day: not moved"),
    (D(2025, 12, 3), 28, D(2025, 12, 31), "31 December is a working day: not moved"),
    (D(2025, 3, 3), 21, D(2025, 3, 24), "an ordinary Monday"),
])
def test_appeal_periods_move_past_weekends_and_holidays(start, days, end, why):
    assert statutory_period_end(start, days=days) == end, why


def test_a_period_in_weeks_ends_on_the_same_weekday():
    start = D(2027, 3, 4)  # Thursday
    assert statutory_period_end(start, weeks=3, moves=False) == D(2027, 3, 25)
    assert statutory_period_end(start, weeks=3, moves=False).weekday() == start.weekday()
    assert statutory_period_end(start, weeks=3) == statutory_period_end(start, days=21)


@pytest.mark.parametrize("start, months, end", [
    (D(2025, 1, 31), 1, D(2025, 2, 28)),   # month end
    (D(2024, 1, 31), 1, D(2024, 2, 29)),   # leap year
    (D(2024, 2, 29), 12, D(2025, 2, 28)),  # one year from a leap day
    (D(2025, 3, 3), 12, D(2026, 3, 3)),    # Tuesday: not moved
    (D(2025, 5, 17), 12, D(2026, 5, 18)),  # Sunday 17 May 2026 → Monday
])
def test_periods_in_months_end_on_the_same_date_or_the_months_last(start, months, end):
    assert statutory_period_end(start, months=months) == end


def test_periods_that_do_not_move_end_on_a_holiday():
    assert statutory_period_end(D(2027, 3, 4), days=21, moves=False) == D(2027, 3, 25)


def test_a_period_needs_exactly_one_length():
    with pytest.raises(ValueError):
        statutory_period_end(D(2027, 3, 4))
    with pytest.raises(ValueError):
        statutory_period_end(D(2027, 3, 4), days=1, weeks=1)


@given(st.dates(min_value=D(1850, 1, 1), max_value=D(2199, 12, 31)))
def test_next_working_day_is_a_working_day_within_five_days(day):
    result = next_working_day(day)
    assert is_working_day(result)
    assert 0 <= (result - day).days <= 5  # Maundy Thursday → Tuesday after Easter is the longest run
    assert all(not is_working_day(day + dt.timedelta(days=n)) for n in range((result - day).days))
