"""Tests for service.persons.national_id.

Every literal number below is either synthetic (month + 80 / + 40), uses a
combination Folkeregisteret has not issued (two-digit year 27-39 with
individual number 500-999, which the classic table reserves for births in
2027-2039; or a first check digit valid only under the 2032 rule, not issued
before 2032), is an obviously made-up FH-number, or encodes an impossible
date. Numbers that look like real people only ever come from hypothesis at
run time and are never written down.
"""

from __future__ import annotations

import datetime
import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from stdnum.no import fodselsnummer

from service.persons.national_id import (
    NationalId,
    NationalIdError,
    compute_check_digits,
    generate_synthetic_national_id,
    is_valid_national_id,
    mask_national_id,
    parse_national_id,
)

# database=None: do not write a .hypothesis/ directory into the project.
FAST = settings(max_examples=300, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)

ALL_REASONS = (
    "not_11_digits",
    "invalid_date",
    "check_digit_1",
    "check_digit_2",
    "synthetic_not_allowed",
)


# --- independent reference helpers (deliberately not using the module) ------

def ref_checks(first_nine: str) -> tuple[int, int] | None:
    s1 = sum(w * int(d) for w, d in zip(K1_WEIGHTS, first_nine, strict=False))
    k1 = (11 - s1 % 11) % 11
    if k1 == 10:
        return None
    s2 = sum(w * int(d) for w, d in zip(K2_WEIGHTS, first_nine + str(k1), strict=False))
    k2 = (11 - s2 % 11) % 11
    if k2 == 10:
        return None
    return k1, k2


def build(first_nine: str, k1_remainder: int = 0) -> str | None:
    """Eleven digits whose K1 leaves ``k1_remainder`` (0 classic, 0-3 from 2032)
    and whose K2 is right; None when K1 or K2 would have to be 10."""
    s1 = sum(w * int(d) for w, d in zip(K1_WEIGHTS, first_nine, strict=False))
    k1 = (k1_remainder - s1) % 11
    if k1 == 10:
        return None
    s2 = sum(w * int(d) for w, d in zip(K2_WEIGHTS, first_nine + str(k1), strict=False))
    k2 = (-s2) % 11
    if k2 == 10:
        return None
    return f"{first_nine}{k1}{k2}"


def with_checks(prefix6: str, individuals=range(500, 1000)) -> str:
    """First number with classic check digits for a six-digit date prefix."""
    for individual in individuals:
        first_nine = f"{prefix6}{individual:03d}"
        checks = ref_checks(first_nine)
        if checks is not None:
            return f"{first_nine}{checks[0]}{checks[1]}"
    raise AssertionError("no individual number with valid check digits")


def reason_of(value, **kwargs) -> str:
    with pytest.raises(NationalIdError) as info:
        parse_national_id(value, **kwargs)
    return info.value.reason


# --- hand-computed cases ----------------------------------------------------

# Plain fnr, born 01.01.2035 (cannot be a living person), individual 500:
#   digits       0  1  0  1  3  5  5  0  0
#   K1 weights   3  7  6  1  8  9  4  5  2
#   products     0 +7 +0 +1 +24+45+20 +0 +0 = 97; 97 mod 11 = 9 -> K1 = 11-9 = 2
#                check: 97 + 2 = 99 = 9*11, remainder 0
#   digits       0  1  0  1  3  5  5  0  0  2
#   K2 weights   5  4  3  2  7  6  5  4  3  2
#   products     0 +4 +0 +2 +21+30+25 +0 +0 +4 = 86; 86 mod 11 = 9 -> K2 = 2
#                check: 86 + 2 = 88 = 8*11, remainder 0
FNR_2035 = "01013550022"


def test_hand_computed_fnr():
    nid = parse_national_id(FNR_2035)
    assert nid == NationalId(FNR_2035, "fnr", datetime.date(2035, 1, 1), False)
    assert nid.masked() == "******50022"
    assert compute_check_digits(FNR_2035[:9]) == (2, 2)


def test_d_number():
    # Day 01 + 40 = 41. K1: 97 + 4*3 = 109, mod 11 = 10 -> K1 = 1 (109+1 = 110).
    # K2: 86 - 4 (old K1 term) + 4*5 - 0 + 1*2 = 104, mod 11 = 5 -> K2 = 6.
    nid = parse_national_id("41013550016")
    assert nid.kind == "d_number"
    assert nid.birth_date == datetime.date(2035, 1, 1)
    assert nid.is_synthetic is False


