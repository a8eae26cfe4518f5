"""Administrasjon: users, provider units, the service catalogue and the jobs."""

from __future__ import annotations

from service.web.blueprint import web_blueprint

blp = web_blueprint("web_admin", __name__, "/admin")
