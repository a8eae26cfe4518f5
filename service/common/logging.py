"""Logging that cannot leak a national id, and the two ids of a request.

Log lines carry request ids, never person identifiers. As a second guard every
log record, whoever creates it, has any run of exactly eleven digits replaced
before a handler sees it (``logging.setLogRecordFactory``).

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
# A client's X-Request-Id is kept (as its correlation id) only when it looks like an id:
# 8-64 letters, digits, '.', '_' or '-', starting with a letter or digit.
CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{7,63}$")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [request %(request_id)s client %(correlation_id)s]: %(message)s"
_installed = False
_FORMATTER = logging.Formatter()


def redact(text: str) -> str:
    return ELEVEN_DIGITS.sub(REDACTED, text)


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
        if ELEVEN_DIGITS.search(message):
            record.msg, record.args = redact(message), None
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
