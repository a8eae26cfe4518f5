"""Every error is an RFC 9457 problem document with the request id.

Domain code raises the small exception classes below; the handlers turn them,
HTTP exceptions, database conflicts and anything unexpected into
``application/problem+json``. A 500 says only that something failed and which
request id to quote: the trace goes to the log, never to the client. A database
that cannot be reached is not a bug but a moment's outage: 503 with ``Retry-After``
and one log line (``database_unavailable``). No problem echoes a national id: eleven
digits in the path, the detail or a field name are masked.

``PROBLEM_TYPES`` is the one vocabulary of problem types: every ``code`` any
feature raises is listed there with its status and title, and the problem's
``type`` is ``urn:tjenestespor:problem:<code>``. Titles, details and field
messages are people-facing: bokmål by default, English on ``Accept-Language: en``
(``service.common.i18n``). Features pass details already translated (``_()``);
the messages of marshmallow, webargs and Werkzeug are translated here.
"""

from __future__ import annotations

import logging
import re

from flask import Flask, g, jsonify, request
from sqlalchemy import exc as sa_exc
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from service.common import clock
from service.common.i18n import N_, _
from service.common.logging import redact

log = logging.getLogger("service.errors")

PROBLEM_MIMETYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "urn:tjenestespor:problem:"

# code → (status, title). A conflict about a state names it in a ``state`` member; a
# duplicate points to the record already there in ``existing_id``.
PROBLEM_TYPES: dict[str, tuple[int, str]] = {
    "bad_request": (400, N_("Bad request")),
    "unauthorized": (401, N_("Not signed in")),
    "forbidden": (403, N_("Forbidden")),
    "not_found": (404, N_("Not found")),
    "method_not_allowed": (405, N_("Method not allowed")),
    "conflict": (409, N_("Conflict")),
    "invalid_state": (409, N_("Not allowed in the current state")),
    "duplicate": (409, N_("Already registered")),
    "duplicate_national_id": (409, N_("National id already registered")),
    "duplicate_code": (409, N_("Code already in use")),
    "duplicate_label": (409, N_("Label already in use")),
    "plan_exists": (409, N_("The person already has a plan")),
    "open_need_exists": (409, N_("The person already has an open housing need")),
    "active_tenancy_exists": (409, N_("The person already has an active tenancy")),
    "already_notified": (409, N_("Already notified")),
    "already_superseded": (409, N_("Already renewed or corrected")),
    "consent_missing": (409, N_("Consent missing")),
    "coordinator_missing": (409, N_("Coordinator missing")),
    "offer_expired": (409, N_("Offer expired")),
    "not_available": (409, N_("Not available")),
    "no_capacity": (409, N_("No capacity left")),
    "capacity_in_use": (409, N_("Capacity in use")),
    "reason_required": (409, N_("A reason is required")),
    "match_rules_broken": (409, N_("Matching rules broken")),
    "idempotency_in_progress": (409, N_("Request already in progress")),
    "precondition_failed": (412, N_("Precondition failed")),
    "payload_too_large": (413, N_("Request too large")),
    "unsupported_media_type": (415, N_("Unsupported media type")),
    "validation_failed": (422, N_("Validation failed")),
    "idempotency_key_reused": (422, N_("Idempotency key reused")),
    "precondition_required": (428, N_("Precondition required")),
    "too_many_requests": (429, N_("Too many requests")),
    "internal_error": (500, N_("Internal server error")),
    "service_unavailable": (503, N_("Service unavailable")),
}


class DomainError(Exception):
    """A rule of the domain was broken; the message (already translated) is safe to show."""

    code = "validation_failed"

    def __init__(self, detail: str, *, errors: dict | None = None, code: str | None = None, **extra):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        if code:
            self.code = code
        self.status, self.title = PROBLEM_TYPES[self.code]
        self.extra = extra


