"""Offers and tenancies (docs/housing.md): reserve, accept, decline, withdraw, end.

Every change that adds to what a unit holds goes through ``capacity.claim_slot``
(row lock + count); changes that free a place lock the unit too, so the unit's
status (available/reserved/occupied) is always computed under the lock.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from flask_babel import pgettext
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from service.audit.services import record, record_many
from service.auth import matrix
from service.auth.identity import current_user
from service.common import clock
from service.common.concurrency import check_version, unique_or_duplicate
from service.common.deadlines import add_months
from service.common.errors import Conflict, Duplicate, InvalidState, NotFound, ValidationFailed, require_not_future
from service.common.i18n import N_, _, format_day, label
from service.common.pagination import page_of
from service.common.tenancy import current_municipality_id
from service.extensions import db
from service.housing import capacity, matching
from service.housing.labels import DOMAINS as LABELS
from service.housing.models import HousingEvent, HousingNeed, HousingOffer, HousingUnit, Tenancy
from service.housing.needs import is_waiting, load_need, resolve_expired_offer_flags
from service.housing.rules import class_rank
from service.persons.access import location_clause, rows_clause
from service.worklist.flags import resolve_for

# What offer and tenancy answers show besides their own columns, loaded in one statement per
# relationship for a whole page (schemas only shape data; they never query).
_OFFER_ANSWER = (selectinload(HousingOffer.unit), selectinload(HousingOffer.tenancy))
_TENANCY_ANSWER = (selectinload(Tenancy.unit),)

# Rules the capacity guard answers itself (with 409 no_capacity / not_available).
_GUARDED = {"no_capacity", "not_available"}

# Why an offer that is no longer pending cannot take a step, one whole sentence per step.
_NOT_PENDING = {
    "accepted": N_("The offer cannot be accepted in state %(state)s; only a pending offer can."),
    "declined": N_("The offer cannot be declined in state %(state)s; only a pending offer can."),
    "withdrawn": N_("The offer cannot be withdrawn in state %(state)s; only a pending offer can."),
}


def _user_id():
    user = current_user()
    return user.id if user is not None else None


def create_offer(data: dict) -> HousingOffer:
    today = clock.today()
    offered_on = data["offered_on"]
    require_not_future("offered_on", offered_on)
    if data["respond_by"] < offered_on:
        raise ValidationFailed.field("respond_by", _("must be on or after the day of the offer"))
    try:
        need = load_need(data["need_id"], lock=True)
    except NotFound:
        raise ValidationFailed.field("need_id", _("no such housing need")) from None
    if offered_on < need.registered_on:
        raise ValidationFailed.field("offered_on", _("must not be before the need was registered"))
    if not is_waiting(need, today):
        raise InvalidState(_("The need cannot be offered a unit in state %(state)s; only a waiting need can.",
                             state=label("need_status", need.status)), state=need.status)
    unit = capacity.claim_slot(data["unit_id"])
    reasons = [r for r in matching.pair_check(unit.id, need.id)[0] if r not in _GUARDED]
    mismatch_reason = (data.get("class_mismatch_reason") or "").strip() or None
    if "class_too_low" in reasons and mismatch_reason:
        reasons.remove("class_too_low")
    if reasons == ["class_too_low"]:
        raise Conflict(_("The unit's risk class is lower than the need requires; to offer it all the same, "
                         "give class_mismatch_reason."), code="match_rules_broken", reasons=reasons)
    if reasons:
        raise Conflict(_("The unit does not fit the need: %(rules)s.", rules=_rule_names(reasons)),
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
    resolve_expired_offer_flags(need.id)
    return offer


def _rule_names(reasons: list[str]) -> str:
    """The broken rules' labels in the caller's language (the ``reasons`` member has the codes)."""
    labels = LABELS["exclusion_rule"]
    return "; ".join(pgettext("exclusion_rule", labels[code]) if code in labels else code for code in reasons)


def _visible_offers(stmt: sa.Select) -> sa.Select:
    """Need-to-know: the offers the caller's row rule gives (the access matrix), less any about a
    person barred to them."""
    return stmt.where(rows_clause(current_user(), matrix.HOUSING_OFFER, HousingOffer.person_id)).options(*_OFFER_ANSWER)


def _load_offer(offer_id: uuid.UUID) -> HousingOffer:
    offer = db.session.scalar(_visible_offers(sa.select(HousingOffer).where(HousingOffer.id == offer_id)))
    if offer is None:
        raise NotFound(_("No such offer."))
    return offer


def _lock_offer(offer_id: uuid.UUID) -> tuple[HousingOffer, HousingUnit]:
    offer = _load_offer(offer_id)
    unit = capacity.lock_unit(offer.unit_id)
    db.session.refresh(offer)
    return offer, unit


def _ensure_pending(offer: HousingOffer, step: str) -> None:
    """``step`` is the status the offer would take (a key of ``_NOT_PENDING``)."""
    if offer.status != "pending":
        raise InvalidState(_(_NOT_PENDING[step], state=label("offer_status", offer.status)), state=offer.status)


def _active_tenancy_of(person_id: uuid.UUID) -> uuid.UUID | None:
    """The id of the person's active tenancy (there is at most one: a partial unique index)."""
    return db.session.scalar(sa.select(Tenancy.id).where(Tenancy.person_id == person_id, Tenancy.ended_on.is_(None)))


