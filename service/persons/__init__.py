"""Persons who apply for or receive services, and who may see them (access.py)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Contributes the labels of its codes; notes the persons each request reads, so that reads in
    an emergency opening are audited with its reason (emergency.py)."""
    from service.common.contributions import for_app
    from service.persons import emergency
    from service.persons.labels import DOMAINS as LABELS
    for_app(app).add_labels(LABELS)
    emergency.install(app)
