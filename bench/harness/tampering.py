"""After the load: the two ways around the audit chain that were once found from outside, tried
again on the scratch database, each followed by ``flask audit verify``.

A passing ``audit verify`` after a load run says the chain held; it says nothing about whether
verify would notice if it had not. So the run ends by attacking its own chain the way someone
with the database owner's access would (docs/security.md, "The audit trail cannot be quietly
rewritten"), in the order that makes each defence visible on its own:

(i)  delete the municipality's newest events past their append-only trigger and roll the chain
     head back with one plain UPDATE: the head's trigger refuses it, and verify names the
     missing rows. Past the head's trigger too, the chain is consistent again and verify
     without checkpoints passes: the signed checkpoint written after the load is what names it.
(ii) edit an event and recompute every later hash and the head with plain SHA-256, as the
     chain was before it was keyed: verify names the edited row.

This is the last thing a run does: the database is dropped after it.
"""

from __future__ import annotations

import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from bench.harness.scratch import ROOT, Dataset, ScratchDatabase, flask_env

HEAD_TRIGGER = "audit_chain_heads_forward_only"
DELETED = 3       # newest events removed in (i)
REWRITTEN = 2698  # later hashes recomputed in (ii), as many as in the attack first reported


@dataclass
class Step:
    """One attack, what should happen, and what did."""

    what: str
    expected: str
    ok: bool
    line: str


def audit_command(database: ScratchDatabase, workdir: Path, log_name: str, *args: str) -> tuple[bool, str]:
    """``flask audit …`` against the scratch database: (exit 0, its last line, the work directory
    written WORKDIR); the whole output in ``log_name``."""
    result = subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "audit", *args], cwd=ROOT,
                            env=flask_env(database), capture_output=True, text=True, timeout=1800, check=False)
    (workdir / log_name).write_text(result.stdout + result.stderr)
    output = (result.stdout + result.stderr).replace(str(workdir), "WORKDIR").strip().splitlines()
    return result.returncode == 0, output[-1] if output else f"exit {result.returncode}"


def run(app, database: ScratchDatabase, dataset: Dataset, workdir: Path, log=print) -> list[Step]:
    number, municipality_id = dataset.municipality, uuid.UUID(dataset.municipality_id)
    checkpoints = workdir / "audit-checkpoints.jsonl"
    steps: list[Step] = []

    def verify(what: str, expected: str, naming: str | None, *extra: str) -> None:
        """``naming`` None: verify must pass; else it must fail with a line that says this."""
        ok, line = audit_command(database, workdir, f"audit-verify-{len(steps) + 1}.log", "verify",
                                 "--municipality", number, *extra)
        steps.append(Step(what, expected, ok if naming is None else not ok and naming in line, line))
        log(f"  {what}: verify {'passed' if ok else 'failed'} ({line[:120]})")

    written, line = audit_command(database, workdir, "audit-checkpoint.log", "checkpoint", "--file", str(checkpoints),
                                  "--municipality", number)
    steps.append(Step("a signed checkpoint of the chain after the load", "written", written, line))
    if not written:
        return steps

    from service.common.tenancy import tenant_scope
    from service.extensions import db

    with app.app_context(), tenant_scope(municipality_id):
        refused = _delete_newest_and_roll_back(db, municipality_id)
        steps.append(Step(f"(i) the {DELETED} newest events deleted past their trigger, the head rolled back "
                          "with one plain UPDATE", "refused by the head's trigger", refused is not None,
                          refused or "the UPDATE went through"))
        verify("(i) the rows deleted, the head where it was", "fails, naming the missing rows",
               "newest row(s) deleted")
        _roll_head_back(db, municipality_id)
        verify("(i) the head rolled back past its trigger too, no checkpoints",
               "passes: without a checkpoint the shortened chain is consistent", None)
        verify("(i) the same, against the checkpoint written after the load", "fails, naming the checkpoint",
               "checkpoint WORKDIR/audit-checkpoints.jsonl line 1: the chain ends at seq",
               "--checkpoints", str(checkpoints))
        victim, later = _rewrite_with_plain_sha256(db, municipality_id)
        verify(f"(ii) event seq={victim} edited, its hash, the {later:,} later ones and the head recomputed "
               "with plain SHA-256", f"fails, naming row seq={victim}", f"row seq={victim} ")
        db.engine.dispose()
    return steps


