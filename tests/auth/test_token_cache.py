"""A live token is remembered a few seconds per process (``TOKEN_CACHE_SECONDS``): a revocation
made in this process holds at once, one made elsewhere (another worker, the CLI) within the
bound, and never later."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from service.auth import services as auth
from service.auth.models import ApiToken, User
from service.extensions import db
from tests.helpers import count_statements

ME = "/api/v1/me"


def revoke_elsewhere(app, username: str) -> None:
    """What another worker or the CLI does: the rows change, this process's cache does not."""
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.username == username))
        db.session.execute(sa.update(ApiToken).where(ApiToken.user_id == user_id)
                           .values(revoked_at=dt.datetime(2026, 3, 3, 9, 0, tzinfo=dt.timezone.utc)))
        db.session.commit()


def test_a_revocation_elsewhere_holds_within_the_bound_and_not_later(app, env, cached, frozen_clock):
    officer = env.caller("case_officer", env.municipality())
    assert officer.get(ME).status_code == 200  # remembered from here on
    revoke_elsewhere(app, officer.username)
    frozen_clock.set(dt.datetime(2026, 3, 3, 9, 0, 4, tzinfo=dt.timezone.utc))
    assert officer.get(ME).status_code == 200  # 4 s: still within the stated bound
    frozen_clock.set(dt.datetime(2026, 3, 3, 9, 0, 5, 1, tzinfo=dt.timezone.utc))
    assert officer.get(ME).status_code == 401  # past 5 s: refused


def test_a_revocation_in_this_process_holds_at_once(app, env, cached):
    officer = env.caller("case_officer", env.municipality())
    assert officer.get(ME).status_code == 200
    with app.app_context():
        auth.disable_user(officer.username)
        db.session.commit()
    assert officer.get(ME).status_code == 401


def test_a_remembered_token_answers_without_looking_it_up(app, env, cached):
    officer = env.caller("case_officer", env.municipality())
    assert officer.get(ME).status_code == 200
    with count_statements(app) as sent:
        answer = officer.get(ME)
    assert answer.status_code == 200 and answer.get_json()["username"] == officer.username
    assert [statement for statement in sent if "api_tokens" in statement] == []


def test_a_token_that_expires_within_the_bound_is_refused_even_when_remembered(app, env, cached, frozen_clock):
    officer = env.caller("case_officer", env.municipality())
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.username == officer.username))
        db.session.execute(sa.update(ApiToken).where(ApiToken.user_id == user_id).values(
            expires_at=dt.datetime(2026, 3, 3, 9, 0, 2, tzinfo=dt.timezone.utc)))
        db.session.commit()
    assert officer.get(ME).status_code == 200  # remembered, with its expiry
    frozen_clock.set(dt.datetime(2026, 3, 3, 9, 0, 3, tzinfo=dt.timezone.utc))  # within the 5 s
    assert officer.get(ME).status_code == 401
