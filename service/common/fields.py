"""Schema fields shared by every feature."""

from __future__ import annotations

import datetime as dt

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
