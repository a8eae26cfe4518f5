"""Labels: the bokmål and English label of every code the API uses, as the features contribute them."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Contributes nothing: it answers with what the other features contribute."""
