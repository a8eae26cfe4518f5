"""A posted form read through the API's own request schema, the service called with it, and what
the page shows back — the one way every area of the web application turns a form into an action.

Why no WTForms classes here: the API's marshmallow schema (ReferralCreateSchema, AcceptSchema,
PlanConsentSchema, …) already says which fields an action takes and what each must be; a second
copy of those rules in form classes would drift. A view reads what was typed (``typed``), hands it
to ``submit`` with a call that loads it by the schema its API route loads (``read``) and calls the
API's service; what the schema or the service refuses comes back in the ``Posted`` — errors beside
the fields, a refusal above the form, the status for the page — with what the user typed kept.
The CSRF token is the foundation's (web/blueprint.py checks it on every unsafe request; a form
renders it with ``csrf_token()``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import marshmallow as ma
from flask import redirect
from werkzeug.datastructures import MultiDict

from service.common.errors import (
    Conflict,
    PreconditionFailed,
    PreconditionRequired,
    ValidationFailed,
    translate_library_messages,
)
from service.common.i18n import _
from service.extensions import db


@dataclass
class Posted:
    """A form's values (as typed), its errors by field, a problem said above it, and the status the
    page is answered with."""

    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    problem: str | None = None
    stale: bool = False  # the record changed since the page was read: "Changed by someone else"
    status: int = 200

    def value(self, name: str, default=""):
        return self.values.get(name, default)

    def chosen(self, name: str) -> list:
        value = self.values.get(name)
        if value is None:
            return []
        return value if isinstance(value, list) else [value]


class FormInvalid(Exception):
    def __init__(self, errors: dict):
        super().__init__("form invalid")
        self.errors = errors


def typed(form: MultiDict, names: tuple[str, ...], lists: tuple[str, ...] = ()) -> dict:
    """What the user typed in ``names`` (a list for the ``lists``), stripped."""
    values = {}
    for name in names:
        if name in lists:
            values[name] = [item.strip() for item in form.getlist(name) if item.strip()]
        else:
            values[name] = form.get(name, "").strip()
    return values


def read(schema: ma.Schema, values: dict, *, decimals: tuple[str, ...] = ()) -> dict:
    """``values`` loaded by the API's ``schema``: empty fields are left out (the schema's defaults
    and the service's apply, as for an API client that leaves them out), a decimal comma is read
    as the point. FormInvalid with the schema's messages, in the page's language, by field."""
    body = {}
    for name, value in values.items():
        if value in ("", []) or value is None:
            continue
        if name in decimals:
            value = value.replace(" ", "").replace(",", ".")
        body[name] = value
    try:
        return schema.load(body, unknown=ma.EXCLUDE)
    except ma.ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
        raise FormInvalid(translate_library_messages(_flatten(messages))) from None


def _flatten(messages: dict) -> dict:
    """Field → list of messages (a list field's per-item messages joined under the field)."""
    flat = {}
    for name, value in messages.items():
        if isinstance(value, dict):
            flat[name] = [text for item in value.values() for text in (item if isinstance(item, list) else [item])]
        else:
            flat[name] = value if isinstance(value, list) else [value]
    return flat


def version(form: MultiDict, *, required: bool = True) -> int | None:
    """The version the page was read at (the API's If-Match): a change to a record names it. Where
    the API's If-Match is optional (``required=False``) a form without it is not checked."""
    raw = form.get("version", "").strip()
    if raw.isdigit():
        return int(raw)
    if not required:
        return None
    raise PreconditionRequired(_("The form lacks the version it was read at. Open the page again and repeat."))


def submit(posted: Posted, action):
    """Run ``action`` (reads the form by the API's schema, calls the API's service) and give its
    result; None when it was refused, the refusal put in ``posted`` (its errors, problem, status).

    The call runs in a SAVEPOINT: a refusal undoes what the service had begun, so the page shown
    with it is the state as it is. A 404 or 403 is not caught: it is the error page's."""
    try:
        with db.session.begin_nested():
            return action()
    except FormInvalid as error:
        _beside_fields(posted, error.errors)
    except PreconditionFailed:
        posted.stale, posted.status = True, 412
        posted.problem = _("It was changed after you opened the page. The page shows it as it is now; what you "
                           "wrote is kept in the form. Check it and send it again.")
    except ValidationFailed as error:
        if error.errors:
            _beside_fields(posted, translate_library_messages(dict(error.errors)))
        else:
            posted.problem, posted.status = error.detail, error.status
    except Conflict as error:  # a rule of the domain refuses it now
        posted.problem, posted.status = error.detail, error.status
    return None


def act(posted: Posted, action, again, then: str):
    """``submit`` a state change of a record's page: the page again (``again()``, which shows the
    refusal kept in ``posted``) when it was refused, else a 303 to ``then`` (the page as it is now)."""
    if submit(posted, action) is None:
        return again()
    return redirect(then, 303)


def _beside_fields(posted: Posted, errors: dict) -> None:
    """Each message beside its field; one about a field the form does not show, above it."""
    posted.status = 422
    elsewhere = []
    for name, messages in errors.items():
        texts = [str(m) for m in (messages if isinstance(messages, list) else [messages])]
        if name in posted.values:
            posted.errors[name] = texts
        else:
            elsewhere.extend(texts)
    if elsewhere:
        posted.problem = " ".join(elsewhere)
