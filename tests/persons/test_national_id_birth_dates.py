"""POST /api/v1/persons: the birth date decoded from a national id is a default, not a rule.

See docs/legal-rules.md, "National identity number". Every number is
built here by computing its check digits, from combinations that have not
been issued: year 27-39 with individual number 500-999 (the classic table's
births 2027-2039), a first check digit valid only under the 2032 rule (not
issued before 2032), synthetic month + 80, or an obviously made-up FH-number.
"""

from __future__ import annotations

import datetime as dt

import pytest

PERSONS = "/api/v1/persons"
K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def build(first_nine: str, k1_remainder: int = 0) -> str:
    """Eleven digits whose K1 leaves ``k1_remainder`` mod 11 (0 classic, 1-3 only
    under the 2032 rule) and whose K2 is right."""
    s1 = sum(w * int(d) for w, d in zip(K1_WEIGHTS, first_nine, strict=False))
    k1 = (k1_remainder - s1) % 11
    assert k1 != 10, "pick other digits: K1 would be 10"
    s2 = sum(w * int(d) for w, d in zip(K2_WEIGHTS, first_nine + str(k1), strict=False))
    k2 = (-s2) % 11
    assert k2 != 10, "pick other digits: K2 would be 10"
    return f"{first_nine}{k1}{k2}"


# Born 01.01.1935, number first issued in 2033 (individual 999, classic K1):
# K1 sum 176 = 16*11 -> K1 0; K2 sum 165 = 15*11 -> K2 0.
BORN_1935_ISSUED_2033 = "01013599900"
# Born 01.01.1982, individual 750, K1 by the 2032 rule with remainder 1:
# K1 sum 143 (remainder 0) + K1 1 -> 144, remainder 1; K2 sum 131 -> K2 1 (132 = 12*11).
ONLY_2032_RULE_1982 = "01018275011"
# D-number 45.06.35 (day 05 + 40), individual 750, classic K1:
# K1 sum 175 -> K1 1 (176); K2 sum 160 -> K2 5 (165).
D_NUMBER = "45063575015"
# FH-number: first digit 8, digits 2-9 zero. K1 sum 24 -> K1 9 (33); K2 sum 58 -> K2 8 (66).
FH_NUMBER = "80000000098"


def test_the_literals_are_what_the_helper_computes():
    assert build("010135999") == BORN_1935_ISSUED_2033
    assert build("010182750", 1) == ONLY_2032_RULE_1982
    assert build("450635750") == D_NUMBER
    assert build("800000000") == FH_NUMBER


def at(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 9, 0, tzinfo=dt.timezone.utc)


def officer_at(env, town, frozen_clock, when: dt.datetime):
    """Move the clock first: a token issued at the default time has expired by then."""
    frozen_clock.set(when)
    return env.caller("case_officer", town)


def create(caller, national_id: str, birth_date: str | None = None, name: str = "Test Testesen"):
    body = {"name": name, "national_id": national_id}
    if birth_date is not None:
        body["birth_date"] = birth_date
    return caller.post(PERSONS, json=body)


def assert_created(response, national_id: str, birth_date: str) -> dict:
    assert response.status_code == 201, response.get_json()
    person = response.get_json()
    assert (person["national_id"], person["birth_date"]) == (national_id, birth_date)
    return person


def assert_birth_date_refused(problem, response, national_id: str) -> str:
    body = problem(response, 422)
    assert set(body["errors"]) == {"birth_date"}
    assert national_id not in response.get_data(as_text=True)
    return body["errors"]["birth_date"][0]


# --- 1935 birth, number issued in 2033 ------------------------------------------

@pytest.mark.parametrize("today", [at(2026, 3, 3), at(2033, 6, 1)])
def test_1935_birth_with_a_2033_number_is_accepted_with_its_birth_date(env, town, frozen_clock, today):
    case_officer = officer_at(env, town, frozen_clock, today)
    assert_created(create(case_officer, BORN_1935_ISSUED_2033, "1935-01-01"),
                   BORN_1935_ISSUED_2033, "1935-01-01")


def test_1935_birth_with_a_2033_number_defaults_to_1935_in_2033(env, town, frozen_clock):
    # The classic table says 2035, which in 2033 is in the future: the default
    # is the latest century in the past, not a refusal.
    case_officer = officer_at(env, town, frozen_clock, at(2033, 6, 1))
    assert_created(create(case_officer, BORN_1935_ISSUED_2033), BORN_1935_ISSUED_2033, "1935-01-01")


# --- numbers valid only under the 2032 rule --------------------------------------

def test_2032_rule_number_in_a_classic_gap_is_accepted_with_the_birth_date(case_officer):
    assert_created(create(case_officer, ONLY_2032_RULE_1982, "1982-01-01"), ONLY_2032_RULE_1982, "1982-01-01")


def test_2032_rule_number_needs_the_birth_date(case_officer, problem, total):
    message = assert_birth_date_refused(problem, create(case_officer, ONLY_2032_RULE_1982), ONLY_2032_RULE_1982)
    assert "century cannot be read" in message
    assert total(case_officer.get(PERSONS)) == 0


@pytest.mark.parametrize("birth_date", ["1982-01-02", "1982-02-01", "1983-01-01"])
def test_2032_rule_number_with_another_date_is_refused(case_officer, problem, birth_date):
    message = assert_birth_date_refused(problem, create(case_officer, ONLY_2032_RULE_1982, birth_date),
                                        ONLY_2032_RULE_1982)
    assert message == "does not match the national id"


