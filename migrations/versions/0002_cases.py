"""cases: service catalogue, legal bases, referrals, decisions, appeals, idempotency keys

The catalogue is per municipality (every table carries municipality_id):
new municipalities get it from ``seed_catalogue`` when they are created; the data
step at the end gives municipalities that already exist the same starting rows.

Revision ID: 0002_cases
Revises: 0001_foundation
Create Date: 2026-11-22 14:01:08.658352

"""
import datetime
import uuid

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002_cases"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('legal_bases',
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('name_nb', sa.String(length=300), nullable=False),
    sa.Column('law_reference', sa.String(length=300), nullable=False),
    sa.Column('appeal_period_days', sa.Integer(), nullable=False),
    sa.Column('appeal_rule', sa.String(length=200), nullable=False),
    sa.Column('appeal_body', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('appeal_period_days > 0 AND appeal_period_days <= 366', name=op.f('ck_legal_bases_appeal_period_positive')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_legal_bases_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_bases')),
    sa.UniqueConstraint('municipality_id', 'code', name=op.f('uq_legal_bases_municipality_id_code'))
    )
    with op.batch_alter_table('legal_bases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_bases_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('service_types',
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('name_nb', sa.String(length=300), nullable=False),
    sa.Column('kpr_code', sa.String(length=4), nullable=True),
    sa.Column('hour_based', sa.Boolean(), nullable=False),
    sa.Column('default_legal_basis', sa.String(length=60), nullable=True),
    sa.Column('report_group', sa.String(length=30), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("report_group IN ('home_based', 'activity', 'housing_support', 'substance_care', 'rapid_mental_health', 'institution', 'other')", name=op.f('ck_service_types_report_group_known')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_service_types_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_types')),
    sa.UniqueConstraint('municipality_id', 'code', name=op.f('uq_service_types_municipality_id_code'))
    )
    with op.batch_alter_table('service_types', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_types_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('idempotency_keys',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('response_status', sa.Integer(), nullable=True),
    sa.Column('response_headers', sa.JSON(), nullable=True),
    sa.Column('response_body', sa.Text(), nullable=True),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_idempotency_keys_municipality_id_municipalities')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_idempotency_keys_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_keys')),
    sa.UniqueConstraint('municipality_id', 'user_id', 'key', name=op.f('uq_idempotency_keys_municipality_id_user_id_key'))
    )
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotency_keys_municipality_id'), ['municipality_id'], unique=False)

    op.create_table('referrals',
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('requested_services', sa.JSON(), nullable=False),
    sa.Column('urgency', sa.String(length=10), nullable=False),
    sa.Column('care_pathway', sa.SmallInteger(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('assigned_to', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('answer_due_on', sa.Date(), nullable=False),
    sa.Column('preliminary_reply_sent_on', sa.Date(), nullable=True),
    sa.Column('preliminary_reply_reason', sa.Text(), nullable=True),
    sa.Column('preliminary_reply_expected_by', sa.Date(), nullable=True),
    sa.Column('assessment_started_on', sa.Date(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('close_reason', sa.Text(), nullable=True),
    sa.Column('forwarded_to', sa.String(length=200), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("channel IN ('electronic_message', 'form', 'letter', 'phone', 'in_person')", name=op.f('ck_referrals_channel_known')),
    sa.CheckConstraint("source IN ('gp', 'dps', 'specialist', 'self', 'nav', 'relative', 'police', 'school', 'other')", name=op.f('ck_referrals_source_known')),
    sa.CheckConstraint("status <> 'decided' OR decided_on IS NOT NULL", name=op.f('ck_referrals_decided_has_date')),
    sa.CheckConstraint("status IN ('received', 'assessing', 'decided', 'withdrawn', 'forwarded')", name=op.f('ck_referrals_status_known')),
    sa.CheckConstraint("urgency IN ('routine', 'urgent')", name=op.f('ck_referrals_urgency_known')),
    sa.CheckConstraint('answer_due_on > received_on', name=op.f('ck_referrals_answer_due_after_receipt')),
    sa.CheckConstraint('care_pathway IS NULL OR care_pathway IN (1, 2, 3)', name=op.f('ck_referrals_care_pathway_known')),
    sa.ForeignKeyConstraint(['assigned_to'], ['users.id'], name=op.f('fk_referrals_assigned_to_users')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_referrals_municipality_id_municipalities')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_referrals_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrals_assigned_to'), ['assigned_to'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index('ix_referrals_municipality_status_due', ['municipality_id', 'status', 'answer_due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_person_id'), ['person_id'], unique=False)

    op.create_table('decisions',
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('referral_id', sa.Uuid(), nullable=True),
    sa.Column('service_code', sa.String(length=60), nullable=False),
    sa.Column('legal_basis', sa.String(length=60), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('hours_per_week', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('evaluate_by', sa.Date(), nullable=True),
    sa.Column('provider_unit', sa.String(length=120), nullable=True),
    sa.Column('reasoning', sa.Text(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decided_by', sa.Uuid(), nullable=True),
    sa.Column('notified_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.Text(), nullable=True),
    sa.Column('supersedes_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("outcome <> 'refused' OR (valid_from IS NULL AND valid_to IS NULL AND hours_per_week IS NULL)", name=op.f('ck_decisions_refused_has_no_period')),
    sa.CheckConstraint("outcome = 'refused' OR decided_on IS NULL OR valid_from IS NOT NULL", name=op.f('ck_decisions_granted_has_start')),
    sa.CheckConstraint("outcome IN ('granted', 'partly_granted', 'refused')", name=op.f('ck_decisions_outcome_known')),
    sa.CheckConstraint('decided_on IS NOT NULL OR (notified_on IS NULL AND ended_on IS NULL)', name=op.f('ck_decisions_draft_not_notified_or_ended')),
    sa.CheckConstraint('hours_per_week IS NULL OR (hours_per_week > 0 AND hours_per_week <= 168)', name=op.f('ck_decisions_hours_in_range')),
    sa.CheckConstraint('valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from', name=op.f('ck_decisions_period_ordered')),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_decisions_decided_by_users')),
    sa.ForeignKeyConstraint(['municipality_id', 'legal_basis'], ['legal_bases.municipality_id', 'legal_bases.code'], name='fk_decisions_legal_basis_legal_bases'),
    sa.ForeignKeyConstraint(['municipality_id', 'service_code'], ['service_types.municipality_id', 'service_types.code'], name='fk_decisions_service_code_service_types'),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_decisions_municipality_id_municipalities')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_decisions_person_id_persons')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_decisions_referral_id_referrals')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['decisions.id'], name=op.f('fk_decisions_supersedes_id_decisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index('ix_decisions_municipality_valid_to', ['municipality_id', 'valid_to'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_provider_unit'), ['provider_unit'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_referral_id'), ['referral_id'], unique=False)
        batch_op.create_index('uq_decisions_supersedes_id', ['supersedes_id'], unique=True, postgresql_where=sa.text('supersedes_id IS NOT NULL'), sqlite_where=sa.text('supersedes_id IS NOT NULL'))

    op.create_table('appeals',
    sa.Column('decision_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('deadline_on', sa.Date(), nullable=True),
    sa.Column('deadline_met', sa.Boolean(), nullable=False),
    sa.Column('appeal_period_days', sa.Integer(), nullable=False),
    sa.Column('reassessment_started_on', sa.Date(), nullable=True),
    sa.Column('forwarded_on', sa.Date(), nullable=True),
    sa.Column('resolved_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("status IN ('received', 'reassessing', 'reversed', 'forwarded', 'upheld', 'overturned', 'returned')", name=op.f('ck_appeals_status_known')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_appeals_decision_id_decisions')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_appeals_municipality_id_municipalities')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_appeals_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeals'))
    )
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appeals_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appeals_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appeals_person_id'), ['person_id'], unique=False)

    _seed_existing_municipalities()


def _seed_existing_municipalities():
    """Municipalities created before this revision get the standard catalogue too."""
    from service.catalogue import seed_data  # pure data, no application code

    bind = op.get_bind()
    municipality_ids = [row[0] for row in bind.execute(sa.text("SELECT id FROM municipalities"))]
    if not municipality_ids:
        return
    common = [sa.Column("id", sa.Uuid()), sa.Column("municipality_id", sa.Uuid()),
              sa.Column("created_at", sa.DateTime()), sa.Column("updated_at", sa.DateTime()),
              sa.Column("version", sa.Integer()), sa.Column("active", sa.Boolean())]
    legal_bases = sa.table("legal_bases", *common, *(sa.column(c) for c in (
        "code", "name_nb", "law_reference", "appeal_period_days", "appeal_rule", "appeal_body")))
    service_types = sa.table("service_types", *[sa.Column(c.name, c.type) for c in common], *(sa.column(c) for c in (
        "code", "name_nb", "kpr_code", "hour_based", "default_legal_basis", "report_group")))
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    for municipality_id in municipality_ids:
        if isinstance(municipality_id, str):
            municipality_id = uuid.UUID(municipality_id)
        base = {"municipality_id": municipality_id, "created_at": now, "updated_at": now, "version": 1,
                "active": True}
        op.bulk_insert(legal_bases, [{"id": uuid.uuid4(), **base, **row} for row in seed_data.LEGAL_BASES])
        op.bulk_insert(service_types, [{"id": uuid.uuid4(), **base, **row} for row in seed_data.SERVICES])


def downgrade():
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeals_person_id'))
        batch_op.drop_index(batch_op.f('ix_appeals_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_appeals_decision_id'))

    op.drop_table('appeals')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index('uq_decisions_supersedes_id', postgresql_where=sa.text('supersedes_id IS NOT NULL'), sqlite_where=sa.text('supersedes_id IS NOT NULL'))
        batch_op.drop_index(batch_op.f('ix_decisions_referral_id'))
        batch_op.drop_index(batch_op.f('ix_decisions_provider_unit'))
        batch_op.drop_index(batch_op.f('ix_decisions_person_id'))
        batch_op.drop_index('ix_decisions_municipality_valid_to')
        batch_op.drop_index(batch_op.f('ix_decisions_municipality_id'))

    op.drop_table('decisions')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrals_person_id'))
        batch_op.drop_index('ix_referrals_municipality_status_due')
        batch_op.drop_index(batch_op.f('ix_referrals_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_assigned_to'))

    op.drop_table('referrals')
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotency_keys_municipality_id'))

    op.drop_table('idempotency_keys')
    with op.batch_alter_table('service_types', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_types_municipality_id'))

    op.drop_table('service_types')
    with op.batch_alter_table('legal_bases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_bases_municipality_id'))

    op.drop_table('legal_bases')
