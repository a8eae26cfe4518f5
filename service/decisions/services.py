"""Decisions (enkeltvedtak): drafting, deciding, notifying, ending, renewing (appeals: ``appeals.py``).

A decided decision is immutable except through the actions here; a correction
is a new decision that supersedes it. Every read and write is audited.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

import sqlalchemy as sa
from flask import current_app, g

from service.audit.services import record, record_many
from service.auth.policy import SEES_EVERY_DECISION
from service.auth.roles import PROVIDER
from service.catalogue.models import LegalBasis
from service.catalogue.services import check_in_force, legal_basis_in_force
from service.catalogue.services import legal_basis as lookup_legal_basis
from service.catalogue.services import service_type as lookup_service_type
from service.common import clock
from service.common.concurrency import check_version
from service.common.deadlines import add_days
from service.common.errors import Conflict, NotFound, ValidationFailed, require_not_future
from service.common.pagination import page_offset
from service.common.tenancy import current_municipality_id
from service.decisions.models import Decision
from service.decisions.signals import send_decision_decided
from service.decisions.state import (
    active_on_clause,
    derive_state,
    state_expression,
    superseded_by_expression,
)
from service.decisions.timeliness import appeal_deadline, recompute_for_decision
from service.extensions import db
from service.persons.access import visible_persons_clause
from service.persons.models import Person
from service.provider_units import services as provider_units
from service.referrals import services as referrals

HOURS_MAX = decimal.Decimal(168)  # hours in a week
RUNNING_STATES = ("upcoming", "active", "expiring")


def window_days() -> int:
    return int(current_app.config["DECISION_EXPIRING_WINDOW_DAYS"])


# --- rules (pure) -----------------------------------------------------------------------

def check_hours(hours, hour_based: bool, outcome: str) -> None:
    """hours_per_week: required for hour-based granted services; 0 < h ≤ 168; none on a refusal."""
    if outcome == "refused":
        if hours is not None:
            raise ValidationFailed.field("hours_per_week", "a refused decision has no hours")
        return
    if hours is None:
        if hour_based:
            raise ValidationFailed.field("hours_per_week", "required for an hour-based service")
        return
    if not (decimal.Decimal(0) < decimal.Decimal(hours) <= HOURS_MAX):
        raise ValidationFailed.field("hours_per_week", "must be more than 0 and at most 168")


def check_period(valid_from, valid_to, evaluate_by, outcome: str, *, complete: bool) -> None:
    if outcome == "refused":
        for field, value in (("valid_from", valid_from), ("valid_to", valid_to), ("evaluate_by", evaluate_by)):
            if value is not None:
                raise ValidationFailed.field(field, "a refused decision has no period")
        return
    if complete and valid_from is None:
        raise ValidationFailed.field("valid_from", "required for a granted decision")
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        raise ValidationFailed.field("valid_to", "must not be before valid_from")
    if valid_from is not None and evaluate_by is not None and evaluate_by < valid_from:
        raise ValidationFailed.field("evaluate_by", "must not be before valid_from")


def validate(decision: Decision, *, complete: bool) -> None:
    """All field rules; ``complete`` when the decision is (being) decided.

    Runs without autoflush so that a broken rule is our 422, not the database's CHECK.
    """
    with db.session.no_autoflush:
        _validate(decision, complete=complete)


def _validate(decision: Decision, *, complete: bool) -> None:
    service = lookup_service_type(decision.service_code, for_new_use=decision.decided_on is None or complete)
    basis = lookup_legal_basis(decision.legal_basis, for_new_use=decision.decided_on is None or complete)
    if complete and decision.decided_on is not None:
        check_in_force(basis, decision.decided_on)
    hours = decision.hours_per_week
    if complete or hours is not None or decision.outcome == "refused":
        check_hours(hours, service.hour_based and complete, decision.outcome)
    check_period(decision.valid_from, decision.valid_to, decision.evaluate_by, decision.outcome,
                 complete=complete)
    unit = decision.provider_unit
    if unit is not None and not unit.active and (decision.decided_on is None or complete):
        raise ValidationFailed.field("provider_unit", f"the provider unit {unit.name!r} is retired")
    if decision.decided_on is not None:
        require_not_future("decided_on", decision.decided_on)
        if decision.referral_id is not None:
            referral = referrals.load(decision.referral_id)
            if decision.decided_on < referral.received_on:
                raise ValidationFailed.field("decided_on", "must not be before the referral was received")


# --- loading with the derived state -----------------------------------------------------

def _scope(stmt: sa.Select) -> sa.Select:
    """Need-to-know: providers see decided decisions of their own unit; others the persons they may see."""
    user = g.get("current_user")
    if user is None or user.role in SEES_EVERY_DECISION:
        return stmt
    if user.role == PROVIDER:
        return stmt.where(_of_providers_unit(user), Decision.decided_on.is_not(None))
    return stmt.where(Decision.person_id.in_(sa.select(Person.id).where(visible_persons_clause(user))))


def _of_providers_unit(user) -> sa.ColumnElement[bool]:
    """The decisions delivered by the provider's unit, compared by id (none without a unit)."""
    if user.provider_unit_id is None:
        return sa.false()
    return Decision.provider_unit_id == user.provider_unit_id


