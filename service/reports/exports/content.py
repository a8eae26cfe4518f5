"""A snapshot as the exports show it, in the written standard of the municipality.

Why one module between the snapshot and the file formats: the CSV, the workbook and the
chapter must say the same thing the same way — the same labels (``schemas._table_view``,
the API's own), the same "–" for a hidden cell, the same main number of each table, the
same rule in words. A file format only lays it out.

The values are the published ones and nothing else. A hidden cell carries no value in the
snapshot; nothing here derives one (a chart leaves it out, a change since last year is
stated only where both cells are published). A cell that does not apply (the median of
nothing) is empty, which is not the same as hidden.

Call everything here inside ``flask_babel.force_locale(REPORT_LOCALE)`` (``services`` does):
labels, sentences, months and numbers follow the forced locale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import get_locale

from service.common import clock
from service.common.i18n import N_, _, format_day
from service.extensions import db
from service.reports.models import Snapshot
from service.reports.schemas import _table_view
from service.reports.tables import Period

HIDDEN = "–"  # an en dash: a hidden cell, never a number
TREND_MONTHS = 12

# The chapter's groups (the order of a plan's status chapter); a table of no group goes last.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (N_("Services and service users"), ("T1", "T2", "T3", "T10")),
    (N_("Case processing"), ("T4", "T5", "T6")),
    (N_("Individual plans"), ("T7",)),
    (N_("Housing"), ("T8", "T9")),
)
OTHER_GROUP = N_("Other tables")

UNITS = {
    "persons": N_("Persons"),
    "hours": N_("Hours per week"),
    "decisions": N_("Decisions"),
    "referrals": N_("Referrals"),
    "appeals": N_("Appeals"),
    "days": N_("Days"),
    "percent": N_("Per cent"),
    "units": N_("Housing units"),
    "needs": N_("Housing needs"),
    "offers": N_("Offers"),
}


@dataclass(frozen=True)
class MainNumber:
    """The number a plan quotes from a table, and the sentence that quotes it."""

    row: str
    column: str
    sentence: str  # msgid with %(number)s (the table's number in the chapter), %(value)s, %(period)s


MAIN_NUMBERS = {
    "T1": MainNumber("total", "on_last_day", N_(
        "Table %(number)s shows that %(value)s persons had an active service on the last day of %(period)s.")),
    "T2": MainNumber("total", "hours", N_(
        "Table %(number)s shows that %(value)s hours per week of services were decided on the last day of "
        "%(period)s.")),
    "T3": MainNumber("both", "on_last_day", N_(
        "Table %(number)s shows that %(value)s persons had both a mental-health and a substance-use service on "
        "the last day of %(period)s.")),
    "T4": MainNumber("total", "received", N_(
        "Table %(number)s shows that %(value)s referrals were received in %(period)s.")),
    "T5": MainNumber("total", "new", N_(
        "Table %(number)s shows that %(value)s new decisions were made in %(period)s.")),
    "T6": MainNumber("received", "appeals", N_(
        "Table %(number)s shows that %(value)s appeals were received in %(period)s.")),
    "T7": MainNumber("share_with_plan", "on_last_day", N_(
        "Table %(number)s shows that %(value)s per cent of the service users had an active individual plan on "
        "the last day of %(period)s.")),
    "T8": MainNumber("total", "total", N_(
        "Table %(number)s shows that the municipality had %(value)s housing units on the last day of %(period)s.")),
    "T9": MainNumber("total", "total_waiting", N_(
        "Table %(number)s shows that %(value)s housing needs were waiting on the last day of %(period)s.")),
    "T10": MainNumber("total", "with_minor_children", N_(
        "Table %(number)s shows that %(value)s of the service users had minor children on the last day of "
        "%(period)s.")),
}


@dataclass(frozen=True)
class ChartSpec:
    """Which rows (categories) and columns (series) of a table a chart draws."""

    kind: str  # "bar" (horizontal) or "column"; never stacked: a hidden part would shorten its stack
    columns: tuple[str, ...]
    skip_rows: tuple[str, ...] = ("total",)


CHARTS = {
    "T1": ChartSpec("bar", ("on_last_day", "during_period"), skip_rows=("ongoing_total", "rapid_only", "total")),
    "T2": ChartSpec("bar", ("hours",)),
    "T3": ChartSpec("column", ("on_last_day",)),
    "T8": ChartSpec("column", ("available", "reserved", "occupied", "unavailable")),
    "T9": ChartSpec("column", ("total_waiting", "available_units")),
    "T10": ChartSpec("column", ("female", "male")),
}


@dataclass(frozen=True)
class Cell:
    value: int | float | None
    hidden: bool

    @property
    def published(self) -> bool:
        return not self.hidden and self.value is not None


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    unit: str


@dataclass
class Table:
    key: str
    title: str
    definition: str | None
    mirrors: str | None
    rows: list[tuple[str, str]]  # (code, label)
    columns: list[Column]
    cells: list[list[Cell]]

    @classmethod
    def from_published(cls, key: str, published: dict, definitions: dict) -> Table:
        view = _table_view(key, published, definitions)
        return cls(key=key, title=view["title"], definition=view["definition"], mirrors=view["mirrors"],
                   rows=[(row["code"], row["label"]) for row in view["rows"]],
                   columns=[Column(c["code"], c["label"], c["unit"]) for c in view["columns"]],
                   cells=[[Cell(cell["value"], cell["hidden"]) for cell in row] for row in view["cells"]])

    def cell(self, row: str, column: str) -> Cell | None:
        try:
            i = [code for code, _label in self.rows].index(row)
            j = [c.code for c in self.columns].index(column)
        except ValueError:
            return None
        return self.cells[i][j]

    def row_label(self, row: str) -> str:
        return dict(self.rows).get(row, row)

    def column_label(self, column: str) -> str:
        return next((c.label for c in self.columns if c.code == column), column)

    @property
    def has_hidden(self) -> bool:
        return any(cell.hidden for row in self.cells for cell in row)

    def whole_numbers(self, j: int) -> bool:
        """Every published value of column ``j`` is a whole number (counts; hours that happen to be whole)."""
        return all(float(row[j].value).is_integer() for row in self.cells if row[j].published)


def published_cell(table: dict | None, row: str, column: str) -> Cell | None:
    """A cell of a published table as stored (no labels): for the trend and last year's numbers."""
    if table is None or row not in table["rows"] or column not in table["columns"]:
        return None
    i, j = table["rows"].index(row), table["columns"].index(column)
    return Cell(table["values"][i][j], [row, column] in table["hidden"])


