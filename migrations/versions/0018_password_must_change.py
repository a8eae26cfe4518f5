"""users: a password someone else set must be changed at the next login

Until now only an administrator (the web page or ``flask user set-password``) could set a
password, so someone besides the user knows every password stored. Each user who has one must
therefore choose their own at the next login: the column is true for them, false for everyone
else and for new rows.

Revision ID: 0018_password_must_change
Revises: 0017_totp_secrets_encrypted
Create Date: 2026-12-16 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0018_password_must_change"
down_revision = "0017_totp_secrets_encrypted"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_must_change", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.execute(sa.text("UPDATE users SET password_must_change = :yes WHERE password_hash IS NOT NULL")
               .bindparams(yes=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("password_must_change")
