"""Provider units (tjenesteutøvere): the per-municipality register decisions and providers point at."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Contributes nothing to the shared views."""
