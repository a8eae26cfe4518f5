"""Referrals (henvendelser): registration, assignment, assessment, preliminary reply."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Contributes the labels of its codes."""
    from service.common.contributions import for_app
    from service.referrals.labels import DOMAINS as LABELS
    for_app(app).add_labels(LABELS)
