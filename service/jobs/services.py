"""Jobs for the administrator's API: what runs when, the last runs, and a run now.

A municipality's administrator sees the deployment's runs and its own, each with the counts of
its own municipality only, and runs a job for its own municipality only (a manual run, which
always runs); the scheduler and the CLI run for every municipality.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app

from service.auth.identity import current_user
from service.auth.models import Municipality
from service.common import clock
from service.common.tenancy import current_municipality_id
from service.extensions import db
from service.jobs.models import JobRun
from service.jobs.registry import JOBS
from service.jobs.runs import last_runs, next_run_at, run_manual, spec_of
from service.jobs.scheduler import scheduler_state


@dataclass(frozen=True)
class RunView:
    """A run as one municipality's administrator sees it."""

    run: JobRun
    counts: dict

    def __getattr__(self, name: str):
        return getattr(self.run, name)


@dataclass(frozen=True)
class JobView:
    name: str
    summary: str
    schedule: dict
    timezone: str
    next_run_at: dt.datetime | None
    scheduler: str
    last_runs: list[RunView]


def _number() -> str | None:
    municipality = db.session.get(Municipality, current_municipality_id())
    return municipality.number if municipality is not None else None


def _view(run: JobRun, number: str | None) -> RunView:
    counts = run.counts or {}
    own = counts.get(number) if number in counts else {
        key: value for key, value in counts.items() if not key.isdigit()}  # a note, not a municipality's
    return RunView(run, own or {})


def list_jobs() -> list[JobView]:
    number = _number()
    state = scheduler_state()["state"]
    return [JobView(name=name, summary=spec.summary, schedule=spec.cron(), timezone=current_app.config["TIMEZONE"],
                    next_run_at=next_run_at(spec), scheduler=state,
                    last_runs=[_view(run, number) for run in last_runs(name, 5, current_municipality_id())])
            for name, spec in JOBS.items()]


def run_job(name: str, data: dict) -> RunView:
    """Run the job now for the caller's municipality (a manual run); a failure is the run's answer."""
    spec_of(name)
    user = current_user()
    municipality_id = current_municipality_id()
    run = run_manual(name, data.get("as_of") or clock.today(), municipality_ids=[municipality_id],
                     municipality_id=municipality_id, triggered_by=user.id if user else None, reraise=False)
    return _view(run, _number())
