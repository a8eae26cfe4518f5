"""Who is calling: the one way services ask for the current user.

The authentication middleware puts the user on ``flask.g`` before any view runs; a
service reads it here instead of touching ``g`` or the request itself. Outside a request
(CLI commands, scheduled jobs, demo seeding) there is no user: the caller is the system,
and ``None`` is the answer.
"""

from __future__ import annotations

from flask import g, has_app_context


def current_user():
    """The authenticated ``User`` of this request, or None (CLI, jobs, no request)."""
    return g.get("current_user") if has_app_context() else None