@dataclass
class Export:
    """One snapshot, labelled, with what the exports put beside it."""

    snapshot: Snapshot
    period: Period
    municipality: str
    municipality_number: str
    locale: str
    tables: list[Table]
    # The newest stored version of the same period last year (None: not built), and the 12
    # months ending at the period: (month, its newest snapshot's published tables or None).
    last_year: Snapshot | None = None
    trend: list[tuple[Period, dict | None]] = field(default_factory=list)

    @property
    def last_year_period(self) -> Period:
        return self.period.same_period_last_year()

    def table(self, key: str) -> Table | None:
        return next((table for table in self.tables if table.key == key), None)

    def groups(self) -> list[tuple[str, list[Table]]]:
        """The chapter's groups with the tables the snapshot has, in order; empty groups left out."""
        placed: set[str] = set()
        out = []
        for title, keys in GROUPS:
            tables = [table for key in keys if (table := self.table(key)) is not None]
            placed.update(keys)
            if tables:
                out.append((_(title), tables))
        rest = [table for table in self.tables if table.key not in placed]
        if rest:
            out.append((_(OTHER_GROUP), rest))
        return out

    # --- text in the export's locale ---

    def number(self, value: int | float) -> str:
        return number_text(value, self.locale)

    def cell_text(self, cell: Cell) -> str:
        if cell.hidden:
            return HIDDEN
        return "" if cell.value is None else self.number(cell.value)

    def period_text(self, period: Period | None = None) -> str:
        return period_text(period or self.period, self.locale)

    def generated_text(self) -> str:
        return moment_text(self.snapshot.generated_at)

    def version_text(self) -> str:
        if self.snapshot.reason:
            return _("Version %(version)s: %(reason)s", version=self.snapshot.version, reason=self.snapshot.reason)
        return _("Version %(version)s", version=self.snapshot.version)

    def suppression_rule(self) -> str:
        return suppression_rule(self.snapshot.suppression_threshold)


