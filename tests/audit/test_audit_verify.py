"""``flask audit verify`` finds an edited or deleted audit row and names the first broken one.

To tamper, the tests do what an intruder with database access would have to do:
get past the append-only trigger (PostgreSQL: ``session_replication_role =
replica``; SQLite: drop the trigger, change the row, put the trigger back). All
of it happens inside the test's rolled-back transaction; the CLI command runs in
the same transaction because the test session is bound to that connection.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.audit.services import event_hash
from tests.audit.conftest import PERSONS, TEST_KEY, events_of, triggers_bypassed, verify


@pytest.fixture
def trail(app, case_officer, make_person, town):
    """A small, real trail in ``town``: creates, reads, an update."""
    people = [make_person(name=f"Person {i}") for i in range(3)]
    case_officer.get(f"{PERSONS}/{people[0]['id']}")
    case_officer.get(PERSONS)
    case_officer.patch(f"{PERSONS}/{people[1]['id']}", json={"district": "Helle"}, headers={"If-Match": '"v1"'})
    events = events_of(app, town)
    assert len(events) >= 8
    return events


def test_an_intact_chain_verifies(app, trail, town):
    result = verify(app, "--municipality", town)
    assert result.exit_code == 0, result.output
    assert f"ok: {len(trail)} audit row(s) verified" in result.output
    everything = verify(app)
    assert everything.exit_code == 0, everything.output


def test_an_edited_row_breaks_verify_and_is_named(app, trail, town, db_connection, dialect):
    victim = trail[3]
    with triggers_bypassed(db_connection, dialect):
        db_connection.execute(sa.update(AuditEvent).where(AuditEvent.id == victim.id)
                              .values(detail="nothing to see"))
    result = verify(app, "--municipality", town)
    assert result.exit_code == 1
    assert f"seq={victim.seq} id={victim.id}" in result.output
    assert "row edited" in result.output
    assert f"municipality {town}" in result.output
    assert verify(app).exit_code == 1


def test_an_edited_row_with_a_recomputed_hash_is_caught_at_the_next_row(app, trail, town, db_connection, dialect):
    """Even someone holding the key, who rehashes only the row they edit, breaks the next link."""
    victim, following = trail[2], trail[3]
    victim.actor_id = None
    forged = event_hash(victim, TEST_KEY)
    with triggers_bypassed(db_connection, dialect):
        db_connection.execute(sa.update(AuditEvent).where(AuditEvent.id == victim.id)
                              .values(actor_id=None, hash=forged))
    result = verify(app, "--municipality", town)
    assert result.exit_code == 1
    assert f"seq={following.seq} id={following.id}" in result.output
    assert "prev_hash does not link" in result.output


def test_a_deleted_row_in_the_middle_is_named(app, trail, town, db_connection, dialect):
    victim, following = trail[4], trail[5]
    with triggers_bypassed(db_connection, dialect):
        db_connection.execute(sa.delete(AuditEvent).where(AuditEvent.id == victim.id))
    result = verify(app, "--municipality", town)
    assert result.exit_code == 1
    assert f"seq={following.seq} id={following.id}" in result.output
    assert f"expected seq {victim.seq}" in result.output


def test_deleting_the_newest_row_breaks_verify(app, trail, town, db_connection, dialect):
    newest = trail[-1]
    with triggers_bypassed(db_connection, dialect):
        db_connection.execute(sa.delete(AuditEvent).where(AuditEvent.id == newest.id))
    result = verify(app, "--municipality", town)
    assert result.exit_code == 1
    assert "chain head" in result.output and "newest row(s) deleted" in result.output
    assert re.search(rf"BROKEN after {len(trail) - 1} row\(s\)", result.output)


def test_the_triggers_are_back_after_tampering(app, trail, db_connection, dialect):
    with triggers_bypassed(db_connection, dialect):
        pass
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        with db_connection.begin_nested():
            db_connection.execute(sa.delete(AuditEvent).where(AuditEvent.id == trail[0].id))
