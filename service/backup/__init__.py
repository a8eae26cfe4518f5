"""Backup and restore of the whole database (``flask db backup PATH``, ``flask db restore PATH``)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Contributes nothing to the shared views: its two commands are added with the CLI's
    (service/__init__.py, ``_register_cli``)."""
