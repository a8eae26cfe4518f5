"""Municipalities (the tenants), their users and the users' API tokens."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.auth.roles import ALL_ROLES
from service.common.models import EntityMixin, UTCDateTime, sql_in
from service.extensions import db
from service.provider_units.models import ProviderUnit


class Municipality(EntityMixin, db.Model):
    __tablename__ = "municipalities"

    number: Mapped[str] = mapped_column(sa.String(4), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)

    __table_args__ = (
        sa.CheckConstraint("length(number) = 4", name="number_four_digits"),
    )


class User(EntityMixin, db.Model):
    """A person who logs in. Not tenant-scoped by the ORM hook because
    authentication must find the user before the municipality is known."""

    __tablename__ = "users"

    municipality_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("municipalities.id"), nullable=False, index=True
    )
    username: Mapped[str] = mapped_column(sa.String(80), nullable=False, unique=True)
    display_name: Mapped[str | None] = mapped_column(sa.String(160))
    role: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    # The unit a provider works in (service.provider_units); a provider sees the decided
    # decisions that name the same unit (by id).
    provider_unit_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("provider_units.id"))
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Web login (service/auth/login.py, docs in README "Web application"): an argon2id hash, never
    # the password; the TOTP secret once enrolment is confirmed, and the last time step used, so
    # that a code is accepted once. ``session_generation`` is part of every web session's id:
    # raising it (logout, a new password) ends every session the user has, in every process.
    password_hash: Mapped[str | None] = mapped_column(sa.String(200))
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # A password someone else set (an administrator, the CLI): the user must choose their own at
    # the next login before any other page opens (service/auth/login.py, ``change_own_password``).
    password_must_change: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False,
                                                       server_default=sa.false())
    # ``fernet:<token>``: encrypted with a key outside the database (service/auth/totp_keys.py).
    totp_secret: Mapped[str | None] = mapped_column(sa.String(255))
    totp_enrolled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    session_generation: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0, server_default="0")

    municipality: Mapped[Municipality] = relationship(lazy="joined")
    # Loaded when first used, never with the user: authentication reads the user before its
    # municipality is known, and a tenant table joined then is one row-level security hides
    # (the unit would read as none for the whole request).
    provider_unit: Mapped[ProviderUnit | None] = relationship(lazy="select")

    __table_args__ = (
        sa.CheckConstraint(sql_in("role", ALL_ROLES), name="role_known"),
    )

    # What Flask-Login asks of a user (service/web): the session's id names the generation too.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_generation}"


class ApiToken(EntityMixin, db.Model):
    """A bearer token. Only its SHA-256 is stored: the token itself is shown once."""

    __tablename__ = "api_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("users.id"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    # First characters of the token, to tell tokens apart in listings; not enough to use it.
    hint: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")
