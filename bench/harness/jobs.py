"""The ``deadlines`` job over the generated dataset against the bare SQL statements it issues.

In the harness's process (the app on the scratch database, the system as the actor, as the
scheduler runs it), for the generated municipality on the generation date:

* **first run** of the day: every flag raised (the flags table emptied before each round, the
  job's evaluations made yesterday's, as on the first run of a new day: an untimed run of
  yesterday goes first, so that the job knows how long each kind took);
* **second run** of the same day, replayed by hand (``jobs run``): raises and resolves nothing;
* **scheduled second run** of the same day: the ledger says the period is done, a no-op.

Baselines, measured in the same run and interleaved with it: the statements the job sent to
the database in that run (captured at the driver, SQL and parameters as sent, with the thread
that sent them) replayed raw with psycopg — what the job would cost with no Python, no ORM and
no ledger around its SQL. The job settles the flag kinds on ``JOBS_DEADLINES_LANES``
connections at once (service/common/lanes.py), so the first run's baseline replays each
thread's statements on a connection of its own, all at once, each in one transaction; its
statements on one connection, one after another, are reported beside it (what one lane would
cost). The second run's, on one connection. The first run must raise exactly the open deadline
conditions the generator counted (less ``offer_expired``, which only the offers job raises).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from contextlib import contextmanager

import sqlalchemy as sa

from bench.harness.scratch import BenchError, Dataset, ScratchDatabase
from bench.harness.stats import Figure


@contextmanager
def _captured(engine, into: list):
    """Every statement the engine sends to the driver in the block, with its parameters and the
    thread that sent it (the job's own, or one of its lanes)."""
    def capture(conn, cursor, statement, parameters, context, executemany):
        into.append((statement, parameters, executemany, threading.current_thread().name))

    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        yield into
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)


def _replay(database: ScratchDatabase, statements: list) -> float:
    """The statements on one psycopg connection, one transaction, committed; milliseconds."""
    with database.connect() as conn:
        started = time.perf_counter()
        with conn.cursor() as cursor:
            for statement, parameters, executemany, _thread in statements:
                if executemany:
                    cursor.executemany(statement, parameters)
                else:
                    cursor.execute(statement, parameters or None)
        conn.commit()
        return (time.perf_counter() - started) * 1000


