"""Every error is an RFC 9457 problem document with the request id.

Domain code raises the small exception classes below; the handlers turn them,
HTTP exceptions, database conflicts and anything unexpected into
``application/problem+json``. A 500 says only that something failed and which
request id to quote: the trace goes to the log, never to the client.
"""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, request
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from service.common import clock

log = logging.getLogger("service.errors")

PROBLEM_MIMETYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "urn:tjenestespor:problem:"


class DomainError(Exception):
    """A rule of the domain was broken; the message is safe to show the caller."""

    status = 422
    code = "unprocessable"
    title = "Unprocessable request"

    def __init__(self, detail: str, *, errors: dict | None = None, code: str | None = None, **extra):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        if code:
            self.code = code
        self.extra = extra


class ValidationFailed(DomainError):
    status = 422
    code = "validation_failed"
    title = "Validation failed"

    @classmethod
    def field(cls, field: str, message: str) -> "ValidationFailed":
        return cls(f"{field}: {message}", errors={field: [message]})


def require_not_future(field: str, day) -> None:
    """A date of something that has happened is not after today (the Europe/Oslo date)."""
    if day is not None and day > clock.today():
        raise ValidationFailed.field(field, "must not be in the future")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    title = "Not found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    title = "Forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"
    title = "Conflict"


class PreconditionFailed(DomainError):
    status = 412
    code = "precondition_failed"
    title = "Precondition failed"


class PreconditionRequired(DomainError):
    status = 428
    code = "precondition_required"
    title = "Precondition required"


def problem(status: int, title: str, detail: str | None = None, *, code: str | None = None,
            errors: dict | None = None, headers: dict | None = None, **extra):
    body = {
        "type": PROBLEM_TYPE_BASE + code if code else "about:blank",
        "title": title,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    body.update(extra)
    body["instance"] = request.path if request else None
    body["request_id"] = g.get("request_id")
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_MIMETYPE
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _flatten_webargs_messages(messages: dict) -> dict:
    """webargs nests errors by location ({"json": {...}}); callers want fields."""
    flat: dict = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            for name, msgs in fields.items():
                flat[name] = msgs
        else:
            flat[location] = fields
    return flat


_SLUGS = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 412: "precondition_failed",
    413: "payload_too_large", 415: "unsupported_media_type", 422: "validation_failed",
    428: "precondition_required", 429: "too_many_requests", 500: "internal_error",
}


def problem_response_for_http_exception(error: HTTPException):
    status = error.code or 500
    if status >= 500:
        return _internal_error(error)
    data = getattr(error, "data", None) or {}
    errors = data.get("errors")
    if errors is None and "messages" in data:
        errors = _flatten_webargs_messages(data["messages"])
    detail = data.get("message") or error.description
    if status == 422 and errors and not data.get("message"):
        detail = "The request body or parameters are not valid; see errors."
    if status == 400 and errors and "json" in errors and not data.get("message"):
        # webargs' only 400: the body could not be parsed (Werkzeug's default text says nothing).
        detail = "The request body is not valid JSON."
    headers = dict(data.get("headers") or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="tjenestespor"')
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    if status == 429 and hasattr(error, "get_headers"):
        for key, value in error.get_headers():
            if key.lower().startswith(("retry-after", "x-ratelimit")):
                headers[key] = value
    return problem(status, error.name, detail, code=_SLUGS.get(status), errors=errors, headers=headers)


def _internal_error(error: Exception):
    log.error("unhandled error in request %s", g.get("request_id"), exc_info=error)
    return problem(500, "Internal Server Error",
                   "The server could not complete the request. Quote the request id when reporting it.",
                   code="internal_error")


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        return problem(error.status, error.title, error.detail, code=error.code,
                       errors=error.errors, **error.extra)

    @app.errorhandler(StaleDataError)
    def _stale(error):
        return problem(412, "Precondition failed",
                       "The resource was changed by someone else; fetch it again and retry.",
                       code="precondition_failed")

    @app.errorhandler(IntegrityError)
    def _integrity(error):
        log.info("integrity conflict in request %s: %s", g.get("request_id"),
                 getattr(error.orig, "__class__", type(error)).__name__)
        return problem(409, "Conflict", "The change conflicts with data already stored.",
                       code="conflict")

    @app.errorhandler(OperationalError)
    def _operational(error):
        return _internal_error(error)

    @app.errorhandler(Exception)
    def _unexpected(error):
        if isinstance(error, HTTPException):
            return problem_response_for_http_exception(error)
        return _internal_error(error)

    app.register_error_handler(InternalServerError, _unexpected)
