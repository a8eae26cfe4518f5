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
    """Where a login lands: the areas the role may open (the navigation, as cards)."""
    return render_template("home.html")
