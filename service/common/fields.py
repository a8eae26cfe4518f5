"""Schema fields shared by every feature."""

from __future__ import annotations

import datetime as dt

import marshmallow as ma
from marshmallow import validate

# The calendar the service accepts. Python's dates end at 9999-12-31, and the rules
# count forward from the dates they are given (deadlines, renewals, maximum stays of
# up to 50 years), so a date near that end made them fail with a 500. The earliest
# day covers every birth date a Norwegian national id can encode (1854 onwards).
EARLIEST = dt.date(1850, 1, 1)
LATEST = dt.date(2199, 12, 31)


class Date(ma.fields.Date):
    """An ISO date between ``EARLIEST`` and ``LATEST`` (documented as x-minimum/x-maximum)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators.insert(0, validate.Range(
            min=EARLIEST, max=LATEST, error=f"must be between {EARLIEST} and {LATEST}"))
