"""Logging in and out: the password, then the TOTP code (enrolled at the first login), then a session.

The steps and their rules are service/auth/login.py's and service/auth/sessions.py's; these
views only move the user between the pages. A login through an OpenID Connect provider
(service/auth/oidc.py; only when ``OIDC_ISSUER`` is set) is two more views: a posted form (with
the CSRF token) that sends the person to the provider, and the callback the provider sends them
back to, which ends like the code step in ``_finish``.
"""

from __future__ import annotations

import logging

from flask import abort, current_app, g, redirect, render_template, request, session, url_for

from service.auth import login as login_steps
from service.auth import oidc, sessions, totp_keys
from service.common.errors import ValidationFailed
from service.common.i18n import _
from service.web.auth.forms import CodeForm, LoginForm, PasswordChangeForm
from service.web.blueprint import web_blueprint

blp = web_blueprint("web_auth", __name__)
log = logging.getLogger("service.auth.login")

_NEXT = "login_next"


def _safe_next(target: str | None) -> str | None:
    """A page of this application to go on to after the login; anything else (another site,
    a scheme-relative ``//host``) is dropped."""
    if not target or not target.startswith("/app/") or target.startswith("//") or "\\" in target:
        return None
    return target


def _client() -> str:
    return sessions.client_id(request.remote_addr)


def _finish(user, method: str | None = None):
    """Both factors passed (or the second is switched off, or the provider vouched for the user):
    a new session, then the page asked for."""
    target = _safe_next(session.get(_NEXT))
    sessions.begin(user)
    login_steps.logged_in(_client(), user, method=method)
    return redirect(target or url_for("web_home.start"), 303)


def _login_page(form=None, status: int = 200, **page):
    """The login page, with the provider's button when one is configured."""
    provider = oidc.provider_name() if oidc.configured() else None
    if provider:
        g.csp_form_action = oidc.form_action_origin()  # service/web/__init__.py adds it to the page's CSP
    return render_template("auth/login.html", form=form or LoginForm(), provider=provider, **page), status


def _throttled_message(seconds: int) -> str:
    return _("Too many failed attempts. Wait %(seconds)s seconds and try again.", seconds=seconds)


@blp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    notice = None
    if request.method == "GET":
        if sessions.current() is not None:
            return redirect(url_for("web_home.start"), 303)
        notice = {"idle": _("You were logged out after a while without activity. Log in again."),
                  "absolute": _("Your session reached its maximum length. Log in again."),
                  "step": _("The login took too long. Start again."),
                  }.get(request.args.get("expired", ""))
        if request.args.get("logged_out"):
            notice = _("You are logged out.")
        session[_NEXT] = _safe_next(request.args.get("next"))
        return _login_page(form, notice=notice)
    if not form.validate_on_submit():
        return _login_page(form, 422)
    target = session.get(_NEXT)
    attempt = login_steps.check_password(_client(), form.username.data, form.password.data)
    if attempt.wait_seconds:
        return _login_page(form, 429, problem=_throttled_message(attempt.wait_seconds))
    if not attempt.ok:
        return _login_page(form, 422, problem=_("The username or the password is wrong."))
    if not login_steps.second_factor_required():
        return _finish(attempt.user)
    sessions.hold_pending(attempt.user)
    session[_NEXT] = target
    return redirect(url_for("web_auth.code" if attempt.user.totp_secret else "web_auth.enrol"), 303)


@blp.route("/login/code", methods=["GET", "POST"])
def code():
    user = sessions.pending_user()
    if user is None:
        return redirect(url_for("web_auth.login", expired="step"), 303)
    if not user.totp_secret:
        return redirect(url_for("web_auth.enrol"), 303)
    form = CodeForm()
    if request.method == "GET":
        return render_template("auth/code.html", form=form)
    if not form.validate_on_submit():
        return render_template("auth/code.html", form=form), 422
    try:
        attempt = login_steps.check_code(_client(), user, form.code.data)
    except totp_keys.UnreadableSecret as unreadable:  # a key removed too early, or the row altered
        log.error("web login of user %s: %s", user.id, unreadable)
        return render_template("auth/code.html", form=form, problem=_(
            "Your code cannot be checked. Ask the administrator to reset your second factor; you then set "
            "it up again at the next login.")), 503
    if attempt.wait_seconds:
        return render_template("auth/code.html", form=form, problem=_throttled_message(attempt.wait_seconds)), 429
    if not attempt.ok:
        form.code.errors = [_("The code is wrong or has been used. Write the code the app shows now.")]
        return render_template("auth/code.html", form=form), 422
    return _finish(user)