def _active_tenancy_exists(existing_id: uuid.UUID) -> Duplicate:
    return Duplicate(_("The person already has an active tenancy; end it first."),
                     existing_id=existing_id, code="active_tenancy_exists")


def _responded_on(offer: HousingOffer, data: dict) -> dt.date:
    """The day the person answered: as given (not in the future, not before the offer was made),
    else the day the answer is recorded. Whether the offer was answered in time is judged by it."""
    responded_on = data.get("responded_on")
    if responded_on is None:
        return clock.today()
    require_not_future("responded_on", responded_on)
    if responded_on < offer.offered_on:
        raise ValidationFailed.field("responded_on", _("must not be before the offer was made"))
    return responded_on


def accept_offer(offer_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> HousingOffer:
    offer, unit = _lock_offer(offer_id)
    check_version(offer, expected_version)
    _ensure_pending(offer, "accepted")
    responded_on = _responded_on(offer, data)
    if responded_on > offer.respond_by:
        raise Conflict(_("The offer could be answered until %(respond_by)s; make a new offer.",
                         respond_by=format_day(offer.respond_by)), code="offer_expired")
    start_on = data["start_on"]
    if start_on < offer.offered_on:
        raise ValidationFailed.field("start_on", _("must not be before the offer was made"))
    need = db.session.get(HousingNeed, offer.need_id)
    existing_id = _active_tenancy_of(offer.person_id)
    if existing_id is not None:
        raise _active_tenancy_exists(existing_id)
    mismatch = class_rank(unit.risk_class) < class_rank(need.required_risk_class)
    reason = (data.get("class_mismatch_reason") or offer.class_mismatch_reason or "").strip() or None
    if mismatch and reason is None:
        raise ValidationFailed.field("class_mismatch_reason",
                                     _("the unit's class is lower than the need requires; give the reason"))
    offer.status, offer.responded_on = "accepted", responded_on
    db.session.flush()  # the pending place becomes the tenancy's place: never both at once
    tenancy = Tenancy(id=uuid.uuid4(), municipality_id=offer.municipality_id, unit_id=unit.id,
                      person_id=offer.person_id, need_id=need.id, offer_id=offer.id, start_on=start_on,
                      planned_end_on=add_months(start_on, unit.max_stay_months) if unit.max_stay_months else None,
                      class_mismatch_reason=reason if mismatch else None)
    # A tenancy of the person accepted concurrently (another unit, so another lock) after the
    # check above wins the unique index.
    with unique_or_duplicate(lambda: _active_tenancy_of(offer.person_id), _active_tenancy_exists):
        db.session.add(tenancy)
    need.status = "housed"
    db.session.flush()
    resolve_expired_offer_flags(need.id)  # housed: earlier offers it let expire need no action
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
    set_committed_value(offer, "tenancy", tenancy)
    return offer


def _release(offer_id: uuid.UUID, status: str, reason: str | None, answer: dict | None,
             expected_version: int | None = None) -> HousingOffer:
    """``answer``: the person's answer (its ``responded_on``); None for the officer's own step
    (a withdrawal), which is dated the day it is recorded."""
    offer, unit = _lock_offer(offer_id)
    check_version(offer, expected_version)
    _ensure_pending(offer, status)
    offer.status = status
    offer.responded_on = _responded_on(offer, answer) if answer is not None else clock.today()
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


def expire_offer(offer_id: uuid.UUID) -> HousingOffer:
    """A pending offer not answered by ``respond_by`` expires (the ``offers`` job): no answer is
    recorded, its place is freed under the unit's lock like any other release, and its need
    waits again."""
    offer, unit = _lock_offer(offer_id)
    if offer.status != "pending":  # answered or withdrawn since it was selected
        return offer
    offer.status = "expired"
    need = db.session.get(HousingNeed, offer.need_id)
    if need.status == "offered":
        need.status = "waiting"
    db.session.flush()
    capacity.refresh_status(unit)
    record("update", "housing_offer", object_id=offer.id, person_id=offer.person_id, detail="expired")
    return offer


def expire_overdue_offers(on: dt.date) -> list[uuid.UUID]:
    """Expire every pending offer whose ``respond_by`` is before ``on``, oldest first; their ids."""
    ids = list(db.session.scalars(sa.select(HousingOffer.id).where(
        HousingOffer.status == "pending", HousingOffer.respond_by < on)
        .order_by(HousingOffer.respond_by, HousingOffer.id)).all())
    for offer_id in ids:
        expire_offer(offer_id)
    return ids


def decline_offer(offer_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> HousingOffer:
    return _release(offer_id, "declined", data["reason"].strip(), data, expected_version)


def withdraw_offer(offer_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> HousingOffer:
    return _release(offer_id, "withdrawn", (data.get("reason") or "").strip() or None, None, expected_version)


def get_offer(offer_id: uuid.UUID) -> HousingOffer:
    offer = _load_offer(offer_id)
    record("read", "housing_offer", object_id=offer.id, person_id=offer.person_id)
    return offer


def list_offers(filters: dict, page: int, page_size: int):
    stmt = _visible_offers(sa.select(HousingOffer))
    for field in ("status", "unit_id", "need_id", "person_id"):
        if filters.get(field) is not None:
            stmt = stmt.where(getattr(HousingOffer, field) == filters[field])
    if filters.get("unit_id") is not None:  # a unit's offers: not those of a person whose marking hides it
        stmt = stmt.where(location_clause(current_user(), matrix.HOUSING_OFFER, "unit_id",
                                          HousingOffer.address_protection))
    items, total = page_of(stmt.order_by(HousingOffer.offered_on.desc(), HousingOffer.id), page, page_size)
    record_many("read", "housing_offer", [(o.id, o.person_id) for o in items], detail="list")
    return items, total


def offers_of_person(person_id: uuid.UUID) -> list[HousingOffer]:
    """The person's housing offers, newest first (for the person overview; the caller audits)."""
    return list(db.session.scalars(_visible_offers(sa.select(HousingOffer))
                                   .where(HousingOffer.person_id == person_id)
                                   .order_by(HousingOffer.offered_on.desc())))


# --- tenancies -------------------------------------------------------------------------------

def _visible_tenancies(stmt: sa.Select) -> sa.Select:
    """Need-to-know: the tenancies the caller's row rule gives (the access matrix: a provider those
    of the persons it serves), less any about a person barred to them."""
    return (stmt.where(rows_clause(current_user(), matrix.HOUSING_TENANCY, Tenancy.person_id))
            .options(*_TENANCY_ANSWER))


def _load_tenancy(tenancy_id: uuid.UUID) -> Tenancy:
    tenancy = db.session.scalar(_visible_tenancies(sa.select(Tenancy).where(Tenancy.id == tenancy_id)))
    if tenancy is None:
        raise NotFound(_("No such tenancy."))
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
    if filters.get("unit_id") is not None:  # who lives in a unit: not a person whose marking hides it
        stmt = stmt.where(location_clause(current_user(), matrix.HOUSING_TENANCY, "unit_id", Tenancy.address_protection))
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
        raise InvalidState(_("The tenancy already ended on %(ended_on)s.", ended_on=format_day(tenancy.ended_on)),
                           state="ended")
    ended_on = data["ended_on"]
    if ended_on < tenancy.start_on:
        raise ValidationFailed.field("ended_on", _("must not be before the tenancy started"))
    require_not_future("ended_on", ended_on)
    tenancy.ended_on, tenancy.end_reason = ended_on, data["reason"]
    tenancy.end_note = data.get("note")
    db.session.flush()
    capacity.refresh_status(db.session.get(HousingUnit, tenancy.unit_id))
    record("update", "housing_tenancy", object_id=tenancy.id, person_id=tenancy.person_id, detail="ended")
    resolve_for("housing_tenancy", [tenancy.id])
    return tenancy
