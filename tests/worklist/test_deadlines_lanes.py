"""The deadlines job settles a municipality's flag kinds on several connections at once
(``JOBS_DEADLINES_LANES``, service/common/lanes.py): the same flags as one kind after another,
each kind in its municipality's scope, a crash in one lane retried like any crash, and the kinds
that took longest last time started first."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from service.common import lanes as lanes_module
from service.common.tenancy import tenant_scope
from service.extensions import db
from service.jobs import runs
from service.worklist import flags as flag_module
from service.worklist.models import Flag, FlagEvaluation
from tests.worklist.conftest import Board, day, every_kind
from tests.worklist.test_deadlines_job import KINDS, snapshot


@pytest.fixture
def postgres_only(dialect):
    if dialect != "postgresql":
        pytest.skip("lanes fan out on PostgreSQL only: SQLite has one writer at a time, so there every kind runs "
                    "in the caller's transaction (covered by the other deadlines tests)")


@pytest.fixture
def committed_town(app, committed_env, frozen_clock, synthetic_id, postgres_only) -> Board:
    """A municipality of its own whose rows give a flag of every kind on 03.03.2026, committed."""
    town = committed_env.municipality()

    def make_person(caller, **fields):
        body = {"name": "Kari Testesen", "national_id": synthetic_id(), "sex": "female", "has_minor_children": "no"}
        response = caller.post("/api/v1/persons", json={**body, **fields})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    every_kind(committed_env, town, make_person)
    board = Board(app, town, frozen_clock)
    board.offers("2026-03-03")
    return board


def _from_scratch(app, board: Board) -> None:
    with app.app_context():
        db.session.execute(sa.delete(Flag).where(Flag.municipality_id == board.municipality_id, Flag.kind != "offer_expired"))
        db.session.execute(sa.delete(FlagEvaluation).where(FlagEvaluation.municipality_id == board.municipality_id))
        db.session.commit()


def _recording(monkeypatch) -> list[tuple[str, str, str]]:
    """(kind, thread, the database's municipality setting) of every kind's pass, as it runs."""
    seen: list[tuple[str, str, str]] = []
    real = flag_module.settle_kind

    def settle(kind, scope, **options):
        setting = db.session.connection().exec_driver_sql(
            "SELECT current_setting('app.municipality_id', true)").scalar()
        seen.append((kind.kind, threading.current_thread().name, setting))
        return real(kind, scope, **options)

    monkeypatch.setattr(flag_module, "settle_kind", settle)
    return seen


@pytest.mark.committed
def test_two_lanes_raise_what_one_raises_each_kind_in_its_municipality(app, committed_town, monkeypatch):
    board = committed_town
    monkeypatch.setitem(app.config, "JOBS_DEADLINES_LANES", 1)
    one_lane = board.deadlines("2026-03-03")
    flags_one_lane = snapshot(app, [board.municipality_id])
    _from_scratch(app, board)

    monkeypatch.setitem(app.config, "JOBS_DEADLINES_LANES", 2)
    seen = _recording(monkeypatch)
    assert board.deadlines("2026-03-03") == one_lane
    assert snapshot(app, [board.municipality_id]) == flags_one_lane
    assert {f.kind for f in board.open()} == KINDS
    assert len({thread for _kind, thread, _setting in seen}) == 2, "two lanes"
    assert all(thread.startswith("lane") for _kind, thread, _setting in seen), "none in the caller's transaction"
    assert {setting for _kind, _thread, setting in seen} == {str(board.municipality_id)}

    # and the next run of the day, on lanes too, leaves every kind as it is
    assert board.deadlines("2026-03-03") == {"raised": {}, "resolved": {}, "rerouted": 0, "unchanged": len(KINDS)}


@pytest.mark.committed
def test_a_crash_in_one_lane_fails_the_run_and_the_rerun_gives_one_clean_run(app, committed_town, monkeypatch):
    board = committed_town
    monkeypatch.setitem(app.config, "JOBS_DEADLINES_LANES", 2)
    real_raise = flag_module.raise_kind

    def crashing(kind, scope, subject_ids=None, rows=None):
        if kind.kind == "plan_evaluation_due":
            raise RuntimeError("injected crash")
        return real_raise(kind, scope, subject_ids, rows)

    monkeypatch.setattr(flag_module, "raise_kind", crashing)
    run_ids = []
    try:
        with app.app_context():
            failed = runs.run_manual("deadlines", day("2026-03-03"), municipality_ids=[board.municipality_id],
                                     reraise=False)
            run_ids.append(failed.id)
            assert failed.status == "failed" and "injected crash" in failed.error
        assert "plan_evaluation_due" not in {f.kind for f in board.open()}
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count()).select_from(FlagEvaluation).where(
                FlagEvaluation.municipality_id == board.municipality_id,
                FlagEvaluation.kind == "plan_evaluation_due")) == 0, "the failed kind is not remembered as evaluated"

        monkeypatch.setattr(flag_module, "raise_kind", real_raise)
        with app.app_context():
            rerun = runs.run_manual("deadlines", day("2026-03-03"), municipality_ids=[board.municipality_id])
            run_ids.append(rerun.id)
            assert (rerun.status, rerun.attempt) == ("succeeded", failed.attempt + 1)
    finally:  # the ledger's rows would count as this database's install date for other tests
        with app.app_context():
            db.session.execute(sa.delete(runs.JobRun).where(runs.JobRun.id.in_(run_ids)))
            db.session.commit()
    after_rerun = snapshot(app, [board.municipality_id])
    _from_scratch(app, board)
    board.deadlines("2026-03-03")
    assert snapshot(app, [board.municipality_id]) == after_rerun
    assert {f.kind for f in board.open()} == KINDS


def test_the_kinds_that_took_longest_last_time_start_first(app, board, env, town, make_person, monkeypatch):
    every_kind(env, town, make_person)
    board.deadlines("2026-03-03")
    here = FlagEvaluation.municipality_id == board.municipality_id
    with app.app_context():
        db.session.execute(sa.update(FlagEvaluation).where(here).values(duration_ms=5))
        for kind, duration_ms in (("plan_evaluation_due", 900), ("appeal_pending", 300)):
            db.session.execute(sa.update(FlagEvaluation).where(here, FlagEvaluation.kind == kind)
                               .values(duration_ms=duration_ms))
        db.session.execute(sa.delete(FlagEvaluation).where(here, FlagEvaluation.kind == "decision_untimed"))
        db.session.commit()
    order: list[str] = []
    real = flag_module.settle_kind
    monkeypatch.setattr(flag_module, "settle_kind",
                        lambda kind, scope, **options: order.append(kind.kind) or real(kind, scope, **options))
    board.deadlines("2026-03-04")  # another day: every kind evaluated again
    assert order[:3] == ["decision_untimed", "plan_evaluation_due", "appeal_pending"], \
        "never evaluated first (size unknown), then the longest"
    assert sorted(order) == sorted(KINDS)
    with app.app_context(), tenant_scope(board.municipality_id):
        durations = db.session.scalars(sa.select(FlagEvaluation.duration_ms).where(
            FlagEvaluation.municipality_id == board.municipality_id)).all()
    assert len(durations) == len(KINDS) and all(d is not None and d >= 0 for d in durations)


# --- the helper itself ----------------------------------------------------------------------------

def test_a_session_bound_to_one_connection_runs_every_piece_in_the_callers_transaction(app, db_connection):
    threads: list[str] = []

    def piece(n):
        def run():
            threads.append(threading.current_thread().name)
            return n * n
        return run

    with app.app_context():
        assert not lanes_module.can_fan_out()
        assert lanes_module.run_in_lanes([piece(n) for n in range(5)], lanes=4) == [0, 1, 4, 9, 16]
    assert set(threads) == {threading.current_thread().name}


@pytest.mark.committed
def test_on_lanes_results_come_in_order_and_the_first_error_is_raised(app, postgres_only):
    started = threading.Barrier(2, timeout=10)

    def meet(n):
        def run():
            started.wait()  # both lanes at once, or this times out
            return db.session.connection().exec_driver_sql("SELECT %(n)s::int * 10", {"n": n}).scalar()
        return run

    def fails():
        raise ValueError("piece failed")

    with app.app_context():
        assert lanes_module.can_fan_out()
        assert lanes_module.run_in_lanes([meet(1), meet(2)], lanes=2) == [10, 20]
        with pytest.raises(ValueError, match="piece failed"):
            lanes_module.run_in_lanes([fails, lambda: 1, lambda: 2], lanes=2)
