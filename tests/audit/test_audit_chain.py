"""The chain is linked at commit: a municipality's requests never wait for each other's work.

``record_many`` keeps a transaction's events on its session; the ``before_commit`` hook
flushes everything else, then locks the head, writes the events and moves the head, so the
lock is held for those statements and the commit only (service/audit/chain.py). Events
still leave with their transaction: a savepoint that rolls back takes its events along.
The interleaving tests need two transactions open at once, which SQLite (every transaction
BEGIN IMMEDIATE) cannot have: they run on PostgreSQL only.
"""

from __future__ import annotations

import threading
import uuid

import pytest
import sqlalchemy as sa

from service.audit.chain import pending_events
from service.audit.models import AuditChainHead, AuditEvent
from service.audit.services import record, record_many, verify_chains
from service.auth.services import get_municipality_by_number
from service.common.tenancy import tenant_scope
from service.extensions import db
from tests.audit.conftest import PERSONS, events_of

POSTGRES_ONLY = ("PostgreSQL only: two transactions open at once cannot be had on SQLite, where every "
                 "transaction is BEGIN IMMEDIATE and the second waits for the first (so SQLite needs no test "
                 "of the interleaving either)")


def stored(number: str) -> list[tuple[int, str | None]]:
    """(seq, detail) of the municipality's events as the database holds them."""
    municipality_id = get_municipality_by_number(number).id
    return [tuple(row) for row in db.session.execute(
        sa.select(AuditEvent.seq, AuditEvent.detail).where(AuditEvent.municipality_id == municipality_id)
        .order_by(AuditEvent.seq)).all()]


def verified(app, number: str) -> tuple[int, object]:
    with app.app_context():
        return verify_chains(number)


def head(number: str) -> tuple[int, str]:
    municipality_id = get_municipality_by_number(number).id
    row = db.session.execute(sa.select(AuditChainHead.seq, AuditChainHead.hash)
                             .where(AuditChainHead.municipality_id == municipality_id)).one()
    return tuple(row)


def test_events_reach_the_database_only_at_commit_in_order_and_chained(app, env, db_connection):
    town = env.municipality()
    with app.app_context():
        start = len(stored(town))
        with tenant_scope(get_municipality_by_number(town).id):  # a job or CLI command: no request
            first = record("read", "person", detail="one")
            db.session.flush()
            record_many("read", "person", [(None, None), (None, None)], detail="two")
            db.session.flush()
            assert len(stored(town)) == start, "nothing is written before the commit"
            assert first.seq is None and first.hash is None
            assert [e.detail for e in pending_events(db.session())] == ["one", "two", "two"]
        db.session.commit()  # after leaving the municipality's scope: the events carry their own
        assert stored(town)[start:] == [(start + 1, "one"), (start + 2, "two"), (start + 3, "two")]
        assert (first.seq, first.key_id) == (start + 1, "test") and len(first.hash) == 64
        assert head(town)[0] == start + 3
        assert pending_events(db.session()) == []
    assert verified(app, town) == (start + 3, None)


def test_the_hash_made_at_commit_is_the_one_verify_recomputes(app, env, db_connection):
    """The commit hook prepares each event's JSON when it is recorded; the bytes must be event_hash's."""
    from service.audit.chain import event_hash
    from tests.audit.conftest import TEST_KEY, events_of

    town = env.municipality()
    details = ["Ærlig «sitat» \u2028 \"quoted\" \\ slash", None, "x" * 200]
    with app.app_context():
        with tenant_scope(get_municipality_by_number(town).id):
            for detail in details:
                record("read", "person", object_id=uuid.uuid4() if detail else None,
                       person_id=uuid.uuid4() if detail else None, detail=detail)
        db.session.commit()
    events = events_of(app, town)[-3:]
    assert [e.detail for e in events] == details
    assert all(e.hash == event_hash(e, TEST_KEY) for e in events)


