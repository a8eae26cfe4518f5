"""The deadlines job evaluates a kind again only when its inputs can have changed (service/worklist/changes.py):
another day or setting (the fingerprint), or a write to a table its condition reads (the change log
the database's triggers keep). Every case compares with what a full evaluation gives."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from service.common.contributions import FlagScope
from service.common.tenancy import tenant_scope
from service.decisions.models import Decision
from service.extensions import db
from service.worklist import changes
from service.worklist import flags as flag_module
from service.worklist.models import Flag, FlagEvaluation, FlagSourceChange
from tests.worklist.conftest import Board, day, every_kind
from tests.worklist.test_deadlines_job import KINDS, snapshot

DECISION_KINDS = {"decision_expiring", "decision_evaluation_due", "decision_untimed", "appeal_pending",
                  "unit_decision_changed"}


def _sources(app) -> set[str]:
    with app.app_context():
        scope = FlagScope(on=day("2026-03-03"), municipality_id=None)
        return set().union(*(changes.sources(kind.rows(scope)) for kind in flag_module.kinds().values()))


def test_every_table_a_condition_reads_logs_its_writes(app, db_connection, dialect):
    tables = _sources(app)
    assert tables == {"appeals", "decisions", "housing_needs", "housing_offers", "housing_tenancies",
                      "housing_units", "individual_plans", "referrals"}
    if dialect == "postgresql":
        found = set(db_connection.exec_driver_sql(
            "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = tgrelid::regclass::text || '_flag_source' "
            "AND tgtype & 1 = 0").scalars())  # FOR EACH STATEMENT
        assert found == tables
    else:
        found = set(db_connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_flag_source_%'").scalars())
        assert found == {f"{table}_flag_source_{event}" for table in tables for event in ("insert", "update", "delete")}


def _decision_of(app, board) -> Decision:
    with app.app_context(), tenant_scope(board.municipality_id):
        return db.session.scalar(sa.select(Decision).where(Decision.valid_to.is_(None),
                                                           Decision.decided_on.is_not(None)))


def _full(app, board, on: str) -> list[tuple]:
    """The flags a full evaluation gives from scratch (nothing remembered)."""
    with app.app_context():
        db.session.execute(sa.delete(Flag).where(Flag.municipality_id == board.municipality_id))
        db.session.execute(sa.delete(FlagEvaluation).where(FlagEvaluation.municipality_id == board.municipality_id))
        db.session.commit()
    counts = board.deadlines(on)
    assert counts["unchanged"] == 0
    return snapshot(app, [board.municipality_id])


def test_a_write_between_two_runs_of_a_day_is_evaluated_and_nothing_else(app, board, env, town, make_person):
    every_kind(env, town, make_person)
    board.offers("2026-03-03")
    board.deadlines("2026-03-03")
    untimed = _decision_of(app, board)
    with app.app_context(), tenant_scope(board.municipality_id):  # gives it an end: no longer untimed
        db.session.execute(sa.update(Decision).where(Decision.id == untimed.id).values(valid_to=dt.date(2026, 3, 20)))
        db.session.commit()
    counts = board.deadlines("2026-03-03")
    assert counts["unchanged"] == len(KINDS) - len(DECISION_KINDS)
    assert counts["resolved"] == {"decision_untimed": 1} and counts["raised"] == {"decision_expiring": 1}
    assert board.deadlines("2026-03-03")["unchanged"] == len(KINDS)
    assert _open(snapshot(app, [board.municipality_id])) == _open(_full(app, board, "2026-03-03"))


def _open(flags: list[tuple]) -> list[tuple]:
    """(kind, subject, due_on) of the open flags the deadlines job raises (``offer_expired`` is the offers job's)."""
    return [row[1:4] for row in flags if row[4] == "open" and row[1] != "offer_expired"]


def test_another_day_evaluates_every_kind(board, env, town, make_person):
    every_kind(env, town, make_person)
    board.deadlines("2026-03-03")
    assert board.deadlines("2026-03-03")["unchanged"] == len(KINDS)
    assert board.deadlines("2026-03-04")["unchanged"] == 0
    assert board.deadlines("2026-03-03")["unchanged"] == 0  # a replay of the day before: its own fingerprint


def test_another_setting_evaluates_the_kinds_it_changes(app, board, env, town, make_person, monkeypatch):
    every_kind(env, town, make_person)
    board.deadlines("2026-03-03")
    monkeypatch.setitem(app.config, "DECISION_EXPIRING_WINDOW_DAYS", 90)
    counts = board.deadlines("2026-03-03")
    # the window is in every condition built on a decision's state (not the appeals': received + 4 weeks)
    assert counts["unchanged"] == len(KINDS) - len(DECISION_KINDS - {"appeal_pending"})


def test_a_write_outside_any_municipality_counts_for_every_one(app, board, env, town, make_person, db_connection):
    every_kind(env, town, make_person)
    elsewhere = Board(app, env.municipality(), None)
    board.deadlines("2026-03-03")
    elsewhere.deadlines("2026-03-03")
    with app.app_context():  # a write the database cannot place (PostgreSQL: no scope; SQLite: the row's)
        db.session.execute(sa.insert(FlagSourceChange).values(municipality_id=None, source="referrals"))
        db.session.commit()
    assert board.deadlines("2026-03-03")["unchanged"] == len(KINDS) - 2  # the two referral kinds
    assert board.deadlines("2026-03-03")["unchanged"] == len(KINDS)
    assert elsewhere.deadlines("2026-03-03")["unchanged"] == len(KINDS) - 2  # its copy
    assert elsewhere.deadlines("2026-03-03")["unchanged"] == len(KINDS)


def test_a_write_logged_after_the_run_read_the_log_is_left_for_the_next_run(app, board, env, town, make_person,
                                                                           monkeypatch):
    every_kind(env, town, make_person)
    board.deadlines("2026-03-03")
    real_pending = changes.pending

    def then_a_write(municipality_id):  # as if a transaction committed right after the job read the log
        read = real_pending(municipality_id)
        db.session.execute(sa.insert(FlagSourceChange).values(municipality_id=municipality_id, source="decisions"))
        return read

    monkeypatch.setattr(changes, "pending", then_a_write)
    assert board.deadlines("2026-03-03")["unchanged"] == len(KINDS)
    monkeypatch.setattr(changes, "pending", real_pending)
    assert board.deadlines("2026-03-03")["unchanged"] == len(KINDS) - len(DECISION_KINDS)


def test_the_database_logs_writes_by_the_application_and_by_hand(app, board, env, town, make_person, db_connection,
                                                                  dialect):
    every_kind(env, town, make_person)
    board.deadlines("2026-03-03")  # consumes what building the town wrote
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(FlagSourceChange).where(
            FlagSourceChange.municipality_id == board.municipality_id)) == 0
    before = db_connection.execute(sa.select(sa.func.coalesce(sa.func.max(FlagSourceChange.id), 0))).scalar_one()
    db_connection.exec_driver_sql("UPDATE individual_plans SET next_evaluation_on = next_evaluation_on")
    logged = db_connection.execute(sa.select(FlagSourceChange.municipality_id, FlagSourceChange.source)
                                   .where(FlagSourceChange.id > before)).all()
    assert {source for _, source in logged} == {"individual_plans"}
    if dialect == "postgresql":  # one row per statement, about no municipality (no scope was set)
        assert [municipality for municipality, _ in logged] == [None]
    else:  # one row per row, in its municipality: the town's plans among every town's
        assert board.municipality_id in {municipality for municipality, _ in logged}
    counts = board.deadlines("2026-03-03")
    assert counts["unchanged"] == len(KINDS) - 2  # the two plan kinds
