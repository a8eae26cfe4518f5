"""Logging that cannot leak a national id, and the two ids of a request.

Log lines carry request ids, never person identifiers. As a second guard every
log record, whoever creates it, has any run of exactly eleven digits replaced
before a handler sees it (``logging.setLogRecordFactory``), except inside a UUID
or a request id (32 hex digits): a UUID's last group is twelve hex digits, and
about 0.4 % of UUIDs have a letter and eleven digits there, and about one request
id in forty has eleven digits in a row somewhere. Those are our own ids, and an
operator must be able to find the row or the request a line names. Bearer tokens
(``tsp_…``) are replaced the same way: a client that puts its token in a query
string (refused, 401) must not leave it in the access log (Werkzeug's and
gunicorn's both log through ``logging``).

Every record made during a request also carries ``request_id`` (the server's own id,
``g.request_id``: the one the audit trail, the ``X-Request-Id`` answer header and a
500's body hold) and ``correlation_id`` (what the client sent as ``X-Request-Id``, when
it is a valid id, redacted like a message; "-" otherwise), so an operator can find a
client's request by either (``service/common/http.py``).
"""

from __future__ import annotations

import logging
import re

from flask import g, has_app_context

ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{11}(?!\d)")
REDACTED = "[redacted-id]"
_HEX = "[0-9A-Fa-f]"
# Our own ids, kept as they are: a whole UUID, or 32 hex digits standing alone (a request id,
# ``uuid4().hex``); else eleven digits standing alone (redacted).
_OWN_ID_OR_ELEVEN_DIGITS = re.compile(
    rf"(?<!{_HEX})({_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}|{_HEX}{{32}})(?!{_HEX})"
    r"|(?<!\d)\d{11}(?!\d)")
# service.auth.services.TOKEN_PREFIX and what secrets.token_urlsafe gives.
TOKEN = re.compile(r"tsp_[A-Za-z0-9_-]{4,}")
REDACTED_TOKEN = "tsp_[redacted-token]"
# A client's X-Request-Id is kept (as its correlation id) only when it looks like an id:
# 8-64 letters, digits, '.', '_' or '-', starting with a letter or digit.
CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{7,63}$")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [request %(request_id)s client %(correlation_id)s]: %(message)s"
_installed = False
_FORMATTER = logging.Formatter()


def redact(text: str, replacement: str = REDACTED) -> str:
    """``text`` without national ids (eleven digits outside a UUID) or bearer tokens."""
    if "tsp_" in text:
        text = TOKEN.sub(REDACTED_TOKEN, text)
    return _OWN_ID_OR_ELEVEN_DIGITS.sub(lambda match: match.group(1) or replacement, text)


def client_correlation_id(value: str | None) -> str | None:
    """The client's ``X-Request-Id`` when it is a valid id (length and characters), else None."""
    return value if value and CLIENT_REQUEST_ID.match(value) else None


def _request_ids() -> tuple[str, str]:
    if not has_app_context():
        return "-", "-"
    correlation_id = g.get("correlation_id")
    return g.get("request_id") or "-", redact(correlation_id) if correlation_id else "-"


def install_redacting_record_factory() -> None:
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        record.request_id, record.correlation_id = _request_ids()
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call must not break the request
            return record
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text, so the traceback is redacted once, here.
            record.exc_text = redact(_FORMATTER.formatException(record.exc_info))
        return record

    logging.setLogRecordFactory(factory)
    _installed = True


def configure_logging(level: str) -> None:
    install_redacting_record_factory()
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        root.addHandler(handler)
    root.setLevel(level)
