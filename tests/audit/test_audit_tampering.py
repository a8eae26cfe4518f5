"""The two ways around the chain found from outside (issue 12), and that they are now closed.

(i) Delete the newest row, then roll the chain head back with one plain UPDATE: the head's
trigger refuses it; someone who gets past every trigger is caught by a signed checkpoint.
(ii) Edit a row and recompute every later hash and the head: with plain SHA-256 (the key id
dropped or kept) or with a wrong key, ``audit verify`` names the row.

The intruder's steps run inside the test's rolled-back transaction, as in
test_audit_verify.py; getting past the triggers is what database access allows
(PostgreSQL: ``session_replication_role = replica`` for the events, and DDL for the heads,
whose triggers fire ALWAYS; SQLite: drop the triggers, tamper, put them back).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import uuid

import pytest
import sqlalchemy as sa

from service.audit import keys as audit_keys
from service.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent
from service.audit.services import UNKEYED_TAIL, event_hash
from service.auth.services import get_municipality_by_number
from tests.audit.conftest import PERSONS, events_of, triggers_bypassed, verify

HEADS = AuditChainHead.__table__
EVENTS = AuditEvent.__table__
COLUMNS = [c.key for c in EVENTS.columns]


@contextlib.contextmanager
def every_guard_bypassed(connection, dialect):
    """Past the append-only triggers of the events and the forward-only triggers of the heads."""
    with triggers_bypassed(connection, dialect):
        if dialect == "postgresql":
            connection.execute(sa.text("ALTER TABLE audit_chain_heads DISABLE TRIGGER audit_chain_heads_forward_only"))
            yield
            connection.execute(sa.text(
                "ALTER TABLE audit_chain_heads ENABLE ALWAYS TRIGGER audit_chain_heads_forward_only"))
        else:
            triggers = connection.execute(sa.text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_chain_heads'")).all()
            assert len(triggers) == 2, "the chain-head triggers are missing"
            for name, _ in triggers:
                connection.execute(sa.text(f'DROP TRIGGER "{name}"'))
            yield
            for _, sql in triggers:
                connection.execute(sa.text(sql))


def move_head(connection, municipality_id, seq, head_hash):
    connection.execute(sa.update(HEADS).where(HEADS.c.municipality_id == municipality_id)
                       .values(seq=seq, hash=head_hash))


def head_of(connection, municipality_id):
    return connection.execute(sa.select(HEADS.c.seq, HEADS.c.hash)
                              .where(HEADS.c.municipality_id == municipality_id)).one()


def recompute_from(events, start, *, key_id, secret, **edit):
    """Rows ``start`` … newest as an intruder rewrites them: the first one edited, every hash recomputed."""
    prev_hash, forged = events[start].prev_hash, []
    for index, original in enumerate(events[start:]):
        row = {column: getattr(original, column) for column in COLUMNS}
        if index == 0:
            row.update(edit)
        copy = AuditEvent(**row)
        copy.prev_hash, copy.key_id = prev_hash, key_id
        copy.hash = prev_hash = event_hash(copy, secret)
        forged.append(copy)
    return forged


def write_rows(connection, forged):
    for event in forged:
        connection.execute(sa.update(EVENTS).where(EVENTS.c.id == event.id).values(
            actor_id=event.actor_id, detail=event.detail, prev_hash=event.prev_hash, hash=event.hash,
            key_id=event.key_id))


@pytest.fixture
def trail(app, case_officer, make_person, town):
    people = [make_person(name=f"Person {i}") for i in range(4)]
    for person in people:
        case_officer.get(f"{PERSONS}/{person['id']}")
    events = events_of(app, town)
    assert len(events) >= 8
    return events


@pytest.fixture
def town_id(app, town):
    with app.app_context():
        return get_municipality_by_number(town).id


# --- (i) rolling the head back -------------------------------------------------------

def test_rolling_the_head_back_after_deleting_the_newest_row_is_refused(app, trail, town, town_id, db_connection,
                                                                        dialect):
    newest, before = trail[-1], trail[-2]
    with triggers_bypassed(db_connection, dialect):  # the events' own guard is past; the head's is not
        db_connection.execute(sa.delete(EVENTS).where(EVENTS.c.id == newest.id))
        with pytest.raises(sa.exc.DBAPIError, match="only moves forward"):
            with db_connection.begin_nested():
                move_head(db_connection, town_id, before.seq, before.hash)
    assert head_of(db_connection, town_id) == (newest.seq, newest.hash)
    result = verify(app, "--municipality", town)
    assert result.exit_code == 1 and "newest row(s) deleted" in result.output


@pytest.mark.parametrize("change", [
    {"seq": 0, "hash": GENESIS_HASH},  # back to the start
    {"hash": "f" * 64},                # same seq, another hash
])
def test_a_head_never_moves_back_nor_is_deleted(trail, town_id, db_connection, change):
    seq, head_hash = head_of(db_connection, town_id)
    with pytest.raises(sa.exc.DBAPIError, match="only moves forward"):
        with db_connection.begin_nested():
            move_head(db_connection, town_id, change.get("seq", seq), change["hash"])
    with pytest.raises(sa.exc.DBAPIError, match="only moves forward"):
        with db_connection.begin_nested():
            db_connection.execute(sa.delete(HEADS).where(HEADS.c.municipality_id == town_id))
    assert head_of(db_connection, town_id) == (seq, head_hash)


def test_postgresql_head_triggers_fire_even_for_a_replica_session_and_refuse_truncate(trail, town_id,
                                                                                      db_connection, dialect):
    if dialect != "postgresql":
        pytest.skip("PostgreSQL only: session_replication_role and TRUNCATE triggers do not exist on SQLite "
                    "(its head triggers are tested above)")
    before = trail[-2]
    with pytest.raises(sa.exc.DBAPIError, match="only moves forward"):
        with db_connection.begin_nested():
            db_connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
            move_head(db_connection, town_id, before.seq, before.hash)
    with pytest.raises(sa.exc.DBAPIError, match="only moves forward"):
        with db_connection.begin_nested():
            db_connection.execute(sa.text("TRUNCATE audit_chain_heads CASCADE"))


def test_past_every_trigger_a_rolled_back_head_is_caught_by_the_signed_checkpoint(
        app, trail, town, town_id, db_connection, dialect, case_officer, tmp_path):
    checkpoints = tmp_path / "audit-checkpoints.jsonl"
    written = app.test_cli_runner().invoke(args=["audit", "checkpoint", "--file", str(checkpoints)])
    assert written.exit_code == 0, written.output
    lines = [json.loads(text) for text in checkpoints.read_text().splitlines()]
    assert (town, trail[-1].seq, trail[-1].hash) in [(c["municipality"], c["seq"], c["hash"]) for c in lines]

    keep = trail[:-3]  # the intruder removes the three newest rows, then moves the head back
    with every_guard_bypassed(db_connection, dialect):
        db_connection.execute(sa.delete(EVENTS).where(EVENTS.c.id.in_([e.id for e in trail[-3:]])))
        move_head(db_connection, town_id, keep[-1].seq, keep[-1].hash)

    unaided = verify(app, "--municipality", town)
    assert unaided.exit_code == 0, "without the checkpoint this attack passes: the test shows what it adds"
    result = verify(app, "--municipality", town, "--checkpoints", str(checkpoints))
    assert result.exit_code == 1
    assert f"checkpoint {checkpoints} line " in result.output
    assert f"the chain ends at seq {keep[-1].seq}, before this checkpoint's seq {trail[-1].seq}" in result.output


def test_a_checkpoint_is_only_written_over_an_intact_chain_and_a_forged_one_is_named(
        app, trail, town, db_connection, dialect, tmp_path):
    checkpoints = tmp_path / "audit-checkpoints.jsonl"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["audit", "checkpoint", "--file", str(checkpoints)]).exit_code == 0
    assert verify(app, "--checkpoints", str(checkpoints)).exit_code == 0
    # Nothing new: nothing appended.
    lines = checkpoints.read_text().splitlines()
    assert runner.invoke(args=["audit", "checkpoint", "--file", str(checkpoints)]).exit_code == 0
    assert checkpoints.read_text().splitlines() == lines

    # Someone moves a checkpoint back to match a shortened chain: its signature no longer holds.
    mine = next(n for n, text in enumerate(lines) if json.loads(text)["municipality"] == town)
    forged = json.loads(lines[mine])
    forged["seq"] -= 1
    checkpoints.write_text("\n".join([*lines[:mine], json.dumps(forged), *lines[mine + 1:]]) + "\n")
    result = verify(app, "--checkpoints", str(checkpoints))
    assert result.exit_code == 1
    assert f"checkpoint {checkpoints} line {mine + 1}: its signature does not verify" in result.output

    # A rewritten chain gets no checkpoint (it would bless the rewrite). The command checks each
    # chain from its newest checkpoint on (rows before it are pinned by it; verify checks them all).
    with triggers_bypassed(db_connection, dialect):
        db_connection.execute(sa.update(EVENTS).where(EVENTS.c.id == trail[1].id).values(detail="forged"))
    other = tmp_path / "other-checkpoints.jsonl"
    refused = runner.invoke(args=["audit", "checkpoint", "--file", str(other)])
    assert refused.exit_code == 1
    assert f"no checkpoint written: municipality {town}: row seq={trail[1].seq}" in refused.output
    assert not other.exists()


def test_a_line_that_is_not_a_checkpoint_is_named(app, trail, tmp_path):
    checkpoints = tmp_path / "audit-checkpoints.jsonl"
    checkpoints.write_text('{"municipality": "1000"}\n')
    result = verify(app, "--checkpoints", str(checkpoints))
    assert result.exit_code == 1 and f"checkpoint {checkpoints} line 1: not a checkpoint line" in result.output


def test_checkpoint_needs_a_file(app):
    result = app.test_cli_runner().invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 2 and "AUDIT_CHECKPOINT_FILE" in result.output


# --- (ii) rewriting rows and every later hash ----------------------------------------

@pytest.mark.parametrize("how, reason", [
    # Plain SHA-256 as before keys, key id dropped: unkeyed rows after keyed ones.
    (dict(key_id=None, secret=None), "no key, after keyed rows: rewritten with plain SHA-256"),
    # Plain SHA-256 under the key id it had: the HMAC does not match.
    (dict(key_id="test", secret=None), "content does not match its hash"),
    # HMAC with a key that is not the configured one.
    (dict(key_id="test", secret=b"a-guessed-key-that-is-not-the-configured-one"), "content does not match its hash"),
    # HMAC with a key of its own, under a new key id.
    (dict(key_id="intruder", secret=b"the-intruders-own-key-0123456789abcdef"),
     "signed with key 'intruder', which the configuration does not hold"),
])
def test_a_row_rewritten_with_every_later_hash_and_the_head_is_named(how, reason, app, trail, town, town_id,
                                                                     db_connection, dialect):
    victim = 3
    if how["key_id"] == "test" and how["secret"] is None:
        forged = recompute_from(trail, victim, key_id=None, secret=None, detail="nothing to see")
        for event in forged:  # the SHA-256 digests, stored under the row's key id
            event.key_id = "test"
    else:
        forged = recompute_from(trail, victim, detail="nothing to see", **how)
    with every_guard_bypassed(db_connection, dialect):
        write_rows(db_connection, forged)
        move_head(db_connection, town_id, forged[-1].seq, forged[-1].hash)

    result = verify(app, "--municipality", town)
    assert result.exit_code == 1
    assert f"row seq={trail[victim].seq} id={trail[victim].id}: {reason}" in result.output


def test_the_whole_chain_rewritten_with_plain_sha256_is_named_at_its_newest_row(app, trail, town, town_id,
                                                                                  db_connection, dialect):
    forged = recompute_from(trail, 0, key_id=None, secret=None, detail="nothing to see")
    assert forged[0].prev_hash == GENESIS_HASH
    with every_guard_bypassed(db_connection, dialect):
        write_rows(db_connection, forged)
        move_head(db_connection, town_id, forged[-1].seq, forged[-1].hash)
    result = verify(app, "--municipality", town)
    assert result.exit_code == 1
    assert f"row seq={trail[-1].seq} id={trail[-1].id}: {UNKEYED_TAIL}" in result.output


# --- keys rotate; the rows from before keys are sealed ---------------------------------

def test_keys_rotate_and_rows_signed_with_a_retired_key_verify_while_it_is_configured(
        app, trail, town, case_officer, make_person, monkeypatch):
    old = app.extensions[audit_keys.EXTENSION]
    rotated = dataclasses.replace(old, signing_id="next", secrets={**old.secrets, "next": b"n" * 40})
    monkeypatch.setitem(app.extensions, audit_keys.EXTENSION, rotated)
    make_person(name="After rotation")
    events = events_of(app, town)
    assert {e.key_id for e in events} == {"test", "next"}
    assert [e.key_id for e in events][-1] == "next"
    assert verify(app, "--municipality", town).exit_code == 0

    retired = dataclasses.replace(rotated, secrets={"next": b"n" * 40})
    monkeypatch.setitem(app.extensions, audit_keys.EXTENSION, retired)
    result = verify(app, "--municipality", town)
    assert result.exit_code == 1
    assert f"row seq=1 id={events[0].id}: signed with key 'test', which the configuration does not hold" \
        in result.output


def legacy_rows(connection, municipality_id, count):
    """Events as the code before keys wrote them: key id NULL, plain SHA-256."""
    from service.common.clock import now

    prev_hash, rows = GENESIS_HASH, []
    for seq in range(1, count + 1):
        event = AuditEvent(id=uuid.uuid4(), municipality_id=municipality_id, seq=seq, at=now(),
                           actor_id=None, role="system", action="read", object_type="person", object_id=None,
                           person_id=None, request_id=None, outcome="ok", detail=f"before keys {seq}",
                           prev_hash=prev_hash, key_id=None)
        event.hash = prev_hash = event_hash(event)
        rows.append({column: getattr(event, column) for column in COLUMNS})
    connection.execute(sa.insert(EVENTS), rows)
    move_head(connection, municipality_id, count, prev_hash)
    return rows


def test_rows_from_before_keys_are_sealed_by_the_first_keyed_row(app, env, db_connection, dialect):
    town = env.municipality()
    with app.app_context():
        municipality_id = get_municipality_by_number(town).id
    legacy = legacy_rows(db_connection, municipality_id, 3)

    unsealed = verify(app, "--municipality", town)
    assert unsealed.exit_code == 1
    assert f"row seq=3 id={legacy[-1]['id']}: {UNKEYED_TAIL}" in unsealed.output
    sealed = app.test_cli_runner().invoke(args=["audit", "seal"])
    assert sealed.exit_code == 0 and town in sealed.output, sealed.output
    events = events_of(app, town)
    assert [e.key_id for e in events] == [None, None, None, "test"]
    assert events[-1].prev_hash == legacy[-1]["hash"] and events[-1].role == "system"
    assert verify(app, "--municipality", town).exit_code == 0

    # The unkeyed rows are still plain SHA-256, so they can be recomputed without a key, but
    # then the keyed row after them no longer links.
    forged = recompute_from(events, 1, key_id=None, secret=None, detail="forged")[:2]
    with triggers_bypassed(db_connection, dialect):
        write_rows(db_connection, forged)
    result = verify(app, "--municipality", town)
    assert result.exit_code == 1
    assert f"row seq=4 id={events[-1].id}: prev_hash does not link" in result.output
