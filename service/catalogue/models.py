"""The service catalogue and the legal bases decisions are made under (docs/cases.md).

Both are data, per municipality: every municipality gets the national KPR/IPLOS
codes and the local mental-health and substance services seeded when it is
created (``service.catalogue.services.seed_catalogue``), and its administrator
edits them through the API. Codes are stable strings other features refer to.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.common.models import EntityMixin, TenantMixin, sql_in
from service.extensions import db

# The rows of report tables T1/T2 (Kristiansund table 1 and 2), plus two groups
# for catalogue entries that table does not count.
REPORT_GROUPS = (
    "home_based",           # Hjemmebaserte tjenester
    "activity",             # Aktiviseringstilbud
    "housing_support",      # Bo og veiledning
    "substance_care",       # Rustjeneste, rusomsorg
    "rapid_mental_health",  # Annet (RPH) – rask psykisk helsehjelp
    "institution",          # opphold i institusjon (not in Kristiansund's table)
    "other",                # coordination and the rest (not in Kristiansund's table)
)


class LegalBasis(EntityMixin, TenantMixin, db.Model):
    __tablename__ = "legal_bases"

    code: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    name_nb: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    # Where the right or duty is written, e.g. "helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav a".
    law_reference: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    appeal_period_days: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    # The rule that sets the appeal period, e.g. "forvaltningsloven § 29".
    appeal_rule: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    appeal_body: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    # domstolloven § 149: a period whose last day is a Saturday, Sunday or public holiday
    # runs to the next working day. Data, so that a new law can say otherwise.
    appeal_period_moves: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True,
                                                      server_default=sa.true())
    # The basis is in force on decided_on when valid_from ≤ decided_on ≤ valid_to (open ends allowed).
    valid_from: Mapped[dt.date | None] = mapped_column(sa.Date)
    valid_to: Mapped[dt.date | None] = mapped_column(sa.Date)
    # The code of the basis that takes over when this one stops (valid_to), for defaults.
    replaced_by: Mapped[str | None] = mapped_column(sa.String(60))
    active: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)

    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "code"),
        sa.CheckConstraint("appeal_period_days > 0 AND appeal_period_days <= 366", name="appeal_period_positive"),
        sa.CheckConstraint("valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from",
                           name="validity_ordered"),
        sa.CheckConstraint("replaced_by IS NULL OR replaced_by <> code", name="not_replaced_by_itself"),
    )

    def in_force_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class ServiceType(EntityMixin, TenantMixin, db.Model):
    __tablename__ = "service_types"

    code: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    name_nb: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    kpr_code: Mapped[str | None] = mapped_column(sa.String(4))
    hour_based: Mapped[bool] = mapped_column(sa.Boolean, nullable=False)
    default_legal_basis: Mapped[str | None] = mapped_column(sa.String(60))
    report_group: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    active: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)

    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "code"),
        sa.CheckConstraint(sql_in("report_group", REPORT_GROUPS), name="report_group_known"),
    )