class ValidationFailed(DomainError):
    code = "validation_failed"

    @classmethod
    def field(cls, field: str, message: str) -> "ValidationFailed":
        return cls(f"{field}: {message}", errors={field: [message]})


def require_not_future(field: str, day) -> None:
    """A date of something that has happened is not after today (the Europe/Oslo date)."""
    if day is not None and day > clock.today():
        raise ValidationFailed.field(field, _("must not be in the future"))


class NotFound(DomainError):
    code = "not_found"


class Forbidden(DomainError):
    code = "forbidden"


class Conflict(DomainError):
    code = "conflict"


class InvalidState(Conflict):
    """The action is not allowed in the subject's current state (named in ``state``)."""

    code = "invalid_state"

    def __init__(self, detail: str, *, state: str, **extra):
        super().__init__(detail, state=state, **extra)


class Duplicate(Conflict):
    """The record exists already; ``existing_id`` points to it."""

    code = "duplicate"

    def __init__(self, detail: str, *, existing_id, **extra):
        super().__init__(detail, existing_id=str(existing_id) if existing_id is not None else None, **extra)


class PreconditionFailed(DomainError):
    code = "precondition_failed"


class PreconditionRequired(DomainError):
    code = "precondition_required"


# What stands for a national id in a problem: ``instance`` is a URI reference, where "*" may stand.
MASKED_ID = "*" * 11


