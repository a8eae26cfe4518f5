"""Compute a period's report tables, publish them suppressed, and keep frozen, versioned snapshots.

Every table is contributed by the feature that owns its data (``tables.ReportTable``); this
module runs them all for one municipality and one period, protects the small counts of the
snapshot as a whole (``suppression``: primary and secondary suppression over every relation
the tables declare, within and between tables), and keeps only what may be published. The
raw counts live in memory for the length of one call and are never stored, logged or answered.

A period is reported only once it has ended (its last day before today, Oslo): a report of a
running month would change every day, and two close dates could be differenced to reveal a
hidden count (the issue's reason for allowing period ends only).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from service.audit.services import record
from service.auth.identity import current_user
from service.common import clock, contributions
from service.common.errors import Conflict, NotFound, ValidationFailed
from service.common.i18n import _, format_day
from service.common.tenancy import current_municipality_id
from service.extensions import db
from service.reports import suppression
from service.reports.models import Snapshot
from service.reports.tables import CellRef, Period, ReportTable

AUDIT_SNAPSHOT = "report_snapshot"
AUDIT_LIVE = "report_live"


def parse_period(key: str, *, today: dt.date | None = None) -> Period:
    """A period that has ended: ``YYYY-MM`` or ``YYYY`` whose last day is before today (422 otherwise)."""
    try:
        period = Period.parse(key)
    except ValueError:
        raise ValidationFailed.field("period", _("A period is YYYY-MM (a month) or YYYY (a year).")) from None
    if period.end >= (today or clock.today()):
        raise ValidationFailed.field("period", _("The period has not ended yet: it can be reported from %(day)s.",
                                                 day=format_day(period.end + dt.timedelta(days=1))))
    return period


def threshold() -> int:
    return int(current_app.config["REPORT_SUPPRESSION_THRESHOLD"])


def report_tables() -> list[ReportTable]:
    return [table for _key, table in sorted(contributions.current().report_tables.items(),
                                            key=lambda item: _table_order(item[0]))]


def _table_order(key: str) -> tuple[int, str]:
    digits = "".join(ch for ch in key if ch.isdigit())
    return (int(digits) if digits else 0, key)


def _publishable(value):
    """A raw value as JSON: counts stay integers; hours, medians and shares keep two decimals."""
    if value is None or isinstance(value, bool | int):
        return value
    return round(float(value), 2)


def compute_published(period: Period, municipality_id: uuid.UUID, limit: int) -> dict:
    """Every contributed table of ``period``, suppressed together: ``{key: published table}``.

    A published table is ``{"rows": [...], "columns": [...], "units": {...}, "values": [[...]],
    "hidden": [[row, column], ...]}``: a hidden cell's value is null and it is listed in
    ``hidden``; a cell that does not apply is null and not listed."""
    tables = report_tables()
    results = {table.key: table.compute(period, municipality_id) for table in tables}
    cells: list[suppression.Cell] = []
    relations = list(contributions.current().report_relations)
    for key, result in results.items():
        relations.extend(result.relations)
        for row in result.rows:
            for column in result.columns:
                base = result.bases.get((row, column))
                cells.append(suppression.Cell(
                    ref=(key, row, column), value=result.values.get((row, column)), kind=result.kind_of(row, column),
                    base=(key, *base) if base else None, depends_on=tuple(result.depends_on.get((row, column), ()))))
    hidden = suppression.protect(cells, relations, limit)
    published = {}
    for table in tables:
        result = results[table.key]
        published[table.key] = {
            "rows": list(result.rows),
            "columns": list(result.columns),
            "units": {column: table.units.get(column, "") for column in result.columns},
            "values": [[None if (table.key, row, column) in hidden
                        else _publishable(result.values.get((row, column)))
                        for column in result.columns] for row in result.rows],
            "hidden": [[row, column] for row in result.rows for column in result.columns
                       if (table.key, row, column) in hidden],
        }
    return published


def changed_cells(old: dict, new: dict) -> list[list[str]]:
    """The cells whose published value or mark differs (or that exist in only one of the two)."""
    def flat(tables: dict) -> dict[CellRef, tuple]:
        out = {}
        for key, table in tables.items():
            hidden = {tuple(cell) for cell in table["hidden"]}
            for i, row in enumerate(table["rows"]):
                for j, column in enumerate(table["columns"]):
                    out[(key, row, column)] = (table["values"][i][j], (row, column) in hidden)
        return out
    before, after = flat(old), flat(new)
    return [list(ref) for ref in sorted(set(before) | set(after)) if before.get(ref) != after.get(ref)]


@dataclass(frozen=True)
class BuildOutcome:
    """What a build did: ``stored`` a new version, or found the tables ``unchanged``."""

    status: str
    snapshot: Snapshot
    changed: list[list[str]]


def newest(period_key: str) -> Snapshot | None:
    return db.session.scalar(sa.select(Snapshot).where(Snapshot.period == period_key)
                             .order_by(Snapshot.version.desc()).limit(1))


def build_snapshot(period_key: str, *, reason: str | None = None, trigger: str = "manual",
                   today: dt.date | None = None) -> BuildOutcome:
    """Build ``period_key`` for the current municipality and store it if it differs from the newest.

    The first version needs no reason; a later one needs ``reason`` (409 ``reason_required``
    without it, nothing stored); tables equal to the newest version store nothing."""
    period = parse_period(period_key, today=today)
    municipality_id = current_municipality_id()
    limit = threshold()
    tables = compute_published(period, municipality_id, limit)
    previous = newest(period.key)
    if previous is not None and previous.suppression_threshold == limit and previous.tables == tables:
        return BuildOutcome("unchanged", previous, [])
    changed = changed_cells(previous.tables, tables) if previous is not None else []
    reason = (reason or "").strip() or None
    if previous is not None and reason is None:
        raise Conflict(_("The tables of %(period)s differ from version %(version)s in %(count)s cells: "
                         "give the reason for a new version.", period=period.key, version=previous.version,
                         count=len(changed)), code="reason_required")
    user = current_user()
    snapshot = Snapshot(municipality_id=municipality_id, period=period.key,
                        version=(previous.version + 1) if previous is not None else 1, reason=reason,
                        generated_at=clock.now(), built_on=today or clock.today(), trigger=trigger,
                        built_by=user.id if user is not None else None, suppression_threshold=limit,
                        tables=tables, changed_cells=changed)
    db.session.add(snapshot)
    db.session.flush()
    record("create", AUDIT_SNAPSHOT, object_id=snapshot.id,
           detail=f"{snapshot.period} version {snapshot.version}")
    return BuildOutcome("stored", snapshot, changed)


def list_snapshots(period_key: str | None = None) -> list[Snapshot]:
    """Every snapshot of the municipality (newest period first, then newest version); no tables read."""
    stmt = sa.select(Snapshot).order_by(Snapshot.period.desc(), Snapshot.version.desc())
    if period_key:
        stmt = stmt.where(Snapshot.period == period_key)
    return list(db.session.scalars(stmt))


def find_snapshot(period_key: str, version: int | None = None) -> Snapshot:
    """The newest version of a period's snapshot, or ``version`` (404 otherwise); not audited."""
    stmt = sa.select(Snapshot).where(Snapshot.period == period_key)
    stmt = stmt.where(Snapshot.version == version) if version is not None else stmt.order_by(
        Snapshot.version.desc()).limit(1)
    snapshot = db.session.scalar(stmt)
    if snapshot is None:
        raise NotFound(_("No snapshot of %(period)s.", period=period_key) if version is None else
                       _("No version %(version)s of the snapshot of %(period)s.", version=version, period=period_key))
    return snapshot


