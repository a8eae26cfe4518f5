"""The person overview: one person and what every feature holds about them, as a read model."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Contributes nothing: the overview reads the features through their query functions."""
