"""The audit trail: hash-chained, append-only events, their listings and verification."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Contributes nothing to the shared views."""
