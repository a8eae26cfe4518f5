"""The municipality's users: the CLI's ``user`` and ``token`` commands as pages.

Each action is service/auth/services.py's operation for the administrator's own municipality, on
the audit trail. What the pages never do: show a secret that is stored. A password is typed by the
administrator (twice, as the CLI asks) and never shown back, not even in a refused form; the second
factor is reset, never shown; an API token is shown once, on the answer to the POST that issued it
(a page no one can load again: it is not in a URL, and no page is cached), and only its hint after.
"""

from __future__ import annotations

import uuid

from flask import current_app, redirect, render_template, request, url_for

from service.auth import services as accounts
from service.auth.roles import ALL_ROLES
from service.auth.schemas import PasswordSchema, TokenIssueSchema, UserAdminSchema, UserCreateSchema
from service.common.i18n import N_, _, label
from service.provider_units import services as provider_units
from service.web.admin.routes import blp
from service.web.blueprint import page_number
from service.web.forms import Posted, read, submit, typed

PAGE_SIZE = 50
CREATE_FIELDS = ("username", "display_name", "role", "provider_unit")
# What a redirect after an action says on the user's page (``?done=``); anything else says nothing.
DONE = {
    "created": N_("The user is created. Set a password so that they can log in."),
    "password": N_("The password is set. Every session the user had has ended."),
    "second_factor": N_("The second factor is reset: the user sets up a new one at the next login."),
    "disabled": N_("The user is disabled and their API tokens are revoked."),
    "revoked": N_("The API tokens are revoked."),
}


def _choices() -> dict:
    return {"role_options": [(role, label("role", role, standalone=True)) for role in ALL_ROLES],
            "unit_options": [(unit.name, unit.name) for unit in provider_units.list_units({"active": True})]}


@blp.get("/users")
def users(posted: Posted | None = None):
    """The users (active and disabled), with the form of ``user create``."""
    page = page_number()
    items, total = accounts.list_users({}, page, PAGE_SIZE)
    counts = accounts.live_token_counts([item.id for item in items])
    rows = UserAdminSchema(many=True).dump(items)
    for row, item in zip(rows, items, strict=True):
        row["tokens"] = counts.get(item.id, 0)
    posted = posted or Posted({"role": "case_officer"})
    return render_template("admin/users.html", users=rows, total=total, page=page,
                           pages=max(1, -(-total // PAGE_SIZE)), form=posted, **_choices()), posted.status


@blp.post("/users")
def create_user():
    posted = Posted(typed(request.form, CREATE_FIELDS))
    created = submit(posted, lambda: accounts.admin_create_user(read(UserCreateSchema(), posted.values)))
    if created is None:
        return users(posted)
    return redirect(url_for("web_admin.user", user_id=created.id, done="created"), 303)


@blp.get("/users/<uuid:user_id>")
def user(user_id: uuid.UUID):
    return _user_page(user_id)


def _user_page(user_id: uuid.UUID, form: str | None = None, posted: Posted | None = None):
    """The user, their tokens (hints only) and the forms of the actions; ``form`` names the one
    ``posted`` (refused) belongs to."""
    found = accounts.municipality_user(user_id)
    forms = {"password": Posted(), "token": Posted(), "action": Posted()}
    refused = Posted()
    if form is not None and posted is not None:
        forms[form] = refused = posted
    done = DONE.get(request.args.get("done", "")) if form is None else None
    return render_template("admin/user.html", user=UserAdminSchema().dump(found), tokens=accounts.live_tokens(found.id),
                           forms=forms, refused=refused, done=_(done) if done else None,
                           password_min=current_app.config["PASSWORD_MIN_LENGTH"]), refused.status


def _action(user_id: uuid.UUID, form: str, names: tuple[str, ...], call, done: str):
    """A posted action on the user: their page again, saying what was done, or with the refusal."""
    posted = Posted(typed(request.form, names))
    result = submit(posted, lambda: call(posted))
    if result is None:
        return _user_page(user_id, form, posted)
    return redirect(url_for("web_admin.user", user_id=user_id, done=done), 303)


@blp.post("/users/<uuid:user_id>/password")
def set_password(user_id: uuid.UUID):
    return _action(user_id, "password", ("password", "password_again"), lambda posted: accounts.admin_set_password(
        user_id, read(PasswordSchema(), posted.values)["password"]), "password")


@blp.post("/users/<uuid:user_id>/second-factor")
def reset_second_factor(user_id: uuid.UUID):
    return _action(user_id, "action", (), lambda _posted: accounts.admin_reset_second_factor(user_id), "second_factor")


@blp.post("/users/<uuid:user_id>/disable")
def disable(user_id: uuid.UUID):
    return _action(user_id, "action", (), lambda _posted: accounts.admin_disable_user(user_id), "disabled")


@blp.post("/users/<uuid:user_id>/tokens/revoke")
def revoke_tokens(user_id: uuid.UUID):
    """One token (the hint of its row) or, without a hint, all the user's live tokens."""
    hint = request.form.get("hint", "").strip() or None
    return _action(user_id, "action", (), lambda _posted: accounts.admin_revoke_tokens(user_id, hint), "revoked")


@blp.post("/users/<uuid:user_id>/tokens")
def issue_token(user_id: uuid.UUID):
    """``token issue``: the token is on this answer only (the page is not cached, and not a redirect
    whose address could be loaded again)."""
    posted = Posted(typed(request.form, ("ttl_days",)))
    issued = submit(posted, lambda: accounts.admin_issue_token(user_id, read(TokenIssueSchema(), posted.values)))
    if issued is None:
        return _user_page(user_id, "token", posted)
    token, plain = issued
    found = accounts.municipality_user(user_id)
    return render_template("admin/token.html", user=UserAdminSchema().dump(found), token=token, plain=plain)
