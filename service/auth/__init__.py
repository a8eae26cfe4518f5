"""Municipalities, users, tokens, and who may see and do what: the access matrix (matrix.py: rows
and fields per role, applied by fields.py and persons.access) and the role × route table (policy.py)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Contributes the labels of its codes."""
    from service.auth.labels import DOMAINS as LABELS
    from service.common.contributions import for_app
    for_app(app).add_labels(LABELS)
