"""``/app/``: the start page, and the web application's templates and static files."""

from __future__ import annotations

from pathlib import Path

from flask import render_template

from service.web.blueprint import web_blueprint

WEB_DIR = Path(__file__).resolve().parent.parent

blp = web_blueprint("web_home", __name__, template_folder=str(WEB_DIR / "templates"),
                    static_folder=str(WEB_DIR / "static"), static_url_path="/static")


@blp.get("/")
def start():
    """Where a login lands: the worklist for the roles that have one (what is due is the day's
    work), otherwise the areas the role may open (the navigation, as cards).

    The worklist is shown here rather than redirected to, so the start page's address stays the
    one a login and a bookmark land on."""
    from service.auth.policy import WEB
    from service.web.blueprint import may

    if may("GET", f"{WEB}/worklist"):
        from service.web.worklist.routes import worklist_page

        return worklist_page()
    return render_template("home.html")
