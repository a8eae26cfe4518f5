"""The officer web application: server-rendered pages in Norwegian, under ``policy.WEB`` (/app).

Why pages in the same Flask app, and no front-end build: the people this is for (case
officers, housing officers, coordinators) work in a browser all day, and every rule they meet
must be the API's rule. So a view parses a form, calls the same service function the API route
calls, dumps the answer with the same schema (the access matrix's field rules apply there) and
renders a template; it decides nothing itself. Pages read without JavaScript; htmx (vendored,
like the design system's CSS: static/vendor/README.md) only makes some of them quicker.

Security that every page shares is set up here, once: the session login (Flask-Login, the
limits in service/auth/sessions.py), CSRF on every form (Flask-WTF, checked before any view
runs), a strict Content-Security-Policy (no inline script or style: every page works under
``default-src 'self'``), ``no-store`` caching of pages that show persons, and error pages in
HTML instead of the API's problem documents. ``create_app`` registers the blueprints.
"""

from __future__ import annotations

import datetime as dt

from flask import Flask, g, request
from flask_babel import format_decimal, get_locale
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from service.auth import policy, sessions
from service.common.i18n import format_day, label

login_manager = LoginManager()
csrf = CSRFProtect()

# Headers of every web response. CSP: nothing but this origin's own files, no inline code,
# no framing; a form posts only here.
CONTENT_SECURITY_POLICY = ("default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; "
                           "object-src 'none'")
WEB_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def init_app(app: Flask) -> None:
    """Sessions, CSRF, the templates' helpers and the web headers (``create_app`` registers the
    areas' blueprints); contributes nothing to the shared views."""
    login_manager.init_app(app)
    login_manager.user_loader(sessions.load)
    # The id of a session names the user's generation; "strong" also drops a session whose
    # client (address and browser) changes under it.
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    app.jinja_env.filters.update(day=_day, number=_number)
    app.jinja_env.globals.update(label=_label)
    app.jinja_env.autoescape = True

    @app.after_request
    def _web_headers(response):
        if policy.is_web(request.path):
            for name, value in WEB_HEADERS.items():
                response.headers[name] = value
            if g.get("csp_form_action"):  # the login page's provider button (service/web/auth/routes.py)
                response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
                    "form-action 'self'", f"form-action 'self' {g.csp_form_action}")
            if request.path.startswith(f"{policy.WEB}/static/"):
                # The vendored files carry their version in the path; our own CSS and icons are small.
                response.headers["Cache-Control"] = "public, max-age=3600"
        return response

    @app.context_processor
    def _page_context():
        from service.web.nav import navigation

        officer = g.get("current_user") if policy.is_web(request.path) else None
        return {"officer": officer, "navigation": navigation(officer), "page_language": str(get_locale())}


def _day(value) -> str:
    """dd.mm.åååå (ISO in English) of a date, or of the ISO text an answer schema dumps."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_day(value)


def _number(value) -> str:
    """A number with the locale's separators (bokmål: 1 234,5)."""
    if value is None:
        return ""
    return format_decimal(value, format="#,##0.##")


def _label(domain: str, code) -> str:
    return label(domain, code, standalone=True) if code is not None else ""
