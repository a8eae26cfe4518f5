"""The provider-unit register: listing, admin edits, and resolving a unit a client names.

Decisions and provider users point at a unit by id. Clients may name a unit by its
``name`` or its ``id``; a name that matches no unit of the municipality is a 422
listing the units there are, so a typo never creates a unit or hides a decision.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from service.audit.services import record
from service.common.concurrency import check_version
from service.common.errors import Duplicate, NotFound, ValidationFailed
from service.common.i18n import _
from service.common.tenancy import current_municipality_id
from service.extensions import db
from service.provider_units.models import NAME_MAX, ProviderUnit


def _clean_name(name: str | None, field: str = "name") -> str:
    cleaned = (name or "").strip()
    if not cleaned:
        raise ValidationFailed.field(field, _("must not be empty"))
    if len(cleaned) > NAME_MAX:
        raise ValidationFailed.field(field, _("at most %(max)s characters", max=NAME_MAX))
    return cleaned


def list_units(filters: dict) -> list[ProviderUnit]:
    stmt = sa.select(ProviderUnit)
    if filters.get("active") is not None:
        stmt = stmt.where(ProviderUnit.active == filters["active"])
    return list(db.session.scalars(stmt.order_by(ProviderUnit.name, ProviderUnit.id)))


def get_unit(unit_id: uuid.UUID) -> ProviderUnit:
    unit = db.session.get(ProviderUnit, unit_id)
    if unit is None or unit.municipality_id != current_municipality_id():
        raise NotFound(_("No such provider unit."))
    return unit


def _unit_named(name: str) -> ProviderUnit | None:
    return db.session.scalar(sa.select(ProviderUnit).where(ProviderUnit.name == name))


def _check_name_free(name: str, unit_id: uuid.UUID | None = None) -> None:
    other = _unit_named(name)
    if other is not None and other.id != unit_id:
        raise Duplicate(_("A provider unit named %(name)s already exists.", name=name), existing_id=other.id)


def create_unit(data: dict) -> ProviderUnit:
    """Add a unit to the caller's municipality (admin; the CLI runs it inside ``tenant_scope``)."""
    name = _clean_name(data.get("name"))
    _check_name_free(name)
    unit = ProviderUnit(id=uuid.uuid4(), municipality_id=current_municipality_id(), name=name,
                        active=data.get("active", True))
    db.session.add(unit)
    db.session.flush()
    record("create", "provider_unit", object_id=unit.id)
    return unit


def update_unit(unit_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> ProviderUnit:
    """Rename or retire/reactivate a unit. Decisions keep pointing at it (by id)."""
    unit = get_unit(unit_id)
    check_version(unit, expected_version)
    if "name" in data:
        name = _clean_name(data["name"])
        _check_name_free(name, unit.id)
        unit.name = name
    if data.get("active") is not None:
        unit.active = data["active"]
    db.session.flush()
    record("update", "provider_unit", object_id=unit.id, detail=("fields: " + ",".join(sorted(data)))[:200])
    return unit


# --- resolving the unit a client names ----------------------------------------------------

def _unknown(field: str, what: str) -> ValidationFailed:
    names = list(db.session.scalars(sa.select(ProviderUnit.name).where(ProviderUnit.active.is_(True))
                                    .order_by(ProviderUnit.name)))
    known = (_("known units: %(names)s", names=", ".join(names)) if names
             else _("the municipality has no provider units yet"))
    # Two field messages, each a whole text for the translator; the detail shows both.
    return ValidationFailed(f"{field}: {what}; {known}.", errors={field: [what, known]}, known_units=names)


def resolve(*, name: str | None = None, unit_id: uuid.UUID | None = None, for_new_use: bool = True,
            field: str = "provider_unit") -> ProviderUnit:
    """The unit of the caller's municipality a client names by ``name`` or ``unit_id`` (422 otherwise).

    With both given they must be the same unit. ``for_new_use``: a retired unit is refused.
    """
    unit = None
    if unit_id is not None:
        unit = db.session.get(ProviderUnit, unit_id)
        if unit is None or unit.municipality_id != current_municipality_id():
            raise _unknown("provider_unit_id", _("no such provider unit"))
    if name is not None:
        named = _unit_named(name.strip())
        if named is None:
            raise _unknown(field, _("no provider unit named %(name)s", name=name.strip()))
        if unit is not None and named.id != unit.id:
            raise ValidationFailed.field(field, _("names another unit than provider_unit_id"))
        unit = named
    if unit is None:
        raise ValidationFailed.field(field, _("required"))
    if for_new_use and not unit.active:
        raise ValidationFailed.field(field if name is not None else "provider_unit_id",
                                     _("the provider unit %(name)s is retired", name=unit.name))
    return unit
