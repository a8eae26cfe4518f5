"""Provider units: the teams and services that deliver decisions (docs/cases.md, "Provider units").

A register per municipality, edited by its administrator. Decisions and provider
users point at a unit by id, so the provider's need-to-know rule compares ids and
a misspelt name can no longer hide a decision from the unit that delivers it.
Every municipality starts with no units; a unit is retired (``active = false``),
never deleted, because decisions keep pointing at it.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.common.models import EntityMixin, TenantMixin
from service.extensions import db

NAME_MAX = 120


class ProviderUnit(EntityMixin, TenantMixin, db.Model):
    __tablename__ = "provider_units"

    name: Mapped[str] = mapped_column(sa.String(NAME_MAX), nullable=False)
    active: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True, server_default=sa.true())

    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "name"),
        sa.CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
    )
