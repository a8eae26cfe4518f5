"""The service catalogue and legal bases: data, seeded for every new municipality, admin-editable."""

from flask import Flask


def init_app(app: Flask) -> None:
    from service.catalogue.services import seed_new_municipality
    from service.common.contributions import for_app

    for_app(app).add_municipality_initializer(seed_new_municipality)
    # The labels of its codes (GET /api/v1/labels).
    from service.catalogue.labels import DOMAINS as LABELS
    for_app(app).add_labels(LABELS)
