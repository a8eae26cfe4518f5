"""Request plumbing shared by every route: request ids, body checks, unknown query
parameters, ETags and If-Match, and one database transaction per request."""

from __future__ import annotations

import functools
import re
import uuid

from flask import Flask, abort, current_app, g, request
from sqlalchemy.exc import DisconnectionError, IntegrityError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from sqlalchemy.orm.exc import StaleDataError

from service.common.errors import (
    PROBLEM_TYPES,
    DomainError,
    PreconditionFailed,
    PreconditionRequired,
    ValidationFailed,
    database_unavailable,
    problem,
    service_unavailable,
)
from service.common.i18n import N_, _
from service.common.logging import client_correlation_id
from service.extensions import db

_BODY_METHODS = {"POST", "PUT", "PATCH"}
_ELEVEN_DIGITS = re.compile(r"\d{11}")


def _is_json_mimetype(mimetype: str) -> bool:
    return mimetype == "application/json" or (mimetype.startswith("application/") and mimetype.endswith("+json"))


# The HTML forms of the web application (service/web), posted to the blueprints it names in
# ``app.extensions["form_blueprints"]``; every other route takes JSON only.
_FORM_MIMETYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def _is_form_post() -> bool:
    return (request.mimetype in _FORM_MIMETYPES
            and request.blueprint in current_app.extensions.get("form_blueprints", ()))


def _has_body() -> bool:
    if request.content_length:
        return True
    return "chunked" in request.headers.get("Transfer-Encoding", "").lower()


# Text the database cannot store: NUL (PostgreSQL refuses it in text), and a UTF-16 surrogate on
# its own. JSON may spell one ("\ud83d" without its low half) and Python decodes it, but it is
# no character and UTF-8 has no bytes for it, so the driver fails (500 on PostgreSQL and SQLite
# alike). A surrogate pair in JSON decodes to the one character it makes: any surrogate left in
# a string is a lone one.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_NUL_MESSAGE = N_("must not contain NUL characters")
_SURROGATE_MESSAGE = N_("must not contain unpaired surrogate characters (invalid Unicode)")


def _unstorable(text: str) -> str | None:
    """Why the database cannot store ``text`` (an ``N_()`` message), or None."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    return _NUL_MESSAGE if found.group() == "\x00" else _SURROGATE_MESSAGE


def _escaped(name: str) -> str:
    """A field name fit to be shown: NUL and lone surrogates as their JSON escapes (\\u0000, \\ud83d)."""
    return _UNSTORABLE.sub(lambda match: f"\\u{ord(match.group()):04x}", name)


def _field_with_unstorable_text(value, path: str = "") -> tuple[str, str] | None:
    """The first field (dotted path) whose name or text the database cannot store, and why.

    Such input is refused up front (422 naming the field) instead of failing inside the
    database (500): one rule for every field of every body, not a validator per field.
    """
    if isinstance(value, str):
        message = _unstorable(value)
        return (path or "body", message) if message else None
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _field_with_unstorable_text(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            message = _unstorable(str(key))
            if message:
                return _escaped(name), message
            found = _field_with_unstorable_text(item, name)
            if found:
                return found
    return None


def _refuse_unstorable_text() -> None:
    for key, value in request.args.items(multi=True):
        message = _unstorable(key) or _unstorable(value)
        if message:
            raise ValidationFailed.field(_escaped(key), _(message))
    if request.method in _BODY_METHODS and _has_body():
        body = request.form.to_dict() if _is_form_post() else request.get_json(silent=True)
        found = _field_with_unstorable_text(body)
        if found:
            raise ValidationFailed.field(found[0], _(found[1]))


# How deep a JSON body may nest: far more than any schema takes (three levels), far less than
# where a recursive parser or walker meets Python's recursion limit. A body of 1,000 levels
# (2 KB) answered 500 with a RecursionError traceback in the log.
MAX_JSON_DEPTH = 32
# A string, to its closing quote or to the end of an unterminated one (linear either way), or a bracket.
_JSON_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)


def json_nesting_exceeds(data: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON text ``data`` opens more than ``limit`` arrays or objects inside each other.

    Checked on the raw body before anything parses it (Werkzeug's ``get_json`` and webargs both
    call ``json.loads``, which recurses per level); brackets inside strings are text.
    """
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    depth = 0
    for match in _JSON_TOKEN.finditer(data):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth -= 1
    return False


