"""Request plumbing shared by every route: request ids, body checks, unknown query
parameters, ETags and If-Match, and one database transaction per request."""

from __future__ import annotations

import functools
import re
import uuid

from flask import Flask, abort, current_app, g, request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from service.common.errors import PROBLEM_TYPES, PreconditionFailed, PreconditionRequired, ValidationFailed, problem
from service.common.i18n import _
from service.common.logging import client_correlation_id
from service.extensions import db

_BODY_METHODS = {"POST", "PUT", "PATCH"}
_ELEVEN_DIGITS = re.compile(r"\d{11}")


def _is_json_mimetype(mimetype: str) -> bool:
    return mimetype == "application/json" or (mimetype.startswith("application/") and mimetype.endswith("+json"))


def _has_body() -> bool:
    if request.content_length:
        return True
    return "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def _field_with_nul(value, path: str = "") -> str | None:
    """The first field (dotted path) whose name or text holds a NUL character, if any.

    PostgreSQL cannot store NUL in text, so such input must be refused up front
    (422 naming the field) instead of failing inside the database (500).
    """
    if isinstance(value, str):
        return (path or "body") if "\x00" in value else None
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _field_with_nul(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return name.replace("\x00", "\\u0000")
            found = _field_with_nul(item, name)
            if found:
                return found
    return None


def _refuse_nul_characters() -> None:
    for key, value in request.args.items(multi=True):
        if "\x00" in key or "\x00" in value:
            raise ValidationFailed.field(key.replace("\x00", "\\u0000"), _("must not contain NUL characters"))
    if request.method in _BODY_METHODS and _has_body():
        field = _field_with_nul(request.get_json(silent=True))
        if field:
            raise ValidationFailed.field(field, _("must not contain NUL characters"))


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
            if not _is_json_mimetype(request.mimetype):
                abort(415, description=_("Send the body as application/json."))
        _refuse_nul_characters()

    @app.after_request
    def _finish_transaction(response):
        """Commit what the request did, or nothing at all."""
        response.headers["X-Request-Id"] = g.get("request_id", "")
        if g.get("correlation_id"):
            response.headers["X-Correlation-Id"] = g.correlation_id
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
        return response