def test_h_number_is_gated_as_synthetic():
    # Month 01 + 40 = 41. K1 sum 121 = 11*11 -> K1 = 0; K2 sum 94, mod 11 = 6 -> K2 = 5.
    value = "01413550005"
    assert reason_of(value) == "synthetic_not_allowed"
    assert not is_valid_national_id(value)
    nid = parse_national_id(value, allow_synthetic=True)
    assert (nid.kind, nid.birth_date, nid.is_synthetic) == ("h_number", datetime.date(2035, 1, 1), True)


def test_synthetic_plus_80():
    # Month 01 + 80 = 81. K1 sum 145, mod 11 = 2 -> K1 = 9; K2 sum 124, mod 11 = 3 -> K2 = 8.
    value = "01813550098"
    assert reason_of(value) == "synthetic_not_allowed"
    assert is_valid_national_id(value, allow_synthetic=True)
    nid = parse_national_id(value, allow_synthetic=True)
    assert (nid.kind, nid.birth_date, nid.is_synthetic) == ("synthetic", datetime.date(2035, 1, 1), True)


def test_synthetic_d_number_combines_offsets():
    # Day 01 + 40 and month 01 + 80: the month offset decides the kind.
    value = "41813550081"
    assert reason_of(value) == "synthetic_not_allowed"
    nid = parse_national_id(value, allow_synthetic=True)
    assert (nid.kind, nid.birth_date, nid.is_synthetic) == ("synthetic", datetime.date(2035, 1, 1), True)


@pytest.mark.parametrize(
    ("value", "allow_synthetic", "expected"),
    [
        ("29023650078", False, datetime.date(2036, 2, 29)),  # 2036 is a leap year
        ("29822450073", True, datetime.date(2024, 2, 29)),   # synthetic (month 02+80), 2024 leap
        ("29820050043", True, datetime.date(2000, 2, 29)),   # synthetic, 2000 leap (div. by 400)
        ("29829660065", True, datetime.date(1896, 2, 29)),   # synthetic, 600 + '96 -> 1896, leap
        # 29.02.00 is a real date because 2000 was a leap year, so these are
        # valid even where the classic table says 1900 (not leap): the
        # default falls back to the latest century with a real date.
        ("29020050088", False, datetime.date(2000, 2, 29)),  # 500, '00 -> 2000 by the table
        ("29020012380", False, datetime.date(2000, 2, 29)),  # 123, '00 -> 1900 unreal -> 2000
        ("29820012346", True, datetime.date(2000, 2, 29)),   # synthetic, same fallback
    ],
)
def test_29_february_in_leap_year(value, allow_synthetic, expected):
    assert parse_national_id(value, allow_synthetic=allow_synthetic).birth_date == expected
    today = datetime.date(2026, 3, 3)
    assert parse_national_id(value, allow_synthetic=allow_synthetic, today=today).birth_date <= today


def test_29_february_00_hand_computed():
    # 29 02 00 500: K1 sum 6+63+0+2+0+0+20+0+0 = 91, 91 mod 11 = 3 -> K1 = 8 (99 = 9*11);
    # K2 sum 10+36+0+4+0+0+25+0+0+16 = 91 -> K2 = 8 (99). Under the table 500/'00 is 2000.
    assert build("290200500") == "29020050088"
    nid = parse_national_id("29020050088", today=datetime.date(2026, 3, 3))
    assert (nid.kind, nid.birth_date, nid.only_2032_rule) == ("fnr", datetime.date(2000, 2, 29), False)


@pytest.mark.parametrize(
    ("value", "allow_synthetic"),
    [
        ("29023550057", False),  # 1935 and 2035 not leap
        ("29822350052", True),   # synthetic, 1923 and 2023 not leap
    ],
)
def test_29_february_in_non_leap_year(value, allow_synthetic):
    assert reason_of(value, allow_synthetic=allow_synthetic) == "invalid_date"


@pytest.mark.parametrize("individual", [123, 500, 999])
@pytest.mark.parametrize("k1_remainder", [0, 1, 2, 3])
def test_29_february_01_is_invalid_in_every_century(individual, k1_remainder):
    # 1901 and 2001 are not leap years (1801 is before 1854 anyway).
    for ind in range(individual, individual - 20, -1):
        value = build(f"290201{ind:03d}", k1_remainder)
        if value is not None:
            break
    assert value is not None
    assert reason_of(value, allow_synthetic=True) == "invalid_date"


