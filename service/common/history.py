"""Dated history of the rows whose status the reports count on a past day (docs/reports.md).

A report for October built in December must give October's numbers: how many units were
occupied, how many needs were waiting and how many plans were active *on 31 October*, not
today. Decisions, referrals, appeals and tenancies carry their own dates; a housing unit's
status, a housing need's status and an individual plan's status do not. For those, every
change is kept as a history row: the fields the reports group by, as they were from
``valid_from`` (the Oslo date the change was registered) until the next row.

One mechanism for every such model: a feature contributes ``Tracked(model, history, …)`` in its
``init_app`` (``contributions.add_history``), and one ``before_flush`` listener on the
application's session writes a history row in the same flush as any insert of a tracked row or
any change to one of its tracked fields, whichever code path made it (API, CLI, jobs, demo).
The reports read the row in force on a day with ``as_of(history, day)``. Set-based SQL that
bypasses the ORM must write its history rows itself (``demo.bulk`` and migration 0011 do).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapped, mapped_column

from service.common import clock, contributions
from service.common.models import UTCDateTime, new_uuid
from service.extensions import AppSession


class HistoryMixin:
    """A history row: which row (``subject_column``), from which day, recorded when (with
    ``TenantMixin`` for the municipality). ``id`` grows with every row written, so of two changes
    registered on one day (or at one instant of a frozen clock) the later one wins."""

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True,
                                    autoincrement=True)
    valid_from: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)


@dataclass(frozen=True)
class Tracked:
    """``model``'s ``fields`` are copied into a ``history`` row (same column names) whenever a
    row of ``model`` is inserted or one of them changes; ``subject_column`` names the history's
    column that holds the row's id."""

    model: type
    history: type
    subject_column: str
    fields: tuple[str, ...]


def as_of(history: type, subject_column: str, day: dt.date) -> sa.Subquery:
    """The history row in force on ``day`` for every subject that existed then: the latest
    (``valid_from``, then the later row) on or before ``day``. One window function, no loop."""
    subject = getattr(history, subject_column)
    ranked = sa.select(
        history,
        sa.func.row_number().over(partition_by=subject,
                                  order_by=(history.valid_from.desc(), history.id.desc())).label("rank_in_subject"),
    ).where(history.valid_from <= day).subquery()
    return sa.select(ranked).where(ranked.c.rank_in_subject == 1).subquery()


def record_existing(connection: sa.Connection, municipality_id: uuid.UUID, since: dt.date) -> dict[str, int]:
    """One history row per tracked row of the municipality, as it is now, valid from ``since``: for
    rows loaded in bulk without the ORM (``demo generate``), whose past states were never recorded.
    One ``INSERT … SELECT`` per tracked model; returns the rows written per history table."""
    written = {}
    for tracked in _tracked().values():
        source, target = tracked.model.__table__, tracked.history.__table__
        columns = ["municipality_id", tracked.subject_column, "valid_from", "recorded_at", *tracked.fields]
        select = sa.select(source.c.municipality_id, source.c.id, sa.literal(since, sa.Date),
                           source.c.created_at, *(source.c[name] for name in tracked.fields)
                           ).where(source.c.municipality_id == municipality_id)
        connection.execute(target.insert().from_select(columns, select))
        written[target.name] = connection.scalar(sa.select(sa.func.count()).select_from(target).where(
            target.c.municipality_id == municipality_id))
    return written


def _record(session, flush_context, instances) -> None:
    tracked_models = _tracked()
    if not tracked_models:
        return
    for obj in list(session.new) + list(session.dirty):
        tracked = tracked_models.get(type(obj))
        if tracked is None:
            continue
        state = inspect(obj)
        if not state.pending and not any(state.attrs[name].history.has_changes() for name in tracked.fields):
            continue
        if obj.id is None:
            obj.id = new_uuid()
        session.add(tracked.history(
            municipality_id=obj.municipality_id, valid_from=clock.today(), recorded_at=clock.now(),
            **{tracked.subject_column: obj.id}, **{name: getattr(obj, name) for name in tracked.fields}))


def _tracked() -> dict[type, Tracked]:
    registry = current_app.extensions.get(contributions.EXTENSION)
    if registry is None:
        return {}
    return {tracked.model: tracked for tracked in registry.histories}


def install() -> None:
    """Listen on the application's session (called once by ``create_app``)."""
    if not event.contains(AppSession, "before_flush", _record):
        event.listen(AppSession, "before_flush", _record)
