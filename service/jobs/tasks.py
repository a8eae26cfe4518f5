"""What each job does, municipality by municipality, through the service functions the API uses.

A job runs once per municipality inside that municipality's ``tenant_scope`` and commits each
municipality on its own (``deadlines`` on PostgreSQL each flag kind on its own, on several
connections at once: ``common.lanes``): a crash halfway leaves what was done so far done and the
rest untouched, and the rerun (the ledger retries the period) gives what one clean run gives,
because every step is idempotent (raising inserts only what is missing, resolving and
expiring touch only what is still open).
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable, Iterable

import sqlalchemy as sa
from flask import current_app

from service.auth.models import Municipality
from service.common.tenancy import tenant_scope
from service.extensions import db
from service.housing.offers import expire_overdue_offers
from service.worklist.flags import run_deadlines_for, run_offer_flags_for

Counts = dict[str, dict]


def municipalities(only: Iterable[uuid.UUID] | None = None) -> list[tuple[uuid.UUID, str]]:
    """(id, number) of every municipality, by number; or of those in ``only``."""
    stmt = sa.select(Municipality.id, Municipality.number).order_by(Municipality.number)
    if only is not None:
        stmt = stmt.where(Municipality.id.in_(list(only)))
    return [(row.id, row.number) for row in db.session.execute(stmt)]


def _each_municipality(as_of: dt.date, only, work: Callable[[uuid.UUID, dt.date], dict]) -> Counts:
    counts: Counts = {}
    for municipality_id, number in municipalities(only):
        with tenant_scope(municipality_id):
            counts[number] = work(municipality_id, as_of)
            db.session.commit()
    return counts


def run_deadlines(as_of: dt.date, only: Iterable[uuid.UUID] | None = None) -> Counts:
    """Raise every flag whose condition holds on ``as_of`` and resolve every open one whose cause is gone
    (the flag kinds of a municipality on up to ``JOBS_DEADLINES_LANES`` connections at once)."""
    lanes = int(current_app.config["JOBS_DEADLINES_LANES"])
    return _each_municipality(as_of, only, functools.partial(run_deadlines_for, lanes=lanes))


def _offers_for(municipality_id: uuid.UUID, as_of: dt.date) -> dict:
    expired = expire_overdue_offers(as_of)
    return {"expired": len(expired), **run_offer_flags_for(municipality_id, as_of)}


def run_offers(as_of: dt.date, only: Iterable[uuid.UUID] | None = None) -> Counts:
    """Expire the pending offers past ``respond_by`` (freeing their units) and raise ``offer_expired``."""
    return _each_municipality(as_of, only, _offers_for)


def run_monthly_snapshot(as_of: dt.date, only: Iterable[uuid.UUID] | None = None) -> Counts:
    """The snapshot of ``as_of``'s month (the ledger's period: the last day of the month before the
    run) for each municipality (service.reports.services.build_snapshot). The first build is
    version 1; a rerun whose tables differ (data registered late) stores the next version with the
    job's own reason."""
    from service.reports.services import BuildOutcome, build_each

    period = as_of.strftime("%Y-%m")
    reason = f"rebuilt by the monthly_snapshot job for {period}"
    counts: Counts = {}
    for number, outcome in build_each(period, reason=reason, trigger="scheduled", only=only).items():
        if isinstance(outcome, BuildOutcome):
            counts[number] = {"snapshots": {outcome.status: 1}, "period": period,
                              "version": str(outcome.snapshot.version), "changed_cells": len(outcome.changed)}
        else:
            counts[number] = {"snapshots": {"refused": 1}, "period": period, "error": outcome}
    return counts
