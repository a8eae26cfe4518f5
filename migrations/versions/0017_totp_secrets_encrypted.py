"""users: room for an encrypted TOTP secret

The second factor's secret is stored encrypted (``fernet:<token>``, service/auth/totp_keys.py),
about 150 characters where the plain base32 secret took 32. Secrets stored before stay readable
and are encrypted at the user's next accepted code, or at once with
``flask user rotate-totp-keys`` (the keys are the application's configuration, which a
migration does not read).

Downgrade refuses while any secret is stored encrypted: the old column cannot hold one, and
cutting it would lock its user out.

Revision ID: 0017_totp_secrets_encrypted
Revises: 0016_decisions_tenant_index
Create Date: 2026-12-15 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0017_totp_secrets_encrypted"
down_revision = "0016_decisions_tenant_index"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("totp_secret", existing_type=sa.String(64), type_=sa.String(255),
                              existing_nullable=True)


def downgrade():
    encrypted = op.get_bind().execute(
        sa.text("SELECT count(*) FROM users WHERE length(totp_secret) > 64")).scalar()
    if encrypted:
        raise RuntimeError(f"{encrypted} user(s) have an encrypted TOTP secret, which the old column cannot "
                           "hold: reset their second factor first (they enrol again at their next login)")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("totp_secret", existing_type=sa.String(255), type_=sa.String(64),
                              existing_nullable=True)
