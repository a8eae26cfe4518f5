"""The housing needs register: the waiting list (docs/housing.md, "Needs")."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from flask import current_app

from service.audit.services import record, record_many
from service.auth import matrix
from service.auth.identity import current_user
from service.common import clock
from service.common.concurrency import check_version, unique_or_duplicate
from service.common.errors import Duplicate, InvalidState, NotFound, ValidationFailed, require_not_future
from service.common.i18n import _, label
from service.common.pagination import page_of
from service.common.tenancy import current_municipality_id
from service.decisions.models import Decision
from service.decisions.services import persons_decision
from service.extensions import db
from service.housing.models import HOMELESS_SITUATIONS, OPEN_NEED_STATUSES, HousingNeed, HousingOffer
from service.persons.access import referenced_person, rows_clause, visible_persons_clause
from service.persons.models import Person
from service.worklist.flags import resolve_for

_EDITABLE = ("category", "required_risk_class", "required_staffing", "active_substance_use",
             "requires_substance_free", "housing_situation", "urgency", "needed_by", "preferred_areas",
             "avoid_person_ids", "decision_id", "notes")


def waiting_clause(today: dt.date | None = None):
    """Waiting now: status waiting, or parked with the parking date reached."""
    today = today or clock.today()
    return sa.or_(HousingNeed.status == "waiting",
                  sa.and_(HousingNeed.status == "parked", HousingNeed.parked_until <= today))


def is_waiting(need: HousingNeed, today: dt.date | None = None) -> bool:
    today = today or clock.today()
    return need.status == "waiting" or (need.status == "parked" and need.parked_until <= today)


def _visible(stmt: sa.Select) -> sa.Select:
    """Need-to-know: the needs the caller's row rule gives (the access matrix), less any about a
    person barred to them."""
    return stmt.where(rows_clause(current_user(), matrix.HOUSING_NEED, HousingNeed.person_id))


def need_linked_decisions(user) -> sa.ColumnElement[bool]:
    """Part of the matrix's ``housing_related`` decision rule: the decisions a housing need rests on."""
    return Decision.id.in_(sa.select(HousingNeed.decision_id).where(HousingNeed.decision_id.is_not(None)))


def resolve_expired_offer_flags(need_id: uuid.UUID) -> None:
    """The need no longer waits on its expired offers (a new offer, parked, withdrawn): their
    ``offer_expired`` flags are resolved now (docs/worklist.md)."""
    resolve_for("housing_offer", db.session.scalars(sa.select(HousingOffer.id).where(
        HousingOffer.need_id == need_id, HousingOffer.status == "expired")).all())


def _check_avoid(need: HousingNeed) -> None:
    ids = [uuid.UUID(str(raw)) for raw in need.avoid_person_ids or []]
    # The JSON column holds strings: store them before the queries below autoflush a
    # changed need (the schema hands over uuid.UUID objects, which JSON cannot encode).
    need.avoid_person_ids = sorted({str(i) for i in ids})
    if need.person_id in ids:
        raise ValidationFailed.field("avoid_person_ids", _("a person cannot avoid themselves"))
    if ids:
        # Only persons the caller may see: a person barred to them is "not registered", as a random id.
        found = set(db.session.scalars(sa.select(Person.id).where(
            Person.id.in_(ids), visible_persons_clause(current_user()))).all())
        if len(found) != len(set(ids)):
            raise ValidationFailed.field("avoid_person_ids", _("names a person who is not registered"))


def _check_decision(need: HousingNeed) -> None:
    """A need may rest on a decision (e.g. bolig for helse- og omsorgsformål) — the person's own."""
    if need.decision_id is not None:
        persons_decision(need.decision_id, need.person_id)


def _check_consistency(need: HousingNeed) -> None:
    if need.active_substance_use and need.requires_substance_free:
        raise ValidationFailed.field("requires_substance_free",
                                     _("a person in active substance use cannot require a substance-free unit"))
    need.preferred_areas = sorted({a.strip() for a in need.preferred_areas or [] if a and a.strip()})


def _open_need_of(person_id: uuid.UUID) -> uuid.UUID | None:
    """The id of the person's open need (there is at most one: a partial unique index)."""
    return db.session.scalar(sa.select(HousingNeed.id).where(
        HousingNeed.person_id == person_id, HousingNeed.status.in_(OPEN_NEED_STATUSES)))


def _open_need_exists(existing_id: uuid.UUID) -> Duplicate:
    return Duplicate(_("The person already has an open housing need; update it instead."),
                     existing_id=existing_id, code="open_need_exists")


def create_need(data: dict) -> HousingNeed:
    person = referenced_person(data["person_id"])
    existing_id = _open_need_of(person.id)
    if existing_id is not None:
        raise _open_need_exists(existing_id)
    defaults = current_app.config["HOUSING_CATEGORY_DEFAULTS"].get(data["category"], {})
    need = HousingNeed(id=uuid.uuid4(), municipality_id=current_municipality_id(), person_id=person.id,
                       registered_on=data["registered_on"], status="waiting",
                       required_risk_class=defaults.get("required_risk_class", "green"),
                       required_staffing=defaults.get("required_staffing", "none"),
                       active_substance_use=False,
                       requires_substance_free=bool(defaults.get("requires_substance_free"))
                       and not data.get("active_substance_use"),
                       urgency="normal", preferred_areas=[], avoid_person_ids=[])
    require_not_future("registered_on", need.registered_on)
    for field in _EDITABLE:
        if field in data:
            setattr(need, field, data[field])
    _check_consistency(need)
    _check_avoid(need)
    _check_decision(need)
    # A need registered concurrently for the person after the check above wins the unique index.
    with unique_or_duplicate(lambda: _open_need_of(person.id), _open_need_exists):
        db.session.add(need)
    record("create", "housing_need", object_id=need.id, person_id=need.person_id)
    return need