def etag_of(entity) -> str:
    """The entity's ETag: its optimistic-locking version (docs/architecture.md, "Concurrency")."""
    return f"v{entity.version}"


def etag_headers(entity) -> dict:
    return {"ETag": f'"{etag_of(entity)}"'}


# --- preconditions: If-Match (docs/architecture.md) ---------------------------------------

# One ETag, ``"v<version>"``, weak or strong (``W/"v3"``); the version without leading zeros.
_ETAG_RE = re.compile(r'^(?:W/)?"v(0|[1-9][0-9]{0,17})"$')


def expected_version(*, required: bool) -> int | None:
    """The entity version the caller's ``If-Match`` names; ``None`` for no precondition.

    ``*`` matches any version (``None``). Without the header: ``None``, or 428 when
    ``required`` (updates). A header that names no ETag of ours is 412: it cannot
    match the current version.
    """
    raw = request.headers.get("If-Match")
    if raw is None:
        if required:
            raise PreconditionRequired(_("Updates need an If-Match header with the ETag from your last read."))
        return None
    raw = raw.strip()
    if raw == "*":
        return None
    versions = set()
    for tag in raw.split(","):
        match = _ETAG_RE.match(tag.strip())
        if match is None:
            raise PreconditionFailed(_('If-Match must hold the ETag from your last read, e.g. "v3".'))
        versions.add(int(match.group(1)))
    if len(versions) != 1:
        raise PreconditionFailed(_("If-Match must name one version: the ETag from your last read."))
    return versions.pop()


def _if_match_parameter(required: bool) -> dict:
    return {
        "in": "header", "name": "If-Match", "required": required,
        "schema": {"type": "string", "maxLength": 100, "example": '"v1"'},
        "description": ("The ETag from your last read (`\"v<version>\"`). "
                        + ("Required: 428 without it. " if required else "Optional on actions. ")
                        + "412 when the resource has changed since."),
    }


