"""What a report table is, as the features contribute it (docs/reports.md).

A feature owns the SQL of the tables over its own data and contributes each one in its
``init_app`` with ``contributions.for_app(app).add_report_table(ReportTable(...))``. The reports
package runs every contributed table for a period inside the municipality's scope, protects the
small counts of all of them together (``suppression``) and stores only what may be published.

A table computes *raw* cells (``TableResult``): the counts as the database gives them, and the
linear relations that hold between them (a total is the sum of its rows; a count of distinct
persons is at most the sum of its groups and at least each of them). The relations are what a
reader of the published table could use to recompute a hidden cell, so the suppression audit
needs every one that holds; a relation a table forgets is a leak the audit cannot see.
"""

from __future__ import annotations

import calendar
import datetime as dt
import decimal
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

# A cell: (table key, row code, column code), e.g. ("T1", "home_based", "on_last_day").
CellRef = tuple[str, str, str]
Number = int | decimal.Decimal | float

# count: a number of persons (or of decisions, referrals, appeals, offers): hidden when 1 … threshold−1.
# sum: an additive measure over a count's members (hours per week): hidden when its base count is
#      hidden for being small, and otherwise protected like a count through its relations.
# derived: not additive (a median, a share): published only when its base count is at least the
#      threshold and every cell it is computed from (``depends_on``) is published.
CellKind = Literal["count", "sum", "derived"]


@dataclass(frozen=True)
class Period:
    """A report period: a calendar month (``2026-10``) or year (``2026``), first and last day."""

    key: str
    start: dt.date
    end: dt.date

    @property
    def is_year(self) -> bool:
        return len(self.key) == 4

    @classmethod
    def parse(cls, key: str) -> Period:
        """``YYYY-MM`` or ``YYYY``; ValueError otherwise."""
        match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?", key or "")
        if not match:
            raise ValueError("a period is YYYY-MM (a month) or YYYY (a year)")
        year = int(match.group(1))
        if match.group(2) is None:
            if year < 1900:
                raise ValueError("a period is YYYY-MM (a month) or YYYY (a year)")
            return cls(key, dt.date(year, 1, 1), dt.date(year, 12, 31))
        month = int(match.group(2))
        if not 1 <= month <= 12 or year < 1900:
            raise ValueError("a period is YYYY-MM (a month) or YYYY (a year)")
        return cls(key, dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))

    def same_period_last_year(self) -> Period:
        year = self.start.year - 1
        return Period.parse(str(year) if self.is_year else f"{year}-{self.start.month:02d}")


@dataclass(frozen=True)
class Relation:
    """``sum(coefficient × cell) == 0`` (``eq``) or ``<= 0`` (``le``) over raw cells.

    Build them with ``total_of``, ``distinct_total_of`` and ``equal``."""

    terms: tuple[tuple[CellRef, int], ...]
    op: Literal["eq", "le"] = "eq"


def share(part: int, whole: int) -> decimal.Decimal | None:
    """``part`` of ``whole`` in percent, two decimals (half up); None of nothing."""
    if not whole:
        return None
    return (decimal.Decimal(100 * part) / decimal.Decimal(whole)).quantize(decimal.Decimal("0.01"),
                                                                          rounding=decimal.ROUND_HALF_UP)


def total_of(total: CellRef, parts: Iterable[CellRef]) -> Relation:
    """``total == sum(parts)``: an additive total (decisions, hours, a partition of persons)."""
    return Relation(((total, 1), *((part, -1) for part in parts)), "eq")


def distinct_total_of(total: CellRef, parts: Sequence[CellRef]) -> list[Relation]:
    """A count of distinct persons over overlapping groups: ``total <= sum(parts)`` and
    ``part <= total`` for each part (a person in two groups counts once in the total)."""
    relations = [Relation(((total, 1), *((part, -1) for part in parts)), "le")]
    relations += [Relation(((part, 1), (total, -1)), "le") for part in parts]
    return relations


def at_most(smaller: CellRef, larger: CellRef) -> Relation:
    """``smaller <= larger`` (e.g. persons decided within a month ≤ persons decided)."""
    return Relation(((smaller, 1), (larger, -1)), "le")


def equal(a: CellRef, b: CellRef) -> Relation:
    """Two cells that count the same thing (within a table or across tables of one snapshot)."""
    return Relation(((a, 1), (b, -1)), "eq")


@dataclass
class TableResult:
    """The raw cells of one table for one period, as computed (never published as they are).

    ``values[(row, column)]`` for every row × column (``None`` where a cell does not apply, e.g.
    a median of nothing); ``kinds[column]`` the kind of every cell of a column (override per cell
    in ``cell_kinds``); ``bases[(row, column)]`` the count cell (same table) behind a ``sum`` or
    ``derived`` cell; ``depends_on[(row, column)]`` the cells (any table) a ``derived`` cell is
    computed from; ``relations`` over this table's (and, through ``equal``, other tables') cells."""

    rows: list[str]
    columns: list[str]
    values: dict[tuple[str, str], Number | None]
    kinds: dict[str, CellKind]
    relations: list[Relation] = field(default_factory=list)
    cell_kinds: dict[tuple[str, str], CellKind] = field(default_factory=dict)
    bases: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    depends_on: dict[tuple[str, str], tuple[CellRef, ...]] = field(default_factory=dict)

    def kind_of(self, row: str, column: str) -> CellKind:
        return self.cell_kinds.get((row, column), self.kinds[column])


@dataclass(frozen=True)
class ReportTable:
    """A report table contributed by the feature that owns its data.

    ``key`` (``T1`` … ``T10``) orders the tables; ``title`` is the English msgid of its heading;
    ``row_domain`` and ``column_domain`` are the label domains (``GET /labels``) of its row and
    column codes; ``mirrors`` names the seed table it reproduces, if any; ``unit`` per column
    (``persons``, ``decisions``, ``hours``, ``days``, ``percent``, …) for the exports.
    ``compute(period, municipality_id)`` runs a handful of ``GROUP BY`` statements inside the
    municipality's scope, as of the period (nothing dated after ``period.end`` counts), and
    returns the raw cells."""

    key: str
    title: str
    row_domain: str
    column_domain: str
    compute: Callable[[Period, uuid.UUID], TableResult]
    units: dict[str, str]
    mirrors: str | None = None
    definition: str = ""
