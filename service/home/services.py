"""The index document: name, version and links to the documentation and the main collections."""

from __future__ import annotations

from importlib import metadata

from flask import current_app

from service.auth.policy import API
from service.common.i18n import _

# The lists an officer starts from; every path is a GET that needs a bearer token.
COLLECTIONS = {
    "me": f"{API}/me",
    "persons": f"{API}/persons",
    "referrals": f"{API}/referrals",
    "decisions": f"{API}/decisions",
    "plans": f"{API}/plans",
    "housing_units": f"{API}/housing/units",
    "housing_needs": f"{API}/housing/needs",
    "housing_offers": f"{API}/housing/offers",
    "housing_tenancies": f"{API}/housing/tenancies",
    "service_catalogue": f"{API}/service-catalogue",
    "legal_bases": f"{API}/service-catalogue/legal-bases",
    "provider_units": f"{API}/provider-units",
    "users": f"{API}/users",
    "labels": f"{API}/labels",
    "audit": f"{API}/audit",
}


def _package_version() -> str | None:
    try:
        return metadata.version("tjenestespor")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return None


def api_index() -> dict:
    """What a client (or a person with curl) needs to find its way around the API."""
    config = current_app.config
    return {
        "name": config["API_TITLE"],
        "description": _("Case tracking for Norwegian municipal mental-health and substance-use "
                         "services and the housing that goes with them."),
        "version": _package_version(),
        "api_version": config["API_VERSION"],
        "authentication": _("Every link except openapi, docs and health needs "
                            "'Authorization: Bearer <token>'."),
        "links": {
            "self": API,
            "openapi": f"{API}/{config['OPENAPI_JSON_PATH']}",
            # The docs UI can be switched off (it is off in production by default).
            "docs": f"{API}/docs" if config["DOCS_UI_ENABLED"] else None,
            "health": f"{API}/health",
            **COLLECTIONS,
        },
    }
