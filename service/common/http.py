"""Request plumbing shared by every route: request ids, body checks, ETags,
and one database transaction per request."""

from __future__ import annotations

import re
import uuid

from flask import Flask, abort, current_app, g, request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from service.common.errors import PreconditionFailed, PreconditionRequired, ValidationFailed, problem
from service.extensions import db

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{7,63}$")
_BODY_METHODS = {"POST", "PUT", "PATCH"}


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
            raise ValidationFailed.field(key.replace("\x00", "\\u0000"), "must not contain NUL characters")
    if request.method in _BODY_METHODS and _has_body():
        field = _field_with_nul(request.get_json(silent=True))
        if field:
            raise ValidationFailed.field(field, "must not contain NUL characters")


def etag_of(entity) -> str:
    """The entity's ETag: its optimistic-locking version (DESIGN §3 ``version``)."""
    return f"v{entity.version}"


def etag_headers(entity) -> dict:
    return {"ETag": f'"{etag_of(entity)}"'}


def require_if_match(entity) -> None:
    """Guard an update: 428 without If-Match, 412 when the caller's copy is stale."""
    if "If-Match" not in request.headers:
        raise PreconditionRequired(
            "Updates need an If-Match header with the ETag from your last read."
        )
    condition = request.if_match
    if condition.star_tag:
        return
    if not condition.contains_weak(etag_of(entity)):
        raise PreconditionFailed(
            "The resource was changed since you read it; fetch it again and retry."
        )


def init_http(app: Flask) -> None:
    @app.before_request
    def _request_id_and_body_checks():
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        if request.method in _BODY_METHODS and _has_body():
            limit = current_app.config.get("MAX_CONTENT_LENGTH")
            if limit and request.content_length and request.content_length > limit:
                abort(413, description=f"The body is larger than {limit} bytes.")
            if not _is_json_mimetype(request.mimetype):
                abort(415, description="Send the body as application/json.")
        _refuse_nul_characters()

    @app.after_request
    def _finish_transaction(response):
        """Commit what the request did, or nothing at all."""
        response.headers["X-Request-Id"] = g.get("request_id", "")
        if response.status_code >= 400:
            db.session.rollback()
            return response
        try:
            db.session.commit()
        except StaleDataError:
            db.session.rollback()
            return problem(412, "Precondition failed",
                           "The resource was changed by someone else; fetch it again and retry.",
                           code="precondition_failed")
        except IntegrityError:
            db.session.rollback()
            return problem(409, "Conflict", "The change conflicts with data already stored.",
                           code="conflict")
        return response