def _masked(value):
    """``value`` with every national id (eleven digits outside a UUID) masked, in keys and texts alike."""
    if isinstance(value, str):
        return redact(value, MASKED_ID)
    if isinstance(value, dict):
        return {_masked(key): _masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


def problem(status: int, title: str, detail: str | None = None, *, code: str | None = None,
            errors: dict | None = None, headers: dict | None = None, **extra):
    """The problem document; ``title`` is a catalogue title, translated here.

    What the caller sent and a problem repeats (the path, a field name in ``errors`` or the
    detail) is masked: ``GET /persons/<national id>`` must not answer with the number.
    """
    body = {
        "type": PROBLEM_TYPE_BASE + code if code else "about:blank",
        "title": _(title),
        "status": status,
    }
    if detail:
        body["detail"] = _masked(detail)
    if errors:
        body["errors"] = _masked(errors)
    body.update(extra)
    body["instance"] = _masked(request.path) if request else None
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


# marshmallow's and webargs' own messages, so that a 422 reads in the caller's language.
_LIBRARY_MESSAGES = (
    N_("Missing data for required field."), N_("Unknown field."), N_("Field may not be null."),
    N_("Not a valid string."), N_("Not a valid integer."), N_("Not a valid number."),
    N_("Not a valid boolean."), N_("Not a valid UUID."), N_("Not a valid date."),
    N_("Not a valid datetime."), N_("Not a valid list."), N_("Not a valid mapping type."),
    N_("Invalid input type."), N_("Invalid value."), N_("String does not match expected pattern."),
    N_("Not a valid email address."), N_("Invalid input."), N_("Not a whole number."),
    N_("Special numeric values (nan or infinity) are not permitted."),
)
# (pattern, message id with the pattern's named groups as parameters)
_LIBRARY_TEMPLATES = (
    (re.compile(r"^Must be one of: (?P<choices>.*)\.$"), N_("Must be one of: %(choices)s.")),
    (re.compile(r"^Length must be between (?P<min>\d+) and (?P<max>\d+)\.$"),
     N_("Length must be between %(min)s and %(max)s.")),
    (re.compile(r"^Shorter than minimum length (?P<min>\d+)\.$"), N_("Shorter than minimum length %(min)s.")),
    (re.compile(r"^Longer than maximum length (?P<max>\d+)\.$"), N_("Longer than maximum length %(max)s.")),
    (re.compile(r"^Must be greater than or equal to (?P<min>\S+) and less than or equal to (?P<max>\S+)\.$"),
     N_("Must be greater than or equal to %(min)s and less than or equal to %(max)s.")),
    (re.compile(r"^Must be greater than or equal to (?P<min>\S+)\.$"),
     N_("Must be greater than or equal to %(min)s.")),
    (re.compile(r"^Must be less than or equal to (?P<max>\S+)\.$"), N_("Must be less than or equal to %(max)s.")),
    (re.compile(r"^Must be greater than (?P<min>\S+)\.$"), N_("Must be greater than %(min)s.")),
    (re.compile(r"^Must be less than (?P<max>\S+)\.$"), N_("Must be less than %(max)s.")),
    (re.compile(r"^must have at most (?P<places>\d+) decimal places$"),  # service.common.fields.Decimal
     N_("must have at most %(places)s decimal places")),
)


def translate_library_messages(value):
    """Translate schema-level messages (marshmallow's, webargs', the schemas' ``N_()`` ones)
    wherever they sit in an ``errors`` tree."""
    if isinstance(value, dict):
        return {key: translate_library_messages(item) for key, item in value.items()}
    if isinstance(value, list):
        return [translate_library_messages(item) for item in value]
    if isinstance(value, str):
        # Library messages and the schemas' own N_()-marked messages are catalogue entries.
        translated = _(value)
        if translated != value or value in _LIBRARY_MESSAGES:
            return translated
        for pattern, message in _LIBRARY_TEMPLATES:
            match = pattern.match(value)
            if match:
                return _(message, **match.groupdict())
    return value


_SLUGS = {status: code for code, (status, _title) in reversed(PROBLEM_TYPES.items())}
_SLUGS.update({409: "conflict", 422: "validation_failed", 500: "internal_error"})
# Details for the HTTP errors Werkzeug raises with its own English description.
_HTTP_DETAILS = {
    400: N_("The request could not be understood."),
    404: N_("There is nothing at this address."),
    405: N_("This address does not accept that method."),
    413: N_("The request body is too large."),
    415: N_("Send the body as application/json."),
    429: N_("Too many requests; wait a little and try again."),
}


def problem_response_for_http_exception(error: HTTPException):
    status = error.code or 500
    if status >= 500:
        return _internal_error(error)
    data = getattr(error, "data", None) or {}
    errors = data.get("errors")
    if errors is None and "messages" in data:
        errors = _flatten_webargs_messages(data["messages"])
    errors = translate_library_messages(errors) if errors else errors
    detail = data.get("message") or error.description
    if detail == type(error).description and status in _HTTP_DETAILS:
        detail = _(_HTTP_DETAILS[status])
    if status == 422 and errors and not data.get("message"):
        detail = _("The request body or parameters are not valid; see errors.")
    if status == 400 and errors and "json" in errors and not data.get("message"):
        # webargs' only 400: the body could not be parsed (Werkzeug's default text says nothing).
        detail = _("The request body is not valid JSON.")
    headers = dict(data.get("headers") or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="tjenestespor"')
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    if status == 429 and hasattr(error, "get_headers"):
        for key, value in error.get_headers():
            if key.lower().startswith(("retry-after", "x-ratelimit")):
                headers[key] = value
    code = _SLUGS.get(status)
    title = PROBLEM_TYPES[code][1] if code in PROBLEM_TYPES else error.name
    return problem(status, title, detail, code=code, errors=errors, headers=headers)


def _internal_error(error: Exception):
    original = getattr(error, "original_exception", None)  # an InternalServerError wrapping what happened
    if database_unavailable(error) or database_unavailable(original):
        return service_unavailable(error if database_unavailable(error) else original)
    log.error("unhandled error in request %s", g.get("request_id"), exc_info=error)
    return problem(500, PROBLEM_TYPES["internal_error"][1],
                   _("The server could not complete the request. Quote the request id when reporting it."),
                   code="internal_error")


# --- the database out of reach: 503 --------------------------------------------------------

# How long a client is asked to wait after a 503: a restarted or failed-over database is back
# within seconds, and the pool replaces its broken connections at the next checkout.
RETRY_AFTER_SECONDS = 5
# SQLite's primary result codes (the low byte of the extended code) that mean the file cannot be
# used at the moment: busy or locked by another writer, an I/O error, cannot be opened.
_SQLITE_UNAVAILABLE = {5, 6, 10, 14}
# PostgreSQL SQLSTATEs that mean the server cannot serve us now: class 08 (connection exception),
# 57P01-57P03 (administrator or crash shutdown, cannot connect now), 53300 (too many connections).
_POSTGRES_UNAVAILABLE = ("57P01", "57P02", "57P03", "53300")


def database_unavailable(error: BaseException | None) -> bool:
    """Whether ``error`` says the database cannot be reached (an outage: 503), not that a
    statement is wrong (a bug: 500; SQLite's "no such table" is an OperationalError too).

    A connection SQLAlchemy found broken (``connection_invalidated``), the pool's own
    disconnection and checkout timeout, and the drivers' codes for a connection refused, lost
    or shut down (psycopg: no SQLSTATE, because no server answered, or one of the states above).
    """
    if isinstance(error, (sa_exc.DisconnectionError, sa_exc.TimeoutError)):
        return True
    if not isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError)):
        return False
    if error.connection_invalidated:
        return True
    original = error.orig
    sqlite_code = getattr(original, "sqlite_errorcode", None)
    if sqlite_code is not None:
        return (sqlite_code & 0xFF) in _SQLITE_UNAVAILABLE
    if hasattr(original, "sqlstate"):  # psycopg
        state = original.sqlstate
        return state is None or state.startswith("08") or state in _POSTGRES_UNAVAILABLE
    return False


