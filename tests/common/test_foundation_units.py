"""Small foundation pieces: the Oslo clock, log redaction, central tenant scoping, masking."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from service.auth.models import Municipality
from service.common import clock
from service.common.logging import redact
from service.common.tenancy import TenantNotSet, tenant_scope
from service.extensions import db
from service.persons.models import Person

UTC = dt.timezone.utc


@pytest.mark.parametrize("instant, oslo_date", [
    (dt.datetime(2026, 3, 3, 22, 59, tzinfo=UTC), dt.date(2026, 3, 3)),   # 23:59 in Oslo (CET)
    (dt.datetime(2026, 3, 3, 23, 0, tzinfo=UTC), dt.date(2026, 3, 4)),    # midnight in Oslo
    (dt.datetime(2026, 6, 30, 21, 59, tzinfo=UTC), dt.date(2026, 6, 30)),  # 23:59 CEST
    (dt.datetime(2026, 6, 30, 22, 0, tzinfo=UTC), dt.date(2026, 7, 1)),
    (dt.datetime(2026, 12, 31, 23, 30, tzinfo=UTC), dt.date(2027, 1, 1)),
    # DST starts 29 March 2026 at 01:00 UTC: midnight is 23:00 UTC before it, 22:00 UTC after.
    (dt.datetime(2026, 3, 28, 23, 0, tzinfo=UTC), dt.date(2026, 3, 29)),
    (dt.datetime(2026, 3, 29, 21, 59, tzinfo=UTC), dt.date(2026, 3, 29)),
    (dt.datetime(2026, 3, 29, 22, 0, tzinfo=UTC), dt.date(2026, 3, 30)),
    # DST ends 25 October 2026 at 01:00 UTC: the day is 25 hours long in Oslo.
    (dt.datetime(2026, 10, 24, 22, 0, tzinfo=UTC), dt.date(2026, 10, 25)),
    (dt.datetime(2026, 10, 25, 22, 59, tzinfo=UTC), dt.date(2026, 10, 25)),
    (dt.datetime(2026, 10, 25, 23, 0, tzinfo=UTC), dt.date(2026, 10, 26)),
])
def test_today_is_the_date_in_oslo_not_in_utc(app, frozen_clock, instant, oslo_date):
    frozen_clock.set(instant)
    with app.app_context():
        assert clock.today() == oslo_date
        assert clock.now() == instant and clock.now().tzinfo is not None


def test_the_clock_refuses_a_naive_time(app):
    with pytest.raises(ValueError):
        clock.set_clock(app, dt.datetime(2026, 1, 1))


def test_a_person_born_today_in_oslo_is_not_in_the_future(case_officer, frozen_clock):
    frozen_clock.set(dt.datetime(2026, 3, 3, 23, 30, tzinfo=UTC))  # 4 March in Oslo, 3 March in UTC
    response = case_officer.post("/api/v1/persons", json={
        "name": "Nyfødt", "birth_date": "2026-03-04", "national_id_missing_reason": "Ikke tildelt ennå"})
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize("text, expected", [
    ("id 15068512345 here", "id [redacted-id] here"),
    ("15068512345", "[redacted-id]"),
    ("a15068512345b", "a[redacted-id]b"),
    ("two 15068512345,01017012345", "two [redacted-id],[redacted-id]"),
    ("ten 1506851234 and twelve 150685123456", "ten 1506851234 and twelve 150685123456"),
    # Our own ids stay whole, whatever digits they hold: a request id (32 hex digits; this one
    # was cut by the redaction in a log line once) and a UUID; one hex digit more is no id of ours.
    ("in request e6d71972289740fa94553f31e910c6f3: 503", "in request e6d71972289740fa94553f31e910c6f3: 503"),
    ("request e6d71972289740fa94553f31e910c6f3 for 15068512345",
     "request e6d71972289740fa94553f31e910c6f3 for [redacted-id]"),
    ("person 5f0c1a2b-0000-4000-8000-a15068512345", "person 5f0c1a2b-0000-4000-8000-a15068512345"),
    ("x e6d71972289740fa94553f31e910c6f3a", "x e6d[redacted-id]fa94553f31e910c6f3a"),
])
def test_redact_removes_every_eleven_digit_run(text, expected):
    assert redact(text) == expected


OWN_ID = re.compile(r"(?<![0-9A-Fa-f])([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
                    r"|[0-9A-Fa-f]{32})(?![0-9A-Fa-f])")


@given(st.text(st.sampled_from("0123456789 af,-:"), max_size=80))
def test_redacted_text_holds_eleven_ascii_digits_in_a_row_only_inside_our_own_ids(text):
    assert not re.search(r"(?<![0-9])[0-9]{11}(?![0-9])", OWN_ID.sub(" ", redact(text)))


def test_log_records_are_redacted_whoever_logs_them(app, caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("anything.at.all").info("person %s found", "15068512345")
    try:
        raise ValueError("bad number 15068512345")
    except ValueError:
        logging.getLogger("anything.at.all").exception("failed")
    assert "15068512345" not in caplog.text
    assert caplog.text.count("[redacted-id]") >= 2


def test_tenant_scoped_queries_are_filtered_to_the_current_municipality(app, env, make_person, case_officer, town):
    make_person()
    other = env.municipality()
    make_person(env.caller("case_officer", other))
    with app.app_context():
        ids = {n: db.session.scalar(sa.select(Municipality.id).where(Municipality.number == n))
               for n in (town, other)}
        for number, municipality_id in ids.items():
            with tenant_scope(municipality_id):
                rows = db.session.scalars(sa.select(Person)).all()
                assert {p.municipality_id for p in rows} == {municipality_id}
                # Also UPDATE statements are scoped: renaming "everyone" renames only this municipality.
                db.session.execute(sa.update(Person).values(district=f"D{number}"))
        with tenant_scope(None):
            every = db.session.scalars(sa.select(Person).where(Person.municipality_id.in_(ids.values()))).all()
        assert sorted((str(p.municipality_id), p.district) for p in every) == sorted(
            (str(mid), f"D{n}") for n, mid in ids.items())
        db.session.rollback()


def test_a_tenant_scoped_query_in_a_request_without_a_municipality_fails_closed(app, db_connection):
    with app.test_request_context("/api/v1/health"):
        with pytest.raises(TenantNotSet):
            db.session.scalars(sa.select(Person)).all()
        # Tables that are not tenant-scoped (municipalities, users) are readable.
        db.session.scalars(sa.select(Municipality)).all()


@pytest.mark.parametrize("make_stmt", [
    pytest.param(lambda: sa.select(sa.func.count().filter(Person.sex == "female")), id="count-filter"),
    pytest.param(lambda: sa.select(sa.func.count(Person.id)), id="count-column"),
    pytest.param(lambda: sa.select(sa.func.count()).select_from(sa.select(Person).subquery()), id="subquery"),
])
def test_aggregates_over_bare_columns_are_scoped_too(app, env, make_person, make_stmt, town):
    """An aggregate that names a tenant table only inside a function is scoped as well."""
    make_person(sex="female")
    other = env.municipality()
    make_person(env.caller("case_officer", other), sex="female")
    make_person(env.caller("case_officer", other), sex="female")
    with app.app_context():
        town_id = db.session.scalar(sa.select(Municipality.id).where(Municipality.number == town))
        with tenant_scope(town_id):
            assert db.session.scalar(make_stmt()) == 1
        db.session.rollback()


def test_outer_joined_tenant_rows_keep_their_null_side(app, make_person, town):
    """Scoping an outer join must not turn it into an inner join."""
    make_person()
    with app.app_context():
        town_id = db.session.scalar(sa.select(Municipality.id).where(Municipality.number == town))
        with tenant_scope(town_id):
            other_person = sa.orm.aliased(Person)
            rows = db.session.execute(
                sa.select(Person.id, other_person.id)
                .outerjoin(other_person, sa.and_(other_person.id == Person.id, other_person.name == "nobody"))
            ).all()
        assert len(rows) == 1 and rows[0][1] is None
        db.session.rollback()


# --- a value worked out from the object (common/fields.Derived) ------------------------

def test_a_derived_field_writes_its_function_of_the_object_without_asking_its_signature_per_value(monkeypatch):
    import inspect

    import marshmallow as ma

    from service.common.fields import Derived

    class Schema(ma.Schema):
        twice = Derived(lambda thing: thing["n"] * 2)

    schema = Schema()

    def no_signature(*args, **kwargs):
        raise AssertionError("inspect.signature asked while serialising")

    monkeypatch.setattr(inspect, "signature", no_signature)
    assert schema.dump([{"n": 1}, {"n": 21}], many=True) == [{"twice": 2}, {"twice": 42}]
    assert "twice" not in schema.load_fields  # read-only


def test_a_derived_field_refuses_a_function_that_wants_the_context():
    from service.common.fields import Derived

    with pytest.raises(TypeError, match="function of the object alone"):
        Derived(lambda thing, context: thing)
