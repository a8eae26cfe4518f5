"""Date arithmetic in SQL, the same on SQLite and PostgreSQL.

Set-based statements (the worklist's flag conditions) sometimes need a date a fixed number
of days after a column (an appeal is pending four weeks after it was received), and the
reports the whole days between two dates (days from receipt to decision). Python's
``service.common.deadlines`` stays the home of every rule with legal effect; this only moves
a stored date by whole days inside a statement, as ``deadlines.add_days`` does in Python.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class plus_days(FunctionElement):  # noqa: N801 (an SQL function, named as one)
    """``plus_days(date_column, n)``: the date ``n`` whole days later (n may be negative)."""

    type = sa.Date()
    inherit_cache = True
    name = "plus_days"

    def __init__(self, expression, days: int):
        self.days = int(days)
        super().__init__(expression)

    def _gen_cache_key(self, anon_map, bindparams):  # the day count is part of the SQL text
        return (self.__class__, self.days, *self.clauses._gen_cache_key(anon_map, bindparams))


@compiles(plus_days)
@compiles(plus_days, "postgresql")
def _plus_days_postgresql(element, compiler, **kw):
    (expression,) = element.clauses
    return f"(CAST({compiler.process(expression, **kw)} AS DATE) + {element.days})"


@compiles(plus_days, "sqlite")
def _plus_days_sqlite(element, compiler, **kw):
    (expression,) = element.clauses
    return f"date({compiler.process(expression, **kw)}, '{element.days:+d} days')"


class days_between(FunctionElement):  # noqa: N801 (an SQL function, named as one)
    """``days_between(later, earlier)``: whole days from one date to another, as an integer."""

    type = sa.Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between)
@compiles(days_between, "postgresql")
def _days_between_postgresql(element, compiler, **kw):
    later, earlier = element.clauses
    return f"(CAST({compiler.process(later, **kw)} AS DATE) - CAST({compiler.process(earlier, **kw)} AS DATE))"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = element.clauses
    return f"CAST(julianday({compiler.process(later, **kw)}) - julianday({compiler.process(earlier, **kw)}) AS INTEGER)"
