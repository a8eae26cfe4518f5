"""Offers and tenancies (DESIGN §3 Offer, Tenancy): reserve, accept, decline, withdraw, expire, end.

Every change that adds to what a unit holds goes through ``capacity.claim_slot``
(row lock + count); changes that free a place lock the unit too, so the unit's
status (available/reserved/occupied) is always computed under the lock.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from flask import g

from service.audit.services import record, record_many
from service.common import clock
from service.common.concurrency import check_version
from service.common.errors import Conflict, NotFound, ValidationFailed
from service.common.pagination import page_of
from service.common.tenancy import current_municipality_id
from service.extensions import db
from service.housing import capacity, matching
from service.housing.models import HousingEvent, HousingNeed, HousingOffer, HousingUnit, Tenancy
from service.housing.needs import is_waiting, load_need
from service.common.deadlines import add_months
from service.housing.rules import class_rank
from service.persons.access import visible_persons_clause
from service.persons.models import Person

# Rules the capacity guard answers itself (with 409 no_capacity / not_available).
_GUARDED = {"no_capacity", "not_available"}


def _user_id():
    user = g.get("current_user")
    return user.id if user is not None else None


def create_offer(data: dict) -> HousingOffer:
    today = clock.today()
    offered_on = data["offered_on"]
    if offered_on > today:
        raise ValidationFailed.field("offered_on", "must not be in the future")
    if data["respond_by"] < offered_on:
        raise ValidationFailed.field("respond_by", "must be on or after the day of the offer")
    try:
        need = load_need(data["need_id"], lock=True)
    except NotFound:
        raise ValidationFailed.field("need_id", "no such housing need") from None
    if offered_on < need.registered_on:
        raise ValidationFailed.field("offered_on", "must not be before the need was registered")
    if not is_waiting(need, today):
        raise Conflict(f"The need is {need.status}; only a waiting need can be offered a unit.",
                       code="invalid_state")
    unit = claim_slot(data["unit_id"])
    reasons, _, _ = matching.pair_check(unit.id, need.id)
    reasons = [r for r in reasons if r not in _GUARDED]
    mismatch_reason = (data.get("class_mismatch_reason") or "").strip() or None
    if "class_too_low" in reasons and mismatch_reason:
        reasons.remove("class_too_low")
    if reasons:
        hint = " A lower class needs class_mismatch_reason." if reasons == ["class_too_low"] else ""
        raise Conflict("The unit does not fit the need: " + ", ".join(reasons) + "." + hint,
                       code="match_rules_broken", reasons=reasons)
    if class_rank(unit.risk_class) >= class_rank(need.required_risk_class):
        mismatch_reason = None
    offer = HousingOffer(id=uuid.uuid4(), municipality_id=current_municipality_id(), unit_id=unit.id,
                         need_id=need.id, person_id=need.person_id, offered_on=offered_on,
                         respond_by=data["respond_by"], status="pending",
                         class_mismatch_reason=mismatch_reason, offered_by=_user_id())
    db.session.add(offer)
    need.status, need.parked_until = "offered", None
    db.session.flush()
    capacity.refresh_status(unit)
    record("create", "housing_offer", object_id=offer.id, person_id=offer.person_id)
    return offer


def claim_slot(unit_id):
    """Indirection so the concurrency test can prove the suite notices a missing guard."""
    return capacity.claim_slot(unit_id)


def _load_offer(offer_id: uuid.UUID) -> HousingOffer:
    offer = db.session.get(HousingOffer, offer_id)
    if offer is None:
        raise NotFound("No such offer.")
    return offer


def _lock_offer(offer_id: uuid.UUID) -> tuple[HousingOffer, HousingUnit]:
    offer = _load_offer(offer_id)
    unit = capacity.lock_unit(offer.unit_id)
    db.session.refresh(offer)
    return offer, unit


def _ensure_pending(offer: HousingOffer, action: str) -> None:
    if offer.status != "pending":
        raise Conflict(f"The offer is {offer.status}; it cannot be {action}.", code="invalid_state")


def accept_offer(offer_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> HousingOffer:
    today = clock.today()
    offer, unit = _lock_offer(offer_id)
    check_version(offer, expected_version)
    _ensure_pending(offer, "accepted")
    if today > offer.respond_by:
        raise Conflict(f"The offer expired on {offer.respond_by.isoformat()}; make a new offer.",
                       code="offer_expired")
    start_on = data["start_on"]
    if start_on < offer.offered_on:
        raise ValidationFailed.field("start_on", "must not be before the offer was made")
    need = db.session.get(HousingNeed, offer.need_id)
    if db.session.scalar(sa.select(Tenancy.id).where(Tenancy.person_id == offer.person_id,
                                                     Tenancy.ended_on.is_(None))) is not None:
        raise Conflict("The person already has an active tenancy; end it first.", code="active_tenancy_exists")
    mismatch = class_rank(unit.risk_class) < class_rank(need.required_risk_class)
    reason = (data.get("class_mismatch_reason") or offer.class_mismatch_reason or "").strip() or None
    if mismatch and reason is None:
        raise ValidationFailed.field("class_mismatch_reason",
                                     "the unit's class is lower than the need requires; give the reason")
    offer.status, offer.responded_on = "accepted", today
    db.session.flush()  # the pending place becomes the tenancy's place: never both at once
    tenancy = Tenancy(id=uuid.uuid4(), municipality_id=offer.municipality_id, unit_id=unit.id,
                      person_id=offer.person_id, need_id=need.id, offer_id=offer.id, start_on=start_on,
                      planned_end_on=add_months(start_on, unit.max_stay_months) if unit.max_stay_months else None,
                      class_mismatch_reason=reason if mismatch else None)
    db.session.add(tenancy)
    need.status = "housed"
    db.session.flush()
    capacity.refresh_status(unit)
    record("update", "housing_offer", object_id=offer.id, person_id=offer.person_id, detail="accepted")
    record("create", "housing_tenancy", object_id=tenancy.id, person_id=tenancy.person_id)
    if mismatch:
        event = HousingEvent(id=uuid.uuid4(), municipality_id=offer.municipality_id, kind="need_class_mismatch",
                             occurred_on=start_on, unit_id=unit.id, need_id=need.id, tenancy_id=tenancy.id,
                             person_id=tenancy.person_id, required_risk_class=need.required_risk_class,
                             unit_risk_class=unit.risk_class, reason=reason)
        db.session.add(event)
        db.session.flush()
        record("create", "housing_event", object_id=event.id, person_id=event.person_id,
               detail="need_class_mismatch")
    offer.tenancy_id = tenancy.id
    return offer


def _release(offer_id: uuid.UUID, status: str, reason: str | None, action: str,
             expected_version: int | None = None) -> HousingOffer:
    offer, unit = _lock_offer(offer_id)
    check_version(offer, expected_version)
    _ensure_pending(offer, action)
    offer.status, offer.responded_on = status, clock.today()
    if status == "declined":
        offer.decline_reason = reason
    elif status == "withdrawn":
        offer.withdraw_reason = reason
    need = db.session.get(HousingNeed, offer.need_id)
    if need.status == "offered":
        need.status = "waiting"
    db.session.flush()
    capacity.refresh_status(unit)
    record("update", "housing_offer", object_id=offer.id, person_id=offer.person_id, detail=status)
    return offer


def decline_offer(offer_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> HousingOffer:
    return _release(offer_id, "declined", data["reason"].strip(), "declined", expected_version)


def withdraw_offer(offer_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> HousingOffer:
    return _release(offer_id, "withdrawn", (data.get("reason") or "").strip() or None, "withdrawn",
                    expected_version)


def expire_offers(as_of: dt.date | None = None) -> int:
    """Expire pending offers past ``respond_by`` and free their units (the offer_expired job)."""
    as_of = as_of or clock.today()
    ids = db.session.scalars(sa.select(HousingOffer.id).where(
        HousingOffer.status == "pending", HousingOffer.respond_by < as_of)).all()
    for offer_id in ids:
        _release(offer_id, "expired", None, "expired")
    return len(ids)


def get_offer(offer_id: uuid.UUID) -> HousingOffer:
    offer = _load_offer(offer_id)
    record("read", "housing_offer", object_id=offer.id, person_id=offer.person_id)
    return offer


def list_offers(filters: dict, page: int, page_size: int):
    stmt = sa.select(HousingOffer)
    for field in ("status", "unit_id", "need_id", "person_id"):
        if filters.get(field) is not None:
            stmt = stmt.where(getattr(HousingOffer, field) == filters[field])
    items, total = page_of(stmt.order_by(HousingOffer.offered_on.desc(), HousingOffer.id), page, page_size)
    record_many("read", "housing_offer", [(o.id, o.person_id) for o in items], detail="list")
    return items, total


def offers_of_person(person_id: uuid.UUID) -> list[HousingOffer]:
    """The person's housing offers, newest first (for the person overview; the caller audits)."""
    return list(db.session.scalars(sa.select(HousingOffer).where(HousingOffer.person_id == person_id)
                                   .order_by(HousingOffer.offered_on.desc())))


