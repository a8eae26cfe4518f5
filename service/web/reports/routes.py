"""Rapporter: the monthly snapshots, their tables and charts, and their downloads."""

from __future__ import annotations

from service.web.blueprint import web_blueprint

blp = web_blueprint("web_reports", __name__, "/reports")
