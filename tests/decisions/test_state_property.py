"""Property: the SQL state expression and the Python derivation agree on any decision."""

import datetime as dt
import uuid

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.auth.models import Municipality
from service.common.tenancy import tenant_scope
from service.decisions.models import Decision
from service.decisions.state import active_on, active_on_clause, derive_state, state_expression
from service.extensions import db
from service.persons.models import Person

TODAY = dt.date(2026, 3, 3)
days = st.integers(min_value=-120, max_value=120).map(lambda n: TODAY + dt.timedelta(days=n))


@st.composite
def decisions(draw):
    outcome = draw(st.sampled_from(["granted", "partly_granted", "refused"]))
    decided_on = draw(st.none() | days)
    valid_from = valid_to = None
    if outcome != "refused":
        valid_from = draw(days if decided_on is not None else st.none() | days)
        valid_to = draw(st.none() | days)
        if valid_from is not None and valid_to is not None and valid_to < valid_from:
            valid_from, valid_to = valid_to, valid_from
    ended_on = draw(st.none() | days) if decided_on is not None else None
    # Only a draft is discarded (CHECK discarded_is_draft), always with its reason.
    discarded_at = draw(st.none() | days) if decided_on is None else None
    return {"outcome": outcome, "decided_on": decided_on, "valid_from": valid_from,
            "valid_to": valid_to, "ended_on": ended_on, "discarded_at": discarded_at,
            "discard_reason": "registered by mistake" if discarded_at is not None else None,
            "superseded": draw(st.booleans()) and decided_on is not None}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=decisions(), window=st.integers(min_value=0, max_value=90), probe=days)
def test_sql_and_python_agree(app, env, town, fields, window, probe):
    with app.app_context():
        municipality_id = db.session.scalar(sa.select(Municipality.id).where(Municipality.number == town))
        with tenant_scope(municipality_id):
            person = Person(municipality_id=municipality_id, name="Prop", birth_date=dt.date(1980, 1, 1),
                            national_id_missing_reason="property test")
            db.session.add(person)
            db.session.flush()
            superseded = fields.pop("superseded")
            decision = Decision(id=uuid.uuid4(), municipality_id=municipality_id, person_id=person.id,
                                service_code="kpr-6", legal_basis="pbrl-2-1a", **fields)
            db.session.add(decision)
            db.session.flush()
            if superseded:
                db.session.add(Decision(id=uuid.uuid4(), municipality_id=municipality_id, person_id=person.id,
                                        service_code="kpr-6", legal_basis="pbrl-2-1a", outcome="refused",
                                        decided_on=TODAY, supersedes_id=decision.id))
                db.session.flush()
            sql_state, sql_active = db.session.execute(
                sa.select(state_expression(TODAY, window), active_on_clause(probe))
                .where(Decision.id == decision.id)).one()
            assert sql_state == derive_state(decision, TODAY, window, superseded)
            assert bool(sql_active) == active_on(decision, probe)
        db.session.rollback()
