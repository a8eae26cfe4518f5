"""Housing: risk-classed units, the needs register, matching, offers and tenancies (DESIGN §3, §5, §7)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Contributes nothing to the shared views."""
