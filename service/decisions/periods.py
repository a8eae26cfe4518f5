"""The arithmetic of the appeal rules, free of the database (the rules themselves are
explained in ``timeliness``, which applies them to appeals and decisions).

A module of its own so that the decision model can compute its ``appeal_deadline_on`` with
the same function the appeals are judged by, without importing the module that loads rows.
"""

from __future__ import annotations

import datetime as dt

from service.common.deadlines import statutory_period_end

ABSOLUTE_LIMIT_MONTHS = 12  # fvl § 31 third paragraph: "ett år"


def appeal_deadline(notified_on: dt.date | None, period_days: int, moves: bool = True) -> dt.date | None:
    """Last day to appeal, or None while the decision is not notified."""
    if notified_on is None:
        return None
    return statutory_period_end(notified_on, days=period_days, moves=moves)


def absolute_limit(decided_on: dt.date, moves: bool = True) -> dt.date:
    return statutory_period_end(decided_on, months=ABSOLUTE_LIMIT_MONTHS, moves=moves)


def deadline_met(received_on: dt.date, deadline_on: dt.date | None, sent_on: dt.date | None = None) -> bool:
    """In time when sent (else received) by the deadline; always while no deadline runs."""
    return deadline_on is None or (sent_on or received_on) <= deadline_on
