"""A decision's derived ``state`` (docs/cases.md, "Decisions"), in Python and as SQL.

Both functions implement the same table, first match wins:

==============  =====================================================================
``discarded``   ``discarded_at`` is set (a draft withdrawn by the officer)
``draft``       no ``decided_on``
``superseded``  a decided decision supersedes it (renewal or correction)
``refused``     outcome is ``refused``
``ended``       ``ended_on`` ≤ today
``expired``     ``valid_to`` < today
``upcoming``    ``valid_from`` > today
``expiring``    ``valid_to`` ≤ today + window (``DECISION_EXPIRING_WINDOW_DAYS``)
``active``      otherwise
==============  =====================================================================

"Active on date D" is separate: decided, not refused,
``valid_from`` ≤ D, (``valid_to`` null or ≥ D), (``ended_on`` null or > D).
"Active during a period" (the report tables, docs/reports.md) is its span counterpart:
``active_during_clause``.
"""

from __future__ import annotations

import datetime as dt
import functools

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from service.decisions.models import Decision


def derive_state(decision, today: dt.date, window_days: int, superseded: bool) -> str:
    if decision.discarded_at is not None:
        return "discarded"
    if decision.decided_on is None:
        return "draft"
    if superseded:
        return "superseded"
    if decision.outcome == "refused":
        return "refused"
    if decision.ended_on is not None and decision.ended_on <= today:
        return "ended"
    if decision.valid_to is not None and decision.valid_to < today:
        return "expired"
    if decision.valid_from is not None and decision.valid_from > today:
        return "upcoming"
    if decision.valid_to is not None and decision.valid_to <= today + dt.timedelta(days=window_days):
        return "expiring"
    return "active"


# The SQL expressions are built once (per day and window for the state) and shared: they are
# immutable, and building one (an alias of ``decisions`` adapted into a correlated subquery)
# cost about 1.3 ms of CPU, several times per request on the overview (docs/performance.md).

@functools.cache
def superseded_clause() -> sa.ColumnElement[bool]:
    # ``discarded_at IS NULL`` adds nothing logically (a discarded decision is a draft, by the
    # ``discarded_is_draft`` constraint) but lets the database use the partial unique index
    # on ``supersedes_id``, which only holds rows that are not discarded. Without it a
    # person's 126 decisions among a million took 11 s (a full scan per decision) instead
    # of 1.4 ms (docs/performance.md, "Indexes").
    successor = aliased(Decision)
    return sa.exists().where(successor.supersedes_id == Decision.id, successor.discarded_at.is_(None),
                             successor.decided_on.is_not(None))


@functools.cache
def superseded_by_expression() -> sa.ScalarSelect:
    """The renewal or correction (draft or decided) of a decision; a discarded draft is none."""
    successor = aliased(Decision)
    return (sa.select(successor.id).where(successor.supersedes_id == Decision.id,
                                          successor.discarded_at.is_(None))
            .correlate(Decision).limit(1).scalar_subquery())


@functools.lru_cache(maxsize=32)
def state_expression(today: dt.date, window_days: int) -> sa.ColumnElement[str]:
    horizon = today + dt.timedelta(days=window_days)
    return sa.case(
        (Decision.discarded_at.is_not(None), "discarded"),
        (Decision.decided_on.is_(None), "draft"),
        (superseded_clause(), "superseded"),
        (Decision.outcome == "refused", "refused"),
        (sa.and_(Decision.ended_on.is_not(None), Decision.ended_on <= today), "ended"),
        (sa.and_(Decision.valid_to.is_not(None), Decision.valid_to < today), "expired"),
        (sa.and_(Decision.valid_from.is_not(None), Decision.valid_from > today), "upcoming"),
        (sa.and_(Decision.valid_to.is_not(None), Decision.valid_to <= horizon), "expiring"),
        else_="active",
    )


def active_on(decision, day: dt.date) -> bool:
    return (decision.decided_on is not None and decision.outcome != "refused"
            and decision.valid_from is not None and decision.valid_from <= day
            and (decision.valid_to is None or decision.valid_to >= day)
            and (decision.ended_on is None or decision.ended_on > day))


def active_on_clause(day: dt.date) -> sa.ColumnElement[bool]:
    return sa.and_(
        Decision.decided_on.is_not(None),
        Decision.outcome != "refused",
        Decision.valid_from.is_not(None),
        Decision.valid_from <= day,
        sa.or_(Decision.valid_to.is_(None), Decision.valid_to >= day),
        sa.or_(Decision.ended_on.is_(None), Decision.ended_on > day),
    )


def active_during_clause(start: dt.date, end: dt.date) -> sa.ColumnElement[bool]:
    """Active on at least one day of ``start`` … ``end``, as known at ``end``: the report tables'
    "during the period" (docs/reports.md). A decision decided after ``end`` did not exist yet for
    the period; one ended on or before its first day (a correction before it started) never ran.
    Its last-day counterpart is ``active_on_clause(end)`` with ``decided_on`` ≤ ``end``."""
    return sa.and_(
        Decision.decided_on.is_not(None),
        Decision.decided_on <= end,
        Decision.outcome != "refused",
        Decision.discarded_at.is_(None),
        Decision.valid_from.is_not(None),
        Decision.valid_from <= end,
        sa.or_(Decision.valid_to.is_(None), Decision.valid_to >= start),
        sa.or_(Decision.ended_on.is_(None), Decision.ended_on > start),
        sa.or_(Decision.ended_on.is_(None), Decision.ended_on > Decision.valid_from),
    )
