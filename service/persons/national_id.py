"""Norwegian national identity numbers (fødselsnummer, D-nummer, H-nummer).

Structure and check digits follow Skatteetaten's description of the number
issued under the Folkeregister rules: ``DDMMYY III K1 K2``. Skatteetaten has
announced that from 2032 the first check digit may also leave a remainder of
1, 2 or 3 (mod 11), because the individual numbers are running out; both
rules are accepted here so numbers issued after the switch validate without
a code change.

A national id is special-category-adjacent personal data (it identifies a
person and encodes birth date and sex), so nothing in this module ever puts
the number, or any digit of it, into an exception message or a repr.

This module is pure: no I/O, no logging, no clock unless the caller passes
``today``.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

__all__ = [
    "NationalId",
    "NationalIdError",
    "compute_check_digits",
    "generate_synthetic_national_id",
    "is_valid_national_id",
    "mask_national_id",
    "parse_national_id",
]

# ``str.isdigit`` and ``\d`` accept non-ASCII digits (Arabic-Indic, full-width,
# superscripts) and ``$`` matches before a trailing newline, so spell it out.
_ELEVEN_ASCII_DIGITS = re.compile(r"[0-9]{11}")
_NINE_ASCII_DIGITS = re.compile(r"[0-9]{9}")

_K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
# Remainders of (weighted sum of digits 1-9 + K1) mod 11 that Skatteetaten
# accepts: 0 today, 0-3 after the 2032 change. Both are accepted.
_K1_VALID_REMAINDERS = frozenset({0, 1, 2, 3})

_D_NUMBER_DAY_OFFSET = 40  # D-nummer: first digit + 4
_H_NUMBER_MONTH_OFFSET = 40  # H-nummer (hjelpenummer, health sector): third digit + 4
_SYNTHETIC_MONTH_OFFSET = 80  # Skatteetaten Tenor test numbers: third digit + 8

_MASK_PREFIX = "******"
_FULLY_MASKED = "*" * 11

# Messages are fixed English text with no digits at all, so they can never
# echo the number (or part of it) even by coincidence.
_MESSAGES = {
    "not_11_digits": "national id must be exactly eleven ASCII digits",
    "invalid_date": "national id does not encode a valid date",
    "invalid_individual_number": "individual number is not valid for the encoded year",
    "check_digit_1": "first check digit does not match",
    "check_digit_2": "second check digit does not match",
    "synthetic_not_allowed": "synthetic or test-range national ids are not allowed here",
    "birth_date_in_future": "birth date is in the future",
}
_FALLBACK_MESSAGE = "national id is not valid"


class NationalIdError(ValueError):
    """Raised with a short reason code; the message never contains the number.

    Why: these errors travel to API responses and logs, and a national id in
    either is a personal-data leak (GDPR art. 5(1)(c), data minimisation).
    """

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(_MESSAGES.get(reason, _FALLBACK_MESSAGE))


@dataclass(frozen=True)
class NationalId:
    """A parsed, validated national id.

    ``kind`` names the one offset that decides how the number may be used:
    ``synthetic`` (month + 80) > ``h_number`` (month + 40) > ``d_number``
    (day + 40) > ``fnr``. A synthetic D-number is therefore ``synthetic``.
    """

    value: str
    kind: str
    birth_date: datetime.date
    is_synthetic: bool

    def masked(self) -> str:
        """``******`` + the last five digits, the form used in UIs and logs."""
        return _MASK_PREFIX + self.value[-5:]

    def __repr__(self) -> str:
        # The dataclass default would print the full number (and the birth
        # date, i.e. the first six digits) into tracebacks and debug logs.
        return (
            f"NationalId(value={self.masked()!r}, kind={self.kind!r}, "
            f"is_synthetic={self.is_synthetic!r})"
        )


def _weighted_sum(digits: str, weights: tuple[int, ...]) -> int:
    return sum(w * (ord(c) - 48) for w, c in zip(weights, digits))


def _century_year(yy: int, individual: int) -> int | None:
    """Four-digit birth year from the two-digit year and individual number.

    Why: Skatteetaten's allocation table for individual numbers; 500-749 with
    year 54-99 are people born 1854-1899, registered when the system started.
    """
    if individual <= 499:
        return 1900 + yy
    if individual <= 749 and yy >= 54:
        return 1800 + yy
    if yy <= 39:  # individual 500-999
        return 2000 + yy
    if individual >= 900:  # year 40-99
        return 1900 + yy
    return None


def parse_national_id(
    value: str,
    *,
    allow_synthetic: bool = False,
    today: datetime.date | None = None,
) -> NationalId:
    """Validate ``value`` and return its parsed form, or raise NationalIdError.

    Checks run in this order, so the reason is always the first failure:
    not_11_digits, check_digit_1, check_digit_2, invalid_individual_number,
    invalid_date, synthetic_not_allowed, birth_date_in_future.

    Month + 40 (H-nummer) and month + 80 (Tenor) both mark numbers that are
    not a person's permanent identity, so the project's design contract
    gates both behind ``allow_synthetic``. The future-date check only runs
    when ``today`` is given, which keeps this function free of a clock.
    """
    if not isinstance(value, str) or _ELEVEN_ASCII_DIGITS.fullmatch(value) is None:
        raise NationalIdError("not_11_digits")

    k1 = ord(value[9]) - 48
    k2 = ord(value[10]) - 48
    if (_weighted_sum(value, _K1_WEIGHTS) + k1) % 11 not in _K1_VALID_REMAINDERS:
        raise NationalIdError("check_digit_1")
    if (_weighted_sum(value, _K2_WEIGHTS) + k2) % 11 != 0:
        raise NationalIdError("check_digit_2")

    raw_day = int(value[0:2])
    raw_month = int(value[2:4])
    yy = int(value[4:6])
    individual = int(value[6:9])

    year = _century_year(yy, individual)
    if year is None:
        raise NationalIdError("invalid_individual_number")

    is_d_number = False
    day = raw_day
    if 41 <= raw_day <= 71:
        is_d_number = True
        day = raw_day - _D_NUMBER_DAY_OFFSET

    if 1 <= raw_month <= 12:
        month, kind = raw_month, ("d_number" if is_d_number else "fnr")
    elif 41 <= raw_month <= 52:
        month, kind = raw_month - _H_NUMBER_MONTH_OFFSET, "h_number"
    elif 81 <= raw_month <= 92:
        month, kind = raw_month - _SYNTHETIC_MONTH_OFFSET, "synthetic"
    else:
        raise NationalIdError("invalid_date")

    # calendar.monthrange knows the Gregorian leap rule (1900 no, 2000 yes);
    # checking up front avoids catching date()'s ValueError, whose chained
    # context would otherwise ride along with our exception.
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise NationalIdError("invalid_date")
    birth_date = datetime.date(year, month, day)

    is_synthetic = kind in ("h_number", "synthetic")
    if is_synthetic and not allow_synthetic:
        raise NationalIdError("synthetic_not_allowed")
    if today is not None and birth_date > today:
        raise NationalIdError("birth_date_in_future")

    return NationalId(value=value, kind=kind, birth_date=birth_date, is_synthetic=is_synthetic)


def is_valid_national_id(value: str, *, allow_synthetic: bool = False) -> bool:
    """True iff ``parse_national_id`` accepts the value (no future-date check)."""
    try:
        parse_national_id(value, allow_synthetic=allow_synthetic)
    except NationalIdError:
        return False
    return True


def mask_national_id(value: str | None) -> str | None:
    """``******`` + last five digits; anything not eleven digits is fully masked.

    Why: the last five (individual number + check digits) are enough for a
    caseworker to tell two people apart without exposing the birth date. A
    malformed value is masked completely rather than partially revealed.
    """
    if value is None:
        return None
    if not isinstance(value, str) or _ELEVEN_ASCII_DIGITS.fullmatch(value) is None:
        return _FULLY_MASKED
    return _MASK_PREFIX + value[-5:]


def compute_check_digits(first_nine: str) -> tuple[int, int] | None:
    """Classic (pre-2032) K1 and K2 for nine digits, or None if either is 10.

    Why: a remainder needing check digit 10 cannot be written as one digit, so
    Skatteetaten never issues that individual number under the classic rule.
    """
    if not isinstance(first_nine, str) or _NINE_ASCII_DIGITS.fullmatch(first_nine) is None:
        raise ValueError("first_nine must be exactly nine ASCII digits")
    k1 = (11 - _weighted_sum(first_nine, _K1_WEIGHTS) % 11) % 11
    if k1 == 10:
        return None
    k2 = (11 - _weighted_sum(first_nine + str(k1), _K2_WEIGHTS) % 11) % 11
    if k2 == 10:
        return None
    return k1, k2


def _individual_range(year: int) -> range:
    """Individual numbers allocated to a birth year (primary series only)."""
    if 1854 <= year <= 1899:
        return range(500, 750)
    if 1900 <= year <= 1999:
        return range(0, 500)
    if 2000 <= year <= 2039:
        return range(500, 1000)
    raise ValueError("birth year must be between 1854 and 2039")


def generate_synthetic_national_id(birth_date: datetime.date, serial: int) -> str:
    """Deterministic Tenor-style (month + 80) number for demo data and tests.

    Why synthetic: demo and test data must never be a real person's number;
    Skatteetaten reserves month + 80 for synthetic identities. ``serial`` is
    the index into the individual numbers of the birth year's century whose
    classic check digits exist (about 82 % of them); serials past the end
    raise ValueError rather than wrap, so distinct serials give distinct ids.
    """
    if isinstance(serial, bool) or not isinstance(serial, int) or serial < 0:
        raise ValueError("serial must be a non-negative integer")
    prefix = (
        f"{birth_date.day:02d}"
        f"{birth_date.month + _SYNTHETIC_MONTH_OFFSET:02d}"
        f"{birth_date.year % 100:02d}"
    )
    remaining = serial
    for individual in _individual_range(birth_date.year):
        first_nine = f"{prefix}{individual:03d}"
        checks = compute_check_digits(first_nine)
        if checks is None:
            continue
        if remaining == 0:
            return f"{first_nine}{checks[0]}{checks[1]}"
        remaining -= 1
    raise ValueError("serial exceeds the individual numbers available for this birth date")