def _select(today: dt.date | None = None) -> sa.Select:
    today = today or clock.today()
    return (sa.select(Decision, state_expression(today, window_days()).label("state"),
                      LegalBasis.appeal_period_days, LegalBasis.appeal_period_moves,
                      superseded_by_expression().label("superseded_by_id"))
            .join(LegalBasis, sa.and_(LegalBasis.code == Decision.legal_basis,
                                      LegalBasis.municipality_id == Decision.municipality_id)))


def _attach(rows) -> list[Decision]:
    items = []
    for decision, state, period, moves, superseded_by_id in rows:
        decision.state = state
        decision.appeal_period_days = period
        decision.appeal_deadline_on = appeal_deadline(decision.notified_on, period, moves)
        decision.superseded_by_id = superseded_by_id
        items.append(decision)
    return items


def fetch_decision(decision_id: uuid.UUID, *, scoped: bool = True) -> Decision:
    stmt = _select().where(Decision.id == decision_id)
    if scoped:
        stmt = _scope(stmt)
    rows = db.session.execute(stmt).all()
    if not rows:
        raise NotFound("No such decision.")
    return _attach(rows)[0]


def _refresh(decision: Decision) -> Decision:
    db.session.flush()
    return fetch_decision(decision.id, scoped=False)


def _audit(action: str, decision: Decision, detail: str | None = None) -> None:
    record(action, "decision", object_id=decision.id, person_id=decision.person_id, detail=detail)


def state_conflict(decision: Decision, doing: str) -> Conflict:
    return Conflict(f"Cannot {doing}: the decision is {decision.state}.", code="invalid_state",
                    state=decision.state)


# --- create / read / list / edit --------------------------------------------------------

_FIELDS = ("service_code", "legal_basis", "outcome", "hours_per_week", "valid_from", "valid_to",
           "evaluate_by", "reasoning")
_UNIT_FIELDS = ("provider_unit", "provider_unit_id")


def _set_unit(decision: Decision, data: dict) -> None:
    """The unit named by ``provider_unit`` (its name) or ``provider_unit_id``; both null clears it.

    A name the municipality's register lacks is a 422 listing the units there are.
    """
    if not any(field in data for field in _UNIT_FIELDS):
        return
    name, unit_id = data.get("provider_unit"), data.get("provider_unit_id")
    if name is None and unit_id is None:
        decision.provider_unit = None
        return
    decision.provider_unit = provider_units.resolve(name=name, unit_id=unit_id, for_new_use=False)


def _check_person(person_id: uuid.UUID) -> None:
    person = db.session.get(Person, person_id)
    if person is None or person.municipality_id != current_municipality_id():
        raise ValidationFailed.field("person_id", "no such person")


