"""Logging in to the web application: a password, then a TOTP code (enrolled at the first login);
the throttle on failures; CSRF; the session cookie and its limits; logout; ``user set-password``."""

from __future__ import annotations

import datetime as dt
import re

import pyotp
import pytest
import sqlalchemy as sa

from config import ConfigError, ProductionConfig
from service.audit.models import AuditEvent
from service.auth import login as login_steps
from service.auth import totp_keys
from service.auth.models import User
from service.extensions import db
from tests.conftest import DEFAULT_NOW
from tests.web.client import PASSWORD, csrf_token

LOGIN_REFUSED = "The username or the password is wrong."


def login_events(app, username: str) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(sa.select(AuditEvent.outcome, AuditEvent.detail)
                                  .where(AuditEvent.action == "login", AuditEvent.detail.like(f"%{username}"))
                                  .order_by(AuditEvent.at, AuditEvent.seq)).all()
    return [(outcome, detail) for outcome, detail in rows]


def user_row(app, user) -> User:
    with app.app_context():
        row = db.session.get(User, user.user_id)
        db.session.expunge(row)
        return row


# --- the two steps ------------------------------------------------------------------------------

def test_the_password_alone_opens_nothing_and_the_code_then_opens_the_start_page(app, web_user, browser):
    user = web_user("case_officer")
    client = browser()
    first = client.password_step(user)
    assert first.status_code == 303 and first.headers["Location"] == "/app/login/code"
    assert client.get("/app/").status_code == 303, "between the steps no page opens"
    client.get("/app/login/code")
    done = client.post("/app/login/code", {"code": user.code(app)})
    assert done.status_code == 303 and done.headers["Location"] == "/app/"
    start = client.get("/app/")
    assert start.status_code == 200
    assert 'href="/app/persons"' in start.get_data(as_text=True)
    assert login_events(app, user.username) == [("ok", f"web login: {user.username}")]


def test_the_first_login_enrols_the_second_factor_with_a_qr_code_made_here(app, web_user, browser):
    user = web_user("coordinator", enrolled=False)
    client = browser()
    assert client.password_step(user).headers["Location"] == "/app/login/enrol"
    page = client.get("/app/login/enrol").get_data(as_text=True)
    assert '<svg' in page and "<title>QR code for the authenticator app</title>" in page
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    assert client.get("/app/login/enrol").get_data(as_text=True).count(re.sub(r"(.{4})", r"\1 ", secret).strip()) == 1, \
        "the same secret is offered until it is confirmed"
    assert user_row(app, user).totp_secret is None, "nothing is stored before the code proves the app has it"

    wrong = client.post("/app/login/enrol", {"code": "000000" if pyotp.TOTP(secret).at(DEFAULT_NOW) != "000000"
                                             else "111111"})
    assert wrong.status_code == 422 and "The code is wrong" in wrong.get_data(as_text=True)
    with app.app_context():
        code = pyotp.TOTP(secret).at(DEFAULT_NOW)
    done = client.post("/app/login/enrol", {"code": code})
    assert done.status_code == 303 and done.headers["Location"] == "/app/"
    row = user_row(app, user)
    assert row.totp_enrolled_at == DEFAULT_NOW
    assert row.totp_secret.startswith("fernet:") and secret not in row.totp_secret, "stored encrypted"
    with app.app_context():
        assert totp_keys.unseal(row.totp_secret) == secret
    assert client.get("/app/").status_code == 200


def test_a_wrong_password_is_refused_in_words_and_audited_in_the_users_municipality(app, web_user, browser):
    user = web_user("case_officer")
    client = browser()
    response = client.password_step(user, password="not the password at all")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert LOGIN_REFUSED in page and "not the password at all" not in page
    assert login_events(app, user.username) == [("denied", f"web login: wrong password: {user.username}")]
    assert client.get("/app/").status_code == 303


def test_an_unknown_username_gets_the_same_answer_and_no_audit_event(app, browser):
    client = browser()
    client.get("/app/login")
    response = client.post("/app/login", {"username": "nobody-here", "password": PASSWORD})
    assert response.status_code == 422 and LOGIN_REFUSED in response.get_data(as_text=True)
    assert login_events(app, "nobody-here") == []


def test_a_disabled_user_cannot_log_in(app, web_user, browser):
    user = web_user("case_officer")
    app.test_cli_runner().invoke(args=["user", "disable", "--username", user.username])
    response = browser().password_step(user)
    assert response.status_code == 422 and LOGIN_REFUSED in response.get_data(as_text=True)


