"""The capacity guard: a unit never holds more pending offers plus active tenancies than it has room for.

Three layers, each sufficient on its own for its failure mode:

1. ``claim_slot`` (this module) locks the unit row (``SELECT … FOR UPDATE`` on
   PostgreSQL; on SQLite every transaction is ``BEGIN IMMEDIATE``, so writers are
   already serial), counts what the unit holds and refuses with 409 when it is full.
   Concurrent offers for one unit queue on the lock; the second sees the first.
2. Database triggers (migration 0004_housing) re-count after every insert or
   status change of an offer or tenancy and abort the statement when the unit is
   over capacity — so no code path, not even raw SQL, can overbook.
3. Partial unique indexes: one pending offer per need, one active tenancy per person.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from service.common.errors import Conflict, NotFound
from service.common.i18n import N_, _
from service.extensions import db
from service.housing.models import HousingOffer, HousingUnit, Tenancy

# Why a unit out of use cannot be offered, one whole sentence per unavailable_reason.
_OUT_OF_USE = {
    "damage": N_("The unit is out of use because of damage; it cannot be offered."),
    "renovation": N_("The unit is out of use for renovation; it cannot be offered."),
    "other": N_("The unit is out of use; it cannot be offered."),
}


def lock_unit(unit_id: uuid.UUID) -> HousingUnit:
    """Load the unit with a row lock held until the transaction ends (fresh from the database).

    ``FOR NO KEY UPDATE`` serialises every writer of this unit's places without
    blocking inserts elsewhere that merely reference the unit (foreign keys).
    """
    stmt = sa.select(HousingUnit).where(HousingUnit.id == unit_id).execution_options(populate_existing=True)
    if db.session.get_bind().dialect.name != "sqlite":
        stmt = stmt.with_for_update(key_share=True)
    unit = db.session.scalar(stmt)
    if unit is None:
        raise NotFound(_("No such housing unit."))
    return unit


def slots_taken(unit_id: uuid.UUID) -> int:
    pending = sa.select(sa.func.count()).select_from(HousingOffer).where(
        HousingOffer.unit_id == unit_id, HousingOffer.status == "pending").scalar_subquery()
    active = sa.select(sa.func.count()).select_from(Tenancy).where(
        Tenancy.unit_id == unit_id, Tenancy.ended_on.is_(None)).scalar_subquery()
    return int(db.session.scalar(sa.select(pending + active)) or 0)


def claim_slot(unit_id: uuid.UUID) -> HousingUnit:
    """Lock the unit and make sure it can take one more pending offer; 409 otherwise."""
    unit = lock_unit(unit_id)
    if unit.status == "unavailable":
        raise Conflict(_(_OUT_OF_USE.get(unit.unavailable_reason, _OUT_OF_USE["other"])), code="not_available")
    if slots_taken(unit.id) >= unit.capacity:
        raise Conflict(_("The unit has no free place: its capacity (%(capacity)s) is taken by offers and tenancies.",
                         capacity=unit.capacity), code="no_capacity")
    return unit


def refresh_status(unit: HousingUnit) -> None:
    """Set available/reserved/occupied from what the unit holds (call with the unit locked, after flush)."""
    if unit.status == "unavailable":
        return
    db.session.flush()
    active = db.session.scalar(sa.select(sa.func.count()).select_from(Tenancy).where(
        Tenancy.unit_id == unit.id, Tenancy.ended_on.is_(None))) or 0
    taken = slots_taken(unit.id)
    if active >= unit.capacity:
        status = "occupied"
    elif taken >= unit.capacity:
        status = "reserved"
    else:
        status = "available"
    if unit.status != status:
        unit.status = status
