"""Norwegian national identity numbers (fødselsnummer, D-nummer, H-nummer, FH-nummer).

Structure and check digits follow Skatteetaten's description of the number
issued under the Folkeregister rules: ``DDMMYY III K1 K2``. From 1 January
2032 Skatteetaten also issues numbers whose first check digit leaves a
remainder of 1, 2 or 3 (mod 11) instead of 0, and the individual number
(``III``) no longer tells the century or the sex ("Nytt fødselsnummer fra
2032"). Both check-digit rules are accepted here, and the birth date decoded
from the digits is only a *default*: it is never a reason to refuse a number.

FH-numbers (felles hjelpenummer, Norsk helsenett) start with 8 or 9, carry a
random non-meaningful number in digits 2-9 and classic check digits; they
encode no birth date at all.

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
    "KINDS",
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
# Remainder of (weighted sum of digits 1-9 + K1) mod 11: the classic rule
# accepts only 0; the 2032 rule accepts 0-3. K2 is the same under both.
_K1_CLASSIC_REMAINDER = 0
_K1_2032_REMAINDERS = frozenset({0, 1, 2, 3})

_D_NUMBER_DAY_OFFSET = 40  # D-nummer: first digit + 4
_H_NUMBER_MONTH_OFFSET = 40  # H-nummer (hjelpenummer, health sector): third digit + 4
_SYNTHETIC_MONTH_OFFSET = 80  # Skatteetaten Tenor test numbers: third digit + 8
_FH_FIRST_DIGITS = frozenset("89")  # FH-nummer (felles hjelpenummer): first digit 8 or 9

# Birth years a number can stand for: the oldest person given a number in
# 1964 was born in the 1850s; two year digits reach no further than 2099.
_FIRST_YEAR = 1854
_LAST_YEAR = 2099

_MASK_PREFIX = "******"
_FULLY_MASKED = "*" * 11

# Messages are fixed English text with no digits at all, so they can never
# echo the number (or part of it) even by coincidence.
_MESSAGES = {
    "not_11_digits": "national id must be exactly eleven ASCII digits",
    "invalid_date": "national id does not encode a valid date",
    "check_digit_1": "first check digit does not match",
    "check_digit_2": "second check digit does not match",
    "synthetic_not_allowed": "synthetic or test-range national ids are not allowed here",
}
_FALLBACK_MESSAGE = "national id is not valid"

KINDS = ("fnr", "d_number", "h_number", "synthetic", "fh_number")


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
    ``fh_number`` (first digit 8 or 9, no date) stands apart; otherwise
    ``synthetic`` (month + 80) > ``h_number`` (month + 40) > ``d_number``
    (day + 40) > ``fnr``. A synthetic D-number is therefore ``synthetic``.

    ``birth_date`` is the *default* birth date read from the digits (None for
    an FH-number): the century is a best guess, and for a D-number the digits
    may be the registration date. ``only_2032_rule`` is True when the first
    check digit is valid under the 2032 rule but not the classic one; the
    century of such a number cannot be read from it at all.
    """

    value: str
    kind: str
    birth_date: datetime.date | None
    is_synthetic: bool
    only_2032_rule: bool = False

    @property
    def satisfies_classic_rule(self) -> bool:
        """K1 leaves remainder 0 (valid before and after 2032)."""
        return not self.only_2032_rule

    @property
    def encodes_birth_date(self) -> bool:
        return self.kind != "fh_number"

    def date_digits(self) -> tuple[int, int, int] | None:
        """(day, month, two-digit year) the number encodes, offsets removed."""
        if self.birth_date is None:
            return None
        return (self.birth_date.day, self.birth_date.month, self.birth_date.year % 100)

    def agrees_with_birth_date(self, birth_date: datetime.date) -> bool:
        """Same day, month and two-digit year as the digits, in any century."""
        digits = self.date_digits()
        return digits is not None and digits == (birth_date.day, birth_date.month, birth_date.year % 100)

    def masked(self) -> str:
        """``******`` + the last five digits, the form used in UIs and logs."""
        return _MASK_PREFIX + self.value[-5:]

    def __repr__(self) -> str:
        # The dataclass default would print the full number (and the birth
        # date, i.e. the first six digits) into tracebacks and debug logs.
        return (
            f"NationalId(value={self.masked()!r}, kind={self.kind!r}, "
            f"is_synthetic={self.is_synthetic!r}, only_2032_rule={self.only_2032_rule!r})"
        )


