"""Tilgangslogg: the auditor's review of who read what."""

from __future__ import annotations

from service.web.blueprint import web_blueprint

blp = web_blueprint("web_audit", __name__, "/audit")
