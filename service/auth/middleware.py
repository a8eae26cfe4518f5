"""Authentication and authorization for every request, before any view runs."""

from __future__ import annotations

from flask import Flask, abort, g, request

from service.audit.services import record
from service.auth import policy
from service.auth.services import authenticate
from service.common.errors import Forbidden
from service.common.i18n import _, label
from service.common.tenancy import set_current_municipality
from service.extensions import db


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def init_auth(app: Flask) -> None:
    @app.before_request
    def _authenticate_and_authorize():
        rule = request.url_rule
        if rule is None:  # unknown path or method: let routing answer 404/405
            return None
        method = "GET" if request.method == "HEAD" else request.method
        if method == "OPTIONS" or policy.is_public(method, rule.rule):
            return None
        token = _bearer_token()
        user = authenticate(token) if token else None
        if user is None:
            abort(401, description=_("A valid bearer token is required."))
        g.current_user = user
        set_current_municipality(user.municipality_id)
        roles = policy.allowed_roles(method, rule.rule)
        if roles is None or user.role not in roles:
            _record_denied(method, rule.rule)
            raise Forbidden(_("The role %(role)s may not %(method)s this resource.", role=label("role", user.role), method=method))
        return None


def _record_denied(method: str, rule: str) -> None:
    """A refused attempt is itself audit evidence, kept even though the request fails."""
    record("denied", object_type="route", object_id=f"{method} {rule}"[:64], outcome="denied")
    db.session.commit()
