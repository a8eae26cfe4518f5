"""worklist flags and the job ledger

* ``flags``: one worklist item per (municipality, kind, subject, due date)
  (``uq_flags_municipality_id_kind_subject_type_subject_id_due_on``: the jobs' ``INSERT … ON
  CONFLICT DO NOTHING`` raises each once); resolved, never deleted.
* ``job_runs``: the ledger of job runs; at most one scheduled or catch-up run of a period is
  running or succeeded (``uq_job_runs_one_per_period``), attempts numbered per period
  (``uq_job_runs_job_period_key_attempt``).
* ``ix_decisions_municipality_evaluate_by``: the ``decision_evaluation_due`` condition reads the
  decisions whose evaluation date is near, not every decision.

Revision ID: 0010_flags_and_job_runs
Revises: 0009_protection_emergency
Create Date: 2026-12-12 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_flags_and_job_runs"
down_revision = "0009_protection_emergency"
branch_labels = None
depends_on = None

_ONE_RUN_PER_PERIOD = "trigger <> 'manual' AND status <> 'failed' AND municipality_id IS NULL"


def upgrade():
    op.create_table(
        "flags",
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject_type", sa.String(length=30), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("resolution", sa.String(length=10), nullable=True),
        sa.Column("acknowledged_on", sa.Date(), nullable=True),
        sa.Column("acknowledged_by", sa.Uuid(), nullable=True),
        sa.Column("assigned_to", sa.Uuid(), nullable=True),
        sa.Column("office", sa.String(length=20), nullable=False),
        sa.Column("cause", sa.String(length=20), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'acknowledged', 'resolved')", name=op.f("ck_flags_status_known")),
        sa.CheckConstraint("office IN ('case_office', 'housing_office', 'provider_unit')",
                           name=op.f("ck_flags_office_known")),
        sa.CheckConstraint("subject_type IN ('referral', 'decision', 'appeal', 'individual_plan', 'housing_unit', "
                           "'housing_tenancy', 'housing_offer')", name=op.f("ck_flags_subject_type_known")),
        sa.CheckConstraint("resolution IS NULL OR resolution IN ('action', 'job')",
                           name=op.f("ck_flags_resolution_known")),
        sa.CheckConstraint("(status = 'resolved') = (resolved_on IS NOT NULL)",
                           name=op.f("ck_flags_resolved_has_date")),
        sa.CheckConstraint("(status = 'resolved') = (resolution IS NOT NULL)",
                           name=op.f("ck_flags_resolved_has_resolution")),
        sa.CheckConstraint("resolved_on IS NULL OR resolved_on >= raised_on",
                           name=op.f("ck_flags_resolved_after_raised")),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=op.f("fk_flags_person_id_persons")),
        sa.ForeignKeyConstraint(["acknowledged_by"], ["users.id"], name=op.f("fk_flags_acknowledged_by_users")),
        sa.ForeignKeyConstraint(["assigned_to"], ["users.id"], name=op.f("fk_flags_assigned_to_users")),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipalities.id"],
                                name=op.f("fk_flags_municipality_id_municipalities")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flags")),
        sa.UniqueConstraint("municipality_id", "kind", "subject_type", "subject_id", "due_on",
                            name=op.f("uq_flags_municipality_id_kind_subject_type_subject_id_due_on")),
    )
    with op.batch_alter_table("flags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flags_subject_id"), ["subject_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_flags_assigned_to"), ["assigned_to"], unique=False)
        batch_op.create_index("ix_flags_municipality_status_due", ["municipality_id", "status", "due_on"],
                              unique=False)

    op.create_table(
        "job_runs",
        sa.Column("job", sa.String(length=40), nullable=False),
        sa.Column("period_key", sa.String(length=40), nullable=False),
        sa.Column("trigger", sa.String(length=10), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=True),
        sa.Column("triggered_by", sa.Uuid(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("trigger IN ('scheduled', 'catch_up', 'manual')", name=op.f("ck_job_runs_trigger_known")),
        sa.CheckConstraint("status IN ('running', 'succeeded', 'failed')", name=op.f("ck_job_runs_status_known")),
        sa.CheckConstraint("attempt >= 1", name=op.f("ck_job_runs_attempt_positive")),
        sa.CheckConstraint("status = 'running' OR finished_at IS NOT NULL",
                           name=op.f("ck_job_runs_finished_has_time")),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipalities.id"],
                                name=op.f("fk_job_runs_municipality_id_municipalities")),
        sa.ForeignKeyConstraint(["triggered_by"], ["users.id"], name=op.f("fk_job_runs_triggered_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runs")),
        sa.UniqueConstraint("job", "period_key", "attempt", name=op.f("uq_job_runs_job_period_key_attempt")),
    )
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.create_index("ix_job_runs_job_started_at", ["job", "started_at"], unique=False)
        batch_op.create_index("uq_job_runs_one_per_period", ["job", "period_key"], unique=True,
                              postgresql_where=sa.text(_ONE_RUN_PER_PERIOD),
                              sqlite_where=sa.text(_ONE_RUN_PER_PERIOD))

    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index("ix_decisions_municipality_evaluate_by", ["municipality_id", "evaluate_by"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_decisions_municipality_evaluate_by")
    with op.batch_alter_table("job_runs", schema=None) as batch_op:
        batch_op.drop_index("uq_job_runs_one_per_period", postgresql_where=sa.text(_ONE_RUN_PER_PERIOD),
                            sqlite_where=sa.text(_ONE_RUN_PER_PERIOD))
        batch_op.drop_index("ix_job_runs_job_started_at")
    op.drop_table("job_runs")
    with op.batch_alter_table("flags", schema=None) as batch_op:
        batch_op.drop_index("ix_flags_municipality_status_due")
        batch_op.drop_index(batch_op.f("ix_flags_assigned_to"))
        batch_op.drop_index(batch_op.f("ix_flags_subject_id"))
    op.drop_table("flags")
