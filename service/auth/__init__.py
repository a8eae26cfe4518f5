"""Municipalities, users, tokens, and who may call what (the role × route table in policy.py)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Contributes the labels of its codes."""
    from service.auth.labels import DOMAINS as LABELS
    from service.common.contributions import for_app
    for_app(app).add_labels(LABELS)
