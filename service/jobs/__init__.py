"""Scheduled jobs: APScheduler in one process, with a ledger of runs per period."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Contributes nothing to the shared views."""
