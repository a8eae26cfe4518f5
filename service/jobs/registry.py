"""The jobs, their schedules and their periods.

A job's schedule is APScheduler cron fields from ``JOBS_SCHEDULE`` in ``TIMEZONE``; each time
it fires belongs to one *period* (``deadlines``: the Oslo date; ``offers``: the UTC hour;
``monthly_snapshot``: the month before), which is what the ledger keeps once. The daylight
saving nights need nothing special: a time that does not exist fires once in the hour after,
and a time that occurs twice fires twice into the same period, the second a no-op.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from apscheduler.triggers.cron import CronTrigger
from flask import current_app

from service.common import clock
from service.common.i18n import N_
from service.jobs import tasks


@dataclass(frozen=True)
class Period:
    key: str
    as_of: dt.date


@dataclass(frozen=True)
class JobSpec:
    """``period_of(fire)``: the period of a fire time (aware); ``manual_period(as_of)``: the period a
    manual run for that day replays; ``run(as_of, municipality_ids)``: the work, per municipality."""

    name: str
    summary: str
    period_of: Callable[[dt.datetime], Period]
    manual_period: Callable[[dt.date], Period]
    run: Callable[..., dict]

    def cron(self) -> dict:
        return dict(current_app.config["JOBS_SCHEDULE"][self.name])

    def trigger(self) -> CronTrigger:
        return CronTrigger(timezone=clock.local_timezone(), **self.cron())

    def fires(self, start: dt.datetime, end: dt.datetime) -> Iterator[dt.datetime]:
        """Every fire time from ``start`` to ``end`` (inclusive), in order, as UTC instants."""
        trigger, previous, now = self.trigger(), None, start.astimezone(clock.UTC)
        while True:
            fire = trigger.get_next_fire_time(previous, now)
            if fire is None or fire.astimezone(clock.UTC) > end:
                return
            fire = fire.astimezone(clock.UTC)
            yield fire
            # Always step in UTC: an aware local time plus a delta loses the fold of a repeated hour.
            previous, now = fire, fire + dt.timedelta(microseconds=1)

    def due_periods(self, start: dt.datetime, end: dt.datetime) -> list[Period]:
        """The periods whose first fire time falls between ``start`` and ``end``, oldest first."""
        seen: dict[str, Period] = {}
        for fire in self.fires(start, end):
            period = self.period_of(fire)
            seen.setdefault(period.key, period)
        return list(seen.values())


def _local(fire: dt.datetime) -> dt.datetime:
    return fire.astimezone(clock.local_timezone())


def _day(fire: dt.datetime) -> Period:
    day = _local(fire).date()
    return Period(day.isoformat(), day)


def _hour(fire: dt.datetime) -> Period:
    return Period(fire.astimezone(clock.UTC).strftime("%Y-%m-%dT%H:00Z"), _local(fire).date())


def _previous_month(day: dt.date) -> Period:
    last = day.replace(day=1) - dt.timedelta(days=1)
    return Period(last.strftime("%Y-%m"), last)


def _day_of(as_of: dt.date) -> Period:
    return Period(as_of.isoformat(), as_of)


JOBS: dict[str, JobSpec] = {spec.name: spec for spec in (
    JobSpec("deadlines", N_("Raise the worklist's flags whose condition holds on the day and resolve those whose "
                            "cause is gone"), _day, _day_of, tasks.run_deadlines),
    JobSpec("offers", N_("Expire pending housing offers past respond_by, free their units and raise offer_expired"),
            _hour, _day_of, tasks.run_offers),
    JobSpec("monthly_snapshot", N_("Build and store the previous month's report snapshot for every municipality"),
            lambda fire: _previous_month(_local(fire).date()), _previous_month, tasks.run_monthly_snapshot),
)}


def job(name: str) -> JobSpec:
    return JOBS[name]
