"""per-person blocks: a named user barred from a named person

A user can be barred from a person (the officer is disqualified under forvaltningsloven
§ 6, is related, or the person asked); to that user the person, and every row about them,
is then what a random id is. Blocks are lifted, never deleted; at most one is in force per
(person, user) (``uq_person_blocks_person_id_user_id_active``).

Revision ID: 0007_person_blocks
Revises: 0006_provider_units
Create Date: 2026-12-04 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_person_blocks"
down_revision = "0006_provider_units"
branch_labels = None
depends_on = None

_ACTIVE = "lifted_at IS NULL"


def upgrade():
    op.create_table(
        "person_blocks",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("blocked_by", sa.Uuid(), nullable=True),
        sa.Column("lifted_at", sa.DateTime(), nullable=True),
        sa.Column("lifted_by", sa.Uuid(), nullable=True),
        sa.Column("lift_reason", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("reason IN ('disqualified', 'related', 'person_request', 'other')",
                           name=op.f("ck_person_blocks_reason_known")),
        sa.CheckConstraint("lifted_at IS NULL OR lift_reason IS NOT NULL",
                           name=op.f("ck_person_blocks_lifted_has_reason")),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=op.f("fk_person_blocks_person_id_persons")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_person_blocks_user_id_users")),
        sa.ForeignKeyConstraint(["blocked_by"], ["users.id"], name=op.f("fk_person_blocks_blocked_by_users")),
        sa.ForeignKeyConstraint(["lifted_by"], ["users.id"], name=op.f("fk_person_blocks_lifted_by_users")),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipalities.id"],
                                name=op.f("fk_person_blocks_municipality_id_municipalities")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_blocks")),
    )
    with op.batch_alter_table("person_blocks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_blocks_municipality_id"), ["municipality_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_blocks_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_blocks_user_id"), ["user_id"], unique=False)
        batch_op.create_index("uq_person_blocks_person_id_user_id_active", ["person_id", "user_id"], unique=True,
                              postgresql_where=sa.text(_ACTIVE), sqlite_where=sa.text(_ACTIVE))


def downgrade():
    with op.batch_alter_table("person_blocks", schema=None) as batch_op:
        batch_op.drop_index("uq_person_blocks_person_id_user_id_active",
                            postgresql_where=sa.text(_ACTIVE), sqlite_where=sa.text(_ACTIVE))
        batch_op.drop_index(batch_op.f("ix_person_blocks_user_id"))
        batch_op.drop_index(batch_op.f("ix_person_blocks_person_id"))
        batch_op.drop_index(batch_op.f("ix_person_blocks_municipality_id"))
    op.drop_table("person_blocks")
