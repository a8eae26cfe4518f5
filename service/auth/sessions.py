"""Web sessions (Flask-Login on Flask's signed cookie): who is logged in, and for how long.

Why the limits live in the cookie and the generation on the user: the cookie is signed with
``SECRET_KEY``, so the login time and the time of the last request it carries cannot be
forged, and any process can check the idle (``WEB_SESSION_IDLE_MINUTES``) and absolute
(``WEB_SESSION_ABSOLUTE_HOURS``) limits without shared state. What a signed cookie cannot do
by itself is die at logout: a copy would live on. So the session's id names the user's
``session_generation``, which logout and a new password raise; every older cookie then names
a generation that no longer exists, in every process at once.

The password step and the second factor are two requests: between them the session holds
only the user's id, marked pending for ``WEB_LOGIN_STEP_MINUTES``, and no page but the
second-factor pages accepts it.
"""

from __future__ import annotations

import datetime as dt

import flask_login
from flask import current_app, g, session

from service.auth import login
from service.auth.models import User
from service.common import clock

_LOGIN_AT = "login_at"
_SEEN_AT = "seen_at"
_PENDING = "pending_login"
_ENROLMENT = "pending_totp_secret"


def _now() -> float:
    return clock.now().timestamp()


def begin(user: User) -> None:
    """Open a session for ``user``: a new one (nothing of the session before survives, CSRF
    token included), so a session id planted before the login is worthless after it."""
    session.clear()
    flask_login.login_user(user)
    session[_LOGIN_AT] = session[_SEEN_AT] = _now()


def end() -> None:
    """Log out: every session of the user ends (their generation moves on), and this cookie is emptied."""
    user = flask_login.current_user
    if user is not None and user.is_authenticated:
        login.logged_out(user)
    flask_login.logout_user()
    session.clear()


def expired_reason() -> str | None:
    """Why the session cannot go on: "idle" or "absolute" past its limit, else None."""
    login_at, seen_at = session.get(_LOGIN_AT), session.get(_SEEN_AT)
    if login_at is None or seen_at is None:
        return "idle"
    config = current_app.config
    now = _now()
    if now - float(login_at) > dt.timedelta(hours=config["WEB_SESSION_ABSOLUTE_HOURS"]).total_seconds():
        return "absolute"
    if now - float(seen_at) > dt.timedelta(minutes=config["WEB_SESSION_IDLE_MINUTES"]).total_seconds():
        return "idle"
    return None


def current() -> User | None:
    """The user of this request's session, or None (no session, an ended one, or one past a
    limit, which is then emptied). Each request that finds the user counts as activity."""
    user = flask_login.current_user
    if user is None or not user.is_authenticated:
        return None
    reason = expired_reason()
    if reason is not None:
        flask_login.logout_user()
        session.clear()
        g.web_session_expired = reason
        return None
    session[_SEEN_AT] = _now()
    return user


def load(session_id: str) -> User | None:
    """Flask-Login's user loader."""
    return login.find_session_user(session_id)


# --- between the password and the second factor ---------------------------------------------

def hold_pending(user: User) -> None:
    """The password was right: remember who, for the second factor only (a fresh session)."""
    session.clear()
    session[_PENDING] = {"user": f"{user.id}:{user.session_generation}", "at": _now()}


def pending_user() -> User | None:
    """The user whose password was right in this session, if they are still within the step's time."""
    pending = session.get(_PENDING)
    if not isinstance(pending, dict):
        return None
    limit = dt.timedelta(minutes=current_app.config["WEB_LOGIN_STEP_MINUTES"]).total_seconds()
    if _now() - float(pending.get("at", 0)) > limit:
        session.pop(_PENDING, None)
        session.pop(_ENROLMENT, None)
        return None
    return login.find_session_user(pending.get("user", ""))


def enrolment_secret() -> str:
    """The TOTP secret offered to a pending user without one; the same on every showing until
    it is confirmed, and stored on the user only then."""
    secret = session.get(_ENROLMENT)
    if not secret:
        secret = session[_ENROLMENT] = login.new_totp_secret()
    return secret


def client_id(remote_addr: str | None) -> str:
    """The client part of the throttle's key."""
    return remote_addr or "unknown"
