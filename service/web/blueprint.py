"""What every area of the web application shares: the blueprint, its CSRF check and its error pages.

Why a factory and not one parent blueprint: ``create_app`` builds an app more than once in a
process (the tests do), and Flask refuses to set up a blueprint again once it has been
registered; each area's blueprint is therefore made complete, once, when its module is imported.
"""

from __future__ import annotations

import logging

from flask import Blueprint, g, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from service.auth.policy import WEB
from service.common.errors import DomainError
from service.common.i18n import N_, _
from service.web import csrf

log = logging.getLogger("service.errors")

_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_TITLES = {
    400: N_("The form could not be used"),
    403: N_("You do not have access to this page"),
    404: N_("We could not find what you asked for"),
    405: N_("This page does not take that kind of request"),
    409: N_("This could not be done now"),
    412: N_("Changed by someone else"),
    413: N_("The form is too large"),
    422: N_("Something in the form must be corrected"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong on our side"),
}
_MESSAGES = {
    400: N_("The request could not be understood."),
    403: N_("Your role does not give access to this page. Use the menu to find the pages you can use."),
    404: N_("The page or the person does not exist, or is not one you may see."),
    405: N_("Go back and use the page's own buttons."),
    413: N_("The form is too large."),
    429: N_("Wait a little and try again."),
    500: N_("The page could not be shown. Try again; if it happens again, quote this request id: %(request_id)s."),
}


def web_blueprint(name: str, import_name: str, url_prefix: str = "", **options) -> Blueprint:
    """A blueprint of the web application under ``WEB + url_prefix``, with the CSRF check on every
    unsafe request and HTML error pages for whatever its views raise."""
    blueprint = Blueprint(name, import_name, url_prefix=WEB + url_prefix, **options)
    blueprint.before_request(_check_csrf)
    blueprint.register_error_handler(Exception, error_page)
    return blueprint


def _check_csrf() -> None:
    """Every form the pages post carries the session's CSRF token (Flask-WTF); checked before the
    view runs (and after the login check, so an anonymous post is sent to the login first)."""
    if request.method in _UNSAFE:
        csrf.protect()


def error_page(error: Exception):
    """The error as a page in the caller's language: status, a title, what to do. Never a trace."""
    detail = None
    if isinstance(error, CSRFError):
        status = 400
        detail = _("The form was too old or did not come from this page. Open the page again and repeat.")
    elif isinstance(error, DomainError):
        status, detail = error.status, error.detail
    elif isinstance(error, HTTPException):
        status = error.code or 500
    else:
        log.error("unhandled error in request %s", g.get("request_id"), exc_info=error)
        status = 500
    if status >= 500:
        status, detail = 500, None
    title = _(_TITLES.get(status, _TITLES[400]))
    if detail is None:
        detail = _(_MESSAGES.get(status, _MESSAGES[400]), request_id=g.get("request_id", ""))
    if status == 403:
        detail = _(_MESSAGES[403])  # the API's detail names the method: not for a page
    return render_template("error.html", status=status, title=title, detail=detail), status


def page_number() -> int:
    """The list page asked for in ``?page=`` (1 when absent or not a number; at most 10,000)."""
    value = request.args.get("page", "1")
    return max(1, min(int(value), 10_000)) if value.isdigit() else 1


def may(method: str, rule: str) -> bool:
    """Whether the signed-in user's role may use ``method`` on ``rule`` (the policy table's answer):
    what a page offers (links, buttons) follows the same table that refuses the request."""
    from service.auth import policy
    from service.auth.identity import current_user

    user = current_user()
    return user is not None and policy.may(user.role, method, rule)