# Century rules, all on synthetic (+80) numbers so no real person is named.
@pytest.mark.parametrize(
    ("value", "expected_year"),
    [
        ("01817012309", 1970),  # 000-499 -> 1900-1999
        ("01819949995", 1999),  # 499, '99 -> 1999 (upper edge of the 000-499 block)
        ("01816060040", 1860),  # 500-749 with 54-99 -> 1854-1899
        ("01815474909", 1854),  # 749, '54 -> 1854 (both edges)
        ("01811080035", 2010),  # 500-999 with 00-39 -> 2000-2039
        ("01810050019", 2000),  # 500, '00 -> 2000
        ("01817095034", 1970),  # 900-999 with 40-99 -> 1940-1999
        ("01814090082", 1940),  # 900, '40 -> 1940
    ],
)
def test_century_rules(value, expected_year):
    nid = parse_national_id(value, allow_synthetic=True)
    assert nid.birth_date == datetime.date(expected_year, 1, 1)


@pytest.mark.parametrize(
    ("value", "expected_year"),
    [
        ("01815475026", 1954),  # 750, '54: a gap of the classic table (750-899 only with 00-39)
        ("01814089947", 1940),  # 899, '40
        ("01815360075", 1953),  # 600, '53: 500-749 only with 54-99 (or 00-39); 1853 < 1854
        ("01814560089", 1945),  # 600, '45
    ],
)
def test_century_rule_gaps_are_valid_with_the_latest_past_century(value, expected_year):
    # From 2032 individual numbers are handed out from 999 downwards whatever
    # the century, so the gaps of the classic table are no reason to refuse.
    today = datetime.date(2026, 3, 3)
    assert parse_national_id(value, allow_synthetic=True, today=today).birth_date == \
        datetime.date(expected_year, 1, 1)
    # Without a today there is no "past": the latest century is the default.
    assert parse_national_id(value, allow_synthetic=True).birth_date.year == 2000 + expected_year % 100


def test_check_digits_of_edge_cases_are_classic():
    # The constants above were computed by hand / with ref_checks; keep them honest.
    for value in ["01817012309", "01815475026", "29820012346", "41813550081", "01413550005"]:
        assert ref_checks(value[:9]) == (int(value[9]), int(value[10]))


# --- the 2032 check-digit rule ---------------------------------------------

# Same first nine digits as FNR_2035 (weighted sum 97, remainder 9).
# The K2 sum without K1 is 86 - 2*2 = 82; each K2 below is recomputed for its K1.
#   K1=3: 97+3 = 100, 100 mod 11 = 1; K2: 82+6 = 88, rem 0 -> K2 = 0  -> 01013550030
#   K1=4: 97+4 = 101, 101 mod 11 = 2; K2: 82+8 = 90, rem 2 -> K2 = 9  -> 01013550049
#   K1=5: 97+5 = 102, 102 mod 11 = 3; K2: 82+10 = 92, rem 4 -> K2 = 7 -> 01013550057
#   K1=6: 97+6 = 103, 103 mod 11 = 4; K2: 82+12 = 94, rem 6 -> K2 = 5 -> 01013550065
@pytest.mark.parametrize("value", ["01013550030", "01013550049", "01013550057"])
def test_2032_rule_remainders_1_to_3_are_accepted(value):
    nid = parse_national_id(value)
    assert nid.birth_date == datetime.date(2035, 1, 1)
    assert nid.only_2032_rule is True and nid.satisfies_classic_rule is False
    assert parse_national_id(FNR_2035).only_2032_rule is False
    # The classic rule (and compute_check_digits) still gives K1 = 2 only.
    assert compute_check_digits(value[:9]) == (2, 2)
    assert [build(value[:9], r) for r in (0, 1, 2, 3)] == [FNR_2035, *["01013550030", "01013550049",
                                                                       "01013550057"]]


def test_2032_rule_remainder_4_is_rejected():
    assert reason_of("01013550065") == "check_digit_1"


# --- each reason code -------------------------------------------------------

@pytest.mark.parametrize(
    "value",
    [
        "",
        "0101355002",        # 10 digits
        "010135500220",      # 12 digits
        "010135 50022",      # space (stdnum would strip it; we do not)
        "010135-50022",
        " 01013550022",
        "01013550022\n",     # regex $ would match before the newline
        "0101355002a",
        "０１０１３５５００２２",  # full-width digits: str.isdigit() is True
        "٠١٠١٣٥٥٠٠٢٢",       # Arabic-Indic digits
        None,
        1013550022,
    ],
)
def test_not_11_digits(value):
    assert reason_of(value) == "not_11_digits"
    assert is_valid_national_id(value) is False


