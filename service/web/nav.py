"""The top navigation: the areas of the web application, each shown to the roles that may open it.

Why the table decides: the entry of each page in ``service/auth/policy.py`` is the one answer to
"may this role open it", so the menu asks it instead of naming roles, and never offers a page
the role would be refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import request, url_for

from service.auth import policy
from service.common.i18n import N_, _

WEB = policy.WEB


@dataclass(frozen=True)
class Area:
    endpoint: str
    rule: str  # the page's route in the policy table (GET)
    text: str  # N_() message id
    # A number on the menu item (what awaits the user there), computed per page; None: no badge.
    count: Callable[[object], int] | None = None


def _new_flags(user) -> int:
    """The user's flags not yet seen (open, not acknowledged), of every kind: the worklist's one
    ``GROUP BY`` by kind, never its rows (the menu is on every page)."""
    from service.worklist.models import OPEN
    from service.worklist.services import counts_by_kind

    try:
        return sum(statuses.get(OPEN, 0) for statuses in counts_by_kind(user).values())
    except sa.exc.SQLAlchemyError:
        return 0  # an error page after a failed statement: the menu without its number


AREAS = (
    # --- Arbeidsliste (first in the menu) ---
    Area("web_worklist.worklist", f"{WEB}/worklist", N_("Worklist"), count=_new_flags),
    Area("web_persons.search", f"{WEB}/persons", N_("Persons")),
    Area("web_referrals.open_referrals", f"{WEB}/referrals", N_("Referrals")),
    Area("web_plans.plans", f"{WEB}/plans", N_("Individual plans")),
    Area("web_housing.stock", f"{WEB}/housing", N_("Housing")),
    # --- Rapporter ---
    Area("web_reports.snapshots", f"{WEB}/reports", N_("Reports")),
    # --- Tilgangslogg ---
    Area("web_audit.start", f"{WEB}/audit", N_("Access log")),
    # --- Administrasjon ---
    Area("web_admin.index", f"{WEB}/admin", N_("Administration")),
)


@dataclass(frozen=True)
class Link:
    href: str
    text: str
    current: bool
    count: int = 0
    count_text: str = ""  # what the badge says to a screen reader ("3 new")


def navigation(user) -> list[Link]:
    """The areas ``user`` may open, in order; none for no user (the login pages)."""
    if user is None:
        return []
    path = request.path
    links = []
    for area in AREAS:
        if not policy.may(user.role, "GET", area.rule):
            continue
        count = area.count(user) if area.count is not None else 0
        links.append(Link(url_for(area.endpoint), _(area.text), path == area.rule or path.startswith(area.rule + "/"),
                          count, _("%(count)s new", count=count) if count else ""))
    return links