def persons_decision(decision_id: uuid.UUID, person_id: uuid.UUID) -> Decision:
    """The person's own decision, for features that point at one (plans, housing needs); 422 otherwise."""
    decision = db.session.get(Decision, decision_id)
    if decision is None or decision.person_id != person_id:
        raise ValidationFailed.field("decision_id", "no such decision for this person")
    if decision.discarded_at is not None:
        raise ValidationFailed.field("decision_id", "the decision was discarded")
    return decision


def _check_referral(referral_id: uuid.UUID, person_id: uuid.UUID) -> None:
    try:
        referral = referrals.load(referral_id)
    except NotFound:
        raise ValidationFailed.field("referral_id", "no such referral") from None
    if referral.person_id != person_id:
        raise ValidationFailed.field("referral_id", "the referral is about another person")
    if referral.status in ("withdrawn", "forwarded"):
        raise Conflict(f"Cannot decide on the referral: it is {referral.status}.", code="invalid_state",
                       state=referral.status)


def _default_basis(service_code: str, decided_on: dt.date | None) -> str | None:
    """The service's default legal basis, or the one that replaced it by the decision day (or today)."""
    return legal_basis_in_force(lookup_service_type(service_code).default_legal_basis,
                                decided_on or clock.today())


def _new_decision(data: dict, *, supersedes: Decision | None = None) -> Decision:
    decision = Decision(id=uuid.uuid4(), municipality_id=current_municipality_id(),
                        person_id=data["person_id"], referral_id=data.get("referral_id"),
                        supersedes_id=supersedes.id if supersedes else None)
    for field in _FIELDS:
        setattr(decision, field, data.get(field))
    _set_unit(decision, data)
    if decision.outcome is None:
        decision.outcome = "granted"
    if decision.legal_basis is None and decision.service_code:
        decision.legal_basis = _default_basis(decision.service_code, data.get("decided_on"))
    if decision.hours_per_week is not None:
        decision.hours_per_week = decimal.Decimal(str(decision.hours_per_week))
    validate(decision, complete=False)
    db.session.add(decision)
    db.session.flush()
    _audit("create", decision, detail="supersedes" if supersedes else None)
    return decision


def create_decision(data: dict) -> Decision:
    """A draft, or a decided decision when ``decided_on`` is given. ``supersedes_id`` makes a correction."""
    _check_person(data["person_id"])
    if data.get("referral_id"):
        _check_referral(data["referral_id"], data["person_id"])
    supersedes = None
    if data.get("supersedes_id"):
        supersedes = _superseded_candidate(data["supersedes_id"], data["person_id"])
    decision = _new_decision(data, supersedes=supersedes)
    if data.get("decided_on"):
        _decide(decision, data["decided_on"])
    return _refresh(decision)


def get_decision(decision_id: uuid.UUID) -> Decision:
    decision = fetch_decision(decision_id)
    _audit("read", decision)
    return decision


def list_decisions(filters: dict, page: int, page_size: int) -> tuple[list[Decision], int]:
    today = clock.today()
    state = state_expression(today, window_days())
    stmt = _scope(_select(today))
    for column in ("person_id", "service_code", "outcome", "provider_unit_id", "referral_id", "legal_basis"):
        if filters.get(column) is not None:
            stmt = stmt.where(getattr(Decision, column) == filters[column])
    if filters.get("provider_unit") is not None:
        unit = provider_units.resolve(name=filters["provider_unit"], for_new_use=False)
        stmt = stmt.where(Decision.provider_unit_id == unit.id)
    if filters.get("state"):
        stmt = stmt.where(state.in_(filters["state"]))
    if "discarded" not in (filters.get("state") or ()):
        stmt = stmt.where(Decision.discarded_at.is_(None))  # kept, but listed only when asked for
    if filters.get("active_on") is not None:
        stmt = stmt.where(active_on_clause(filters["active_on"]))
    if filters.get("expiring_within") is not None:
        horizon = today + dt.timedelta(days=filters["expiring_within"])
        stmt = stmt.where(state.in_(("active", "expiring")), Decision.valid_to.is_not(None),
                          Decision.valid_to <= horizon)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.execute(
        stmt.order_by(Decision.valid_to.is_(None), Decision.valid_to, Decision.created_at, Decision.id)
        .limit(page_size).offset(page_offset(page, page_size))).all()
    items = _attach(rows)
    record_many("read", "decision", [(d.id, d.person_id) for d in items], detail="list")
    return items, int(total or 0)