def test_a_savepoint_that_rolls_back_takes_its_events_and_a_released_one_keeps_them(app, env, db_connection):
    town = env.municipality()
    with app.app_context():
        start = len(stored(town))
        with tenant_scope(get_municipality_by_number(town).id):
            record("read", "person", detail="kept")
            with pytest.raises(RuntimeError):
                with db.session.begin_nested():
                    record("read", "person", detail="rolled back")
                    with db.session.begin_nested():
                        record("read", "person", detail="rolled back, inner")
                    raise RuntimeError("the savepoint fails")
            with db.session.begin_nested():
                record("read", "person", detail="released")
            record("read", "person", detail="after")
        db.session.commit()
        assert [detail for _, detail in stored(town)[start:]] == ["kept", "released", "after"]
        assert [seq for seq, _ in stored(town)[start:]] == [start + 1, start + 2, start + 3]

        with tenant_scope(get_municipality_by_number(town).id):
            record("read", "person", detail="rolled back with the transaction")
        db.session.rollback()
        db.session.commit()
        assert len(stored(town)) == start + 3
    assert verified(app, town)[1] is None


def test_events_of_two_municipalities_in_one_transaction_go_to_their_own_chains(app, env, db_connection):
    north, south = env.municipality(), env.municipality()
    with app.app_context():
        before = {town: len(stored(town)) for town in (north, south)}
        for town in (north, south, north):
            with tenant_scope(get_municipality_by_number(town).id):
                record("read", "person", detail=f"in {town}")
        db.session.commit()
        assert stored(north)[before[north]:] == [(before[north] + 1, f"in {north}"),
                                                 (before[north] + 2, f"in {north}")]
        assert stored(south)[before[south]:] == [(before[south] + 1, f"in {south}")]
    for town in (north, south):
        assert verified(app, town)[1] is None


def statements_of(db_connection, request) -> list[str]:
    statements: list[str] = []

    def keep(conn, cursor, statement, *args):
        statements.append(" ".join(statement.split()))

    sa.event.listen(db_connection, "before_cursor_execute", keep)
    try:
        response = request()
    finally:
        sa.event.remove(db_connection, "before_cursor_execute", keep)
    assert response.status_code == 200, response.get_json()
    return statements


def after_the_head_lock(statements: list[str]) -> tuple[list[str], list[str]]:
    """The statements before the chain head's SELECT, and the kinds of those after it."""
    lock = next(i for i, s in enumerate(statements) if s.startswith("SELECT") and "FROM audit_chain_heads" in s)
    return statements[:lock], [s.split(" (")[0].split(" SET")[0] for s in statements[lock + 1:]]


@pytest.mark.parametrize("kind", ["read", "write"])
def test_a_request_locks_the_head_last_and_only_for_the_events_and_the_commit(
        kind, case_officer, new_referral, person, db_connection):
    """The overview records the person's read first, then reads every section; a PATCH writes the row:
    all of that comes before the head's SELECT, after it only the events, the head and the commit."""
    if kind == "read":
        new_referral()
        statements = statements_of(db_connection, lambda: case_officer.get(f"{PERSONS}/{person['id']}/overview"))
        before, after = after_the_head_lock(statements)
        assert any("FROM referrals" in s for s in before)
    else:
        statements = statements_of(db_connection, lambda: case_officer.patch(
            f"{PERSONS}/{person['id']}", json={"district": "Helle"}, headers={"If-Match": '"v1"'}))
        before, after = after_the_head_lock(statements)
        assert any(s.startswith("UPDATE persons") for s in before)
    assert after[:2] == ["INSERT INTO audit_events", "UPDATE audit_chain_heads"]
    assert all(s.startswith(("RELEASE SAVEPOINT", "COMMIT")) for s in after[2:]), after


def test_a_refused_request_is_audited_and_chained(env, town, app, problem):
    planner = env.caller("planner", town)
    response = planner.get(PERSONS)
    problem(response, 403)
    newest = events_of(app, town)[-1]
    assert (newest.action, newest.request_id, newest.key_id) == ("denied", response.headers["X-Request-Id"], "test")
    assert verified(app, town)[1] is None


