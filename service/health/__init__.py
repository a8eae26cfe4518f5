"""Health: database and scheduler heartbeat, for load balancers and operators."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Contributes nothing to the shared views."""