def if_match(*, required: bool):
    """Decorate a route: read ``If-Match`` and pass ``expected_version`` to the view.

    ``required=True`` for updates (PATCH: 428 without the header), ``False`` for
    actions (POST /…/{id}/<verb>: honoured when sent). The view passes
    ``expected_version`` to its service, which calls
    ``service.common.concurrency.check_version`` right after loading the entity.
    Put it below ``@idempotent`` (a replay answers without a precondition) and
    above flask-smorest's decorators::

        @if_match(required=True)
        @blp.arguments(UpdateSchema)
        @blp.response(200, Schema)
        def patch(self, data, thing_id, expected_version): ...
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            kwargs["expected_version"] = expected_version(required=required)
            return view(*args, **kwargs)

        doc = dict(getattr(wrapper, "_apidoc", {}))
        manual = dict(doc.get("manual_doc", {}))
        manual["parameters"] = list(manual.get("parameters", [])) + [_if_match_parameter(required)]
        responses = dict(manual.get("responses", {}))
        responses[412] = {"description": "If-Match names another version: fetch the resource again."}
        if required:
            responses[428] = {"description": "If-Match is missing."}
        manual["responses"] = responses
        doc["manual_doc"] = manual
        wrapper._apidoc = doc
        return wrapper

    return decorator


# --- unknown query parameters (422; docs/architecture.md) --------------------------------

def _schema_parameter_names(schema) -> set[str]:
    instance = schema() if isinstance(schema, type) else schema
    return {field.data_key or name for name, field in instance.fields.items() if not field.dump_only}


def _declared_query_parameters(endpoint: str, method: str) -> frozenset[str]:
    """The query parameters an operation declares: its query schemas, pagination, manually documented ones."""
    cache = current_app.extensions.setdefault("declared_query_parameters", {})
    key = (endpoint, method)
    if key not in cache:
        cache[key] = _collect_query_parameters(endpoint, method)
    return cache[key]


def _collect_query_parameters(endpoint: str, method: str) -> frozenset[str]:
    view = current_app.view_functions.get(endpoint)
    view_class = getattr(view, "view_class", None)
    handler = getattr(view_class, method.lower(), None) if view_class is not None else view
    doc = getattr(handler, "_apidoc", {})
    names: set[str] = set()
    for parameter in doc.get("arguments", {}).get("parameters", []):
        if parameter.get("in") == "query":
            names |= _schema_parameter_names(parameter["schema"])
    if "pagination" in doc:
        names |= _schema_parameter_names(doc["pagination"]["parameters"]["schema"])
    for parameter in doc.get("manual_doc", {}).get("parameters", []):
        if isinstance(parameter, dict) and parameter.get("in") == "query":
            names.add(parameter["name"])
    return frozenset(names)


def _shown_name(name: str) -> str:
    """A parameter name fit for an error: short, and no national id (eleven digits) echoed."""
    return _ELEVEN_DIGITS.sub("*" * 11, name)[:100]


def refuse_unknown_query_parameters() -> None:
    """422 naming every query parameter the operation does not declare.

    A ``before_request`` hook of every API blueprint (``ProblemApi.register_blueprint``
    in ``service/extensions.py`` adds it): blueprint hooks run after the application's,
    so a caller is authenticated and authorised (401, 403) before its query is judged.
    The index, the OpenAPI document and the docs UI are not operations and are left alone.
    """
    if not request.args or request.url_rule is None or request.endpoint is None or request.method == "OPTIONS":
        return
    method = "GET" if request.method == "HEAD" else request.method
    declared = _declared_query_parameters(request.endpoint, method)
    unknown = sorted({_shown_name(name) for name in request.args if name not in declared})
    if unknown:
        if declared:
            detail = _("Unknown query parameter(s): %(names)s. It accepts: %(accepted)s.",
                       names=", ".join(unknown), accepted=", ".join(sorted(declared)))
        else:
            detail = _("Unknown query parameter(s): %(names)s. It accepts none.", names=", ".join(unknown))
        raise ValidationFailed(detail, errors={name: [_("unknown query parameter")] for name in unknown})


def init_http(app: Flask) -> None:
    @app.before_request
    def _request_id_and_body_checks():
        # The server's own id is what the audit trail, the logs and a 500 hold; what a client
        # sends as X-Request-Id is only its correlation id (logged, answered as X-Correlation-Id).
        g.request_id = uuid.uuid4().hex
        g.correlation_id = client_correlation_id(request.headers.get("X-Request-Id"))
        if request.method in _BODY_METHODS and _has_body():
            limit = current_app.config.get("MAX_CONTENT_LENGTH")
            if limit and request.content_length and request.content_length > limit:
                abort(413, description=_("The body is larger than %(limit)s bytes.", limit=limit))
            if not _is_json_mimetype(request.mimetype) and not _is_form_post():
                abort(415, description=_("Send the body as application/json."))
            if not _is_form_post() and json_nesting_exceeds(request.get_data(cache=True)):
                raise DomainError(_("The JSON body is nested deeper than %(limit)s levels.", limit=MAX_JSON_DEPTH),
                                  code="bad_request")
        _refuse_unstorable_text()

    @app.after_request
    def _finish_transaction(response):
        """Commit what the request did, or nothing at all; the answer, or the problem the commit met,
        carries the request's ids."""
        response = _commit_or_problem(response)
        response.headers["X-Request-Id"] = g.get("request_id", "")
        if g.get("correlation_id"):
            response.headers["X-Correlation-Id"] = g.correlation_id
        return response


def _commit_or_problem(response):
    if response.status_code >= 400:
        db.session.rollback()
        return response
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return problem(412, PROBLEM_TYPES["precondition_failed"][1],
                       _("The resource was changed by someone else; fetch it again and retry."),
                       code="precondition_failed")
    except IntegrityError:
        db.session.rollback()
        return problem(409, PROBLEM_TYPES["conflict"][1], _("The change conflicts with data already stored."),
                       code="conflict")
    except (OperationalError, InterfaceError, DisconnectionError, SQLAlchemyTimeoutError) as error:
        if not database_unavailable(error):
            raise
        # The connection is gone, so is the transaction: the database rolled it back, nothing was written.
        try:
            db.session.rollback()
        except SQLAlchemyError:
            db.session.close()
        return service_unavailable(error)
    return response
