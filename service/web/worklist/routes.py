"""Arbeidsliste: the caller's open flags, the home page of every role that has one."""

from __future__ import annotations

from service.web.blueprint import web_blueprint

blp = web_blueprint("web_worklist", __name__, "/worklist")
