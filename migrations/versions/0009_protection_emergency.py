"""protected addresses, emergency access and the auditor's reviews

* ``persons.address_protection``: ``none`` | ``confidential`` (fortrolig adresse, kode 7) |
  ``strictly_confidential`` (strengt fortrolig adresse, kode 6); every existing person ``none``.
* ``emergency_accesses``: a user's emergency opening of a person ("break the glass"), with the
  reason and when it ends; kept, never changed.
* ``audit_reviews``: the auditor's finding on one audit event (one per event).

Revision ID: 0009_protection_emergency
Revises: 0008_audit_keyed_chain
Create Date: 2026-12-10 10:00:00
"""
import sqlalchemy as sa
from alembic import op

# (at most 32 characters: alembic_version.version_num is varchar(32) on PostgreSQL)
revision = "0009_protection_emergency"
down_revision = "0008_audit_keyed_chain"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address_protection", sa.String(length=25), nullable=False,
                                      server_default="none"))
        batch_op.create_check_constraint(
            op.f("ck_persons_address_protection_known"),
            "address_protection IN ('none', 'confidential', 'strictly_confidential')")

    op.create_table(
        "emergency_accesses",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("expires_at > opened_at", name=op.f("ck_emergency_accesses_expires_after_opening")),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=op.f("fk_emergency_accesses_person_id_persons")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_emergency_accesses_user_id_users")),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipalities.id"],
                                name=op.f("fk_emergency_accesses_municipality_id_municipalities")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_accesses")),
    )
    with op.batch_alter_table("emergency_accesses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_emergency_accesses_municipality_id"), ["municipality_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_emergency_accesses_person_id"), ["person_id"], unique=False)
        batch_op.create_index("ix_emergency_accesses_user_id_expires_at", ["user_id", "expires_at"], unique=False)

    op.create_table(
        "audit_reviews",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("finding", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("reviewed_by", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("finding IN ('ok', 'follow_up')", name=op.f("ck_audit_reviews_finding_known")),
        sa.CheckConstraint("finding = 'ok' OR note IS NOT NULL", name=op.f("ck_audit_reviews_follow_up_has_note")),
        sa.ForeignKeyConstraint(["event_id"], ["audit_events.id"], name=op.f("fk_audit_reviews_event_id_audit_events")),
        sa.ForeignKeyConstraint(["reviewed_by"], ["users.id"], name=op.f("fk_audit_reviews_reviewed_by_users")),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipalities.id"],
                                name=op.f("fk_audit_reviews_municipality_id_municipalities")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_reviews")),
        sa.UniqueConstraint("event_id", name=op.f("uq_audit_reviews_event_id")),
    )
    with op.batch_alter_table("audit_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_reviews_municipality_id"), ["municipality_id"], unique=False)


def downgrade():
    with op.batch_alter_table("audit_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_reviews_municipality_id"))
    op.drop_table("audit_reviews")
    with op.batch_alter_table("emergency_accesses", schema=None) as batch_op:
        batch_op.drop_index("ix_emergency_accesses_user_id_expires_at")
        batch_op.drop_index(batch_op.f("ix_emergency_accesses_person_id"))
        batch_op.drop_index(batch_op.f("ix_emergency_accesses_municipality_id"))
    op.drop_table("emergency_accesses")
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_persons_address_protection_known"), type_="check")
        batch_op.drop_column("address_protection")
