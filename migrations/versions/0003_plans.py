"""plans: individual plans (IP), coordinators, responsibility group, goals, measures, evaluations

At most one open plan per person is a partial unique index
(service/plans/models.py OPEN_PREDICATE). A plan and its measures may link the
decision (vedtak) that grants them.

Revision ID: 0003_plans
Revises: 0002_cases
Create Date: 2026-11-22 14:00:35.802618

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003_plans"
down_revision = "0002_cases"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('individual_plans',
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('request_note', sa.Text(), nullable=True),
    sa.Column('needs', sa.Text(), nullable=True),
    sa.Column('person_contribution', sa.Text(), nullable=True),
    sa.Column('relatives_contribution', sa.Text(), nullable=True),
    sa.Column('services_contribution', sa.Text(), nullable=True),
    sa.Column('cooperation', sa.Text(), nullable=True),
    sa.Column('period_from', sa.Date(), nullable=True),
    sa.Column('period_to', sa.Date(), nullable=True),
    sa.Column('consent_given_on', sa.Date(), nullable=True),
    sa.Column('consent_scope', sa.String(length=500), nullable=True),
    sa.Column('consent_information_sharing', sa.Boolean(), nullable=False),
    sa.Column('coordinator_user_id', sa.Uuid(), nullable=True),
    sa.Column('coordinator_name', sa.String(length=200), nullable=True),
    sa.Column('coordinator_contact', sa.String(length=200), nullable=True),
    sa.Column('coordinator_appointed_on', sa.Date(), nullable=True),
    sa.Column('coordinator_only', sa.Boolean(), nullable=False),
    sa.Column('decision_id', sa.Uuid(), nullable=True),
    sa.Column('next_evaluation_on', sa.Date(), nullable=True),
    sa.Column('activated_on', sa.Date(), nullable=True),
    sa.Column('declined_on', sa.Date(), nullable=True),
    sa.Column('decline_reason', sa.String(length=500), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('close_reason', sa.String(length=500), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("NOT coordinator_only OR status IN ('declined', 'closed')", name=op.f('ck_individual_plans_coordinator_only_when_declined')),
    sa.CheckConstraint("status <> 'active' OR (consent_given_on IS NOT NULL AND (coordinator_user_id IS NOT NULL OR coordinator_name IS NOT NULL))", name=op.f('ck_individual_plans_active_has_consent_and_coordinator')),
    sa.CheckConstraint("status <> 'closed' OR (closed_on IS NOT NULL AND close_reason IS NOT NULL)", name=op.f('ck_individual_plans_closed_has_reason')),
    sa.CheckConstraint("status IN ('requested', 'in_preparation', 'active', 'closed', 'declined')", name=op.f('ck_individual_plans_status_known')),
    sa.CheckConstraint('coordinator_user_id IS NULL OR coordinator_name IS NULL', name=op.f('ck_individual_plans_one_kind_of_coordinator')),
    sa.CheckConstraint('period_to IS NULL OR period_from IS NULL OR period_to >= period_from', name=op.f('ck_individual_plans_period_ordered')),
    sa.ForeignKeyConstraint(['coordinator_user_id'], ['users.id'], name=op.f('fk_individual_plans_coordinator_user_id_users')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_individual_plans_decision_id_decisions')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_individual_plans_municipality_id_municipalities')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_individual_plans_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_individual_plans'))
    )
    with op.batch_alter_table('individual_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_individual_plans_coordinator_user_id'), ['coordinator_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_individual_plans_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_individual_plans_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_individual_plans_person_id'), ['person_id'], unique=False)
        batch_op.create_index('uq_individual_plans_one_open_per_person', ['person_id'], unique=True, postgresql_where=sa.text("status IN ('requested', 'in_preparation', 'active') OR (status = 'declined' AND coordinator_only)"), sqlite_where=sa.text("status IN ('requested', 'in_preparation', 'active') OR (status = 'declined' AND coordinator_only)"))

    op.create_table('plan_evaluations',
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('evaluated_on', sa.Date(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('next_evaluation_on', sa.Date(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('next_evaluation_on > evaluated_on', name=op.f('ck_plan_evaluations_next_after_evaluated')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_plan_evaluations_municipality_id_municipalities')),
    sa.ForeignKeyConstraint(['plan_id'], ['individual_plans.id'], name=op.f('fk_plan_evaluations_plan_id_individual_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_evaluations'))
    )
    with op.batch_alter_table('plan_evaluations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_evaluations_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_evaluations_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_goals',
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('area', sa.String(length=30), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('target_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("area IN ('housing', 'work_activity', 'finances', 'physical_health', 'mental_health', 'substance_use', 'social_network')", name=op.f('ck_plan_goals_area_known')),
    sa.CheckConstraint("status IN ('open', 'achieved', 'not_achieved', 'discontinued')", name=op.f('ck_plan_goals_status_known')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_plan_goals_municipality_id_municipalities')),
    sa.ForeignKeyConstraint(['plan_id'], ['individual_plans.id'], name=op.f('fk_plan_goals_plan_id_individual_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_goals'))
    )
    with op.batch_alter_table('plan_goals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_goals_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_goals_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_members',
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('contact', sa.String(length=200), nullable=True),
    sa.Column('joined_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('ended_on IS NULL OR ended_on >= joined_on', name=op.f('ck_plan_members_ended_after_joined')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_plan_members_municipality_id_municipalities')),
    sa.ForeignKeyConstraint(['plan_id'], ['individual_plans.id'], name=op.f('fk_plan_members_plan_id_individual_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_members'))
    )
    with op.batch_alter_table('plan_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_members_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_members_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_measures',
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('goal_id', sa.Uuid(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('extent', sa.String(length=200), nullable=True),
    sa.Column('responsible_organisation', sa.String(length=200), nullable=False),
    sa.Column('responsible_name', sa.String(length=200), nullable=True),
    sa.Column('decision_id', sa.Uuid(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("status IN ('planned', 'ongoing', 'completed', 'discontinued')", name=op.f('ck_plan_measures_status_known')),
    sa.CheckConstraint('ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on', name=op.f('ck_plan_measures_period_ordered')),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_plan_measures_decision_id_decisions')),
    sa.ForeignKeyConstraint(['goal_id'], ['plan_goals.id'], name=op.f('fk_plan_measures_goal_id_plan_goals')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_plan_measures_municipality_id_municipalities')),
    sa.ForeignKeyConstraint(['plan_id'], ['individual_plans.id'], name=op.f('fk_plan_measures_plan_id_individual_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_measures'))
    )
    with op.batch_alter_table('plan_measures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_measures_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_measures_goal_id'), ['goal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_measures_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_measures_plan_id'), ['plan_id'], unique=False)



def downgrade():
    with op.batch_alter_table('plan_measures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_measures_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_measures_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_plan_measures_goal_id'))
        batch_op.drop_index(batch_op.f('ix_plan_measures_decision_id'))

    op.drop_table('plan_measures')
    with op.batch_alter_table('plan_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_members_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_members_municipality_id'))

    op.drop_table('plan_members')
    with op.batch_alter_table('plan_goals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_goals_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_goals_municipality_id'))

    op.drop_table('plan_goals')
    with op.batch_alter_table('plan_evaluations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_evaluations_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_evaluations_municipality_id'))

    op.drop_table('plan_evaluations')
    with op.batch_alter_table('individual_plans', schema=None) as batch_op:
        batch_op.drop_index('uq_individual_plans_one_open_per_person', postgresql_where=sa.text("status IN ('requested', 'in_preparation', 'active') OR (status = 'declined' AND coordinator_only)"), sqlite_where=sa.text("status IN ('requested', 'in_preparation', 'active') OR (status = 'declined' AND coordinator_only)"))
        batch_op.drop_index(batch_op.f('ix_individual_plans_person_id'))
        batch_op.drop_index(batch_op.f('ix_individual_plans_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_individual_plans_decision_id'))
        batch_op.drop_index(batch_op.f('ix_individual_plans_coordinator_user_id'))

    op.drop_table('individual_plans')
