"""Decisions (enkeltvedtak) and appeals (klager)."""

from flask import Flask


def init_app(app: Flask) -> None:
    from service.auth.roles import PROVIDER
    from service.common.contributions import for_app
    from service.decisions.services import provider_person_scope

    # A provider sees the persons its unit delivers a decided decision to.
    for_app(app).add_person_scope(PROVIDER, provider_person_scope)
