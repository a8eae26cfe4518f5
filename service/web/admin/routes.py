"""Administrasjon: users, provider units, the service catalogue and the jobs.

The administrator is a technical role: these pages show accounts, registers and job runs, never a
person's data (service/auth/matrix.py). Each action is the API's or the CLI's, through the same
service function: the registers' through their API routes' services and schemas, the users'
through service/auth/services.py (the CLI's operations, for the administrator's own municipality
and on the audit trail), a job's run through ``POST /jobs/{name}/run``'s. The pages are split by
what they keep (users.py, catalogue.py, jobs.py), on this one blueprint.
"""

from __future__ import annotations

from flask import render_template

from service.auth.policy import WEB
from service.web.blueprint import may, web_blueprint

blp = web_blueprint("web_admin", __name__, "/admin")

# The area's own menu: (endpoint, the page's rule in the policy table, N_ text in the template).
SECTIONS = (
    ("web_admin.users", f"{WEB}/admin/users", "users"),
    ("web_admin.provider_units", f"{WEB}/admin/provider-units", "provider_units"),
    ("web_admin.services", f"{WEB}/admin/services", "services"),
    ("web_admin.legal_bases", f"{WEB}/admin/legal-bases", "legal_bases"),
    ("web_admin.jobs", f"{WEB}/admin/jobs", "jobs"),
)


def sections() -> list[tuple[str, str]]:
    """(endpoint, key) of the sections the role may open, in the menu's order."""
    return [(endpoint, key) for endpoint, rule, key in SECTIONS if may("GET", rule)]


@blp.app_template_global("admin_sections")
def admin_sections() -> list[tuple[str, str]]:
    return sections()


@blp.get("")
def index():
    """The area's start: what each register is for, for the sections the role may open."""
    return render_template("admin/index.html")


# The pages, registered on ``blp`` when imported (after it exists).
from service.web.admin import catalogue, jobs, users  # noqa: E402,F401
