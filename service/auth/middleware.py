"""Authentication and authorization for every request, before any view runs.

The API authenticates a bearer token; the web application's pages (``policy.is_web``) the
session of a web login, and send whoever has none to the login page. Both are then judged by
the same role × route table, and a refusal is audited the same way.

Who is calling (``request_user``) is worked out once per request, by whichever needs it first:
the rate limiter's key (service/extensions.py), whose check runs before this module's hook, or
the hook itself. So the limiter counts a caller's requests per user whatever the hooks' order,
and still counts the requests this hook then refuses (per address: they have no user).
"""

from __future__ import annotations

from flask import Flask, abort, g, redirect, request, url_for

from service.audit import denials
from service.auth import policy
from service.auth.services import authenticate
from service.common.errors import Forbidden
from service.common.i18n import _, label
from service.common.tenancy import set_current_municipality


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


_UNSET = object()


def request_user():
    """The user this request speaks for (its bearer token's on the API, its session's on a page),
    or None; worked out once per request and kept on ``g``. Only identifies: refusing is the hook's."""
    found = g.get("_request_user", _UNSET)
    if found is _UNSET:
        found = g._request_user = _identify()
    return found


def _identify():
    rule = request.url_rule
    if rule is None:
        return None
    if policy.is_web(rule.rule):
        from service.auth import sessions

        return sessions.current()
    token = _bearer_token()
    return authenticate(token) if token else None


def init_auth(app: Flask) -> None:
    @app.before_request
    def _authenticate_and_authorize():
        rule = request.url_rule
        if rule is None:  # unknown path or method: let routing answer 404/405
            return None
        method = "GET" if request.method == "HEAD" else request.method
        if method == "OPTIONS" or policy.is_public(method, rule.rule):
            return None
        if policy.is_web(rule.rule):
            return _authorize_web_session(method, rule.rule)
        user = request_user()
        if user is None:
            denials.authentication_failed(request.remote_addr or "-")  # no municipality: the security log
            abort(401, description=_("A valid bearer token is required."))
        g.current_user = user
        set_current_municipality(user.municipality_id)
        roles = policy.allowed_roles(method, rule.rule)
        if roles is None or user.role not in roles:
            _record_denied(method, rule.rule)
            raise Forbidden(_("The role %(role)s may not %(method)s this resource.", role=label("role", user.role), method=method))
        return None


def _authorize_web_session(method: str, rule: str):
    user = request_user()
    if user is None:
        # Back to the page asked for after the login (a GET only: a form is not posted twice).
        target = request.full_path.rstrip("?") if method == "GET" else None
        return _whole_page_redirect(url_for("web_auth.login", next=target, expired=g.get("web_session_expired")))
    g.current_user = user
    set_current_municipality(user.municipality_id)
    if user.password_must_change and (method, rule) not in policy.WHILE_PASSWORD_MUST_CHANGE:
        # Someone else set the password: the user chooses their own before anything else opens.
        return _whole_page_redirect(url_for("web_auth.password"))
    roles = policy.allowed_roles(method, rule)
    if roles is None or user.role not in roles:
        _record_denied(method, rule)
        raise Forbidden(_("The role %(role)s may not %(method)s this resource.", role=label("role", user.role),
                          method=method))
    return None


def _whole_page_redirect(location: str):
    if request.headers.get("HX-Request"):  # htmx: a whole-page redirect, not a swap
        return "", 204, {"HX-Redirect": location}
    return redirect(location, 303)


def _record_denied(method: str, rule: str) -> None:
    """A refused attempt is itself audit evidence, kept even though the request fails: the first of the
    actor's on the route in a minute, its repeats counted in the security log (service/audit/denials.py)."""
    denials.record_denied("route", f"{method} {rule}"[:64])
