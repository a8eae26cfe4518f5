"""The one place that reads the time.

Deadlines are legal facts computed from dates in Europe/Oslo, so "today" must be
the Norwegian date, not the server's UTC date. Tests and jobs replace the clock
(``set_clock``) instead of patching ``datetime``; nothing else calls
``datetime.now``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

UTC = dt.timezone.utc
OSLO = ZoneInfo("Europe/Oslo")


def _system_now() -> dt.datetime:
    return dt.datetime.now(UTC)


def set_clock(app, now: Callable[[], dt.datetime] | dt.datetime | None) -> None:
    """Install a clock: a callable, a fixed aware datetime, or None for the system clock."""
    if now is None:
        app.extensions["clock"] = _system_now
    elif isinstance(now, dt.datetime):
        if now.tzinfo is None:
            raise ValueError("clock must be timezone aware")
        app.extensions["clock"] = lambda: now
    else:
        app.extensions["clock"] = now


def now() -> dt.datetime:
    """The current instant, timezone aware (UTC)."""
    if has_app_context():
        return current_app.extensions.get("clock", _system_now)().astimezone(UTC)
    return _system_now()


def local_timezone() -> ZoneInfo:
    if has_app_context():
        return ZoneInfo(current_app.config.get("TIMEZONE", "Europe/Oslo"))
    return OSLO


def today() -> dt.date:
    """Today's date where the municipality is (Europe/Oslo by default)."""
    return now().astimezone(local_timezone()).date()
