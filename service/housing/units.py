"""Housing units: register, correct, inspect, take out of use and back (docs/housing.md, "Units").

Units are not person data, but every write is audited (object_type ``housing_unit``).
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from flask import current_app

from service.audit.services import record
from service.auth.identity import current_user
from service.common import clock
from service.common.concurrency import check_version, unique_or_duplicate
from service.common.deadlines import add_months
from service.common.errors import Conflict, Duplicate, InvalidState, NotFound, ValidationFailed, require_not_future
from service.common.i18n import _, label
from service.common.pagination import page_of
from service.common.tenancy import current_municipality_id
from service.extensions import db
from service.housing import capacity
from service.housing.models import HousingInspection, HousingUnit, Tenancy
from service.housing.rules import derive_risk_class, known_features
from service.worklist.flags import resolve_for

_DESCRIPTIVE = ("label", "address", "complex", "district", "unit_type", "staffing", "substance_free",
                "max_stay_months", "owner", "next_inspection_on")


def _check_features(features) -> list[str]:
    known = set(known_features())
    unknown = sorted(set(features) - known)
    if unknown:
        raise ValidationFailed.field("features", _("unknown features: %(codes)s", codes=", ".join(unknown)))
    return sorted(set(features))


def _apply_class(unit: HousingUnit, data: dict) -> None:
    """Re-derive the class; keep a manual class only with a reason (docs/housing.md, "Units")."""
    unit.derived_risk_class = derive_risk_class(unit.features, unit.staffing)
    if "risk_class_override" in data:
        manual = data["risk_class_override"]
        reason = (data.get("class_override_reason") or "").strip() or None
        if manual is None or manual == unit.derived_risk_class:
            unit.risk_class, unit.class_override_reason = unit.derived_risk_class, None
            return
        if reason is None:
            raise ValidationFailed.field("class_override_reason",
                                         _("a manual class that differs from the derived one needs a reason"))
        unit.risk_class, unit.class_override_reason = manual, reason
        return
    if unit.class_override_reason and unit.risk_class != unit.derived_risk_class:
        if "class_override_reason" in data and not (data["class_override_reason"] or "").strip():
            raise ValidationFailed.field("class_override_reason",
                                         _("the manual class differs from the derived one; clear the class first"))
        if data.get("class_override_reason"):
            unit.class_override_reason = data["class_override_reason"].strip()
        return  # a standing manual class survives new features, visibly
    unit.risk_class, unit.class_override_reason = unit.derived_risk_class, None


def _unit_labelled(label: str, other_than: uuid.UUID) -> uuid.UUID | None:
    """The id of another unit with this label (labels are unique in a municipality)."""
    return db.session.scalar(sa.select(HousingUnit.id).where(HousingUnit.label == label, HousingUnit.id != other_than))


def _duplicate_label(label: str, existing_id: uuid.UUID) -> Duplicate:
    return Duplicate(_("A unit labelled %(label)s is already registered.", label=label),
                     existing_id=existing_id, code="duplicate_label")


def _ensure_label_free(label: str, unit_id: uuid.UUID) -> None:
    existing_id = _unit_labelled(label, unit_id)
    if existing_id is not None:
        raise _duplicate_label(label, existing_id)


def _writing_label(label: str, unit_id: uuid.UUID):
    """Write the unit so that losing a race for the label (the check before only sees
    committed units) is the 409 pointing to the unit that won. Change the unit only
    inside the block."""
    return unique_or_duplicate(lambda: _unit_labelled(label, unit_id),
                               lambda existing_id: _duplicate_label(label, existing_id))


def _resolve_flags(unit: HousingUnit) -> None:
    """An inspection or a corrected unit: its inspection flag, and the class mismatches of its
    tenancies, are resolved at once when their cause is gone (docs/worklist.md)."""
    db.session.flush()
    resolve_for("housing_unit", [unit.id])
    resolve_for("housing_tenancy", db.session.scalars(sa.select(Tenancy.id).where(
        Tenancy.unit_id == unit.id, Tenancy.ended_on.is_(None))).all())


def create_unit(data: dict) -> HousingUnit:
    unit = HousingUnit(id=uuid.uuid4(), municipality_id=current_municipality_id(), status="available",
                       capacity=data.get("capacity", 1), staffing=data.get("staffing", "none"),
                       substance_free=data.get("substance_free", False), owner=data.get("owner", "municipality"),
                       features=_check_features(data.get("features", [])))
    for field in _DESCRIPTIVE:
        if field in data:
            setattr(unit, field, data[field])
    unit.label = unit.label.strip()
    _apply_class(unit, data)
    _ensure_label_free(unit.label, unit.id)
    with _writing_label(unit.label, unit.id):
        db.session.add(unit)
    record("create", "housing_unit", object_id=unit.id)
    return unit


def load_unit(unit_id: uuid.UUID) -> HousingUnit:
    unit = db.session.get(HousingUnit, unit_id)
    if unit is None:
        raise NotFound(_("No such housing unit."))
    return unit


def get_unit(unit_id: uuid.UUID) -> HousingUnit:
    return load_unit(unit_id)


def update_unit(unit_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> HousingUnit:
    unit = capacity.lock_unit(unit_id)
    check_version(unit, expected_version)
    changed = sorted(k for k in data if getattr(unit, k, None) != data[k])
    label = data["label"].strip() if "label" in data else unit.label
    if "label" in data:
        _ensure_label_free(label, unit.id)
    features = _check_features(data["features"]) if "features" in data else None
    if "capacity" in data:
        taken = capacity.slots_taken(unit.id)
        if data["capacity"] < taken:
            raise Conflict(_("The capacity cannot go below %(taken)s: that many places are offered or let.",
                             taken=taken), code="capacity_in_use")
    with _writing_label(label, unit.id):
        for field in _DESCRIPTIVE:
            if field in data:
                setattr(unit, field, data[field])
        unit.label = label
        if features is not None:
            unit.features = features
        if "capacity" in data:
            unit.capacity = data["capacity"]
        _apply_class(unit, data)
        db.session.flush()
    capacity.refresh_status(unit)
    db.session.flush()
    record("update", "housing_unit", object_id=unit.id,
           detail=("fields: " + ",".join(changed))[:200] if changed else None)
    _resolve_flags(unit)
    return unit


def inspect_unit(unit_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> HousingUnit:
    """Record an inspection: its checklist becomes the unit's features and the class is re-derived."""
    unit = capacity.lock_unit(unit_id)
    check_version(unit, expected_version)
    inspected_on = data["inspected_on"]
    require_not_future("inspected_on", inspected_on)
    features = _check_features(data["features"])
    next_on = data.get("next_inspection_on") or add_months(
        inspected_on, current_app.config["HOUSING_INSPECTION_INTERVAL_MONTHS"])
    if next_on <= inspected_on:
        raise ValidationFailed.field("next_inspection_on", _("must be after the inspection"))
    unit.features = features
    unit.next_inspection_on = next_on
    _apply_class(unit, {k: data[k] for k in ("risk_class_override", "class_override_reason") if k in data})
    user = current_user()
    inspection = HousingInspection(
        id=uuid.uuid4(), municipality_id=unit.municipality_id, unit_id=unit.id, inspected_on=inspected_on,
        features=features, result=data.get("result") or ("approved" if unit.risk_class else "deficiencies"),
        derived_risk_class=unit.derived_risk_class, notes=data.get("notes"), next_inspection_on=next_on,
        inspected_by=user.id if user is not None else None)
    db.session.add(inspection)
    db.session.flush()
    record("create", "housing_inspection", object_id=inspection.id)
    record("update", "housing_unit", object_id=unit.id, detail="inspection")
    _resolve_flags(unit)
    return unit