def test_a_code_is_accepted_once_and_only_near_now(app, web_user, browser):
    user = web_user("case_officer")
    client = browser()
    client.password_step(user)
    client.get("/app/login/code")
    far = client.post("/app/login/code", {"code": user.code(app, offset_steps=3)})
    assert far.status_code == 422, "a code from 90 seconds away is refused"
    drifted = client.post("/app/login/code", {"code": user.code(app, offset_steps=-1)})
    assert drifted.status_code == 303, "a phone 30 seconds behind still works"
    client.get("/app/")
    client.post("/app/logout")

    again = browser("192.0.2.11")
    again.password_step(user)
    again.get("/app/login/code")
    replay = again.post("/app/login/code", {"code": user.code(app, offset_steps=-1)})
    assert replay.status_code == 422, "the same code is not accepted twice"
    assert again.post("/app/login/code", {"code": user.code(app)}).status_code == 303


def test_the_password_step_waits_only_a_few_minutes_for_the_code(app, web_user, browser, frozen_clock):
    user = web_user("case_officer")
    client = browser()
    client.password_step(user)
    frozen_clock.set(DEFAULT_NOW + dt.timedelta(minutes=6))
    response = client.get("/app/login/code")
    assert response.status_code == 303 and response.headers["Location"] == "/app/login?expired=step"


def test_the_second_factor_can_be_skipped_only_by_a_development_setting(app, web_user, browser, monkeypatch):
    user = web_user("case_officer", enrolled=False)
    monkeypatch.setitem(app.config, "WEB_SKIP_SECOND_FACTOR", True)
    response = browser().password_step(user)
    assert response.status_code == 303 and response.headers["Location"] == "/app/"
    assert login_events(app, user.username)[-1] == ("ok", f"web login (password only): {user.username}")
    config = {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "postgresql://", "AUDIT_HMAC_KEY_ID": "k",
              "AUDIT_HMAC_KEYS": {"k": "k" * 40}, "REPORT_SUPPRESSION_THRESHOLD": 5, "SESSION_COOKIE_SECURE": True,
              "TOTP_ENCRYPTION_KEYS": ["cHJvZHVjdGlvbi1saWtlLXRvdHAta2V5LWZvci10ZXM="]}
    ProductionConfig.validate(config)
    with pytest.raises(ConfigError, match="WEB_SKIP_SECOND_FACTOR"):
        ProductionConfig.validate({**config, "WEB_SKIP_SECOND_FACTOR": True})
    with pytest.raises(ConfigError, match="SESSION_COOKIE_SECURE"):
        ProductionConfig.validate({**config, "SESSION_COOKIE_SECURE": False})


def test_after_the_login_the_page_first_asked_for_opens_but_never_another_site(app, web_user, browser):
    user = web_user("case_officer")
    client = browser()
    asked = client.get("/app/persons?name=kari")
    assert asked.status_code == 303 and asked.headers["Location"] == "/app/login?next=/app/persons?name%3Dkari"
    client.get(asked.headers["Location"])
    client.post("/app/login", {"username": user.username, "password": user.password})
    client.get("/app/login/code")
    assert client.post("/app/login/code", {"code": user.code(app)}).headers["Location"] == "/app/persons?name=kari"

    other = browser("192.0.2.12")
    other.get("/app/login?next=//evil.example/app/")
    other.post("/app/login", {"username": user.username, "password": user.password})
    other.get("/app/login/code")
    assert other.post("/app/login/code", {"code": user.code(app, offset_steps=1)}).headers["Location"] == "/app/"


# --- the throttle -------------------------------------------------------------------------------

def test_failures_slow_down_the_client_on_that_username_with_a_doubling_wait(app, web_user, browser, frozen_clock):
    user = web_user("case_officer")
    client = browser("198.51.100.7")
    for _ in range(3):  # LOGIN_THROTTLE_FREE_ATTEMPTS
        assert client.password_step(user, password="wrong password 1").status_code == 422
    throttled = client.password_step(user)  # the right password, but too soon
    assert throttled.status_code == 429
    assert "Wait 2 seconds" in throttled.get_data(as_text=True)
    frozen_clock.set(DEFAULT_NOW + dt.timedelta(seconds=2))
    assert client.password_step(user, password="wrong password 2").status_code == 422
    assert "Wait 4 seconds" in client.password_step(user).get_data(as_text=True), "the wait doubles"
    frozen_clock.set(DEFAULT_NOW + dt.timedelta(seconds=6))
    assert client.password_step(user).status_code == 303
    events = login_events(app, user.username)
    assert [outcome for outcome, _ in events] == ["denied"] * 6
    assert sum("throttled" in detail for _, detail in events) == 2