@pytest.mark.parametrize(
    "prefix6",
    [
        "011335",  # month 13
        "010035",  # month 00
        "015335",  # month 53 (past the H range)
        "014035",  # month 40
        "018035",  # month 80
        "019335",  # month 93 (past the synthetic range)
        "320135",  # day 32
        "000135",  # day 00
        "310435",  # 31 April
        "400135",  # day 40 (D-number day 0)
        "720135",  # D-number day 32
        "730135",  # day 73: neither a D-number nor an FH-number
    ],
)
def test_invalid_date(prefix6):
    value = with_checks(prefix6)
    assert reason_of(value, allow_synthetic=True) == "invalid_date"


def test_check_digit_1_and_2():
    assert reason_of("01013550072") == "check_digit_1"  # 97 + 7 = 104, remainder 5
    assert reason_of("01013550023") == "check_digit_2"  # 86 + 3 = 89, remainder 1


def test_today_only_chooses_the_default_century_and_never_refuses():
    # The classic table says 2035; before that day the default is 1935.
    assert parse_national_id(FNR_2035, today=datetime.date(2034, 12, 31)).birth_date == datetime.date(1935, 1, 1)
    assert parse_national_id(FNR_2035, today=datetime.date(2035, 1, 1)).birth_date == datetime.date(2035, 1, 1)
    assert parse_national_id(FNR_2035).birth_date == datetime.date(2035, 1, 1)
    # Even a today before every possible century is no reason to refuse.
    assert parse_national_id(FNR_2035, today=datetime.date(1900, 1, 1)).birth_date == datetime.date(1935, 1, 1)


def test_every_reason_code_is_reachable_and_has_digit_free_text():
    seen = {
        reason_of("123"),
        reason_of(with_checks("321335")),
        reason_of("01013550072"),
        reason_of("01013550023"),
        reason_of("01813550098"),
    }
    assert seen == set(ALL_REASONS)
    for reason in ALL_REASONS:
        exc = NationalIdError(reason)
        assert isinstance(exc, ValueError)
        assert exc.reason == reason
        assert str(exc) and not re.search(r"[0-9]", str(exc))


def test_reason_order_checksum_before_synthetic_gate():
    # A synthetic number with a broken K2 reports the checksum, not the gate.
    assert reason_of("01813550099") == "check_digit_2"


# --- masking ----------------------------------------------------------------

def test_mask_national_id():
    assert mask_national_id(None) is None
    assert mask_national_id(FNR_2035) == "******50022"
    # Anything that is not eleven digits is masked completely, not partially.
    for junk in ["", "12", "0101355002", "010135 50022", "abcdefghijk"]:
        assert mask_national_id(junk) == "***********"


def test_repr_does_not_leak_number_or_birth_date():
    nid = parse_national_id(FNR_2035)
    assert FNR_2035 not in repr(nid)
    assert FNR_2035[:6] not in repr(nid)
    assert "******50022" in repr(nid)


# --- compute_check_digits ---------------------------------------------------

def test_compute_check_digits_none_when_ten():
    # 018100500: K1 sum 76, 76 mod 11 = 10 -> K1 = 1; K2 fine. 018170800: K1 or K2 is 10.
    assert compute_check_digits("018100500") == (1, 9)
    assert ref_checks("018170800") is None
    assert compute_check_digits("018170800") is None


@pytest.mark.parametrize("bad", ["", "12345678", "1234567890", "12345678a", "١٢٣٤٥٦٧٨٩"])
def test_compute_check_digits_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        compute_check_digits(bad)


@FAST
@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_compute_check_digits_matches_stdnum(first_nine):
    k1 = fodselsnummer.calc_check_digit1(first_nine)
    expected = None
    if k1 != "10":
        k2 = fodselsnummer.calc_check_digit2(first_nine + k1)
        if k2 != "10":
            expected = (int(k1), int(k2))
    assert compute_check_digits(first_nine) == expected == ref_checks(first_nine)


