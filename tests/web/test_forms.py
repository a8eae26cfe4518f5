"""The one way a posted form reaches a service (service/web/forms.py): what the user typed is read
by the API's schema, and each refusal lands where the page shows it, with the status it answers."""

from __future__ import annotations

import marshmallow as ma
import pytest
from werkzeug.datastructures import MultiDict

from service.common.errors import Conflict, PreconditionFailed, PreconditionRequired, ValidationFailed
from service.web.forms import Posted, read, submit, typed, version


class _Schema(ma.Schema):
    day = ma.fields.Date(required=True)
    hours = ma.fields.Float()
    note = ma.fields.String(load_default="none")


@pytest.fixture
def request_context(app, db_connection):
    with app.test_request_context():
        yield


def _refused(error: Exception, values: dict | None = None) -> Posted:
    posted = Posted(values or {"day": "2026-03-01"})

    def action():
        raise error

    assert submit(posted, action) is None
    return posted


def test_empty_fields_are_left_out_and_a_decimal_comma_is_read(request_context):
    values = typed(MultiDict({"day": " 2026-03-01 ", "hours": "3,5", "note": ""}), ("day", "hours", "note"))
    assert values == {"day": "2026-03-01", "hours": "3,5", "note": ""}
    data = read(_Schema(), values, decimals=("hours",))
    assert (data["hours"], data["note"]) == (3.5, "none")


def test_what_the_schema_refuses_goes_beside_its_field_with_422(request_context):
    posted = Posted({"day": "01.03.2026"})
    assert submit(posted, lambda: read(_Schema(), posted.values)) is None
    assert posted.status == 422 and list(posted.errors) == ["day"] and posted.problem is None
    assert posted.values == {"day": "01.03.2026"}, "what was typed is kept"


def test_each_refusal_of_the_service_answers_with_its_status(request_context):
    stale = _refused(PreconditionFailed("stale"))
    assert (stale.status, stale.stale, stale.errors) == (412, True, {})
    beside = _refused(ValidationFailed("bad", errors={"day": ["Too late."], "unit_id": ["Not found."]}))
    assert (beside.status, beside.errors, beside.problem) == (422, {"day": ["Too late."]}, "Not found.")
    above = _refused(ValidationFailed("The period is empty."))
    assert (above.status, above.errors, above.problem) == (422, {}, "The period is empty.")
    conflict = _refused(Conflict("Not in this state."))
    assert (conflict.status, conflict.problem) == (409, "Not in this state.")


def test_the_version_is_required_where_the_api_requires_if_match(request_context):
    assert version(MultiDict({"version": "3"})) == 3
    assert version(MultiDict({}), required=False) is None
    with pytest.raises(PreconditionRequired):
        version(MultiDict({"version": ""}))