def record_export(snapshot: Snapshot, what: str = "json") -> None:
    """One audited ``export`` per read of a snapshot, whatever its format (JSON or a file)."""
    record("export", AUDIT_SNAPSHOT, object_id=snapshot.id,
           detail=f"{snapshot.period} version {snapshot.version} as {what}")


def read_snapshot(period_key: str, version: int | None = None) -> Snapshot:
    """The newest version of a period's snapshot, or ``version``; the read is an audited export."""
    snapshot = find_snapshot(period_key, version)
    record_export(snapshot)
    return snapshot


@dataclass(frozen=True)
class LiveReport:
    """A period's tables computed now, not stored (``GET /reports/live``)."""

    period: str
    generated_at: dt.datetime
    built_on: dt.date
    suppression_threshold: int
    tables: dict


def live_report(period_key: str) -> LiveReport:
    period = parse_period(period_key)
    limit = threshold()
    tables = compute_published(period, current_municipality_id(), limit)
    record("export", AUDIT_LIVE, object_id=period.key, detail=f"{period.key} computed live")
    return LiveReport(period.key, clock.now(), clock.today(), limit, tables)


def build_each(period_key: str, *, reason: str | None, trigger: str, only=None,
               today: dt.date | None = None) -> dict[str, BuildOutcome | str]:
    """Build ``period_key`` for every municipality (or those in ``only``), each in its own scope and
    transaction: ``{number: outcome}``, or the refusal's text where one was refused (a new version
    without a reason), which leaves the others built."""
    from service.common.errors import DomainError
    from service.common.tenancy import tenant_scope
    from service.jobs.tasks import municipalities

    outcomes: dict[str, BuildOutcome | str] = {}
    for municipality_id, number in municipalities(only):
        with tenant_scope(municipality_id):
            try:
                outcomes[number] = build_snapshot(period_key, reason=reason, trigger=trigger, today=today)
                db.session.commit()
                # Read back while still in its municipality: outside it, the database's row-level
                # security (service/common/tenancy.py) no longer shows the row.
                db.session.refresh(outcomes[number].snapshot)
            except DomainError as refusal:
                db.session.rollback()
                outcomes[number] = refusal.detail or refusal.title
    return outcomes