# --- cross-check against python-stdnum --------------------------------------
#
# stdnum 2.2 (stdnum/no/fodselsnummer.py, read in the venv) differs from our
# contract in exactly these places, so the comparison excludes them:
#   * compact() strips spaces, '-' and ':' and surrounding whitespace; we
#     reject anything but eleven ASCII digits -> only digit strings compared.
#   * K1 must be the classic digit (remainder 0); we also accept remainders
#     1-3 (2032 rule) -> numbers with remainder 1-3 are skipped.
#   * month > 40 has 40 subtracted, so H-numbers (41-52) are valid there; we
#     reject them without allow_synthetic -> months 41-52 skipped. Months
#     81-92 become 41-52 in stdnum, an invalid date, so both reject them.
#   * day >= 80 (FH-number) raises; we accept FH-numbers (first digit 8 or 9)
#     -> skipped.
#   * its century table refuses the gaps (750-899 with year 40-99, 500-749
#     with year 40-53) and dates that are unreal in the table's century
#     (29.02.00 with 000-499 -> 1900); we accept a date real in any century
#     1854-2099 -> numbers whose table date is not real are skipped.
#   * it rejects birth dates after date.today(); is_valid_national_id has no
#     clock -> numbers we accept with a future birth date are skipped.

def _k1_remainder(value: str) -> int:
    return (sum(w * int(d) for w, d in zip(K1_WEIGHTS, value, strict=False)) + int(value[9])) % 11


def _classic_table_date_is_real(value: str) -> bool:
    """False only where we accept through another century than stdnum's table."""
    day, month, yy, individual = int(value[0:2]), int(value[2:4]), int(value[4:6]), int(value[6:9])
    day = day - 40 if 41 <= day <= 71 else day
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return True  # not a date for either of us (H and FH are skipped elsewhere)
    if individual <= 499:
        year = 1900 + yy
    elif individual <= 749 and yy >= 54:
        year = 1800 + yy
    elif yy <= 39:
        year = 2000 + yy
    elif individual >= 900:
        year = 1900 + yy
    else:
        return False
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def _comparable(value: str) -> bool:
    if len(value) != 11 or not value.isascii() or not value.isdigit():
        return True  # both reject: stdnum because only digits are generated
    if _k1_remainder(value) in (1, 2, 3):
        return False
    if 41 <= int(value[2:4]) <= 52:
        return False
    if value[0] in "89":
        return False
    if not _classic_table_date_is_real(value):
        return False
    try:
        nid = parse_national_id(value)
    except NationalIdError:
        return True
    return nid.birth_date <= datetime.date.today()


def _assert_agrees_with_stdnum(value: str) -> None:
    assume(_comparable(value))
    assert is_valid_national_id(value) == fodselsnummer.is_valid(value)


@FAST
@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_agrees_with_stdnum_on_random_11_digit_strings(value):
    _assert_agrees_with_stdnum(value)


@FAST
@given(st.text(alphabet="0123456789", min_size=0, max_size=14))
def test_agrees_with_stdnum_on_random_digit_strings_of_any_length(value):
    _assert_agrees_with_stdnum(value)


@st.composite
def checksummed(draw):
    """Random first nine digits plus classic check digits: exercises the date
    and century logic, which random strings almost never reach."""
    day = draw(st.one_of(st.integers(0, 99), st.integers(1, 31), st.integers(41, 71)))
    month = draw(st.one_of(st.integers(0, 99), st.integers(1, 12),
                           st.integers(41, 52), st.integers(81, 92)))
    rest = draw(st.integers(0, 99999))  # two-digit year + individual number
    first_nine = f"{day:02d}{month:02d}{rest:05d}"
    checks = ref_checks(first_nine)
    assume(checks is not None)
    return f"{first_nine}{checks[0]}{checks[1]}"


@st.composite
def valid_classic_numbers(draw, *, max_date=None):
    """Valid fnr/D-numbers (classic K1, not synthetic, not H) born by max_date."""
    birth = draw(st.dates(min_value=datetime.date(1854, 1, 1),
                          max_value=max_date or datetime.date.today()))
    year = birth.year
    if year <= 1899:
        individual = draw(st.integers(500, 749))
    elif year <= 1939:
        individual = draw(st.integers(0, 499))
    elif year <= 1999:
        individual = draw(st.one_of(st.integers(0, 499), st.integers(900, 999)))
    else:
        individual = draw(st.integers(500, 999))
    day = birth.day + (40 if draw(st.booleans()) else 0)
    first_nine = f"{day:02d}{birth.month:02d}{year % 100:02d}{individual:03d}"
    checks = ref_checks(first_nine)
    assume(checks is not None)
    return f"{first_nine}{checks[0]}{checks[1]}"