def list_inspections(unit_id: uuid.UUID, page: int, page_size: int):
    load_unit(unit_id)
    stmt = sa.select(HousingInspection).where(HousingInspection.unit_id == unit_id).order_by(
        HousingInspection.inspected_on.desc(), HousingInspection.created_at.desc())
    return page_of(stmt, page, page_size)


def mark_unavailable(unit_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> HousingUnit:
    unit = capacity.lock_unit(unit_id)
    check_version(unit, expected_version)
    if unit.status == "unavailable":
        raise InvalidState(_("The unit is already out of use."), state=unit.status)
    if capacity.slots_taken(unit.id):
        raise InvalidState(_("The unit cannot be taken out of use in state %(state)s; end its tenancies and "
                             "withdraw its offers first.", state=label("unit_status", unit.status)), state=unit.status)
    unit.status, unit.unavailable_reason = "unavailable", data["reason"]
    unit.unavailable_note = data.get("note")
    db.session.flush()
    record("update", "housing_unit", object_id=unit.id, detail=f"unavailable: {data['reason']}")
    return unit


def mark_available(unit_id: uuid.UUID, *, expected_version: int | None = None) -> HousingUnit:
    unit = capacity.lock_unit(unit_id)
    check_version(unit, expected_version)
    if unit.status != "unavailable":
        raise InvalidState(_("The unit cannot be put back in use in state %(state)s; it is not out of use.",
                             state=label("unit_status", unit.status)), state=unit.status)
    unit.status, unit.unavailable_reason, unit.unavailable_note = "available", None, None
    capacity.refresh_status(unit)
    db.session.flush()
    record("update", "housing_unit", object_id=unit.id, detail="available")
    return unit


def list_units(filters: dict, page: int, page_size: int):
    stmt = sa.select(HousingUnit)
    for field in ("risk_class", "status", "unit_type", "complex", "substance_free", "staffing", "owner", "district"):
        if filters.get(field) is not None:
            stmt = stmt.where(getattr(HousingUnit, field) == filters[field])
    if filters.get("unclassified"):
        stmt = stmt.where(HousingUnit.risk_class.is_(None))
    if filters.get("class_overridden") is not None:
        overridden = HousingUnit.class_override_reason.is_not(None)
        stmt = stmt.where(overridden if filters["class_overridden"] else sa.not_(overridden))
    if filters.get("inspection_due") is not None:
        horizon = clock.today() + dt.timedelta(days=current_app.config["HOUSING_INSPECTION_DUE_DAYS"])
        due = sa.or_(HousingUnit.next_inspection_on.is_(None), HousingUnit.next_inspection_on <= horizon)
        stmt = stmt.where(due if filters["inspection_due"] else sa.not_(due))
    return page_of(stmt.order_by(HousingUnit.complex, HousingUnit.label, HousingUnit.id), page, page_size)
