"""The API's rate limits and the login throttle: per user once a request names one, per client
address before, and in one store (``RATELIMIT_STORAGE_URI``) that every process shares."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest

from service.auth import login as login_steps
from service.common.clock import set_clock
from service.extensions import counter_storage
from tests.browser import fresh_app as migrated_app
from tests.conftest import DEFAULT_NOW, Env
from tests.web.client import Browser, make_web_user

ME = "/api/v1/me"
REDIS = "redis://127.0.0.1:6379/0"


def limited_app(fresh_app, database, **overrides):
    app = fresh_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "RATELIMIT_ENABLED": True,
                                "RATELIMIT_DEFAULT": "3 per minute", **overrides})
    set_clock(app, DEFAULT_NOW)
    return app


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A migrated database file, copied for each test (migrating takes seconds)."""
    app, _env = migrated_app(tmp_path_factory, "limits")
    return Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))


@pytest.fixture
def database(migrated, tmp_path):
    return shutil.copy(migrated, tmp_path / "limits.sqlite3")


@pytest.fixture
def limited(fresh_app, database):
    app = limited_app(fresh_app, database)
    return app, Env(app)


def test_two_users_behind_one_address_have_a_budget_each(limited):
    app, env = limited
    town = env.municipality()
    one, other = env.caller("case_officer", town), env.caller("case_officer", town)
    office = {"environ_base": {"REMOTE_ADDR": "192.0.2.50"}}  # one municipal NAT for both
    for _ in range(3):
        assert one.get(ME, **office).status_code == 200
    assert one.get(ME, **office).status_code == 429
    assert other.get(ME, **office).status_code == 200, "a colleague behind the same address is not limited"
    assert one.get(ME, environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 429, \
        "the budget is the user's: another address does not renew it"


def test_callers_without_a_valid_token_are_limited_per_address(limited):
    app, env = limited
    town = env.municipality()
    user = env.caller("case_officer", town)
    client = app.test_client()
    guessing = {"headers": {"Authorization": "Bearer tsp_" + "A" * 43}, "environ_base": {"REMOTE_ADDR": "198.51.100.5"}}
    for _ in range(3):
        assert client.get(ME, **guessing).status_code == 401
    assert client.get(ME, **guessing).status_code == 429, "refused requests count too: token guessing is limited"
    assert client.get(ME, headers=guessing["headers"], environ_base={"REMOTE_ADDR": "198.51.100.6"}).status_code == 401
    assert user.get(ME, environ_base={"REMOTE_ADDR": "198.51.100.5"}).status_code == 200, \
        "a user from that address has a budget of their own"


def test_the_login_throttle_uses_the_rate_limiters_store(app):
    """One setting for both: no LOGIN_THROTTLE_STORAGE_URI any more."""
    throttle = login_steps.LoginThrottle({**app.config, "RATELIMIT_STORAGE_URI": REDIS})
    assert type(throttle.storage).__name__ == "RedisStorage"
    assert "LOGIN_THROTTLE_STORAGE_URI" not in app.config


def _redis_or_skip():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis answers at 127.0.0.1:6379 ({type(error).__name__}): the shared counters are untested")
    return redis.Redis(host="127.0.0.1", port=6379)


def test_two_app_instances_share_the_api_limit_and_the_login_throttle_through_redis(fresh_app, database):
    """Several processes (gunicorn workers, hosts) serve production: each sees the requests and the
    failed logins the others counted (Redis at 127.0.0.1:6379; skipped, saying so, where none answers)."""
    redis = _redis_or_skip()
    prefix = f"tjenestespor-test-{uuid.uuid4().hex}"
    # Room for the login pages' eight requests from one address; the API's budget is the user's.
    settings = {"RATELIMIT_STORAGE_URI": REDIS, "RATELIMIT_KEY_PREFIX": prefix, "RATELIMIT_DEFAULT": "10 per minute"}
    one = limited_app(fresh_app, database, **settings)
    other = limited_app(fresh_app, database, **settings)  # another process on the same database
    env = Env(one)
    town = env.municipality()
    caller = env.caller("case_officer", town)
    user = make_web_user(one, env, town, "case_officer")
    address = "198.51.100.40"
    try:
        # The API limit: ten requests, every other through each process; the eleventh is one too many.
        bearer = {"Authorization": f"Bearer {caller.token}"}
        for number in range(10):
            assert (one, other)[number % 2].test_client().get(ME, headers=bearer).status_code == 200
        assert other.test_client().get(ME, headers=bearer).status_code == 429
        assert one.test_client().get(ME, headers=bearer).status_code == 429

        # The login throttle: three wrong passwords through one process, the right one through the other.
        first = Browser(one, address)
        for _ in range(3):
            assert first.password_step(user, password="not the password at all").status_code == 422
        second = Browser(other, address)
        throttled = second.password_step(user)
        assert throttled.status_code == 429 and "Wait 2 seconds" in throttled.get_data(as_text=True)
    finally:
        for key in redis.scan_iter(f"{prefix}*"):
            redis.delete(key)
        with one.app_context():
            login_steps.LoginThrottle.for_app().succeeded(address, user.username)
        redis.close()


def test_counter_storage_follows_the_one_setting(app):
    assert type(counter_storage({"RATELIMIT_STORAGE_URI": "memory://"})).__name__ == "MemoryStorage"
    assert type(counter_storage({})).__name__ == "MemoryStorage"
