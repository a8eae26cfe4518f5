"""A user's blocks are remembered a few seconds per process, like a live token
(``TOKEN_CACHE_SECONDS``, service/common/cache.py): a block recorded or lifted in this process
holds at once, one recorded elsewhere (another worker, SQL by hand) within the bound, and
never later."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa

from service.extensions import db
from service.persons.access import BLOCKS_CACHE
from service.persons.models import Person, PersonBlock
from tests.helpers import OK_OR_CREATED, count_statements, ok

API = "/api/v1"
NOW = dt.datetime(2026, 3, 3, 9, tzinfo=dt.timezone.utc)


@pytest.fixture
def pair(env, synthetic_id):
    """An officer, a colleague who records blocks, and a person both may see."""
    town = env.municipality()
    officer, colleague = env.caller("case_officer", town), env.caller("case_officer", town)
    person = ok(colleague.post(f"{API}/persons", json={"name": "Berit Barred", "national_id": synthetic_id()}),
                OK_OR_CREATED)
    return officer, colleague, f"{API}/persons/{person['id']}"


def block_elsewhere(app, officer, url: str) -> None:
    """What another worker does: the row is written, this process is not told."""
    person_id = uuid.UUID(url.rsplit("/", 1)[1])
    with app.app_context():
        municipality_id = db.session.execute(sa.select(Person.municipality_id).where(Person.id == person_id)).scalar_one()
        db.session.execute(sa.insert(PersonBlock).values(
            id=uuid.uuid4(), municipality_id=municipality_id, person_id=person_id, user_id=officer.user_id,
            reason="related", created_at=NOW, updated_at=NOW, version=1))
        db.session.commit()


def test_a_block_recorded_elsewhere_holds_within_the_bound_and_not_later(app, pair, cached, frozen_clock):
    officer, _, url = pair
    assert officer.get(url).status_code == 200  # the officer's blocks (none) remembered from here on
    block_elsewhere(app, officer, url)
    frozen_clock.set(dt.datetime(2026, 3, 3, 9, 0, 4, tzinfo=dt.timezone.utc))
    assert officer.get(url).status_code == 200  # 4 s: still within the stated bound
    frozen_clock.set(dt.datetime(2026, 3, 3, 9, 0, 5, 1, tzinfo=dt.timezone.utc))
    assert officer.get(url).status_code == 404  # past 5 s: a random id to the officer


def test_a_block_recorded_and_lifted_in_this_process_holds_at_once(app, pair, cached):
    officer, colleague, url = pair
    assert officer.get(url).status_code == 200
    block = ok(colleague.post(f"{url}/blocks", json={"user_id": str(officer.user_id), "reason": "related"}),
               OK_OR_CREATED)
    assert officer.get(url).status_code == 404
    ok(colleague.post(f"{url}/blocks/{block['id']}/lift", json={"reason": "Saken er avsluttet"}))
    assert officer.get(url).status_code == 200


def test_remembered_blocks_answer_without_looking_them_up(app, pair, cached):
    officer, _, url = pair
    assert officer.get(url).status_code == 200
    with count_statements(app) as sent:
        assert officer.get(url).status_code == 200
    assert [statement for statement in sent if "person_blocks" in statement] == []


def test_a_request_that_wrote_a_block_remembers_nothing_for_the_others(app, pair, cached):
    """Its reads see its own uncommitted block or lift: were they remembered and the request
    then rolled back, a lifted block would stay lifted for the others until the bound."""
    from types import SimpleNamespace

    from service.auth.models import User
    from service.common.tenancy import tenant_scope
    from service.persons import access

    officer, _, _ = pair
    with app.app_context():
        town = db.session.scalar(sa.select(User.municipality_id).where(User.id == officer.user_id))
    user = SimpleNamespace(id=officer.user_id)
    with app.test_request_context(), tenant_scope(town):
        access.blocked_person_ids(user)
        assert app.extensions[BLOCKS_CACHE].get(officer.user_id) == ()  # an ordinary read is remembered
    with app.test_request_context(), tenant_scope(town):
        access.forget_blocks()  # what recording or lifting a block does
        access.blocked_person_ids(user)
        assert app.extensions[BLOCKS_CACHE].get(officer.user_id) is None