# --- tenancies -------------------------------------------------------------------------------

def _visible_tenancies(stmt: sa.Select) -> sa.Select:
    """A provider sees tenancies of the persons it serves (persons.access scope); others by policy."""
    return stmt.join(Person, Person.id == Tenancy.person_id).where(visible_persons_clause(g.get("current_user")))


def _load_tenancy(tenancy_id: uuid.UUID) -> Tenancy:
    tenancy = db.session.scalar(_visible_tenancies(sa.select(Tenancy).where(Tenancy.id == tenancy_id)))
    if tenancy is None:
        raise NotFound("No such tenancy.")
    return tenancy


def get_tenancy(tenancy_id: uuid.UUID) -> Tenancy:
    tenancy = _load_tenancy(tenancy_id)
    record("read", "housing_tenancy", object_id=tenancy.id, person_id=tenancy.person_id)
    return tenancy


def list_tenancies(filters: dict, page: int, page_size: int):
    stmt = _visible_tenancies(sa.select(Tenancy))
    for field in ("unit_id", "person_id", "end_reason"):
        if filters.get(field) is not None:
            stmt = stmt.where(getattr(Tenancy, field) == filters[field])
    if filters.get("active") is not None:
        stmt = stmt.where(Tenancy.ended_on.is_(None) if filters["active"] else Tenancy.ended_on.is_not(None))
    if filters.get("class_mismatch") is not None:
        mismatch = Tenancy.class_mismatch_reason.is_not(None)
        stmt = stmt.where(mismatch if filters["class_mismatch"] else sa.not_(mismatch))
    if filters.get("planned_end_before") is not None:
        stmt = stmt.where(Tenancy.ended_on.is_(None), Tenancy.planned_end_on < filters["planned_end_before"])
    items, total = page_of(stmt.order_by(Tenancy.start_on.desc(), Tenancy.id), page, page_size)
    record_many("read", "housing_tenancy", [(t.id, t.person_id) for t in items], detail="list")
    return items, total