def update_draft(decision_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> Decision:
    decision = fetch_decision(decision_id)
    check_version(decision, expected_version)
    if decision.state != "draft":
        raise Conflict(f"Cannot edit: the decision is {decision.state}; a decided decision is changed "
                       "only by its actions or by a new decision that supersedes it.",
                       code="invalid_state", state=decision.state)
    for field in _FIELDS:
        if field in data:
            value = data[field]
            if field == "hours_per_week" and value is not None:
                value = decimal.Decimal(str(value))
            setattr(decision, field, value)
    _set_unit(decision, data)
    if "service_code" in data and "legal_basis" not in data and decision.service_code:
        decision.legal_basis = _default_basis(decision.service_code, None)
    validate(decision, complete=False)
    _audit("update", decision, detail=("fields: " + ",".join(sorted(data)))[:200])
    return _refresh(decision)


# --- actions ----------------------------------------------------------------------------

def _decide(decision: Decision, decided_on: dt.date) -> None:
    decision.decided_on = decided_on
    decision.decided_by = g.current_user.id if g.get("current_user") is not None else None
    validate(decision, complete=True)
    db.session.flush()
    if decision.referral_id is not None:
        referrals.mark_decided(referrals.load(decision.referral_id), decided_on)
    if decision.supersedes_id is not None:
        _close_superseded(decision)
    _audit("update", decision, detail="decide")
    send_decision_decided(decision)


def _close_superseded(new: Decision) -> None:
    """The predecessor stops where its successor starts (or, for a refusal, when it is decided)."""
    old = db.session.get(Decision, new.supersedes_id)
    stop = new.valid_from if new.outcome != "refused" else new.decided_on
    if old.outcome == "refused" or stop is None:
        return
    still_running = (old.valid_to is None or old.valid_to >= stop) and (old.ended_on is None or old.ended_on > stop)
    if still_running:
        old.ended_on = stop
        old.end_reason = f"superseded by decision {new.id}"
        db.session.flush()
        record("update", "decision", object_id=old.id, person_id=old.person_id, detail="superseded")


def decide(decision_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> Decision:
    decision = fetch_decision(decision_id)
    check_version(decision, expected_version)
    if decision.state != "draft":
        raise state_conflict(decision, "decide it")
    _decide(decision, data["decided_on"])
    return _refresh(decision)


def discard(decision_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> Decision:
    """Discard a draft made by mistake: kept and audited with the reason, hidden from lists.

    Only a draft can be discarded; a discarded decision cannot be decided, edited,
    notified, renewed or appealed, and no longer holds a renewal's or correction's place.
    """
    decision = fetch_decision(decision_id)
    check_version(decision, expected_version)
    if decision.state != "draft":
        raise state_conflict(decision, "discard it")
    reason = (data.get("reason") or "").strip()
    if not reason:
        raise ValidationFailed.field("reason", "required")
    decision.discarded_at, decision.discard_reason = clock.today(), reason
    db.session.flush()
    _audit("update", decision, detail="discard")
    return _refresh(decision)


def notify(decision_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> Decision:
    """Record how and when the decision was sent and when it reached the person (underretning).

    The appeal period runs from ``notified_on``. A recorded notification is corrected only
    with a ``correction_reason`` (audited); every appeal already registered against the
    decision gets its deadline and timeliness recomputed in the same transaction.
    """
    decision = fetch_decision(decision_id)
    check_version(decision, expected_version)
    if decision.state in ("draft", "discarded"):
        raise state_conflict(decision, "notify it")
    correction = (data.get("correction_reason") or "").strip() or None
    if decision.notified_on is not None and correction is None:
        raise Conflict(f"The decision was already notified on {decision.notified_on.isoformat()}; "
                       "send correction_reason to correct it.", code="already_notified", state=decision.state)
    notified_on = data["notified_on"]
    sent_on = data.get("sent_on")
    require_not_future("notified_on", notified_on)
    if notified_on < decision.decided_on:
        raise ValidationFailed.field("notified_on", "must not be before decided_on")
    if sent_on is not None:
        if sent_on < decision.decided_on:
            raise ValidationFailed.field("sent_on", "must not be before decided_on")
        if sent_on > notified_on:
            raise ValidationFailed.field("sent_on", "must not be after notified_on")
    decision.notified_on = notified_on
    decision.notification_sent_on = sent_on
    decision.notification_channel = data.get("channel")
    db.session.flush()
    _audit("update", decision, detail=f"notify corrected: {correction}"[:200] if correction else "notify")
    recompute_for_decision(decision)
    return _refresh(decision)


def end(decision_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> Decision:
    decision = fetch_decision(decision_id)
    check_version(decision, expected_version)
    if decision.state not in RUNNING_STATES:
        raise state_conflict(decision, "end it")
    ended_on = data["ended_on"]
    if ended_on < decision.decided_on:
        raise ValidationFailed.field("ended_on", "must not be before decided_on")
    if decision.valid_to is not None and ended_on > decision.valid_to:
        raise ValidationFailed.field("ended_on", "must not be after valid_to; the decision ends by itself then")
    decision.ended_on, decision.end_reason = ended_on, data["end_reason"].strip()
    db.session.flush()
    _audit("update", decision, detail="end")
    return _refresh(decision)


def _superseded_candidate(decision_id: uuid.UUID, person_id: uuid.UUID | None = None) -> Decision:
    try:
        old = fetch_decision(decision_id)
    except NotFound:
        raise ValidationFailed.field("supersedes_id", "no such decision") from None
    if person_id is not None and old.person_id != person_id:
        raise ValidationFailed.field("supersedes_id", "the decision is about another person")
    if old.state in ("draft", "discarded", "superseded"):
        raise state_conflict(old, "supersede it")
    if old.superseded_by_id is not None:
        raise Conflict("The decision already has a renewal or correction (draft or decided).",
                       code="already_superseded", state=old.state)
    return old


def renew(decision_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> Decision:
    """A new decision for the same person superseding this one, from the day after it ends."""
    old = fetch_decision(decision_id)
    check_version(old, expected_version)
    if old.state not in ("upcoming", "active", "expiring", "expired"):
        raise state_conflict(old, "renew it")
    _superseded_candidate(old.id)
    fields = {"person_id": old.person_id, "service_code": old.service_code, "outcome": "granted"}
    if not any(field in data for field in _UNIT_FIELDS):
        fields["provider_unit_id"] = old.provider_unit_id  # the same unit, if it is still in use
    if "service_code" not in data:
        fields["legal_basis"] = legal_basis_in_force(old.legal_basis, data.get("decided_on") or clock.today())
    fields.update(data)
    if fields["outcome"] != "refused":
        fields.setdefault("hours_per_week", old.hours_per_week)
        if fields.get("valid_from") is None:
            if old.valid_to is None:
                raise ValidationFailed.field("valid_from", "required: the decision renewed has no end date")
            fields["valid_from"] = add_days(old.valid_to, 1)
    decision = _new_decision(fields, supersedes=old)
    if data.get("decided_on"):
        _decide(decision, data["decided_on"])
    return _refresh(decision)


# --- rows for the person overview (service.overview) and need-to-know -------------------

def decisions_of(person_id: uuid.UUID) -> list[Decision]:
    """The person's decisions the caller may see, with the derived state attached, by period.

    Not audited: the caller audits what it shows.
    """
    rows = db.session.execute(_scope(_select()).where(Decision.person_id == person_id,
                                                      Decision.discarded_at.is_(None))
                              .order_by(Decision.valid_from, Decision.created_at)).all()
    return _attach(rows)


def provider_person_scope(user) -> sa.ColumnElement[bool]:
    """A provider sees the persons with a decided decision delivered by their unit."""
    return Person.id.in_(sa.select(Decision.person_id).where(
        _of_providers_unit(user), Decision.decided_on.is_not(None)))
