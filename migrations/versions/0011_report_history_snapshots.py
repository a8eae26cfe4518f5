"""dated history for the reports, and frozen report snapshots

* ``housing_unit_history``, ``housing_need_history``, ``individual_plan_history``: a row's
  reported fields from ``valid_from`` (service/common/history.py), so report T7–T9 can be built
  as of any past day. **Backfill:** one row per existing unit, need and plan, with its current
  fields, valid from the day it was registered (``created_at``). What changed between
  registration and this migration was never recorded and cannot be recovered: reports for
  periods before the migration show every such row as it is at the migration.
* ``report_snapshots``: immutable (triggers refuse UPDATE and DELETE), one row per
  (municipality, period, version).

Revision ID: 0011_report_history_snapshots
Revises: 0010_flags_and_job_runs
Create Date: 2026-12-03 11:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_report_history_snapshots"
down_revision = "0010_flags_and_job_runs"
branch_labels = None
depends_on = None

# (history table, subject column, subject table, [(column, type, nullable)])
_HISTORIES = (
    ("housing_unit_history", "unit_id", "housing_units",
     [("status", sa.String(length=12), False), ("risk_class", sa.String(length=10), True)]),
    ("housing_need_history", "need_id", "housing_needs",
     [("status", sa.String(length=10), False), ("category", sa.String(length=20), False),
      ("required_risk_class", sa.String(length=10), False), ("housing_situation", sa.String(length=30), False)]),
    ("individual_plan_history", "plan_id", "individual_plans",
     [("status", sa.String(length=20), False), ("coordinator_only", sa.Boolean(), False),
      ("coordinator_user_id", sa.Uuid(), True), ("coordinator_name", sa.String(length=200), True),
      ("next_evaluation_on", sa.Date(), True)]),
)

_PG_IMMUTABLE = """
CREATE OR REPLACE FUNCTION report_snapshots_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'report_snapshots are immutable (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER report_snapshots_no_update_delete BEFORE UPDATE OR DELETE ON report_snapshots
    FOR EACH ROW EXECUTE FUNCTION report_snapshots_immutable();
"""
_SQLITE_IMMUTABLE = (
    """CREATE TRIGGER report_snapshots_no_update BEFORE UPDATE ON report_snapshots
       BEGIN SELECT RAISE(ABORT, 'report_snapshots are immutable (UPDATE refused)'); END""",
    """CREATE TRIGGER report_snapshots_no_delete BEFORE DELETE ON report_snapshots
       BEGIN SELECT RAISE(ABORT, 'report_snapshots are immutable (DELETE refused)'); END""",
)


def backfill_sql(dialect: str, table: str, subject: str, source: str, columns) -> str:
    """One history row per existing row of ``source``: its fields now, valid from its registration."""
    names = ", ".join(name for name, _type, _nullable in columns)
    day = "date(created_at)" if dialect == "sqlite" else "CAST(created_at AS DATE)"
    return (f"INSERT INTO {table} (municipality_id, {subject}, valid_from, recorded_at, {names}) "
            f"SELECT municipality_id, id, {day}, created_at, {names} FROM {source} ORDER BY {source}.created_at")


def upgrade():
    dialect = op.get_bind().dialect.name
    for table, subject, source, columns in _HISTORIES:
        op.create_table(
            table,
            sa.Column(subject, sa.Uuid(), nullable=False),
            *(sa.Column(name, type_, nullable=nullable) for name, type_, nullable in columns),
            sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True,
                      nullable=False),
            sa.Column("valid_from", sa.Date(), nullable=False),
            sa.Column("recorded_at", sa.DateTime(), nullable=False),
            sa.Column("municipality_id", sa.Uuid(), nullable=False),
            sa.ForeignKeyConstraint([subject], [f"{source}.id"], name=op.f(f"fk_{table}_{subject}_{source}")),
            sa.ForeignKeyConstraint(["municipality_id"], ["municipalities.id"],
                                    name=op.f(f"fk_{table}_municipality_id_municipalities")),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_municipality_id"), ["municipality_id"], unique=False)
            batch_op.create_index(f"ix_{table}_{subject.removesuffix('_id')}_valid_from", [subject, "valid_from"],
                                  unique=False)
        op.execute(backfill_sql(dialect, table, subject, source, columns))

    op.create_table(
        "report_snapshots",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("generated_at", sa.DateTime(), nullable=False),
        sa.Column("built_on", sa.Date(), nullable=False),
        sa.Column("trigger", sa.String(length=10), nullable=False),
        sa.Column("built_by", sa.Uuid(), nullable=True),
        sa.Column("suppression_threshold", sa.Integer(), nullable=False),
        sa.Column("tables", sa.JSON(), nullable=False),
        sa.Column("changed_cells", sa.JSON(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_report_snapshots_version_positive")),
        sa.CheckConstraint("version = 1 OR reason IS NOT NULL", name=op.f("ck_report_snapshots_new_version_has_reason")),
        sa.CheckConstraint("trigger IN ('scheduled', 'catch_up', 'manual')",
                           name=op.f("ck_report_snapshots_trigger_known")),
        sa.CheckConstraint("suppression_threshold >= 2", name=op.f("ck_report_snapshots_threshold_at_least_two")),
        sa.ForeignKeyConstraint(["built_by"], ["users.id"], name=op.f("fk_report_snapshots_built_by_users")),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipalities.id"],
                                name=op.f("fk_report_snapshots_municipality_id_municipalities")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_snapshots")),
        sa.UniqueConstraint("municipality_id", "period", "version",
                            name=op.f("uq_report_snapshots_municipality_id_period_version")),
    )
    with op.batch_alter_table("report_snapshots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_snapshots_municipality_id"), ["municipality_id"], unique=False)
    if dialect == "postgresql":
        op.execute(_PG_IMMUTABLE)
    else:
        for statement in _SQLITE_IMMUTABLE:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS report_snapshots_no_update_delete ON report_snapshots")
        op.execute("DROP FUNCTION IF EXISTS report_snapshots_immutable()")
    else:
        op.execute("DROP TRIGGER IF EXISTS report_snapshots_no_update")
        op.execute("DROP TRIGGER IF EXISTS report_snapshots_no_delete")
    with op.batch_alter_table("report_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_snapshots_municipality_id"))
    op.drop_table("report_snapshots")
    for table, subject, _source, _columns in reversed(_HISTORIES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_{subject.removesuffix('_id')}_valid_from")
            batch_op.drop_index(batch_op.f(f"ix_{table}_municipality_id"))
        op.drop_table(table)
