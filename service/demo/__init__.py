"""Demo data for a municipality, built through the features' own services."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Contributes nothing to the shared views."""
