"""The job ledger: once per period, caught up in order after downtime (never before
``JOBS_CATCH_UP_FROM``), retried after a crash, daylight saving nights, manual replays, and two
schedulers on PostgreSQL.

The ledger is exercised with a job of the test's own (the real jobs' work is tested in
tests/worklist): it records the days it ran for, and its name is unique per test.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid

import pytest
import sqlalchemy as sa

from service.common import clock
from service.extensions import db
from service.jobs import registry, runs
from service.jobs.models import JobRun

OSLO = clock.OSLO


class Probe:
    """A job that records what it ran for (and can be told to fail)."""

    def __init__(self, app, monkeypatch, cron: dict, *, period_of=registry._day, pause: float = 0.0):
        self.name = f"probe-{uuid.uuid4().hex[:8]}"
        self.days: list[dt.date] = []
        self.fail_on: set[dt.date] = set()
        self.pause = pause
        self._lock = threading.Lock()
        self.spec = registry.JobSpec(self.name, "test probe", period_of, registry._day_of, self.run)
        monkeypatch.setitem(app.config, "JOBS_SCHEDULE", {**app.config["JOBS_SCHEDULE"], self.name: cron})

    def run(self, as_of: dt.date, only=None) -> dict:
        if self.pause:
            time.sleep(self.pause)
        if as_of in self.fail_on:
            raise RuntimeError(f"injected failure on {as_of}")
        with self._lock:
            self.days.append(as_of)
        return {"9999": {"raised": {"probe": 1}}}

    def due(self, app, now: dt.datetime, *, fired: bool = True) -> list[JobRun]:
        with app.app_context():
            clock.set_clock(app, now)
            done = runs.run_due(self.name, fired=fired, spec=self.spec)
            return [(r.period_key, r.trigger, r.attempt, r.status) for r in done]

    def ledger(self, app) -> list[tuple]:
        with app.app_context():
            return [tuple(row) for row in db.session.execute(
                sa.select(JobRun.period_key, JobRun.trigger, JobRun.attempt, JobRun.status)
                .where(JobRun.job == self.name).order_by(JobRun.period_key, JobRun.attempt))]


def oslo(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=OSLO)


def days(*texts: str) -> list[dt.date]:
    return [dt.date.fromisoformat(t) for t in texts]


@pytest.fixture
def probe(app, monkeypatch, db_connection):
    monkeypatch.setitem(app.config, "JOBS_CATCH_UP_FROM", "2026-02-20")
    return Probe(app, monkeypatch, {"hour": 6, "minute": 0})


def test_a_period_runs_once_however_often_the_schedule_fires(app, probe):
    assert probe.due(app, oslo("2026-02-20 06:00")) == [("2026-02-20", "scheduled", 1, "succeeded")]
    assert probe.due(app, oslo("2026-02-20 06:00:30")) == []
    assert probe.due(app, oslo("2026-02-20 23:59"), fired=False) == []
    assert probe.days == days("2026-02-20")
    assert probe.due(app, oslo("2026-02-21 05:59")) == []  # not due before 06:00


def test_catch_up_after_a_week_of_downtime_runs_each_missed_day_once_in_order(app, probe):
    probe.due(app, oslo("2026-02-24 06:00"), fired=False)
    assert probe.days == days("2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23", "2026-02-24")
    # down from 24.02 after the run until 03.03 10:00: seven days missed
    done = probe.due(app, oslo("2026-03-03 10:00"), fired=False)
    assert [key for key, *_ in done] == ["2026-02-25", "2026-02-26", "2026-02-27", "2026-02-28", "2026-03-01",
                                         "2026-03-02", "2026-03-03"]
    assert {trigger for _, trigger, *_ in done} == {"catch_up"}
    assert probe.days[5:] == days("2026-02-25", "2026-02-26", "2026-02-27", "2026-02-28", "2026-03-01",
                                  "2026-03-02", "2026-03-03")
    assert probe.due(app, oslo("2026-03-03 12:00"), fired=False) == []
    assert min(probe.days) == dt.date(2026, 2, 20), "never before JOBS_CATCH_UP_FROM"


def test_when_the_schedule_fires_after_downtime_its_own_day_is_scheduled_the_rest_caught_up(app, probe):
    done = probe.due(app, oslo("2026-02-22 06:00"))
    assert done == [("2026-02-20", "catch_up", 1, "succeeded"), ("2026-02-21", "catch_up", 1, "succeeded"),
                    ("2026-02-22", "scheduled", 1, "succeeded")]


def test_catch_up_never_before_the_configured_start_nor_more_than_the_maximum_back(app, probe, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_CATCH_UP_FROM", "2026-03-01")
    probe.due(app, oslo("2026-03-03 07:00"), fired=False)
    assert probe.days == days("2026-03-01", "2026-03-02", "2026-03-03")
    other = Probe(app, monkeypatch, {"hour": 6, "minute": 0})
    monkeypatch.setitem(app.config, "JOBS_CATCH_UP_FROM", "2020-01-01")  # a restored old backup
    monkeypatch.setitem(app.config, "JOBS_CATCH_UP_MAX_DAYS", 3)
    other.due(app, oslo("2026-03-03 07:00"), fired=False)
    assert other.days == days("2026-02-28", "2026-03-01", "2026-03-02", "2026-03-03")


def test_without_a_configured_start_catch_up_begins_at_the_install_date(app, probe, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_CATCH_UP_FROM", None)
    with app.app_context():
        first = db.session.scalar(sa.select(sa.func.min(JobRun.started_at)))
    if first is not None:
        pytest.skip("the database already records job runs (committed by another test): no fresh install here")
    probe.due(app, oslo("2026-03-03 07:00"), fired=False)
    assert probe.days == days("2026-03-03"), "a fresh install catches nothing up"
    probe.due(app, oslo("2026-03-06 07:00"), fired=False)  # installed 03.03: three days down since
    assert probe.days == days("2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06")


def test_a_crashed_run_stays_failed_and_is_retried_first_at_the_next_start(app, probe):
    probe.fail_on = set(days("2026-02-21"))
    done = probe.due(app, oslo("2026-02-22 07:00"), fired=False)
    assert done == [("2026-02-20", "catch_up", 1, "succeeded")], "the failure stops the later days"
    assert probe.ledger(app) == [("2026-02-20", "catch_up", 1, "succeeded"), ("2026-02-21", "catch_up", 1, "failed")]
    with app.app_context():
        error = db.session.scalar(sa.select(JobRun.error).where(JobRun.job == probe.name, JobRun.status == "failed"))
    assert "injected failure on 2026-02-21" in error
    probe.fail_on = set()
    done = probe.due(app, oslo("2026-02-22 08:00"), fired=False)
    assert done == [("2026-02-21", "catch_up", 2, "succeeded"), ("2026-02-22", "catch_up", 1, "succeeded")]
    assert probe.days == days("2026-02-20", "2026-02-21", "2026-02-22")


def test_a_run_left_running_by_a_dead_process_is_retried(app, probe):
    with app.app_context():
        db.session.add(JobRun(job=probe.name, period_key="2026-02-20", trigger="scheduled", attempt=1,
                              as_of=dt.date(2026, 2, 20), started_at=oslo("2026-02-20 06:00"), status="running",
                              counts={}))
        db.session.commit()
    probe.due(app, oslo("2026-02-20 09:00"), fired=False)
    assert probe.ledger(app) == [("2026-02-20", "scheduled", 1, "failed"), ("2026-02-20", "catch_up", 2, "succeeded")]
    with app.app_context():
        assert db.session.scalar(sa.select(JobRun.error).where(
            JobRun.job == probe.name, JobRun.attempt == 1)) == runs.ABANDONED


def test_manual_runs_always_run_and_are_further_attempts(app, probe, monkeypatch):
    monkeypatch.setitem(registry.JOBS, probe.name, probe.spec)
    with app.app_context():
        clock.set_clock(app, oslo("2026-02-20 05:00"))
        first = runs.run_manual(probe.name, dt.date(2026, 2, 20))
        second = runs.run_manual(probe.name, dt.date(2026, 2, 20))
        assert (first.trigger, first.attempt, second.attempt) == ("manual", 1, 2)
    # a manual replay does not stand in for the scheduled run
    assert probe.due(app, oslo("2026-02-20 06:00")) == [("2026-02-20", "scheduled", 3, "succeeded")]
    assert probe.days == days("2026-02-20", "2026-02-20", "2026-02-20")


def test_the_ledgers_unique_key_refuses_a_second_claim_of_a_period(app, probe):
    with app.app_context():
        period = registry.Period("2026-02-20", dt.date(2026, 2, 20))
        clock.set_clock(app, oslo("2026-02-20 06:00"))
        first = runs._claim(probe.spec, period, "scheduled", None, None)
        assert first is not None and first.status == "running"
        assert runs._claim(probe.spec, period, "catch_up", None, None) is None
        with pytest.raises(sa.exc.IntegrityError):  # the database itself, without the service's check
            with db.session.begin_nested():
                db.session.add(JobRun(job=probe.name, period_key="2026-02-20", trigger="scheduled", attempt=7,
                                      as_of=dt.date(2026, 2, 20), started_at=clock.now(), status="succeeded",
                                      finished_at=clock.now(), counts={}))


# --- daylight saving time --------------------------------------------------------------------------

@pytest.mark.parametrize("night, window", [
    ("2027-03-28", ("2027-03-27 12:00", "2027-03-29 12:00")),  # 02:00–03:00 does not exist
    ("2027-10-31", ("2027-10-30 12:00", "2027-11-01 12:00")),  # 02:00–03:00 happens twice
])
def test_a_job_at_0230_runs_exactly_once_on_the_daylight_saving_nights(app, monkeypatch, db_connection, night, window):
    monkeypatch.setitem(app.config, "JOBS_CATCH_UP_FROM", "2027-03-01")
    monkeypatch.setitem(app.config, "JOBS_CATCH_UP_MAX_DAYS", 400)
    job = Probe(app, monkeypatch, {"hour": 2, "minute": 30})
    start, end = (oslo(t).astimezone(clock.UTC) for t in window)
    job.due(app, start - dt.timedelta(hours=1), fired=False)  # caught up until the day before
    job.days.clear()
    with app.app_context():
        fires = list(job.spec.fires(start, end))
    on_the_night = [f for f in fires if f.astimezone(OSLO).date().isoformat() == night]
    # the scheduler's own fire times: once in March (03:30 summer time), twice in October
    assert len(on_the_night) == (1 if night.endswith("03-28") else 2)
    for fire in fires:  # what the scheduler does at each of them
        job.due(app, fire)
    assert job.days.count(dt.date.fromisoformat(night)) == 1
    assert [key for key, *_ in job.ledger(app) if key == night] == [night]


def test_month_ends_and_leap_days_for_a_monthly_job(app, monkeypatch, db_connection):
    monkeypatch.setitem(app.config, "JOBS_CATCH_UP_FROM", "2028-01-01")
    monkeypatch.setitem(app.config, "JOBS_CATCH_UP_MAX_DAYS", 400)
    job = Probe(app, monkeypatch, {"day": 1, "hour": 2, "minute": 0},
                period_of=registry.JOBS["monthly_snapshot"].period_of)
    job.due(app, oslo("2028-04-01 03:00"))
    assert [key for key, *_ in job.ledger(app)] == ["2027-12", "2028-01", "2028-02", "2028-03"]
    assert job.days == days("2027-12-31", "2028-01-31", "2028-02-29", "2028-03-31")


# --- two schedulers on PostgreSQL ---------------------------------------------------------------------

@pytest.mark.committed
def test_two_scheduler_processes_on_postgresql_run_each_period_once(app, dialect, monkeypatch):
    if dialect != "postgresql":
        pytest.skip("needs PostgreSQL: two processes are kept apart by pg_try_advisory_lock and the ledger's "
                    "unique index; SQLite runs one scheduler process by design (BEGIN IMMEDIATE serialises writers)")
    monkeypatch.setitem(app.config, "JOBS_CATCH_UP_FROM", "2026-02-20")
    job = Probe(app, monkeypatch, {"hour": 6, "minute": 0}, pause=0.2)
    # each thread is a process of its own: no lock shared in memory, only the database
    monkeypatch.setattr(runs, "_process_lock", lambda name: threading.Lock())
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def scheduler() -> None:
        try:
            with app.app_context():
                barrier.wait()
                for _ in range(3):
                    runs.run_due(job.name, fired=True, spec=job.spec)
                db.session.remove()
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    with app.app_context():
        clock.set_clock(app, oslo("2026-02-24 07:00"))
    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(job.days) == days("2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23", "2026-02-24")
    ledger = job.ledger(app)
    assert [row for row in ledger if row[3] == "succeeded"] == [
        (key, trigger, 1, "succeeded") for key, trigger in (
            ("2026-02-20", "catch_up"), ("2026-02-21", "catch_up"), ("2026-02-22", "catch_up"),
            ("2026-02-23", "catch_up"), ("2026-02-24", "scheduled"))]
    with app.app_context():
        db.session.execute(sa.delete(JobRun).where(JobRun.job == job.name))
        db.session.commit()