def test_someone_elses_failures_never_lock_a_user_out(app, web_user, browser):
    victim, colleague = web_user("case_officer"), web_user("case_officer")
    attacker = browser("203.0.113.66")
    for _ in range(6):
        attacker.password_step(victim, password="guessing guessing")
    assert attacker.password_step(victim).status_code == 429
    assert attacker.password_step(colleague).status_code == 303, "another username from the same client is not slowed"
    assert browser("192.0.2.20").log_in(victim).status_code == 303, "the user's own client is not slowed"


def test_wrong_codes_count_in_the_throttle_too(app, web_user, browser):
    user = web_user("case_officer")
    client = browser("198.51.100.8")
    client.password_step(user)
    client.get("/app/login/code")
    wrong = "000000" if user.code(app) != "000000" else "111111"
    for _ in range(3):
        assert client.post("/app/login/code", {"code": wrong}).status_code == 422
    assert client.post("/app/login/code", {"code": user.code(app)}).status_code == 429


def test_a_successful_login_forgets_the_failures(app, web_user, browser):
    user = web_user("case_officer")
    client = browser("198.51.100.9")
    for _ in range(2):
        client.password_step(user, password="almost the password")
    assert client.log_in(user).status_code == 303
    client.post("/app/logout")
    for _ in range(2):
        client.password_step(user, password="almost the password")
    assert client.password_step(user).status_code == 303, "two failures after a success are two, not four"


# --- CSRF ---------------------------------------------------------------------------------------

def test_every_form_needs_the_csrf_token_of_the_session(app, web_user, browser):
    user = web_user("case_officer")
    client = browser()
    client.get("/app/login")
    refused = client.post("/app/login", {"username": user.username, "password": user.password}, token=False)
    assert refused.status_code == 400 and refused.mimetype == "text/html"
    assert "The form was too old or did not come from this page" in refused.get_data(as_text=True)
    assert client.log_in(user).status_code == 303
    assert client.post("/app/persons/search", {"national_id": "12345678901"}, token=False).status_code == 400
    assert client.post("/app/logout", token="forged-token").status_code == 400
    assert client.get("/app/").status_code == 200, "a logout without the token does not happen"


# --- the session --------------------------------------------------------------------------------

