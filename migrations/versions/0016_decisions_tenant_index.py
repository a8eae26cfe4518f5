"""decisions: no index on ``municipality_id`` alone

``ix_decisions_municipality_valid_to`` and ``ix_decisions_municipality_evaluate_by`` lead with
``municipality_id``, so either serves a look-up by municipality (row-level security's
predicate, a municipality's deletion checking its foreign key) as well as an index on it
alone, which was one more index to write for each of a million decisions: 0.27 s of a
``large`` bulk load, and a share of every decision written.

Revision ID: 0016_decisions_tenant_index
Revises: 0015_capacity_partial_indexes
Create Date: 2026-12-14 10:00:00
"""
from alembic import op

revision = "0016_decisions_tenant_index"
down_revision = "0015_capacity_partial_indexes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decisions_municipality_id"))


def downgrade():
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decisions_municipality_id"), ["municipality_id"], unique=False)