@FAST
@given(checksummed())
def test_agrees_with_stdnum_on_checksummed_numbers(value):
    _assert_agrees_with_stdnum(value)


@FAST
@given(valid_classic_numbers())
def test_generated_valid_numbers_accepted_by_both(value):
    assert fodselsnummer.is_valid(value)
    assert is_valid_national_id(value)
    nid = parse_national_id(value, today=datetime.date.today())
    assert nid.birth_date == fodselsnummer.get_birth_date(value)
    assert nid.kind == ("d_number" if value[0] >= "4" else "fnr")
    assert nid.is_synthetic is False


# --- no leaks ---------------------------------------------------------------

def _digit_runs(value: str, length: int = 3):
    for i in range(len(value) - length + 1):
        chunk = value[i:i + length]
        if re.fullmatch(r"[0-9]+", chunk):
            yield chunk


def _assert_error_does_not_leak(value, **kwargs) -> None:
    try:
        parse_national_id(value, **kwargs)
    except NationalIdError as exc:
        texts = [str(exc), repr(exc), *map(str, exc.args)]
        for text in texts:
            for run in _digit_runs(value):
                assert run not in text
            assert not re.search(r"[0-9]", text)
        assert exc.reason in ALL_REASONS
        assert exc.__cause__ is None and exc.__context__ is None


@st.composite
def mutated_numbers(draw):
    """A valid-looking number with one digit changed or two digits swapped."""
    value = list(draw(st.one_of(checksummed(), valid_classic_numbers(max_date=datetime.date(2039, 12, 31)))))
    i = draw(st.integers(0, 10))
    if draw(st.booleans()):
        value[i] = draw(st.sampled_from("0123456789"))
    else:
        j = draw(st.integers(0, 10))
        value[i], value[j] = value[j], value[i]
    return "".join(value)


@FAST
@given(
    st.one_of(
        st.text(max_size=20),
        st.text(alphabet="0123456789", min_size=0, max_size=14),
        checksummed(),
        mutated_numbers(),
    ),
    st.booleans(),
    st.one_of(st.none(), st.dates(min_value=datetime.date(1850, 1, 1),
                                  max_value=datetime.date(2040, 1, 1))),
)
def test_errors_never_contain_digits_of_the_input(value, allow_synthetic, today):
    _assert_error_does_not_leak(value, allow_synthetic=allow_synthetic, today=today)


@FAST
@given(st.one_of(valid_classic_numbers(max_date=datetime.date(2039, 12, 31)), checksummed()))
def test_masked_keeps_only_last_five_digits(value):
    try:
        nid = parse_national_id(value, allow_synthetic=True)
    except NationalIdError:
        assume(False)
    for masked in (nid.masked(), mask_national_id(value)):
        assert masked == "******" + value[-5:]
        assert len(re.findall(r"[0-9]", masked)) == 5
        assert value[:6] not in masked


@FAST
@given(st.text(max_size=20))
def test_mask_of_arbitrary_text_never_reveals_more_than_last_five(value):
    masked = mask_national_id(value)
    if re.fullmatch(r"[0-9]{11}", value):
        assert masked == "******" + value[-5:]
    else:
        assert masked == "***********"


# --- generate_synthetic_national_id -----------------------------------------

def test_generate_last_serial_of_worst_date():
    value = generate_synthetic_national_id(datetime.date(1854, 1, 9), 203)
    assert parse_national_id(value, allow_synthetic=True).birth_date == datetime.date(1854, 1, 9)


def test_generate_is_deterministic_and_distinct_per_serial():
    birth = datetime.date(1970, 5, 17)
    first = generate_synthetic_national_id(birth, 0)
    assert first == generate_synthetic_national_id(birth, 0)
    ids = [generate_synthetic_national_id(birth, s) for s in range(50)]
    assert len(set(ids)) == 50
    assert all(v[2:4] == "85" for v in ids)


@pytest.mark.parametrize(
    ("birth", "serial"),
    [
        (datetime.date(1853, 12, 31), 0),   # before the century table
        (datetime.date(2040, 1, 1), 0),     # after it
        (datetime.date(1970, 1, 1), -1),
        (datetime.date(1970, 1, 1), 500),   # only 500 individual numbers in 000-499
        (datetime.date(1860, 1, 1), 250),   # only 250 in 500-749
        (datetime.date(1854, 1, 9), 204),   # worst date: exactly 204 usable numbers
    ],
)
def test_generate_rejects_out_of_range(birth, serial):
    with pytest.raises(ValueError):
        generate_synthetic_national_id(birth, serial)


