"""flag evaluations: how long each kind's last full evaluation took

The ``deadlines`` job settles a municipality's flag kinds on several connections at once and
hands out the kinds that took longest last time first (service/worklist/flags.py), so that the
largest one is not the last to start. Null for evaluations recorded before this column.

Revision ID: 0019_flag_evaluation_duration
Revises: 0018_password_must_change
Create Date: 2026-12-04 10:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0019_flag_evaluation_duration"
down_revision = "0018_password_must_change"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("flag_evaluations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("duration_ms", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("flag_evaluations", schema=None) as batch_op:
        batch_op.drop_column("duration_ms")
