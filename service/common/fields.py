"""Schema fields shared by every feature."""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re

import marshmallow as ma
from marshmallow import validate

from service.common.i18n import N_, label

# The calendar the service accepts. Python's dates end at 9999-12-31, and the rules
# count forward from the dates they are given (deadlines, renewals, maximum stays of
# up to 50 years), so a date near that end made them fail with a 500. The earliest
# day covers every birth date a Norwegian national id can encode (1854 onwards).
EARLIEST = dt.date(1850, 1, 1)
LATEST = dt.date(2199, 12, 31)


class Date(ma.fields.Date):
    """An ISO date between ``EARLIEST`` and ``LATEST`` (documented as x-minimum/x-maximum).

    A date in another format is refused with a message that says which format to use.
    """

    default_error_messages = {
        "invalid": N_("Not a valid date: use the format YYYY-MM-DD (e.g. 2027-03-30)."),
        "format": N_("Not a valid date: use the format YYYY-MM-DD (e.g. 2027-03-30)."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators.insert(0, validate.Range(min=EARLIEST, max=LATEST, error=N_(
            "must be between 1850-01-01 and 2199-12-31")))


class Section(ma.fields.Nested):
    """Some of the object's own columns shown as one nested object, null while ``present(obj)``
    is false (e.g. a plan's consent: ``consent_given_on``, ``consent_scope``, … as
    ``consent: {given_on, scope, …}``). The nested schema reads the same object, so the
    answer is typed in the OpenAPI document and no query or copy is needed."""

    def __init__(self, nested, present, **kwargs):
        super().__init__(nested, dump_only=True, allow_none=True, **kwargs)
        self._present = present

    def serialize(self, attr, obj, accessor=None, **kwargs):
        return self._serialize(obj, attr, obj, **kwargs) if self._present(obj) else None


class Label(ma.fields.String):
    """The label of the code in ``attribute``, in the caller's language, as ``GET /labels``
    gives it in ``domain``; null when the code is null."""

    def __init__(self, domain: str, **kwargs):
        super().__init__(dump_only=True, **kwargs)
        self.domain = domain

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else label(self.domain, value, standalone=True)


class Derived(ma.fields.Function):
    """A read-only value worked out from the object by a function of the object alone.

    marshmallow's ``Function`` asks ``inspect.signature`` for every value it writes whether its
    function also takes the schema's context: about 45 Python calls each time, 6–9 % of the
    calls of a 50-row list of persons, units or offers. Ours never take it, so that is checked
    once, here.
    """

    def __init__(self, serialize, **kwargs):
        if len(ma.utils.get_func_args(serialize)) != 1:
            raise TypeError("Derived takes a function of the object alone")
        super().__init__(serialize, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return self.serialize_func(obj)


# A number written with a fraction that is not zero ("1.5", "-2.25"): refused, not truncated.
_FRACTION_TEXT = re.compile(r"^\s*[+-]?\d*\.\d*[1-9]\d*\s*$")


class Integer(ma.fields.Integer):
    """A whole number. 3, 3.0 and (in a query) "3" are 3; 1.5 is refused ("Not a whole number."),
    where marshmallow's own field truncates it to 1 and stores a number the caller did not send.

    Every whole number the API takes is this field (tests/robustness/test_strict_numbers.py).
    """

    default_error_messages = {"fractional": "Not a whole number."}  # errors.py translates it

    def _validated(self, value):
        if isinstance(value, float) and math.isfinite(value) and not value.is_integer():
            raise self.make_error("fractional")
        if isinstance(value, decimal.Decimal) and value.is_finite() and value != value.to_integral_value():
            raise self.make_error("fractional")
        if isinstance(value, str) and _FRACTION_TEXT.match(value):
            raise self.make_error("fractional")
        return super()._validated(value)


class Decimal(ma.fields.Decimal):
    """A decimal with at most ``places`` decimal places, as many as its column holds (NUMERIC(p, places)):
    more is refused, where marshmallow's own field rounds 168.0001 to 168.00 without a word."""

    default_error_messages = {"places": "must have at most {places} decimal places"}  # errors.py translates it

    def __init__(self, *, places: int, **kwargs):
        super().__init__(places=places, **kwargs)
        self.decimal_places = places

    def _format_num(self, value):
        exact = decimal.Decimal(str(value))
        if exact.is_finite() and exact != exact.quantize(self.places, rounding=decimal.ROUND_DOWN):
            raise self.make_error("places", places=self.decimal_places)
        return super()._format_num(value)
