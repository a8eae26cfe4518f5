"""flag source changes: the deadlines job evaluates again only what can have changed

* ``flag_source_changes``: one row per write to a table that a flag kind's condition reads,
  inserted by triggers on those tables, so that no write path (the application, a job, an
  operator's SQL) can bypass it. PostgreSQL: one row per statement (``FOR EACH STATEMENT``,
  whatever its number of rows: a bulk load costs one row), in the municipality of the
  transaction's ``app.municipality_id`` (null when none is set: "any municipality"); the
  trigger function runs as its owner (``SECURITY DEFINER``), so the application's role needs no
  grant for it. SQLite: one row per written row, in the row's municipality.
* ``flag_evaluations``: per municipality and flag kind, the fingerprint of the condition the
  ``deadlines`` job last evaluated in full.

Revision ID: 0014_flag_source_changes
Revises: 0013_row_level_security
Create Date: 2026-12-13 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0014_flag_source_changes"
down_revision = "0013_row_level_security"
branch_labels = None
depends_on = None

# The tables the flag kinds' conditions read (tests/worklist/test_flag_sources.py proves the list
# complete): ``users`` aside, see service/worklist/changes.py.
SOURCE_TABLES = ("appeals", "decisions", "housing_needs", "housing_offers", "housing_tenancies", "housing_units",
                 "individual_plans", "referrals")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION flag_source_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    INSERT INTO flag_source_changes (municipality_id, source)
    VALUES (NULLIF(current_setting('app.municipality_id', true), '')::uuid, TG_TABLE_NAME);
    RETURN NULL;
END
$$
"""


def upgrade():
    op.create_table(
        "flag_source_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=True),
        sa.Column("source", sa.String(length=63), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flag_source_changes")),
    )
    with op.batch_alter_table("flag_source_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flag_source_changes_municipality_id"), ["municipality_id"], unique=False)
    op.create_table(
        "flag_evaluations",
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("evaluated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipalities.id"],
                                name=op.f("fk_flag_evaluations_municipality_id_municipalities")),
        sa.PrimaryKeyConstraint("municipality_id", "kind", name=op.f("pk_flag_evaluations")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for table in SOURCE_TABLES:
            op.execute(f"CREATE TRIGGER {table}_flag_source AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION flag_source_changed()")
    else:
        for table in SOURCE_TABLES:
            for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
                op.execute(f"CREATE TRIGGER {table}_flag_source_{event.lower()} AFTER {event} ON {table} BEGIN "
                           f"INSERT INTO flag_source_changes (municipality_id, source) "
                           f"VALUES ({row}.municipality_id, '{table}'); END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in SOURCE_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_flag_source ON {table}")
        op.execute("DROP FUNCTION IF EXISTS flag_source_changed()")
    else:
        for table in SOURCE_TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_flag_source_{event}")
    op.drop_table("flag_evaluations")
    with op.batch_alter_table("flag_source_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flag_source_changes_municipality_id"))
    op.drop_table("flag_source_changes")
