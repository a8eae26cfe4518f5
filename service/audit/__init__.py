"""The audit trail: hash-chained, append-only events, their listings and verification."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Contributes the labels of its codes."""
    from service.audit.labels import DOMAINS as LABELS
    from service.common.contributions import for_app
    for_app(app).add_labels(LABELS)