def _weighted_sum(digits: str, weights: tuple[int, ...]) -> int:
    return sum(w * (ord(c) - 48) for w, c in zip(weights, digits, strict=False))


def _century_year(yy: int, individual: int) -> int | None:
    """Four-digit birth year by the classic (pre-2032) allocation table.

    Why only a default: Skatteetaten's table for individual numbers (500-749
    with year 54-99 are people born 1854-1899, registered when the system
    started). From 2032 new numbers count down from 999 regardless of the
    century, so the table can be wrong for numbers issued after the switch.
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


def _is_real_date(year: int, month: int, day: int) -> bool:
    # calendar.monthrange knows the Gregorian leap rule (1900 no, 2000 yes);
    # checking up front avoids catching date()'s ValueError, whose chained
    # context would otherwise ride along with our exception.
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def _default_birth_date(day: int, month: int, yy: int, individual: int,
                        today: datetime.date | None) -> datetime.date:
    """The classic table's date when it is real and not after ``today``;
    otherwise the latest century whose date is real and not after ``today``.

    Raises invalid_date when day/month is a real date in no century
    1854-2099 (e.g. 29.02.01; 29.02.00 is real because 2000 was a leap year).
    """
    candidates = [
        datetime.date(year, month, day)
        for year in (1800 + yy, 1900 + yy, 2000 + yy)
        if _FIRST_YEAR <= year <= _LAST_YEAR and _is_real_date(year, month, day)
    ]
    if not candidates:
        raise NationalIdError("invalid_date")
    classic_year = _century_year(yy, individual)
    for candidate in candidates:
        if candidate.year == classic_year and (today is None or candidate <= today):
            return candidate
    not_future = [c for c in candidates if today is None or c <= today]
    # Every candidate after today only happens for a ``today`` before the
    # 1950s; the caller's future-date check then refuses the default.
    return max(not_future) if not_future else min(candidates)


def parse_national_id(
    value: str,
    *,
    allow_synthetic: bool = False,
    today: datetime.date | None = None,
) -> NationalId:
    """Validate ``value`` and return its parsed form, or raise NationalIdError.

    Checks run in this order, so the reason is always the first failure:
    not_11_digits, check_digit_1, check_digit_2, invalid_date,
    synthetic_not_allowed.

    K1 may leave remainder 0 (classic rule) or 0-3 (2032 rule); FH-numbers
    only the classic one. The individual number never makes a number
    invalid, and the decoded birth date is never checked against ``today``:
    ``today`` only chooses the default century (see ``_default_birth_date``);
    the caller checks the birth date it finally stores.

    Month + 40 (H-nummer) and month + 80 (Tenor) both mark numbers that are
    not a person's permanent identity, so the project's design contract
    gates both behind ``allow_synthetic``. FH-numbers are a real person's
    identifier in the health sector and are not gated.
    """
    if not isinstance(value, str) or _ELEVEN_ASCII_DIGITS.fullmatch(value) is None:
        raise NationalIdError("not_11_digits")

    k1 = ord(value[9]) - 48
    k2 = ord(value[10]) - 48
    is_fh = value[0] in _FH_FIRST_DIGITS
    k1_remainder = (_weighted_sum(value, _K1_WEIGHTS) + k1) % 11
    allowed = {_K1_CLASSIC_REMAINDER} if is_fh else _K1_2032_REMAINDERS
    if k1_remainder not in allowed:
        raise NationalIdError("check_digit_1")
    if (_weighted_sum(value, _K2_WEIGHTS) + k2) % 11 != 0:
        raise NationalIdError("check_digit_2")
    only_2032_rule = k1_remainder != _K1_CLASSIC_REMAINDER

    if is_fh:
        # Digits 2-9 are random and mean nothing: no date, no century, no sex.
        return NationalId(value=value, kind="fh_number", birth_date=None, is_synthetic=False,
                          only_2032_rule=False)

    raw_day = int(value[0:2])
    raw_month = int(value[2:4])
    yy = int(value[4:6])
    individual = int(value[6:9])

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

    birth_date = _default_birth_date(day, month, yy, individual, today)

    is_synthetic = kind in ("h_number", "synthetic")
    if is_synthetic and not allow_synthetic:
        raise NationalIdError("synthetic_not_allowed")

    return NationalId(value=value, kind=kind, birth_date=birth_date, is_synthetic=is_synthetic,
                      only_2032_rule=only_2032_rule)


def is_valid_national_id(value: str, *, allow_synthetic: bool = False) -> bool:
    """True iff ``parse_national_id`` accepts the value."""
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