def tenancies_of_person(person_id: uuid.UUID) -> list[Tenancy]:
    """The person's tenancies the caller may see, newest first (for the person overview; the caller audits)."""
    return list(db.session.scalars(_visible_tenancies(sa.select(Tenancy)).where(Tenancy.person_id == person_id)
                                   .order_by(Tenancy.start_on.desc())))


def end_tenancy(tenancy_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> Tenancy:
    tenancy = _load_tenancy(tenancy_id)
    capacity.lock_unit(tenancy.unit_id)
    db.session.refresh(tenancy)
    check_version(tenancy, expected_version)
    if tenancy.ended_on is not None:
        raise Conflict(f"The tenancy already ended on {tenancy.ended_on.isoformat()}.", code="invalid_state")
    ended_on = data["ended_on"]
    if ended_on < tenancy.start_on:
        raise ValidationFailed.field("ended_on", "must not be before the tenancy started")
    if ended_on > clock.today():
        raise ValidationFailed.field("ended_on", "must not be in the future")
    tenancy.ended_on, tenancy.end_reason = ended_on, data["reason"]
    tenancy.end_note = data.get("note")
    db.session.flush()
    capacity.refresh_status(db.session.get(HousingUnit, tenancy.unit_id))
    record("update", "housing_tenancy", object_id=tenancy.id, person_id=tenancy.person_id, detail="ended")
    return tenancy