def _unavailable_reason(error: BaseException) -> str:
    original = getattr(error, "orig", None)
    reason = (getattr(original, "sqlite_errorname", None) or getattr(original, "sqlstate", None)
              or ("connection lost" if getattr(error, "connection_invalidated", False) else None))
    return f"{type(error).__name__} ({reason})" if reason else type(error).__name__


def service_unavailable(error: BaseException):
    """503 with ``Retry-After``; one log line, no traceback: an outage is not a bug to trace."""
    log.warning("database unavailable in request %s: %s; answered 503", g.get("request_id"),
                _unavailable_reason(error))
    g.retry_after = RETRY_AFTER_SECONDS  # kept over the rate limiter's own (service/common/headers.py)
    return problem(503, PROBLEM_TYPES["service_unavailable"][1],
                   _("The database is not reachable at the moment; try again in a little while. "
                     "Quote the request id if it lasts."),
                   code="service_unavailable", headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        return problem(error.status, error.title, error.detail, code=error.code,
                       errors=error.errors, **error.extra)

    @app.errorhandler(StaleDataError)
    def _stale(error):
        return problem(412, PROBLEM_TYPES["precondition_failed"][1],
                       _("The resource was changed by someone else; fetch it again and retry."),
                       code="precondition_failed")

    @app.errorhandler(IntegrityError)
    def _integrity(error):
        log.info("integrity conflict in request %s: %s", g.get("request_id"),
                 getattr(error.orig, "__class__", type(error)).__name__)
        return problem(409, PROBLEM_TYPES["conflict"][1], _("The change conflicts with data already stored."),
                       code="conflict")

    @app.errorhandler(OperationalError)
    @app.errorhandler(sa_exc.InterfaceError)
    @app.errorhandler(sa_exc.DisconnectionError)
    @app.errorhandler(sa_exc.TimeoutError)
    def _database(error):
        return _internal_error(error)  # 503 when the database is out of reach, else 500

    @app.errorhandler(Exception)
    def _unexpected(error):
        if isinstance(error, HTTPException):
            return problem_response_for_http_exception(error)
        return _internal_error(error)

    app.register_error_handler(InternalServerError, _unexpected)
