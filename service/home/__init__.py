"""The API's front door: what this service is and where its parts are (no token needed)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Contributes nothing to the shared views."""
