"""provider units as a register per municipality; discarded draft decisions

Decisions and users named their provider unit in free text, so a misspelt name hid a
decision from the unit's providers. Every distinct name (trimmed) a municipality used
on a decision or a user becomes a unit of its register; decisions and users then point
at the unit by id and the text columns go.

A draft decision made by mistake is discarded (``discarded_at``, ``discard_reason``),
never deleted; a discarded draft no longer holds the one renewal or correction a
decision may have (``uq_decisions_supersedes_id``).

Revision ID: 0006_provider_units
Revises: 0005_deadlines
Create Date: 2026-12-03 03:10:00
"""
import datetime as dt
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0006_provider_units"
down_revision = "0005_deadlines"
branch_labels = None
depends_on = None

_SUPERSEDES_WHERE_OLD = "supersedes_id IS NOT NULL"
_SUPERSEDES_WHERE_NEW = "supersedes_id IS NOT NULL AND discarded_at IS NULL"


def upgrade():
    op.create_table(
        "provider_units",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("length(trim(name)) > 0", name=op.f("ck_provider_units_name_not_blank")),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipalities.id"],
                                name=op.f("fk_provider_units_municipality_id_municipalities")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_units")),
        sa.UniqueConstraint("municipality_id", "name", name=op.f("uq_provider_units_municipality_id_name")),
    )
    with op.batch_alter_table("provider_units", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_provider_units_municipality_id"), ["municipality_id"], unique=False)

    # Plain ADD COLUMN first (no table rebuild), so the ids can be filled from the old names.
    op.add_column("decisions", sa.Column("provider_unit_id", sa.Uuid(), nullable=True))
    op.add_column("users", sa.Column("provider_unit_id", sa.Uuid(), nullable=True))
    _units_from_names()

    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index("uq_decisions_supersedes_id", postgresql_where=sa.text(_SUPERSEDES_WHERE_OLD),
                            sqlite_where=sa.text(_SUPERSEDES_WHERE_OLD))
        batch_op.drop_index(batch_op.f("ix_decisions_provider_unit"))
        # reviewed-drop: every name became a provider unit and its id (_units_from_names above)
        batch_op.drop_column("provider_unit")
        batch_op.add_column(sa.Column("discarded_at", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("discard_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_decisions_provider_unit_id_provider_units"),
                                    "provider_units", ["provider_unit_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_decisions_provider_unit_id"), ["provider_unit_id"], unique=False)
        batch_op.create_check_constraint(op.f("ck_decisions_discarded_is_draft"),
                                         "discarded_at IS NULL OR decided_on IS NULL")
        batch_op.create_check_constraint(op.f("ck_decisions_discarded_has_reason"),
                                         "discarded_at IS NULL OR discard_reason IS NOT NULL")
        batch_op.create_index("uq_decisions_supersedes_id", ["supersedes_id"], unique=True,
                              postgresql_where=sa.text(_SUPERSEDES_WHERE_NEW),
                              sqlite_where=sa.text(_SUPERSEDES_WHERE_NEW))

    with op.batch_alter_table("users", schema=None) as batch_op:
        # reviewed-drop: every name became a provider unit and its id (_units_from_names above)
        batch_op.drop_column("provider_unit")
        batch_op.create_foreign_key(batch_op.f("fk_users_provider_unit_id_provider_units"),
                                    "provider_units", ["provider_unit_id"], ["id"])


def _as_uuid(value):
    return value if value is None or isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _units_from_names():
    """One unit per distinct (municipality, trimmed name) on decisions and users; then the ids."""
    bind = op.get_bind()
    names = set()
    for table in ("decisions", "users"):
        rows = bind.execute(sa.text(
            f"SELECT DISTINCT municipality_id, TRIM(provider_unit) FROM {table} "
            "WHERE provider_unit IS NOT NULL AND TRIM(provider_unit) <> ''")).all()
        names |= {(_as_uuid(municipality_id), name) for municipality_id, name in rows}
    if not names:
        return
    units = sa.table("provider_units", sa.column("id", sa.Uuid()), sa.column("municipality_id", sa.Uuid()),
                     sa.column("name", sa.String()), sa.column("active", sa.Boolean()),
                     sa.column("created_at", sa.DateTime()), sa.column("updated_at", sa.DateTime()),
                     sa.column("version", sa.Integer()))
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    op.bulk_insert(units, [{"id": uuid.uuid4(), "municipality_id": municipality_id, "name": name,
                            "active": True, "created_at": now, "updated_at": now, "version": 1}
                           for municipality_id, name in sorted(names, key=lambda n: (str(n[0]), n[1]))])
    for table in ("decisions", "users"):
        op.execute(
            f"UPDATE {table} SET provider_unit_id = (SELECT u.id FROM provider_units u "
            f"WHERE u.municipality_id = {table}.municipality_id AND u.name = TRIM({table}.provider_unit)) "
            "WHERE provider_unit IS NOT NULL AND TRIM(provider_unit) <> ''")


def downgrade():
    """Back to the names. Discarded drafts become plain drafts again (the audit trail keeps the discard)."""
    op.add_column("decisions", sa.Column("provider_unit", sa.String(length=120), nullable=True))
    op.add_column("users", sa.Column("provider_unit", sa.String(length=120), nullable=True))
    for table in ("decisions", "users"):
        op.execute(
            f"UPDATE {table} SET provider_unit = (SELECT u.name FROM provider_units u "
            f"WHERE u.id = {table}.provider_unit_id) WHERE provider_unit_id IS NOT NULL")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_users_provider_unit_id_provider_units"), type_="foreignkey")
        batch_op.drop_column("provider_unit_id")

    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index("uq_decisions_supersedes_id", postgresql_where=sa.text(_SUPERSEDES_WHERE_NEW),
                            sqlite_where=sa.text(_SUPERSEDES_WHERE_NEW))
        batch_op.drop_constraint(op.f("ck_decisions_discarded_has_reason"), type_="check")
        batch_op.drop_constraint(op.f("ck_decisions_discarded_is_draft"), type_="check")
        batch_op.drop_index(batch_op.f("ix_decisions_provider_unit_id"))
        batch_op.drop_constraint(batch_op.f("fk_decisions_provider_unit_id_provider_units"), type_="foreignkey")
        batch_op.drop_column("provider_unit_id")
        batch_op.drop_column("discard_reason")
        batch_op.drop_column("discarded_at")
        batch_op.create_index(batch_op.f("ix_decisions_provider_unit"), ["provider_unit"], unique=False)
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index("uq_decisions_supersedes_id", ["supersedes_id"], unique=True,
                              postgresql_where=sa.text(_SUPERSEDES_WHERE_OLD),
                              sqlite_where=sa.text(_SUPERSEDES_WHERE_OLD))

    with op.batch_alter_table("provider_units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_units_municipality_id"))
    op.drop_table("provider_units")
