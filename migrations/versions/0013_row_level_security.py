"""row-level security: a second line of tenancy in PostgreSQL

Every table of person-level rows (the models with ``TenantMixin``) gets a policy that shows and
accepts only the rows of the municipality named by the transaction's ``app.municipality_id``
setting; the application sets it on every transaction (service/common/tenancy.py). Without the
setting, such a table is empty. The policy binds every role that is neither the tables' owner nor
has BYPASSRLS: the application connects as such a role, and migrations, backups and the data
generator run as the owner (docs/security.md, "Row-level security").

SQLite has no row-level security: nothing changes there.

Revision ID: 0013_row_level_security
Revises: 0012_web_login
Create Date: 2026-12-05 09:00:00
"""
from alembic import op

revision = "0013_row_level_security"
down_revision = "0012_web_login"
branch_labels = None
depends_on = None

# The tables of TenantMixin models at this revision (tests/migrations prove the list complete).
TENANT_TABLES = (
    "appeals", "audit_events", "audit_reviews", "decisions", "emergency_accesses", "flags", "housing_events",
    "housing_inspections", "housing_need_history", "housing_needs", "housing_offers", "housing_tenancies",
    "housing_unit_history", "housing_units", "idempotency_keys", "individual_plan_history", "individual_plans",
    "legal_bases", "person_blocks", "persons", "plan_evaluations", "plan_goals", "plan_measures", "plan_members",
    "provider_units", "referrals", "report_snapshots", "service_types",
)
POLICY = "tenant_scope"
# NULLIF: an unset or emptied setting reads as NULL, and NULL matches no row.
CONDITION = "municipality_id = NULLIF(current_setting('app.municipality_id', true), '')::uuid"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TENANT_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY {POLICY} ON {table} USING ({CONDITION}) WITH CHECK ({CONDITION})")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TENANT_TABLES:
        op.execute(f"DROP POLICY IF EXISTS {POLICY} ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