@FAST
@given(
    st.dates(min_value=datetime.date(1854, 1, 1), max_value=datetime.date(2039, 12, 31)),
    # Checked exhaustively once (1854-2039): every birth date has at least
    # 204 usable individual numbers (worst: 9 Jan 1854), 411 from 1900 on.
    st.integers(min_value=0, max_value=203),
)
def test_generated_synthetic_ids_parse_only_when_allowed(birth, serial):
    value = generate_synthetic_national_id(birth, serial)
    nid = parse_national_id(value, allow_synthetic=True, today=birth)
    assert nid.kind == "synthetic"
    assert nid.is_synthetic is True
    assert nid.birth_date == birth
    assert ref_checks(value[:9]) == (int(value[9]), int(value[10]))
    assert reason_of(value) == "synthetic_not_allowed"
    assert is_valid_national_id(value) is False
    assert is_valid_national_id(value, allow_synthetic=True) is True


# --- numbers issued from 2032 (Skatteetaten, "Nytt fødselsnummer fra 2032") -----

def test_1935_birth_with_a_number_issued_in_2033():
    # A person born 1 January 1935 who is first given a number in 2033, when
    # individual numbers are handed out from 999 downwards, classic K1:
    #   digits      0  1  0  1  3  5  9  9  9
    #   K1 weights  3  7  6  1  8  9  4  5  2
    #   products    0 +7 +0 +1 +24+45+36+45+18 = 176 = 16*11 -> K1 = 0
    #   K2 sum      0 +4 +0 +2 +21+30+45+36+27 +0 = 165 = 15*11 -> K2 = 0
    value = "01013599900"
    assert build("010135999") == value
    # The classic table reads 999/'35 as 2035; in 2033 that is in the future,
    # so the default is the latest century in the past: 1935. Never refused.
    nid = parse_national_id(value, today=datetime.date(2033, 6, 1))
    assert (nid.kind, nid.birth_date, nid.only_2032_rule) == ("fnr", datetime.date(1935, 1, 1), False)
    assert nid.agrees_with_birth_date(datetime.date(1935, 1, 1))
    assert not nid.agrees_with_birth_date(datetime.date(1935, 1, 2))
    # stdnum (classic table only) decodes 2035.
    assert fodselsnummer.get_birth_date(value) == datetime.date(2035, 1, 1)


def test_2032_rule_number_in_a_gap_of_the_classic_table_for_a_1982_birth():
    # Born 1 January 1982, individual number 750 (a gap of the classic table
    # for year 82), K1 by the 2032 rule with remainder 1:
    #   K1 sum  0 +7 +0 +1 +64+18+28+25 +0 = 143 = 13*11; K1 = 1 -> 144 mod 11 = 1
    #   K2 sum  0 +4 +0 +2 +56+12+35+20 +0 +2 = 131, 131 mod 11 = 10 -> K2 = 1 (132 = 12*11)
    value = "01018275011"
    assert build("010182750", 1) == value
    nid = parse_national_id(value, today=datetime.date(2026, 3, 3))
    assert nid.kind == "fnr" and nid.only_2032_rule is True
    assert nid.birth_date == datetime.date(1982, 1, 1)  # a default only; the caller must confirm
    assert nid.agrees_with_birth_date(datetime.date(1982, 1, 1))
    assert not nid.agrees_with_birth_date(datetime.date(1982, 1, 2))
    assert not fodselsnummer.is_valid(value)  # stdnum knows only the classic rule


def test_d_number_of_an_unissued_series_defaults_to_the_past_century():
    # 45 06 35 750: day 05 + 40; K1 sum 12+35+0+6+24+45+28+25+0 = 175, 175 mod 11 = 10 -> K1 = 1;
    # K2 sum 20+20+0+12+21+30+35+20+0+2 = 160, 160 mod 11 = 6 -> K2 = 5.
    value = "45063575015"
    assert build("450635750") == value
    nid = parse_national_id(value, today=datetime.date(2026, 3, 3))
    assert (nid.kind, nid.birth_date) == ("d_number", datetime.date(1935, 6, 5))


# --- FH-numbers (felles hjelpenummer, Norsk helsenett) ------------------------

