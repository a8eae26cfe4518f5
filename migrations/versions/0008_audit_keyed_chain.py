"""audit chain: a key id on every event, and chain heads that only move forward

Each event records the id of the HMAC key its hash was made with (``key_id``); the events
written before are left as they are, key id NULL, and keep their plain SHA-256 (``flask
audit seal`` then ends each such chain with a keyed event, which seals them). The chain
heads get triggers: a head's seq never goes down (nor its hash change at the same seq),
and a head is never deleted. On PostgreSQL the triggers fire ``ALWAYS``, also for a
session with ``session_replication_role = replica``; getting past them takes DDL.

Revision ID: 0008_audit_keyed_chain
Revises: 0007_person_blocks
Create Date: 2026-12-05 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_audit_keyed_chain"
down_revision = "0007_person_blocks"
branch_labels = None
depends_on = None

PG_HEAD_GUARD = """
CREATE FUNCTION audit_chain_heads_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit_chain_heads only moves forward (DELETE refused)';
    END IF;
    IF TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'audit_chain_heads only moves forward (TRUNCATE refused)';
    END IF;
    IF NEW.municipality_id <> OLD.municipality_id OR NEW.seq < OLD.seq
            OR (NEW.seq = OLD.seq AND NEW.hash <> OLD.hash) THEN
        RAISE EXCEPTION 'audit_chain_heads only moves forward (seq % to %, UPDATE refused)', OLD.seq, NEW.seq;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER audit_chain_heads_forward_only BEFORE UPDATE OR DELETE ON audit_chain_heads
    FOR EACH ROW EXECUTE FUNCTION audit_chain_heads_forward_only();
CREATE TRIGGER audit_chain_heads_no_truncate BEFORE TRUNCATE ON audit_chain_heads
    FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_heads_forward_only();
ALTER TABLE audit_chain_heads ENABLE ALWAYS TRIGGER audit_chain_heads_forward_only;
ALTER TABLE audit_chain_heads ENABLE ALWAYS TRIGGER audit_chain_heads_no_truncate;
"""

SQLITE_HEAD_GUARDS = (
    """CREATE TRIGGER audit_chain_heads_forward_only BEFORE UPDATE ON audit_chain_heads
       WHEN NEW.municipality_id <> OLD.municipality_id OR NEW.seq < OLD.seq
            OR (NEW.seq = OLD.seq AND NEW.hash <> OLD.hash)
       BEGIN SELECT RAISE(ABORT, 'audit_chain_heads only moves forward (UPDATE refused)'); END""",
    """CREATE TRIGGER audit_chain_heads_no_delete BEFORE DELETE ON audit_chain_heads
       BEGIN SELECT RAISE(ABORT, 'audit_chain_heads only moves forward (DELETE refused)'); END""",
)

# The append-only triggers of 0001_foundation, put back after SQLite's batch mode rebuilt
# audit_events on the way down (a rebuilt table loses its triggers).
SQLITE_EVENT_GUARDS = (
    """CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit_events is append-only (UPDATE refused)'); END""",
    """CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit_events is append-only (DELETE refused)'); END""",
)


def upgrade():
    # SQLite adds a nullable column in place (ALTER TABLE … ADD COLUMN): no rebuild, the
    # append-only triggers stay.
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_id", sa.String(length=40), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_HEAD_GUARD)
    else:
        for statement in SQLITE_HEAD_GUARDS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_chain_heads_no_truncate ON audit_chain_heads")
        op.execute("DROP TRIGGER IF EXISTS audit_chain_heads_forward_only ON audit_chain_heads")
        op.execute("DROP FUNCTION IF EXISTS audit_chain_heads_forward_only()")
        with op.batch_alter_table("audit_events", schema=None) as batch_op:
            batch_op.drop_column("key_id")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_chain_heads_no_delete")
        op.execute("DROP TRIGGER IF EXISTS audit_chain_heads_forward_only")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
        with op.batch_alter_table("audit_events", schema=None) as batch_op:
            batch_op.drop_column("key_id")
        for statement in SQLITE_EVENT_GUARDS:
            op.execute(statement)