@blp.route("/login/enrol", methods=["GET", "POST"])
def enrol():
    """The first login: the user adds the account to an authenticator app (QR code or the secret
    typed in) and proves it with a code; only then is the secret stored on the user."""
    user = sessions.pending_user()
    if user is None:
        return redirect(url_for("web_auth.login", expired="step"), 303)
    if user.totp_secret:
        return redirect(url_for("web_auth.code"), 303)
    secret = sessions.enrolment_secret()
    form = CodeForm()
    qr_svg = login_steps.totp_qr_svg(login_steps.totp_uri(user, secret), _("QR code for the authenticator app"))
    page = {"form": form, "qr_svg": qr_svg, "secret": login_steps.grouped_secret(secret)}
    if request.method == "GET":
        return render_template("auth/enrol.html", **page)
    if not form.validate_on_submit():
        return render_template("auth/enrol.html", **page), 422
    attempt = login_steps.check_code(_client(), user, form.code.data, new_secret=secret)
    if attempt.wait_seconds:
        return render_template("auth/enrol.html", problem=_throttled_message(attempt.wait_seconds), **page), 429
    if not attempt.ok:
        form.code.errors = [_("The code is wrong. Write the code the app shows now.")]
        return render_template("auth/enrol.html", **page), 422
    return _finish(user)


@blp.route("/account/password", methods=["GET", "POST"])
def password():
    """The user's own password: chosen at the first login after someone else set it (every
    other page sends them here until then), or changed whenever they wish."""
    user = g.current_user
    form = PasswordChangeForm()
    page = {"form": form, "required": user.password_must_change}
    if request.method == "GET":
        return render_template("auth/password.html", **page)
    if not form.validate_on_submit():
        return render_template("auth/password.html", **page), 422
    try:
        attempt = login_steps.change_own_password(_client(), user, form.current_password.data,
                                                  form.new_password.data)
    except ValidationFailed as refused:
        form.new_password.errors = list((refused.errors or {}).get("new_password") or [refused.detail])
        return render_template("auth/password.html", **page), 422
    if attempt.wait_seconds:
        return render_template("auth/password.html", problem=_throttled_message(attempt.wait_seconds), **page), 429
    if not attempt.ok:
        form.current_password.errors = [_("The current password is wrong.")]
        return render_template("auth/password.html", **page), 422
    sessions.begin(user)  # the change ended every session of the user's, this one too
    return redirect(url_for("web_home.start"), 303)


@blp.post("/login/oidc")
def oidc_start():
    """To the provider (a posted form: the state leaves this site only in the provider's own redirect)."""
    if not oidc.configured():
        abort(404)
    wait = login_steps.provider_wait_seconds(_client())
    if wait:
        return _login_page(status=429, problem=_throttled_message(wait))
    redirect_uri = current_app.config.get("OIDC_REDIRECT_URI") or url_for("web_auth.oidc_callback", _external=True)
    try:
        return redirect(oidc.start(redirect_uri), 303)
    except oidc.ProviderRefused as refused:
        login_steps.provider_refused(_client(), refused.reason, counts=False)
        return _login_page(status=502, problem=_provider_problem(refused))


@blp.get("/login/oidc/callback")
def oidc_callback():
    """Back from the provider: a session for the user it vouches for, or the login page saying why not."""
    if not oidc.configured():
        abort(404)
    client = _client()
    wait = login_steps.provider_wait_seconds(client)
    if wait:
        return _login_page(status=429, problem=_throttled_message(wait))
    try:
        username = oidc.finish(request.args.get("code"), request.args.get("state"), request.args.get("error"))
    except oidc.ProviderRefused as refused:
        login_steps.provider_refused(client, refused.reason, counts=refused.counts and not refused.unreachable)
        return _login_page(status=502 if refused.unreachable else 403, problem=_provider_problem(refused))
    attempt = login_steps.check_provider_user(client, username)
    if attempt.wait_seconds:
        return _login_page(status=429, problem=_throttled_message(attempt.wait_seconds))
    if not attempt.ok:
        return _login_page(status=403, problem=_(
            "%(provider)s knows you as %(username)s, but no active user of that name may use tjenestespor. "
            "Ask your administrator for access.", provider=oidc.provider_name(), username=username))
    return _finish(attempt.user, method=login_steps.PROVIDER_LOGIN)


def _provider_problem(refused: oidc.ProviderRefused) -> str:
    provider = oidc.provider_name()
    if refused.unreachable:
        return _("%(provider)s could not be reached. Try again in a little while, or log in with your password.",
                 provider=provider)
    if not refused.counts:
        return _("The login with %(provider)s was cancelled.", provider=provider)
    return _("The login with %(provider)s could not be verified. Start again.", provider=provider)


@blp.post("/logout")
def logout():
    sessions.end()
    return redirect(url_for("web_auth.login", logged_out=1), 303)