def test_2032_rule_number_in_another_century_is_accepted(case_officer):
    # Same day, month and two-digit year: the century is the caller's to give.
    assert_created(create(case_officer, ONLY_2032_RULE_1982, "1882-01-01"), ONLY_2032_RULE_1982, "1882-01-01")


# --- D-numbers may carry the registration date -----------------------------------

def test_d_number_with_another_birth_date_is_accepted_and_stored(case_officer):
    person = assert_created(create(case_officer, D_NUMBER, "1980-03-04"), D_NUMBER, "1980-03-04")
    assert case_officer.get(f"{PERSONS}/{person['id']}").get_json()["birth_date"] == "1980-03-04"


def test_d_number_without_birth_date_defaults_to_its_digits(case_officer):
    assert_created(create(case_officer, D_NUMBER), D_NUMBER, "1935-06-05")


def test_resending_the_same_d_number_keeps_the_callers_birth_date(case_officer):
    person = assert_created(create(case_officer, D_NUMBER, "1980-03-04"), D_NUMBER, "1980-03-04")
    response = case_officer.patch(f"{PERSONS}/{person['id']}", json={"national_id": D_NUMBER},
                                  headers={"If-Match": '"v1"'})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["birth_date"] == "1980-03-04"


# --- ordinary numbers: day, month and two-digit year must agree, any century ------

def test_ordinary_number_with_a_birth_date_in_another_century_is_accepted(env, town, frozen_clock):
    # 01.01.35 individual 500 (classic K1 2, K2 2): in 2040 the table's 2035 is the default.
    national_id = build("010135500")
    case_officer = officer_at(env, town, frozen_clock, at(2040, 1, 1))
    assert_created(create(case_officer, national_id), national_id, "2035-01-01")
    assert_created(create(case_officer, build("010135502"), "1935-01-01", name="Annen"),
                   build("010135502"), "1935-01-01")


def test_synthetic_number_with_a_birth_date_in_another_century_is_accepted(case_officer, synthetic_id):
    national_id = synthetic_id(dt.date(1985, 6, 15))
    assert_created(create(case_officer, national_id, "1885-06-15"), national_id, "1885-06-15")


@pytest.mark.parametrize("birth_date", ["2035-01-02", "1935-01-02", "1936-01-01"])
def test_ordinary_number_with_another_day_or_year_is_refused(env, town, frozen_clock, problem, birth_date):
    national_id = build("010135500")
    case_officer = officer_at(env, town, frozen_clock, at(2040, 1, 1))
    message = assert_birth_date_refused(problem, create(case_officer, national_id, birth_date), national_id)
    assert message == "does not match the national id"


def test_the_future_check_is_on_the_final_birth_date(case_officer, problem):
    # In 2026 the default for 01.01.35 is 1935; the caller may not choose 2035.
    national_id = build("010135500")
    assert_created(create(case_officer, national_id), national_id, "1935-01-01")
    message = assert_birth_date_refused(problem, create(case_officer, build("010135502"), "2035-01-01"),
                                        build("010135502"))
    assert message == "must not be in the future"


def test_changing_to_a_number_that_agrees_keeps_the_stored_century(case_officer):
    person = assert_created(create(case_officer, D_NUMBER, "1982-01-01"), D_NUMBER, "1982-01-01")
    response = case_officer.patch(f"{PERSONS}/{person['id']}", json={"national_id": ONLY_2032_RULE_1982},
                                  headers={"If-Match": '"v1"'})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["birth_date"] == "1982-01-01"


# --- FH-numbers ----------------------------------------------------------------

def test_fh_number_with_birth_date_is_accepted_even_without_synthetic_ids(app, case_officer, monkeypatch):
    monkeypatch.setitem(app.config, "ALLOW_SYNTHETIC_IDS", False)
    assert_created(create(case_officer, FH_NUMBER, "1990-05-17"), FH_NUMBER, "1990-05-17")


def test_fh_number_without_birth_date_is_refused(case_officer, problem):
    message = assert_birth_date_refused(problem, create(case_officer, FH_NUMBER), FH_NUMBER)
    assert "does not encode a birth date" in message


def test_fh_number_with_a_future_birth_date_is_refused(case_officer, problem):
    assert_birth_date_refused(problem, create(case_officer, FH_NUMBER, "2026-03-04"), FH_NUMBER)


# --- H-numbers stay gated ----------------------------------------------------------

def test_h_number_is_refused_without_synthetic_ids(app, case_officer, problem, monkeypatch):
    monkeypatch.setitem(app.config, "ALLOW_SYNTHETIC_IDS", False)
    h_number = build("014135500")  # 01.01 + 40 in the month, '35, individual 500
    response = create(case_officer, h_number, "1935-01-01")
    body = problem(response, 422)
    assert body["errors"] == {"national_id": ["synthetic or test-range national ids are not allowed here"]}
    assert h_number not in response.get_data(as_text=True)


def test_h_number_is_accepted_where_synthetic_ids_are_allowed(case_officer):
    h_number = build("014135500")
    assert_created(create(case_officer, h_number, "1935-01-01"), h_number, "1935-01-01")
