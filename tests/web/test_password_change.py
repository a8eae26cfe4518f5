"""A password of the user's own (service/auth/login.py ``change_own_password``, the page
/app/account/password).

What it must show: a password someone else set (the administrator's page, the CLI) opens no page
but this one until the user has chosen their own, the menu hidden meanwhile and logging out still
possible; the form refuses, beside its field, a wrong current password (audited and counted like
a failed login), two new passwords that differ, one too short, and one equal to the current; a
change ends every other session of the user's, keeps this browser logged in, and is audited;
anyone may change their password at any time from the header's link.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.auth import login as login_steps
from service.auth.models import User
from service.extensions import db
from tests.conftest import DEFAULT_NOW
from tests.helpers import database_at
from tests.web.client import Browser, text

PAGE = "/app/account/password"
SET_BY_ADMIN = "satt av administrator 2026"
OWN = "min egen lange setning om fjell"


def set_by_someone_else(app, user, password: str = SET_BY_ADMIN):
    with app.app_context():
        login_steps.set_password(user.username, password)  # as the CLI and the admin's page do
        db.session.commit()
    return dataclasses.replace(user, password=password)


def must_change(app, user) -> bool:
    with app.app_context():
        return db.session.get(User, user.user_id).password_must_change


def change(browser: Browser, current: str, new: str, again: str | None = None):
    browser.get(PAGE)
    return browser.post(PAGE, {"current_password": current, "new_password": new,
                               "new_password_again": new if again is None else again})


def test_a_password_someone_else_set_opens_only_the_page_to_choose_ones_own(app, web_user, browser):
    user = set_by_someone_else(app, web_user("case_officer"))
    client = browser()
    assert client.log_in(user).status_code == 303
    for page in ("/app/", "/app/persons", "/app/worklist"):
        answer = client.get(page)
        assert answer.status_code == 303 and answer.headers["Location"] == PAGE, page
    shown = client.get(PAGE)
    assert shown.status_code == 200
    assert "Your password was set by someone else" in text(shown)
    assert 'aria-label="Main menu"' not in shown.get_data(as_text=True), "no menu of pages that would not open"
    htmx = client.get("/app/persons", headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx.headers["HX-Redirect"] == PAGE
    client.get(PAGE)
    assert client.post("/app/logout").status_code == 303, "logging out still works"


def test_choosing_ones_own_ends_the_other_sessions_and_keeps_this_one(app, web_user, browser, frozen_clock):
    user = set_by_someone_else(app, web_user("case_officer"))
    other = browser("192.0.2.20")
    assert other.log_in(user).status_code == 303
    client = browser()
    assert client.log_in(user, offset_steps=1).status_code == 303
    done = change(client, SET_BY_ADMIN, OWN)
    assert done.status_code == 303 and done.headers["Location"] == "/app/"
    assert client.get("/app/persons").status_code == 200, "this browser goes on"
    assert other.get("/app/persons").headers["Location"].startswith("/app/login"), "the other session ended"
    assert not must_change(app, user)
    with app.app_context():
        events = db.session.execute(sa.select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.detail).where(
            AuditEvent.object_type == "user", AuditEvent.object_id == str(user.user_id))).all()
    assert [(action, str(actor), detail) for action, actor, detail in events] == [
        ("update", str(user.user_id), "own password changed")]
    mine = dataclasses.replace(user, password=OWN)
    assert browser("192.0.2.21").password_step(user).status_code == 422, "the old password no longer opens"
    frozen_clock.set(DEFAULT_NOW + dt.timedelta(minutes=2))  # a code not yet used
    assert browser("192.0.2.22").log_in(mine).status_code == 303


@pytest.mark.parametrize("current, new, again, field, says", [
    ("not the password", OWN, None, "current_password", "The current password is wrong."),
    (SET_BY_ADMIN, OWN, OWN + " x", "new_password_again", "The two new passwords are not the same."),
    (SET_BY_ADMIN, "for kort", None, "new_password", "must be at least 12 characters"),
    (SET_BY_ADMIN, " " + OWN, None, "new_password", "must not start or end with a space"),
    (SET_BY_ADMIN, SET_BY_ADMIN, None, "new_password", "must differ from the current password"),
])
def test_the_form_says_what_is_wrong_beside_the_field(app, web_user, browser, current, new, again, field, says):
    user = set_by_someone_else(app, web_user("coordinator"))
    client = browser()
    assert client.log_in(user).status_code == 303
    refused = change(client, current, new, again)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert says in html
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{field}"', html), field
    assert OWN not in html and SET_BY_ADMIN not in html, "a password is never shown back"
    assert must_change(app, user), "nothing changed"


def test_a_wrong_current_password_counts_like_a_failed_login(app, web_user, browser, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_THROTTLE_FREE_ATTEMPTS", 1)
    user = set_by_someone_else(app, web_user("case_officer"))
    client = browser()
    assert client.log_in(user).status_code == 303
    assert change(client, "guess one", OWN).status_code == 422
    throttled = change(client, "guess two", OWN)
    assert throttled.status_code == 429 and "Too many failed attempts" in text(throttled)
    with app.app_context():
        refused = db.session.scalars(sa.select(AuditEvent.detail).where(
            AuditEvent.action == "login", AuditEvent.outcome == "denied",
            AuditEvent.detail.like(f"password change%{user.username}"))).all()
    assert refused == [f"password change: wrong current password: {user.username}",
                       f"password change throttled: {user.username}"]


def test_anyone_may_change_their_password_from_the_header(app, web_user, browser):
    user = web_user("housing_officer")
    client = browser()
    assert client.log_in(user).status_code == 303
    start = client.get("/app/housing")
    assert f'href="{PAGE}"' in start.get_data(as_text=True)
    page = client.get(PAGE)
    assert page.status_code == 200 and "set by someone else" not in text(page)
    assert change(client, user.password, OWN).status_code == 303
    assert not must_change(app, user)


def test_the_cli_sets_a_password_the_user_must_change(app, web_user):
    user = web_user("planner")
    result = app.test_cli_runner().invoke(args=["user", "set-password", "--username", user.username],
                                          input=SET_BY_ADMIN + "\n")
    assert result.exit_code == 0, result.output
    assert "at the next login they choose their own password" in result.output
    assert must_change(app, user)


def test_migration_0018_asks_everyone_with_a_password_to_choose_their_own(fresh_app, tmp_path, dialect):
    """Until 0018 only an administrator could set a password: someone else knows each one."""
    if dialect != "sqlite":
        pytest.skip("builds a database of its own: SQLite only")
    import flask_migrate

    now = "2026-03-01 09:00:00"
    with database_at(fresh_app, tmp_path / "old.sqlite3", "0017_totp_secrets_encrypted") as app:
        with app.app_context():
            town = "a" * 32
            db.session.execute(sa.text(
                "INSERT INTO municipalities (id, number, name, created_at, updated_at, version) "
                "VALUES (:id, '7102', 'Kommune 7102', :now, :now, 1)"), {"id": town, "now": now})
            for name, hashed in (("med", "$argon2id$stored"), ("uten", None)):
                db.session.execute(sa.text(
                    "INSERT INTO users (id, municipality_id, username, role, password_hash, session_generation, "
                    "created_at, updated_at, version) VALUES (:id, :town, :name, 'case_officer', :hashed, 0, "
                    ":now, :now, 1)"), {"id": name.ljust(32, "0"), "town": town, "name": name, "hashed": hashed,
                                        "now": now})
            db.session.commit()
            flask_migrate.upgrade()
            rows = dict(db.session.execute(sa.text("SELECT username, password_must_change FROM users")).all())
    assert {name: bool(flag) for name, flag in rows.items()} == {"med": True, "uten": False}


def test_the_administrator_sees_that_the_user_is_to_choose_their_own(app, web_user, browser):
    admin = web_user("admin")
    user = set_by_someone_else(app, web_user("case_officer"))
    client = browser()
    assert client.log_in(admin).status_code == 303
    assert re.search(r"Password Set 2026-03-03; the user chooses their own at the next login",
                     text(client.get(f"/app/admin/users/{user.user_id}")))
    with app.app_context():
        db.session.get(User, user.user_id).password_must_change = False
        db.session.commit()
    page = text(client.get(f"/app/admin/users/{user.user_id}"))
    assert "Password Set 2026-03-03 Second factor" in page