def test_lock_hold_times_are_written_only_when_asked(app, case_officer, make_person, tmp_path, monkeypatch):
    from service.audit import chain

    person = make_person()
    assert chain._TIMING not in app.extensions  # AUDIT_LOCK_TIMING_DIR is unset: nothing is timed
    monkeypatch.setitem(app.extensions, chain._TIMING, chain._LockTimingLog(str(tmp_path / "locks")))
    case_officer.get(f"{PERSONS}/{person['id']}")
    case_officer.get(f"{PERSONS}?page_size=3")
    (log,) = (tmp_path / "locks").iterdir()
    lines = [line.split() for line in log.read_text().splitlines()]
    assert len(lines) == 2
    for at, wait_ms, held_ms, span_ms, _events in lines:
        assert float(at) > 0 and float(wait_ms) >= 0 and float(held_ms) >= 0
        assert float(span_ms) >= float(held_ms)  # first event to commit includes the lock's part
    assert [int(line[4]) for line in lines] == [1, 1]


# --- PostgreSQL: two transactions of one municipality at once ----------------------------

@pytest.fixture
def postgres(dialect):
    if dialect != "postgresql":
        pytest.skip(POSTGRES_ONLY)


@pytest.mark.committed
def test_an_open_transaction_with_events_does_not_hold_back_another(app, committed_env, postgres):
    """A records and flushes but has not committed; B records and commits meanwhile without waiting
    (a lock timeout would fail it); then A commits. Both are chained, B first."""
    town = committed_env.municipality()
    a_recorded, b_done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def transaction_a():
        try:
            with app.app_context():
                with tenant_scope(get_municipality_by_number(town).id):
                    record("read", "person", detail="A1")
                    db.session.execute(sa.text("SELECT 1"))
                    db.session.flush()
                    a_recorded.set()
                    assert b_done.wait(30), "B did not finish while A was open"
                    record("read", "person", detail="A2")
                db.session.commit()
        except BaseException as error:  # noqa: BLE001 (handed to the test thread)
            errors.append(error)
            a_recorded.set()

    thread = threading.Thread(target=transaction_a)
    thread.start()
    try:
        assert a_recorded.wait(30)
        with app.app_context():
            db.session.execute(sa.text("SET LOCAL lock_timeout = '2s'"))
            with tenant_scope(get_municipality_by_number(town).id):
                record("read", "person", detail="B1")
            db.session.commit()
    finally:
        b_done.set()
        thread.join(60)
    assert not errors, errors
    with app.app_context():
        details = [detail for _, detail in stored(town)]
        assert details[-3:] == ["B1", "A1", "A2"]
        assert [seq for seq, _ in stored(town)] == list(range(1, len(details) + 1))
        assert verify_chains(town)[1] is None


@pytest.mark.committed
def test_many_writers_at_once_leave_one_unbroken_chain(app, committed_env, postgres):
    town = committed_env.municipality()
    writers, commits = 8, 15
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(n):
        try:
            with app.app_context():
                municipality_id = get_municipality_by_number(town).id
                barrier.wait()
                for i in range(commits):
                    with tenant_scope(municipality_id):
                        record_many("read", "person", [(uuid.uuid4(), None)] * 2, detail=f"w{n} c{i}")
                    db.session.commit()
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    with app.app_context():
        rows = stored(town)
        mine = [detail for _, detail in rows if (detail or "").startswith("w")]
        assert len(mine) == writers * commits * 2
        assert [seq for seq, _ in rows] == list(range(1, len(rows) + 1))
        assert head(town)[0] == len(rows)
        # Each commit's two events stay together: nothing of another commit falls between them.
        seqs: dict[str, list[int]] = {}
        for seq, detail in rows:
            seqs.setdefault(detail, []).append(seq)
        assert all(len(s) == 2 and s[1] == s[0] + 1 for d, s in seqs.items() if (d or "").startswith("w"))
        assert verify_chains(town)[1] is None
