"""``/app/``: the start page, and the web application's templates and static files."""

from __future__ import annotations

from pathlib import Path

from flask import redirect, render_template, url_for

from service.web.blueprint import web_blueprint

WEB_DIR = Path(__file__).resolve().parent.parent

blp = web_blueprint("web_home", __name__, template_folder=str(WEB_DIR / "templates"),
                    static_folder=str(WEB_DIR / "static"), static_url_path="/static")


# Where a role without a worklist starts: the page of its day's work, in this order of preference
# (endpoint, its route in the policy table). The administrator keeps users and jobs running (and
# may read the reports too), the planner builds and exports the month's tables, the auditor
# reviews the month's sample.
LANDINGS = (
    ("web_admin.index", "/admin"),
    ("web_reports.snapshots", "/reports"),
    ("web_audit.sample", "/audit/sample"),
)


@blp.get("/")
def start():
    """Where a login lands: the worklist for the roles that have one (what is due is the day's
    work), the page of the day's work for the others (``LANDINGS``), otherwise the areas the role
    may open (the navigation, as cards).

    The worklist is shown here rather than redirected to, so the start page's address stays the
    one a login and a bookmark land on."""
    from service.auth.policy import WEB
    from service.web.blueprint import may

    if may("GET", f"{WEB}/worklist"):
        from service.web.worklist.routes import worklist_page

        return worklist_page()
    for endpoint, rule in LANDINGS:
        if may("GET", WEB + rule):
            return redirect(url_for(endpoint), 303)
    return render_template("home.html")
