"""deadlines as the law counts them: legal bases with validity and the § 149 rule, how a
decision was sent, when an appeal was sent, and the one-year limit of fvl § 31

Existing appeals are recomputed with the new rule (a deadline on a weekend or a public
holiday moves to the next working day), so none that the law counts as timely stays
marked late.

Revision ID: 0005_deadlines
Revises: 0004_housing
Create Date: 2026-12-03 02:40:00
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

from service.common.deadlines import statutory_period_end

revision = "0005_deadlines"
down_revision = "0004_housing"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("legal_bases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("appeal_period_moves", sa.Boolean(), server_default=sa.true(),
                                      nullable=False))
        batch_op.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("valid_to", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("replaced_by", sa.String(length=60), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_legal_bases_validity_ordered"), "valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from")
        batch_op.create_check_constraint(op.f("ck_legal_bases_not_replaced_by_itself"), "replaced_by IS NULL OR replaced_by <> code")

    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notification_sent_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("notification_channel", sa.String(length=20), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_decisions_notification_channel_known"),
            "notification_channel IS NULL OR notification_channel IN ('letter', 'digital_mailbox', 'in_person')")
        batch_op.create_check_constraint(
            op.f("ck_decisions_notification_sent_before_notified"),
            "notification_sent_on IS NULL OR notified_on IS NULL OR notification_sent_on <= notified_on")

    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sent_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("absolute_limit_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("beyond_absolute_limit", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.create_check_constraint(op.f("ck_appeals_sent_before_received"), "sent_on IS NULL OR sent_on <= received_on")

    _recompute_existing_appeals()


def _recompute_existing_appeals():
    """One pass over the appeals there are (few: a municipality registers some a month)."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT a.id, a.received_on, a.appeal_period_days, d.notified_on, d.decided_on "
        "FROM appeals a JOIN decisions d ON d.id = a.decision_id")).all()
    update = sa.text("UPDATE appeals SET deadline_on = :deadline_on, deadline_met = :deadline_met, "
                     "absolute_limit_on = :limit_on, beyond_absolute_limit = :beyond WHERE id = :id")
    for appeal_id, received_on, period, notified_on, decided_on in rows:
        received_on, notified_on, decided_on = (_as_date(d) for d in (received_on, notified_on, decided_on))
        deadline_on = statutory_period_end(notified_on, days=period) if notified_on else None
        limit_on = statutory_period_end(decided_on, months=12) if decided_on else None
        bind.execute(update, {"id": appeal_id, "deadline_on": deadline_on,
                              "deadline_met": deadline_on is None or received_on <= deadline_on,
                              "limit_on": limit_on, "beyond": limit_on is not None and received_on > limit_on})


def _as_date(value):
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def downgrade():
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_appeals_sent_before_received"), type_="check")
        batch_op.drop_column("beyond_absolute_limit")
        batch_op.drop_column("absolute_limit_on")
        batch_op.drop_column("sent_on")

    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_decisions_notification_sent_before_notified"), type_="check")
        batch_op.drop_constraint(op.f("ck_decisions_notification_channel_known"), type_="check")
        batch_op.drop_column("notification_channel")
        batch_op.drop_column("notification_sent_on")

    with op.batch_alter_table("legal_bases", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_legal_bases_not_replaced_by_itself"), type_="check")
        batch_op.drop_constraint(op.f("ck_legal_bases_validity_ordered"), type_="check")
        batch_op.drop_column("replaced_by")
        batch_op.drop_column("valid_to")
        batch_op.drop_column("valid_from")
        batch_op.drop_column("appeal_period_moves")
