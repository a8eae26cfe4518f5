"""A browser-like test client for the web application's pages, and users who may log in to them
(shared by tests/web and the policy test in tests/security)."""

from __future__ import annotations

import dataclasses
import re

import pyotp

from service.auth import login as login_steps
from service.auth import totp_keys
from service.auth.models import User
from service.common.clock import now
from service.extensions import db

PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


@dataclasses.dataclass
class WebUser:
    username: str
    password: str
    secret: str | None
    role: str
    user_id: object

    def code(self, app, offset_steps: int = 0) -> str:
        """The TOTP code of the app's clock (frozen in the tests), ``offset_steps`` × 30 s away."""
        with app.app_context():
            at = now().timestamp() + offset_steps * login_steps.TOTP_INTERVAL_SECONDS
        return pyotp.TOTP(self.secret).at(at)


def make_web_user(app, env, municipality: str, role: str = "case_officer", *, enrolled: bool = True) -> WebUser:
    """A user of ``municipality`` with a password, and a TOTP secret already enrolled unless ``enrolled=False``."""
    caller = env.caller(role, municipality)
    secret = login_steps.new_totp_secret() if enrolled else None
    with app.app_context():
        login_steps.set_password(caller.username, PASSWORD, temporary=False)
        user = db.session.get(User, caller.user_id)
        user.totp_secret = totp_keys.seal(secret) if secret else None  # as enrolment stores it
        db.session.commit()
    return WebUser(caller.username, PASSWORD, secret, role, caller.user_id)


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


class Browser:
    """A test client that keeps its cookies and posts forms with the page's CSRF token."""

    def __init__(self, app, remote_addr: str = "192.0.2.10"):
        self.app = app
        self.client = app.test_client()
        self.environ = {"REMOTE_ADDR": remote_addr}
        self.last_html = ""

    def session_cookie(self, response) -> str:
        """The session's Set-Cookie header of ``response``."""
        return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("tjenestespor_session="))

    def get(self, url, headers=None, **kw):
        headers = {"Accept-Language": "en", **(headers or {})}
        response = self.client.get(url, environ_base=self.environ, headers=headers, **kw)
        if response.mimetype == "text/html":
            self.last_html = response.get_data(as_text=True)
        return response

    def post(self, url, data=None, *, token: str | None = None, **kw):
        form = dict(data or {})
        if token is not False:
            form.setdefault("csrf_token", token or csrf_token(self.last_html))
        response = self.client.post(url, data=form, environ_base=self.environ, headers={"Accept-Language": "en"},
                                    **kw)
        if response.mimetype == "text/html":
            self.last_html = response.get_data(as_text=True)
        return response

    def password_step(self, user: WebUser, password: str | None = None):
        self.get("/app/login")
        return self.post("/app/login", {"username": user.username, "password": password or user.password})

    def log_in(self, user: WebUser, offset_steps: int = 0):
        """Both steps (the code ``offset_steps`` × 30 s from now: a code is accepted once); the
        answer of the last one (a 303 to the start page when it worked)."""
        response = self.password_step(user)
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        self.get(response.headers["Location"])
        done = self.post("/app/login/code", {"code": user.code(self.app, offset_steps)})
        if done.status_code == 303:
            # A page with the session's CSRF token, as a browser would land on it (a role without a
            # worklist is sent on from the start page to its day's work).
            page = self.get(done.headers["Location"])
            while page.status_code in (302, 303):
                page = self.get(page.headers["Location"])
        return done


def text(response) -> str:
    """The page's words, without the markup (and with the apostrophes Jinja escapes)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).replace("&#39;", "'")


def logged_in(app, web_user, role: str = "case_officer", **kw) -> tuple[Browser, WebUser]:
    """A browser with a session of a new ``role`` user (``web_user`` is tests/web/conftest.py's fixture)."""
    user = web_user(role, **kw)
    browser = Browser(app)
    assert browser.log_in(user).status_code == 303
    return browser, user
