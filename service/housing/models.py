"""Housing tables: units, needs, offers, tenancies (docs/housing.md).

Capacity is guarded in three layers: the services lock the unit row before they
count (``capacity.claim_slot``), database triggers refuse a pending offer or an
active tenancy that would take a unit past its capacity (migration 0004), and
partial unique indexes allow one pending offer per need, one active tenancy per
person and one open need per person.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from service.common.history import HistoryMixin
from service.common.models import EntityMixin, TenantMixin, sql_in
from service.extensions import db
from service.persons.models import Person

RISK_CLASSES = ("green", "yellow", "red")
UNIT_TYPES = ("ordinary_rental", "care_home", "staffed_complex", "training_flat", "aftercare_flat", "temporary")
STAFFING_LEVELS = ("none", "supervision", "staff_base", "round_the_clock")
OWNERS = ("municipality", "housing_foundation", "private_lease")
UNIT_STATUSES = ("available", "reserved", "occupied", "unavailable")
UNAVAILABLE_REASONS = ("damage", "renovation", "other")
INSPECTION_RESULTS = ("approved", "deficiencies")

NEED_CATEGORIES = ("ordinary", "care_home_staffed", "robust_supervised", "robust_staff_base",
                   "training_flat", "aftercare")
# The four categories of the national homelessness count (NIBR/OsloMet "Bostedsløse i Norge").
HOMELESS_SITUATIONS = ("temporary_accommodation", "with_friends_family", "institution_release", "sleeping_rough")
HOUSING_SITUATIONS = HOMELESS_SITUATIONS + ("housed_insecure", "housed")
URGENCIES = ("normal", "high", "acute")
NEED_STATUSES = ("waiting", "offered", "housed", "withdrawn", "parked")
OPEN_NEED_STATUSES = ("waiting", "offered", "parked")

# "expired": a pending offer past respond_by, set by the ``offers`` job (offers.expire_offer).
OFFER_STATUSES = ("pending", "accepted", "declined", "expired", "withdrawn")
TENANCY_END_REASONS = ("moved_to_own_home", "evicted", "institution", "deceased", "other")
EVENT_KINDS = ("need_class_mismatch",)


class HousingUnit(EntityMixin, TenantMixin, db.Model):
    __tablename__ = "housing_units"

    label: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    address: Mapped[str | None] = mapped_column(sa.String(200))
    complex: Mapped[str | None] = mapped_column(sa.String(120), index=True)
    district: Mapped[str | None] = mapped_column(sa.String(80))
    unit_type: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    features: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    # risk_class is what matching uses: derived_risk_class unless a manual class was set,
    # which then needs class_override_reason (kept visible in answers and reports).
    derived_risk_class: Mapped[str | None] = mapped_column(sa.String(10))
    risk_class: Mapped[str | None] = mapped_column(sa.String(10), index=True)
    class_override_reason: Mapped[str | None] = mapped_column(sa.String(500))
    staffing: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="none")
    substance_free: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    max_stay_months: Mapped[int | None] = mapped_column(sa.Integer)
    capacity: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    owner: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="municipality")
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="available", index=True)
    unavailable_reason: Mapped[str | None] = mapped_column(sa.String(12))
    unavailable_note: Mapped[str | None] = mapped_column(sa.String(500))
    next_inspection_on: Mapped[dt.date | None] = mapped_column(sa.Date)

    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "label"),
        sa.CheckConstraint(sql_in("unit_type", UNIT_TYPES), name="unit_type_known"),
        sa.CheckConstraint("risk_class IS NULL OR " + sql_in("risk_class", RISK_CLASSES), name="risk_class_known"),
        sa.CheckConstraint("derived_risk_class IS NULL OR " + sql_in("derived_risk_class", RISK_CLASSES),
                           name="derived_risk_class_known"),
        sa.CheckConstraint(
            "risk_class = derived_risk_class OR (risk_class IS NULL AND derived_risk_class IS NULL) "
            "OR class_override_reason IS NOT NULL",
            name="override_has_reason"),
        sa.CheckConstraint(sql_in("staffing", STAFFING_LEVELS), name="staffing_known"),
        sa.CheckConstraint(sql_in("owner", OWNERS), name="owner_known"),
        sa.CheckConstraint(sql_in("status", UNIT_STATUSES), name="status_known"),
        sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
        sa.CheckConstraint("max_stay_months IS NULL OR max_stay_months > 0", name="max_stay_positive"),
        sa.CheckConstraint("(status = 'unavailable') = (unavailable_reason IS NOT NULL)",
                           name="unavailable_has_reason"),
    )


class HousingInspection(EntityMixin, TenantMixin, db.Model):
    __tablename__ = "housing_inspections"

    unit_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("housing_units.id"), nullable=False, index=True)
    inspected_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    features: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    result: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    derived_risk_class: Mapped[str | None] = mapped_column(sa.String(10))
    notes: Mapped[str | None] = mapped_column(sa.String(2000))
    next_inspection_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    inspected_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("users.id"))

    __table_args__ = (
        sa.CheckConstraint(sql_in("result", INSPECTION_RESULTS), name="result_known"),
    )


class HousingNeed(EntityMixin, TenantMixin, db.Model):
    __tablename__ = "housing_needs"

    person_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("persons.id"), nullable=False, index=True)
    registered_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    category: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    required_risk_class: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    required_staffing: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="none")
    active_substance_use: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    requires_substance_free: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    housing_situation: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    urgency: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="normal")
    needed_by: Mapped[dt.date | None] = mapped_column(sa.Date)
    preferred_areas: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    avoid_person_ids: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    # The vedtak the need rests on, if any (e.g. KPR 29 bolig for helse- og omsorgsformål).
    decision_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("decisions.id"))
    notes: Mapped[str | None] = mapped_column(sa.String(2000))
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="waiting", index=True)
    parked_until: Mapped[dt.date | None] = mapped_column(sa.Date)
    park_reason: Mapped[str | None] = mapped_column(sa.String(500))
    withdrawn_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    withdraw_reason: Mapped[str | None] = mapped_column(sa.String(500))

    __table_args__ = (
        sa.CheckConstraint(sql_in("category", NEED_CATEGORIES), name="category_known"),
        sa.CheckConstraint(sql_in("required_risk_class", RISK_CLASSES), name="required_class_known"),
        sa.CheckConstraint(sql_in("required_staffing", STAFFING_LEVELS), name="required_staffing_known"),
        sa.CheckConstraint(sql_in("housing_situation", HOUSING_SITUATIONS), name="housing_situation_known"),
        sa.CheckConstraint(sql_in("urgency", URGENCIES), name="urgency_known"),
        sa.CheckConstraint(sql_in("status", NEED_STATUSES), name="status_known"),
        sa.CheckConstraint("NOT (active_substance_use AND requires_substance_free)", name="substance_consistent"),
        sa.CheckConstraint("(status = 'parked') = (parked_until IS NOT NULL)", name="parked_has_date"),
        sa.Index("uq_housing_needs_open_person", "person_id", unique=True,
                 postgresql_where=sa.text(sql_in("status", OPEN_NEED_STATUSES)),
                 sqlite_where=sa.text(sql_in("status", OPEN_NEED_STATUSES))),
    )


class HousingOffer(EntityMixin, TenantMixin, db.Model):
    __tablename__ = "housing_offers"

    unit_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("housing_units.id"), nullable=False, index=True)
    need_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("housing_needs.id"), nullable=False, index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("persons.id"), nullable=False, index=True)
    offered_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    respond_by: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="pending")
    responded_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    decline_reason: Mapped[str | None] = mapped_column(sa.String(500))
    withdraw_reason: Mapped[str | None] = mapped_column(sa.String(500))
    class_mismatch_reason: Mapped[str | None] = mapped_column(sa.String(500))
    offered_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("users.id"))

    # Read-only navigation for answers (no columns): the services load them with
    # selectinload, so listing offers costs the same few statements for any page size.
    unit: Mapped[HousingUnit] = relationship(viewonly=True, lazy="select")
    tenancy: Mapped[Tenancy | None] = relationship(
        primaryjoin="HousingOffer.id == foreign(Tenancy.offer_id)", viewonly=True, uselist=False)

    __table_args__ = (
        sa.CheckConstraint(sql_in("status", OFFER_STATUSES), name="status_known"),
        sa.CheckConstraint("respond_by >= offered_on", name="respond_after_offer"),
        sa.Index("uq_housing_offers_pending_need", "need_id", unique=True,
                 postgresql_where=sa.text("status = 'pending'"),
                 sqlite_where=sa.text("status = 'pending'")),
        # The capacity trigger's count (migration 0015 says why partial).
        sa.Index("ix_housing_offers_unit_pending", "unit_id",
                 postgresql_where=sa.text("status = 'pending'"), sqlite_where=sa.text("status = 'pending'")),
    )


class Tenancy(EntityMixin, TenantMixin, db.Model):
    __tablename__ = "housing_tenancies"

    unit_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("housing_units.id"), nullable=False, index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("persons.id"), nullable=False, index=True)
    need_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("housing_needs.id"), index=True)
    offer_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("housing_offers.id"))
    start_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    planned_end_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    ended_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    end_reason: Mapped[str | None] = mapped_column(sa.String(20))
    end_note: Mapped[str | None] = mapped_column(sa.String(500))
    class_mismatch_reason: Mapped[str | None] = mapped_column(sa.String(500))

    unit: Mapped[HousingUnit] = relationship(viewonly=True)  # read-only, for the unit's label

    __table_args__ = (
        sa.CheckConstraint("end_reason IS NULL OR " + sql_in("end_reason", TENANCY_END_REASONS), name="end_reason_known"),
        sa.CheckConstraint("(ended_on IS NULL) = (end_reason IS NULL)", name="ended_has_reason"),
        sa.CheckConstraint("ended_on IS NULL OR ended_on >= start_on", name="ends_after_start"),
        sa.Index("uq_housing_tenancies_active_person", "person_id", unique=True,
                 postgresql_where=sa.text("ended_on IS NULL"),
                 sqlite_where=sa.text("ended_on IS NULL")),
        # The capacity trigger's count (migration 0015 says why partial).
        sa.Index("ix_housing_tenancies_unit_active", "unit_id",
                 postgresql_where=sa.text("ended_on IS NULL"), sqlite_where=sa.text("ended_on IS NULL")),
    )


class HousingEvent(EntityMixin, TenantMixin, db.Model):
    """Facts the reports count (T9 class mismatches), one row each."""

    __tablename__ = "housing_events"

    kind: Mapped[str] = mapped_column(sa.String(30), nullable=False, index=True)
    occurred_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    unit_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("housing_units.id"), nullable=False)
    need_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("housing_needs.id"))
    tenancy_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("housing_tenancies.id"))
    person_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("persons.id"), index=True)
    required_risk_class: Mapped[str | None] = mapped_column(sa.String(10))
    unit_risk_class: Mapped[str | None] = mapped_column(sa.String(10))
    reason: Mapped[str | None] = mapped_column(sa.String(500))

    __table_args__ = (
        sa.CheckConstraint(sql_in("kind", EVENT_KINDS), name="kind_known"),
    )


class HousingUnitHistory(HistoryMixin, TenantMixin, db.Model):
    """A unit's status and risk class from ``valid_from`` (service/common/history.py; report T8)."""

    __tablename__ = "housing_unit_history"

    unit_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("housing_units.id"), nullable=False)
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    risk_class: Mapped[str | None] = mapped_column(sa.String(10))

    __table_args__ = (sa.Index("ix_housing_unit_history_unit_valid_from", "unit_id", "valid_from"),)


class HousingNeedHistory(HistoryMixin, TenantMixin, db.Model):
    """A need's status and what it asks for from ``valid_from`` (service/common/history.py; report T9)."""

    __tablename__ = "housing_need_history"

    need_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("housing_needs.id"), nullable=False)
    status: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    category: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    required_risk_class: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    housing_situation: Mapped[str] = mapped_column(sa.String(30), nullable=False)

    __table_args__ = (sa.Index("ix_housing_need_history_need_valid_from", "need_id", "valid_from"),)


UNIT_HISTORY_FIELDS = ("status", "risk_class")
NEED_HISTORY_FIELDS = ("status", "category", "required_risk_class", "housing_situation")


def _address_protection_of(row_class) -> None:
    """``row.address_protection``: the marking of the person the row is about, loaded with the row
    (a correlated subquery): the answers hide the row's location fields by it (the access
    matrix's protected addresses, service/auth/matrix.py) and filters on them use it."""
    row_class.address_protection = column_property(
        sa.select(Person.address_protection).where(Person.id == row_class.person_id)
        .correlate_except(Person).scalar_subquery())


for _row_class in (HousingNeed, HousingOffer, Tenancy):
    _address_protection_of(_row_class)