def number_text(value: int | float, locale: str) -> str:
    """A number as a Norwegian text: 1 234 (non-breaking space), 12,5, −3."""
    whole = float(value).is_integer()
    text = format_decimal(int(value) if whole else value, "#,##0" if whole else "#,##0.0#", locale=locale)
    return text if locale.startswith("en") else text.replace("-", "\u2212")


def period_text(period: Period, locale: str) -> str:
    """"februar 2026" for a month, "2025" for a year."""
    if period.is_year:
        return period.key
    return format_date(period.start, "LLLL y", locale=locale)


def moment_text(moment: dt.datetime) -> str:
    """An instant as the municipality's clock showed it: 03.03.2026 kl. 10:00."""
    local = moment.astimezone(clock.local_timezone())
    return _("%(day)s at %(time)s", day=format_day(local.date()), time=local.strftime("%H:%M"))


def suppression_rule(threshold: int) -> str:
    return _("Counts from 1 to %(largest)s are hidden and shown as –, and so is every further cell from which a "
             "hidden count could be recomputed from the totals; medians and shares are hidden when they are "
             "computed from fewer than %(threshold)s. A hidden cell is never shown as zero. This protects the "
             "privacy of the persons counted.", largest=threshold - 1, threshold=threshold)


def unit_label(unit: str) -> str:
    return _(UNITS[unit]) if unit in UNITS else unit


def chart_data(table: Table, spec: ChartSpec) -> tuple[list[str], list[tuple[Column, list[Cell]]]] | None:
    """The categories (row labels) and series (column, cells) a chart draws; None if nothing to draw.

    A hidden cell stays in its series as hidden: the chart leaves it out (no bar, a gap), and
    never draws it as zero."""
    rows = [(i, label) for i, (code, label) in enumerate(table.rows) if code not in spec.skip_rows]
    series = [(j, column) for j, column in enumerate(table.columns) if column.code in spec.columns]
    series.sort(key=lambda item: spec.columns.index(item[1].code))
    if not rows or not series:
        return None
    return ([label for _i, label in rows],
            [(column, [table.cells[i][j] for i, _label in rows]) for j, column in series])


def build(snapshot: Snapshot, *, municipality: str, municipality_number: str, definitions: dict,
          with_comparisons: bool) -> Export:
    """The export of ``snapshot``; ``with_comparisons`` also reads last year's and the trend's snapshots."""
    period = Period.parse(snapshot.period)
    order = list(definitions)
    keys = sorted(snapshot.tables, key=lambda key: (order.index(key) if key in order else len(order), key))
    export = Export(snapshot=snapshot, period=period, municipality=municipality,
                    municipality_number=municipality_number, locale=str(get_locale()),
                    tables=[Table.from_published(key, snapshot.tables[key], definitions) for key in keys])
    if with_comparisons:
        months = trend_months(period)
        wanted = [month.key for month in months] + [export.last_year_period.key]
        newest = newest_of(wanted)
        export.last_year = newest.get(export.last_year_period.key)
        export.trend = [(month, newest[month.key].tables if month.key in newest else None) for month in months]
    return export


def trend_months(period: Period) -> list[Period]:
    """The 12 months ending with the period's last month (for a year: its 12 months)."""
    end = period.end
    out = []
    for back in range(TREND_MONTHS - 1, -1, -1):
        index = end.year * 12 + end.month - 1 - back
        out.append(Period.parse(f"{index // 12}-{index % 12 + 1:02d}"))
    return out


def newest_of(period_keys: Sequence[str]) -> dict[str, Snapshot]:
    """The newest version of each period's snapshot that exists (one statement, in the current scope)."""
    from service.common.tenancy import current_municipality_id

    latest = (sa.select(Snapshot.period, sa.func.max(Snapshot.version).label("version"))
              .where(Snapshot.period.in_(list(period_keys)), Snapshot.municipality_id == current_municipality_id())
              .group_by(Snapshot.period).subquery())
    stmt = sa.select(Snapshot).join(latest, sa.and_(Snapshot.period == latest.c.period,
                                                    Snapshot.version == latest.c.version))
    return {snapshot.period: snapshot for snapshot in db.session.scalars(stmt)}
