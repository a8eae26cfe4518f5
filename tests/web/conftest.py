"""Fixtures of the web application's tests: users who may log in, and browser-like clients."""

from __future__ import annotations

import pytest

from tests.browser import Visit, chromium  # noqa: F401 (chromium: a fixture of the browser tests)
from tests.web.client import Browser, make_web_user


@pytest.fixture
def web_user(app, env, town):
    """``web_user(role, enrolled=True, municipality=town)``: a user with a password (and a TOTP secret)."""
    def make(role: str = "case_officer", *, enrolled: bool = True, municipality: str | None = None):
        return make_web_user(app, env, municipality or town, role, enrolled=enrolled)

    return make


@pytest.fixture
def browser(app, db_connection):
    """``browser(remote_addr=...)``: a new client with its own cookies."""
    return lambda remote_addr="192.0.2.10": Browser(app, remote_addr)


@pytest.fixture(autouse=True)
def _fresh_throttle(app):
    """Each test starts with no failed logins counted (the memory storage is the app's)."""
    app.extensions.pop("login_throttle", None)
    yield
    app.extensions.pop("login_throttle", None)


@pytest.fixture
def visit(chromium, live):  # noqa: F811
    """``visit()``: a new browser tab on the module's live server (its ``live`` fixture); each tab
    is closed, and its htmx swaps accounted for, at the end of the test."""
    tabs = []

    def open_tab() -> Visit:
        tabs.append(Visit(chromium, live["url"]))
        return tabs[-1]

    yield open_tab
    for tab in tabs:
        tab.close()
