"""The top navigation: the areas of the web application, each shown to the roles that may open it.

Why the table decides: the entry of each page in ``service/auth/policy.py`` is the one answer to
"may this role open it", so the menu asks it instead of naming roles, and never offers a page
the role would be refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for

from service.auth import policy
from service.common.i18n import N_, _

WEB = policy.WEB


@dataclass(frozen=True)
class Area:
    endpoint: str
    rule: str  # the page's route in the policy table (GET)
    text: str  # N_() message id


AREAS = (
    Area("web_persons.search", f"{WEB}/persons", N_("Persons")),
    Area("web_referrals.open_referrals", f"{WEB}/referrals", N_("Referrals")),
    Area("web_plans.plans", f"{WEB}/plans", N_("Individual plans")),
    Area("web_housing.stock", f"{WEB}/housing", N_("Housing")),
    # --- Arbeidsliste (first in the menu: insert before Persons) ---
    # --- Rapporter ---
    # --- Tilgangslogg ---
    # --- Administrasjon ---
)


@dataclass(frozen=True)
class Link:
    href: str
    text: str
    current: bool


def navigation(user) -> list[Link]:
    """The areas ``user`` may open, in order; none for no user (the login pages)."""
    if user is None:
        return []
    path = request.path
    return [Link(url_for(area.endpoint), _(area.text), path == area.rule or path.startswith(area.rule + "/"))
            for area in AREAS if policy.may(user.role, "GET", area.rule)]
