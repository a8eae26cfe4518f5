"""Persons who apply for or receive services, and who may see them (access.py)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Contributes nothing to the shared views."""