def _newest(db, municipality_id: uuid.UUID, count: int):
    """The municipality's ``count`` newest events (id, seq, hash), newest first."""
    from service.audit.models import AuditEvent

    return db.session.execute(sa.select(AuditEvent.id, AuditEvent.seq, AuditEvent.hash)
                              .where(AuditEvent.municipality_id == municipality_id)
                              .order_by(AuditEvent.seq.desc()).limit(count)).all()


def _move_head(municipality_id: uuid.UUID, seq: int, head_hash: str):
    from service.audit.models import AuditChainHead

    return (sa.update(AuditChainHead).where(AuditChainHead.municipality_id == municipality_id)
            .values(seq=seq, hash=head_hash))


def _move_head_past_its_trigger(db, municipality_id: uuid.UUID, seq: int, head_hash: str) -> None:
    db.session.execute(sa.text(f"ALTER TABLE audit_chain_heads DISABLE TRIGGER {HEAD_TRIGGER}"))
    db.session.execute(_move_head(municipality_id, seq, head_hash))
    db.session.execute(sa.text(f"ALTER TABLE audit_chain_heads ENABLE ALWAYS TRIGGER {HEAD_TRIGGER}"))


def _delete_newest_and_roll_back(db, municipality_id: uuid.UUID) -> str | None:
    """Delete the newest events past their own trigger (session_replication_role = replica, which a
    superuser may set), then try the plain UPDATE; return the refusal's first line, or None."""
    from service.audit.models import AuditEvent

    newest = _newest(db, municipality_id, DELETED + 1)
    events = AuditEvent.__table__
    db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))
    db.session.execute(sa.delete(events).where(events.c.id.in_([row.id for row in newest[:DELETED]])))
    kept = newest[DELETED]
    try:
        with db.session.begin_nested():
            db.session.execute(_move_head(municipality_id, kept.seq, kept.hash))
        refused = None
    except sa.exc.DBAPIError as error:
        refused = str(error.orig).splitlines()[0]
    db.session.commit()
    return refused


def _roll_head_back(db, municipality_id: uuid.UUID) -> None:
    (kept,) = _newest(db, municipality_id, 1)
    _move_head_past_its_trigger(db, municipality_id, kept.seq, kept.hash)
    db.session.commit()


def _rewrite_with_plain_sha256(db, municipality_id: uuid.UUID) -> tuple[int, int]:
    """Edit one event, recompute it and every later one as an unkeyed chain, move the head; return
    the edited event's seq and how many later events were rewritten."""
    from service.audit.chain import event_hash
    from service.audit.models import AuditEvent

    events_table = AuditEvent.__table__
    columns = [column.key for column in events_table.columns]
    newest = _newest(db, municipality_id, 1)[0].seq
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.municipality_id == municipality_id,
                                                            AuditEvent.seq >= newest - REWRITTEN)
                                .order_by(AuditEvent.seq)).all()
    victim, prev_hash, forged = events[0].seq, events[0].prev_hash, []
    for index, event in enumerate(events):
        copy = AuditEvent(**{column: getattr(event, column) for column in columns})
        if index == 0:
            copy.detail = "nothing to see"
        copy.prev_hash, copy.key_id = prev_hash, None
        copy.hash = prev_hash = event_hash(copy)
        forged.append({"event_id": event.id, "new_detail": copy.detail, "new_prev_hash": copy.prev_hash,
                       "new_hash": copy.hash})
    db.session.expunge_all()
    db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))
    db.session.execute(sa.update(events_table).where(events_table.c.id == sa.bindparam("event_id"))
                       .values(detail=sa.bindparam("new_detail"), prev_hash=sa.bindparam("new_prev_hash"),
                               hash=sa.bindparam("new_hash"), key_id=None), forged)
    _move_head_past_its_trigger(db, municipality_id, newest, prev_hash)
    db.session.commit()
    return victim, len(forged) - 1
