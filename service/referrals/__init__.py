"""Referrals (henvendelser): registration, assignment, assessment, preliminary reply."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Contributes nothing to the shared views."""
