"""The deadlines job over a town with a flag of every kind: every kind raised, a second run of
the day changes nothing, a crash halfway and a rerun give what one clean run gives."""

from __future__ import annotations

import sqlalchemy as sa

from service.common.tenancy import tenant_scope
from service.extensions import db
from service.jobs import registry, runs, tasks
from service.worklist import flags as flag_module
from service.worklist.models import Flag, FlagEvaluation
from tests.helpers import at
from tests.worklist.conftest import Board, day, every_kind

KINDS = {"referral_reply_due", "referral_overdue", "decision_expiring", "decision_evaluation_due", "decision_untimed",
         "appeal_pending", "plan_evaluation_due", "plan_coordinator_missing", "tenancy_limit_approaching",
         "offer_expired", "unit_inspection_due", "need_class_mismatch", "unit_decision_changed"}


def snapshot(app, municipality_ids) -> list[tuple]:
    """Every flag of the municipalities as it stands, without its random id."""
    with app.app_context():
        return sorted(db.session.execute(sa.select(
            Flag.municipality_id, Flag.kind, Flag.subject_id, Flag.due_on, Flag.status, Flag.raised_on,
            Flag.resolved_on, Flag.assigned_to, Flag.cause, Flag.version).where(
            Flag.municipality_id.in_(municipality_ids))).all())


def test_every_kind_is_raised_once(board, env, town, make_person):
    every_kind(env, town, make_person)
    offers = board.offers("2026-03-03")
    assert offers["expired"] == 1 and offers["raised"] == {"offer_expired": 1}
    counts = board.deadlines("2026-03-03")
    assert set(counts["raised"]) == KINDS - {"offer_expired"}
    assert {f.kind for f in board.open()} == KINDS


def test_a_second_run_of_the_same_day_changes_nothing(app, board, env, town, make_person):
    every_kind(env, town, make_person)
    board.offers("2026-03-03")
    board.deadlines("2026-03-03")
    before = snapshot(app, [board.municipality_id])
    assert board.deadlines("2026-03-03") == {"raised": {}, "resolved": {}, "rerouted": 0, "unchanged": len(KINDS)}
    assert board.offers("2026-03-03") == {"expired": 0, "raised": {}, "resolved": {}}
    assert snapshot(app, [board.municipality_id]) == before


def test_a_crash_halfway_then_a_rerun_gives_what_one_clean_run_gives(app, env, town, make_person, frozen_clock,
                                                                      monkeypatch, db_connection):
    other = env.municipality()
    boards = [Board(app, number, frozen_clock) for number in (town, other)]
    for number in (town, other):
        every_kind(env, number, make_person)
    ids = [b.municipality_id for b in boards]
    spec = registry.JobSpec("deadlines-crash-test", "test", registry._day, registry._day_of,
                            lambda as_of, only=None: tasks.run_deadlines(as_of, ids))
    monkeypatch.setitem(app.config, "JOBS_SCHEDULE", {**app.config["JOBS_SCHEDULE"], spec.name: {"hour": 6}})
    monkeypatch.setitem(app.config, "JOBS_CATCH_UP_FROM", "2026-03-03")
    frozen_clock.set(at("2026-03-03"))

    real_raise, calls = flag_module.raise_kind, []

    def crashing(kind, scope, subject_ids=None, rows=None):
        calls.append(kind.kind)
        if scope.municipality_id == ids[-1] and len(calls) > 16:  # the second municipality, five kinds in
            raise RuntimeError("injected crash")
        return real_raise(kind, scope, subject_ids, rows)

    monkeypatch.setattr(flag_module, "raise_kind", crashing)
    with app.app_context():
        assert runs.run_due(spec.name, fired=True, spec=spec) == []
        run = db.session.scalar(sa.select(runs.JobRun).where(runs.JobRun.job == spec.name))
        assert (run.status, run.attempt) == ("failed", 1) and "injected crash" in run.error
    first, second = (snapshot(app, [i]) for i in ids)
    assert first and second == [], "the first municipality committed, the second rolled back"

    monkeypatch.setattr(flag_module, "raise_kind", real_raise)
    with app.app_context():
        retried = runs.run_due(spec.name, fired=True, spec=spec)
        assert [(r.status, r.attempt) for r in retried] == [("succeeded", 2)]
    after_rerun = snapshot(app, ids)

    with app.app_context():  # the same day from scratch: one clean run (nothing remembered either)
        db.session.execute(sa.delete(Flag).where(Flag.municipality_id.in_(ids)))
        db.session.execute(sa.delete(FlagEvaluation).where(FlagEvaluation.municipality_id.in_(ids)))
        db.session.commit()
        tasks.run_deadlines(day("2026-03-03"), ids)
    assert snapshot(app, ids) == after_rerun


def test_a_replay_of_an_earlier_day_leaves_later_flags_alone(board, env, town, make_person):
    every_kind(env, town, make_person)
    board.deadlines("2026-03-03")
    opened = {(f.kind, f.subject_id) for f in board.open()}
    # 01.03: the reply was not due within a week yet, but the flag raised on 03.03 is not judged by 01.03
    assert board.deadlines("2026-03-01")["resolved"] == {}
    assert {(f.kind, f.subject_id) for f in board.open()} == opened


def test_the_job_runs_each_municipality_in_its_own_scope(app, board, env, town, make_person):
    every_kind(env, town, make_person)
    elsewhere = Board(app, env.municipality(), None)
    with app.app_context():
        result = tasks.run_deadlines(day("2026-03-03"), [board.municipality_id, elsewhere.municipality_id])
        with tenant_scope(board.municipality_id):
            mine = db.session.scalar(sa.select(sa.func.count()).select_from(Flag))
    assert set(result) == {town, elsewhere.town} and result[elsewhere.town]["raised"] == {}
    assert mine == sum(result[town]["raised"].values()) and elsewhere.flags() == []
