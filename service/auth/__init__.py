"""Municipalities, users, tokens, and who may call what (the role × route table in policy.py)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Contributes nothing to the shared views."""