def test_fh_number_hand_computed():
    # 8 00000000: K1 sum 3*8 = 24, 24 mod 11 = 2 -> K1 = 9 (33 = 3*11);
    # K2 sum 5*8 + 2*9 = 58, 58 mod 11 = 3 -> K2 = 8 (66 = 6*11).
    value = "80000000098"
    assert build("800000000") == value
    nid = parse_national_id(value, today=datetime.date(2026, 3, 3))
    assert (nid.kind, nid.birth_date, nid.is_synthetic, nid.only_2032_rule) == ("fh_number", None, False, False)
    assert nid.encodes_birth_date is False and nid.date_digits() is None
    assert not nid.agrees_with_birth_date(datetime.date(2000, 1, 1))
    assert is_valid_national_id(value)  # a real person's identifier: not gated
    assert FNR_2035[:6] not in repr(nid) and value not in repr(nid)


@pytest.mark.parametrize("first_nine", ["800000000", "912345678", "999999999", "800000010"])
def test_fh_numbers_have_random_digits_and_classic_check_digits(first_nine):
    value = build(first_nine)
    assert value is not None
    assert parse_national_id(value).kind == "fh_number"
    # Digits 2-9 are not a date: no date check, whatever they are.
    assert parse_national_id(value).birth_date is None


def test_fh_number_takes_only_the_classic_check_digit():
    # Norsk helsenett: two check digits "som i ordinære fødselsnummer"; the
    # 2032 remainders are Skatteetaten's, for fødselsnummer and D-nummer.
    for r in (1, 2, 3):
        value = build("800000000", r)
        if value is not None:
            assert reason_of(value) == "check_digit_1"
    assert reason_of("80000000099") == "check_digit_2"


def test_h_numbers_stay_gated():
    value = "01413550005"  # month 01 + 40, see test_h_number_is_gated_as_synthetic
    assert reason_of(value, today=datetime.date(2026, 3, 3)) == "synthetic_not_allowed"
    for r in (1, 2, 3):
        h_2032 = build(value[:9], r)
        if h_2032 is not None:
            assert reason_of(h_2032) == "synthetic_not_allowed"


# --- properties of both check-digit rules -----------------------------------

@st.composite
def valid_numbers_either_rule(draw):
    """Any number valid under the classic or the 2032 rule: a real date in some
    century 1854-2099, any individual number, K1 remainder 0-3."""
    birth = draw(st.dates(min_value=datetime.date(1854, 1, 1), max_value=datetime.date(2099, 12, 31)))
    kind = draw(st.sampled_from(["fnr", "d_number", "h_number", "synthetic"]))
    day = birth.day + (40 if kind == "d_number" else 0)
    month = birth.month + {"h_number": 40, "synthetic": 80}.get(kind, 0)
    individual = draw(st.integers(0, 999))
    remainder = draw(st.integers(0, 3))
    value = build(f"{day:02d}{month:02d}{birth.year % 100:02d}{individual:03d}", remainder)
    assume(value is not None)
    return value, kind, birth, remainder


@FAST
@given(valid_numbers_either_rule(), st.dates(min_value=datetime.date(2026, 1, 1),
                                             max_value=datetime.date(2099, 12, 31)))
def test_every_number_valid_under_either_rule_is_accepted(case, today):
    value, kind, birth, remainder = case
    nid = parse_national_id(value, allow_synthetic=True, today=today)
    assert nid.kind == kind
    assert nid.only_2032_rule is (remainder != 0)
    assert nid.agrees_with_birth_date(birth)  # same day, month, two-digit year
    assert nid.birth_date <= today
    if kind in ("fnr", "d_number"):
        assert is_valid_national_id(value)


@FAST
@given(valid_numbers_either_rule(), st.integers(0, 10), st.integers(1, 9), st.booleans())
def test_every_single_digit_typo_is_refused(case, position, shift, allow_synthetic):
    # K2's weights 5,4,3,2,7,6,5,4,3,2 (and 1 for K2 itself) are all non-zero
    # mod 11, so changing any one digit always breaks K2 (or K1 first).
    value = case[0]
    digits = list(value)
    digits[position] = str((int(digits[position]) + shift) % 10)
    typo = "".join(digits)
    assert typo != value
    assert reason_of(typo, allow_synthetic=allow_synthetic) in ("check_digit_1", "check_digit_2")


@FAST
@given(st.integers(0, 99_999_999), st.sampled_from("89"))
def test_every_classic_fh_number_is_accepted(rest, first):
    value = build(f"{first}{rest:08d}")
    assume(value is not None)
    nid = parse_national_id(value, today=datetime.date(2026, 3, 3))
    assert (nid.kind, nid.birth_date, nid.is_synthetic) == ("fh_number", None, False)