def load_need(need_id: uuid.UUID, *, lock: bool = False) -> HousingNeed:
    stmt = _visible(sa.select(HousingNeed).where(HousingNeed.id == need_id))
    if lock:
        stmt = stmt.execution_options(populate_existing=True)
        if db.session.get_bind().dialect.name != "sqlite":
            stmt = stmt.with_for_update(of=HousingNeed)
    need = db.session.scalar(stmt)
    if need is None:
        raise NotFound(_("No such housing need."))
    return need


def get_need(need_id: uuid.UUID) -> HousingNeed:
    need = load_need(need_id)
    record("read", "housing_need", object_id=need.id, person_id=need.person_id)
    return need


def update_need(need_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> HousingNeed:
    need = load_need(need_id)
    check_version(need, expected_version)
    if need.status not in OPEN_NEED_STATUSES:
        raise InvalidState(_("The need cannot be changed in state %(state)s; only an open need can.",
                             state=label("need_status", need.status)), state=need.status)
    changed = sorted(k for k in data if getattr(need, k, None) != data[k])
    for field in _EDITABLE:
        if field in data:
            setattr(need, field, data[field])
    # The checks' scoped look-ups must not flush the change first: a decision id that exists nowhere
    # would meet the foreign key (409) where another municipality's meets "no such decision" (422),
    # telling the caller which ids exist elsewhere.
    with db.session.no_autoflush:
        _check_consistency(need)
        if "avoid_person_ids" in data:
            _check_avoid(need)
        if "decision_id" in data:
            _check_decision(need)
    db.session.flush()
    record("update", "housing_need", object_id=need.id, person_id=need.person_id,
           detail=("fields: " + ",".join(changed))[:200] if changed else None)
    return need


def park_need(need_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> HousingNeed:
    need = load_need(need_id, lock=True)
    check_version(need, expected_version)
    if need.status not in ("waiting", "parked"):
        raise InvalidState(_("The need cannot be parked in state %(state)s; only a waiting need can.",
                             state=label("need_status", need.status)), state=need.status)
    if data["until"] <= clock.today():
        raise ValidationFailed.field("until", _("must be after today"))
    need.status, need.parked_until, need.park_reason = "parked", data["until"], data["reason"].strip()
    db.session.flush()
    record("update", "housing_need", object_id=need.id, person_id=need.person_id, detail="parked")
    resolve_expired_offer_flags(need.id)
    return need


def resume_need(need_id: uuid.UUID, *, expected_version: int | None = None) -> HousingNeed:
    need = load_need(need_id, lock=True)
    check_version(need, expected_version)
    if need.status != "parked":
        raise InvalidState(_("The need cannot be resumed in state %(state)s; only a parked need can.",
                             state=label("need_status", need.status)), state=need.status)
    need.status, need.parked_until = "waiting", None
    db.session.flush()
    record("update", "housing_need", object_id=need.id, person_id=need.person_id, detail="resumed")
    return need


def withdraw_need(need_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> HousingNeed:
    need = load_need(need_id, lock=True)
    check_version(need, expected_version)
    if need.status == "offered":
        raise InvalidState(_("The need cannot be withdrawn while an offer is pending; withdraw or decline the "
                             "offer first."), state=need.status)
    if need.status not in OPEN_NEED_STATUSES:
        raise InvalidState(_("The need cannot be withdrawn in state %(state)s; only an open need can.",
                             state=label("need_status", need.status)), state=need.status)
    require_not_future("withdrawn_on", data["withdrawn_on"])
    if data["withdrawn_on"] < need.registered_on:
        raise ValidationFailed.field("withdrawn_on", _("must not be before the need was registered"))
    need.status, need.parked_until = "withdrawn", None
    need.withdrawn_on = data["withdrawn_on"]
    need.withdraw_reason = data["reason"].strip()
    db.session.flush()
    record("update", "housing_need", object_id=need.id, person_id=need.person_id, detail="withdrawn")
    resolve_expired_offer_flags(need.id)
    return need


def list_needs(filters: dict, page: int, page_size: int):
    today = clock.today()
    stmt = _visible(sa.select(HousingNeed))
    if filters.get("status") == "waiting":
        stmt = stmt.where(waiting_clause(today))
    elif filters.get("status"):
        stmt = stmt.where(HousingNeed.status == filters["status"])
    for field in ("required_risk_class", "category", "housing_situation", "urgency", "person_id",
                  "required_staffing"):
        if filters.get(field) is not None:
            stmt = stmt.where(getattr(HousingNeed, field) == filters[field])
    if filters.get("homeless") is not None:
        homeless = HousingNeed.housing_situation.in_(HOMELESS_SITUATIONS)
        stmt = stmt.where(homeless if filters["homeless"] else sa.not_(homeless))
    if filters.get("waiting_longer_than") is not None:
        stmt = stmt.where(HousingNeed.status.in_(OPEN_NEED_STATUSES),
                          HousingNeed.registered_on < today - dt.timedelta(days=filters["waiting_longer_than"]))
    items, total = page_of(stmt.order_by(HousingNeed.registered_on, HousingNeed.id), page, page_size)
    record_many("read", "housing_need", [(n.id, n.person_id) for n in items], detail="list")
    return items, total


def needs_of_person(person_id: uuid.UUID) -> list[HousingNeed]:
    """The person's housing needs, newest first (for the person overview; the caller audits)."""
    return list(db.session.scalars(_visible(sa.select(HousingNeed)).where(HousingNeed.person_id == person_id)
                                   .order_by(HousingNeed.registered_on.desc())))