def _replay_on_lanes(database: ScratchDatabase, statements: list) -> float:
    """The statements of each thread that sent them (the job's and each lane's) on a connection
    of their own, all at once, each in one transaction; milliseconds until the last commits."""
    by_thread: dict[str, list] = {}
    for statement in statements:
        by_thread.setdefault(statement[3], []).append(statement)
    elapsed: list[float] = []
    started = time.perf_counter()
    threads = [threading.Thread(target=lambda group=group: elapsed.append(_replay(database, group)))
               for group in by_thread.values()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if len(elapsed) != len(threads):
        raise BenchError("a replay on lanes failed (see the error above)")
    return (time.perf_counter() - started) * 1000


def _empty_flags(database: ScratchDatabase, municipality_id: str) -> None:
    with database.connect() as conn:
        conn.execute("DELETE FROM flags WHERE municipality_id = %s", (municipality_id,))
        # and make what the job remembers of its last evaluations yesterday's, as on the first run
        # of a new day (the day is part of each condition's fingerprint): every kind is evaluated
        # again, and the job knows how long each took last time (it starts the longest first)
        conn.execute("UPDATE flag_evaluations SET fingerprint = 'yesterday' WHERE municipality_id = %s",
                     (municipality_id,))
        conn.execute("DELETE FROM job_runs WHERE job = 'deadlines'")
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE flags")


def run(app, database: ScratchDatabase, dataset: Dataset, *, rounds: int, log=print) -> dict:
    from service.common import clock
    from service.extensions import db
    from service.jobs import runs

    mid = uuid.UUID(dataset.municipality_id)
    expected = sum(n for kind, n in (dataset.report.get("open_deadline_conditions") or {}).items()
                   if kind != "offer_expired")
    with app.app_context():
        engine = db.engine
        today = clock.today()
        generated_on = dataset.report.get("generated_on")
        if generated_on and generated_on != today.isoformat():
            raise BenchError(f"the dataset was generated for {generated_on}, the job would run for {today}")

        def first() -> tuple[float, dict, list]:
            statements: list = []
            with _captured(engine, statements):
                started = time.perf_counter()
                counts = runs.run_manual("deadlines", today, municipality_ids=[mid]).counts[dataset.municipality]
                elapsed = (time.perf_counter() - started) * 1000
            return elapsed, counts, statements

        def scheduled() -> float:
            started = time.perf_counter()
            done = runs.run_due("deadlines", fired=True)
            elapsed = (time.perf_counter() - started) * 1000
            if done:
                raise BenchError(f"the scheduled second run of the day ran {len(done)} period(s) again")
            return elapsed

        figures = {
            "first": Figure("`deadlines`, first run of the day (every flag raised; the kinds on "
                            f"{app.config['JOBS_DEADLINES_LANES']} connections at once)",
                            "its SQL statements replayed raw (psycopg), each connection's on one of its own, "
                            "at once", target="< 2,000 ms"),
            "first_one_connection": Figure("`deadlines`, first run: its SQL statements replayed raw on one "
                                           "connection, one after another (what one lane would cost)", "—"),
            "second": Figure("`deadlines`, second run of the same day (`jobs run`: nothing to raise or resolve)",
                             "its SQL statements replayed raw", target="< 500 ms"),
            "scheduled": Figure("`deadlines`, scheduled second run of the same day (the ledger: a no-op)",
                                "—", target="< 500 ms"),
        }
        # yesterday's run, untimed: what the first run of a day finds in production (its flags are
        # emptied below; its evaluations stay, as yesterday's)
        runs.run_manual("deadlines", today - dt.timedelta(days=1), municipality_ids=[mid])
        raised_counts = None
        for round_number in range(rounds):
            _empty_flags(database, dataset.municipality_id)
            elapsed, counts, first_sql = first()
            raised = sum(counts["raised"].values())
            if raised != expected:
                raise BenchError(f"the first run raised {raised:,} flags; the generator counted {expected:,} "
                                 "open deadline conditions")
            raised_counts = counts["raised"]
            figures["first"].samples_ms.append(elapsed)
            # the scheduled run of today (the period the ledger now holds) before the manual replay
            app.config["JOBS_CATCH_UP_FROM"] = today.isoformat()
            runs.run_due("deadlines", fired=True)  # claims today's period (a no-op for the flags)
            figures["scheduled"].samples_ms.append(scheduled())
            elapsed, counts, second_sql = first()
            if sum(counts["raised"].values()) or sum(counts["resolved"].values()):
                raise BenchError(f"the second run of the day changed flags: {counts}")
            figures["second"].samples_ms.append(elapsed)
            # the baselines: the same statements, raw, from the same starting state
            _empty_flags(database, dataset.municipality_id)
            figures["first"].baseline_ms.append(_replay_on_lanes(database, _flags_only(first_sql)))
            _empty_flags(database, dataset.municipality_id)
            figures["first_one_connection"].samples_ms.append(_replay(database, _flags_only(first_sql)))
            figures["second"].baseline_ms.append(_replay(database, _flags_only(second_sql)))
            log(f"  deadlines round {round_number + 1}: first {figures['first'].samples_ms[-1]:,.0f} ms "
                f"(raw on its lanes {figures['first'].baseline_ms[-1]:,.0f} ms, on one connection "
                f"{figures['first_one_connection'].samples_ms[-1]:,.0f} ms), second {figures['second'].samples_ms[-1]:,.0f} ms "
                f"(raw {figures['second'].baseline_ms[-1]:,.0f} ms), scheduled {figures['scheduled'].samples_ms[-1]:.1f} ms")
        engine.dispose()
    figures["first"].note = (f"{sum(raised_counts.values()):,} flags raised ("
                             + ", ".join(f"{kind} {n:,}" for kind, n in sorted(raised_counts.items())) + ")")
    figures["second"].note = "0 raised, 0 resolved (checked every round)"
    figures["scheduled"].baseline_ms = []
    figures["first_one_connection"].note = "the first run's statements, every lane's, on one connection"
    return {"figures": list(figures.values()), "expected": expected, "as_of": today.isoformat()}


def _flags_only(statements: list) -> list:
    """The job's own SQL: the flag statements, not the ledger's bookkeeping (job_runs, municipalities)."""
    return [s for s in statements if any(table in s[0] for table in _JOB_TABLES) and "job_runs" not in s[0]]


_JOB_TABLES = ("flags", "flag_source_changes", "flag_evaluations")
