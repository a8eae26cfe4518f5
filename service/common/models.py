"""Columns every table shares: UUID id, timestamps, optimistic version."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from service.common import clock


class UTCDateTime(sa.types.TypeDecorator):
    """Stores naive UTC, returns aware UTC, on SQLite and PostgreSQL alike.

    One representation on both databases keeps the audit hash chain stable.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use service.common.clock")
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.timezone.utc)


def new_uuid() -> uuid.UUID:
    return uuid.uuid4()


def sql_in(column: str, values) -> str:
    """``column IN ('a', 'b')`` for a CHECK constraint over a fixed set of codes."""
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class EntityMixin:
    """id, created_at, updated_at and a version the ORM checks on every UPDATE."""

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_uuid)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, nullable=False, default=clock.now, onupdate=clock.now
    )
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}


class TenantMixin:
    """Marks a row as belonging to one municipality; reads are scoped centrally."""

    #: False for a table whose own indexes lead with ``municipality_id``: those serve every
    #: look-up by municipality as well, and an index on it alone would only be one more to
    #: write on every insert (``decisions``: a million rows, migration 0016).
    __tenant_index__ = True

    @declared_attr
    def municipality_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(
            sa.Uuid, sa.ForeignKey("municipalities.id"), nullable=False, index=cls.__tenant_index__
        )