def test_the_session_cookie_is_httponly_samesite_lax_and_secure_outside_development(app, web_user, browser,
                                                                                      fresh_app):
    client = browser()
    cookie = client.session_cookie(client.get("/app/login"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie  # testing: plain http
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    secure = fresh_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SESSION_COOKIE_SECURE": True})
    cookie = client.session_cookie(secure.test_client().get("/app/login"))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_login_starts_a_new_session(app, web_user, browser):
    user = web_user("case_officer")
    client = browser()
    client.get("/app/login")
    with client.client.session_transaction() as session:
        session["planted"] = "by someone who knew the cookie"
        before_token = session["csrf_token"]
    client.log_in(user)
    with client.client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("csrf_token") != before_token


def test_a_session_ends_after_30_idle_minutes_and_10_hours_in_all(app, web_user, browser, frozen_clock):
    user = web_user("case_officer")
    client = browser()
    client.log_in(user)
    minutes = 0
    for step in (29, 29, 29):  # activity keeps it going
        minutes += step
        frozen_clock.set(DEFAULT_NOW + dt.timedelta(minutes=minutes))
        assert client.get("/app/").status_code == 200
    frozen_clock.set(DEFAULT_NOW + dt.timedelta(minutes=minutes + 31))
    idle = client.get("/app/")
    assert idle.status_code == 303 and idle.headers["Location"] == "/app/login?next=/app/&expired=idle"
    assert "You were logged out after a while without activity" in client.get(idle.headers["Location"]).get_data(
        as_text=True)

    again = browser("192.0.2.30")
    frozen_clock.set(DEFAULT_NOW + dt.timedelta(minutes=minutes + 40))
    login_at = minutes + 40
    again.log_in(user)
    for step in range(21):  # every 29 minutes for 10 h 9 min
        frozen_clock.set(DEFAULT_NOW + dt.timedelta(minutes=login_at + 29 * (step + 1)))
        response = again.get("/app/")
        if 29 * (step + 1) <= 600:
            assert response.status_code == 200, step
    assert response.status_code == 303 and response.headers["Location"].endswith("expired=absolute")


def test_logout_ends_the_session_and_every_copy_of_its_cookie(app, web_user, browser):
    user = web_user("case_officer")
    client = browser()
    client.log_in(user)
    copy = client.client.get_cookie("tjenestespor_session").value
    logout = client.post("/app/logout")
    assert logout.status_code == 303 and logout.headers["Location"] == "/app/login?logged_out=1"
    assert "You are logged out." in client.get(logout.headers["Location"]).get_data(as_text=True)
    assert client.get("/app/").status_code == 303
    thief = browser()
    thief.client.set_cookie("tjenestespor_session", copy)
    assert thief.get("/app/").status_code == 303, "the old cookie names a generation that has ended"


# --- user set-password --------------------------------------------------------------------------

def test_set_password_reads_stdin_never_an_argument_and_ends_the_users_sessions(app, web_user, browser):
    user = web_user("case_officer")
    client = browser()
    client.log_in(user)
    runner = app.test_cli_runner()
    short = runner.invoke(args=["user", "set-password", "--username", user.username], input="short\n")
    assert short.exit_code != 0 and "minst 12 tegn" in short.output  # the CLI speaks DEFAULT_LOCALE (bokmål)
    assert runner.invoke(args=["user", "set-password", "--username", user.username, "--password", "x"]).exit_code == 2
    done = runner.invoke(args=["user", "set-password", "--username", user.username], input="a new long passphrase\n")
    assert done.exit_code == 0, done.output
    assert "a new long passphrase" not in done.output
    assert client.get("/app/").status_code == 303, "a new password ends the sessions"
    assert browser("192.0.2.40").password_step(user).status_code == 422
    user.password = "a new long passphrase"
    assert browser("192.0.2.40").log_in(user, offset_steps=1).status_code == 303


def test_behind_a_trusted_proxy_the_throttle_keys_on_the_clients_own_address(fresh_app, monkeypatch):
    """One proxy address for everyone would let one person's failures slow every colleague down."""
    app = fresh_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://", "TRUSTED_PROXIES": 1})
    seen = []
    monkeypatch.setattr(login_steps, "check_password",
                        lambda client, username, password: seen.append(client) or login_steps.Attempt())
    client = app.test_client()
    proxied = {"headers": {"X-Forwarded-For": "203.0.113.5"}, "environ_base": {"REMOTE_ADDR": "10.0.0.1"}}
    token = csrf_token(client.get("/app/login", **proxied).get_data(as_text=True))
    client.post("/app/login", data={"username": "u", "password": "p", "csrf_token": token}, **proxied)
    assert seen == ["203.0.113.5"]


def test_the_throttle_shares_its_counts_through_redis_when_configured(app):
    """Several processes serve production: each sees the failures the others counted (Redis at
    127.0.0.1:6379 on these machines; skipped where none answers)."""
    import uuid

    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    config = {**app.config, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}
    one, other = login_steps.LoginThrottle(config), login_steps.LoginThrottle(config)  # two processes
    username = f"throttle-{uuid.uuid4().hex}"
    with app.app_context():
        try:
            for _ in range(3):
                one.failed("198.51.100.1", username)
            assert other.wait_seconds("198.51.100.1", username) == 2
            assert other.wait_seconds("198.51.100.2", username) == 0
            other.succeeded("198.51.100.1", username)
            assert one.wait_seconds("198.51.100.1", username) == 0
        finally:
            one.succeeded("198.51.100.1", username)


def test_the_throttle_counts_in_the_process_while_its_shared_store_does_not_answer(app, caplog):
    """Redis down (a port where nothing listens): logins are still throttled, per process, and
    nothing raises; the operator is told once per fallback period."""
    config = {**app.config, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:9/0",
              "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 0.2}}
    throttle = login_steps.LoginThrottle(config)
    with app.app_context():
        for _ in range(3):
            throttle.failed("198.51.100.7", "kari")
        assert throttle.wait_seconds("198.51.100.7", "kari") == 2
        assert throttle.wait_seconds("198.51.100.8", "kari") == 0
        throttle.succeeded("198.51.100.7", "kari")
        assert throttle.wait_seconds("198.51.100.7", "kari") == 0
    warnings = [r for r in caplog.records if "shared store did not answer" in r.getMessage()]
    assert len(warnings) == 1
