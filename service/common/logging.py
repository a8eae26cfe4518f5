"""Logging that cannot leak a national id.

Log lines carry request ids, never person identifiers. As a second guard every
log record, whoever creates it, has any run of exactly eleven digits replaced
before a handler sees it (``logging.setLogRecordFactory``).
"""

from __future__ import annotations

import logging
import re

ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{11}(?!\d)")
REDACTED = "[redacted-id]"
_installed = False
_FORMATTER = logging.Formatter()


def redact(text: str) -> str:
    return ELEVEN_DIGITS.sub(REDACTED, text)


def install_redacting_record_factory() -> None:
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
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
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)
