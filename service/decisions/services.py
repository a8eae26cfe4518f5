"""Decisions (enkeltvedtak): the decision itself — create, read, list, edit a draft, decide, discard, end.

A decided decision is immutable except through its actions; a correction is a new
decision that supersedes it (``supersedes_id``, checked in ``renewals``). Notification is
``notification``, renewal ``renewals``, appeals ``appeals``; loading under need-to-know is
``loading``, the field rules ``rules``. Every read and write is audited.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

from service.audit.services import record_many
from service.common import clock
from service.common.concurrency import check_version
from service.common.errors import InvalidState, NotFound, ValidationFailed
from service.common.i18n import N_, _, label
from service.common.pagination import page_of
from service.decisions.drafting import FIELDS, decide_draft, default_basis, new_decision, set_unit
from service.decisions.loading import (
    audit,
    derive_new,
    fetch_decision,
    refresh,
    scope,
    select_with_state,
    state_conflict,
    window_days,
)
from service.decisions.models import Decision
from service.decisions.renewals import superseded_candidate
from service.decisions.rules import validate
from service.decisions.state import active_on_clause, state_expression
from service.extensions import db
from service.persons.access import referenced_person
from service.provider_units import services as provider_units
from service.referrals import services as referrals
from service.worklist.flags import resolve_for

RUNNING_STATES = ("upcoming", "active", "expiring")


# --- create / read / list / edit --------------------------------------------------------

def create_decision(data: dict) -> Decision:
    """A draft, or a decided decision when ``decided_on`` is given. ``supersedes_id`` makes a correction."""
    referenced_person(data["person_id"])
    if data.get("referral_id"):
        _check_referral(data["referral_id"], data["person_id"])
    supersedes = None
    if data.get("supersedes_id"):
        supersedes = superseded_candidate(data["supersedes_id"], data["person_id"])
    decision = new_decision(data, supersedes=supersedes)
    if data.get("decided_on"):
        decide_draft(decision, data["decided_on"])
    return derive_new(decision)


def _check_referral(referral_id: uuid.UUID, person_id: uuid.UUID) -> None:
    try:
        referral = referrals.load(referral_id)
    except NotFound:
        raise ValidationFailed.field("referral_id", _("no such referral")) from None
    if referral.person_id != person_id:
        raise ValidationFailed.field("referral_id", _("the referral is about another person"))
    if referral.status in ("withdrawn", "forwarded"):
        raise InvalidState(_("The referral cannot be decided on in state %(state)s.",
                             state=label("referral_status", referral.status)),
                           state=referral.status)


def get_decision(decision_id: uuid.UUID) -> Decision:
    decision = fetch_decision(decision_id)
    audit("read", decision)
    return decision


def list_decisions(filters: dict, page: int, page_size: int) -> tuple[list[Decision], int]:
    today = clock.today()
    state = state_expression(today, window_days())
    stmt = scope(select_with_state(today))
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
    items, total = page_of(
        stmt.order_by(Decision.valid_to.is_(None), Decision.valid_to, Decision.created_at, Decision.id),
        page, page_size)
    record_many("read", "decision", [(d.id, d.person_id) for d in items], detail="list")
    return items, total


def update_draft(decision_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> Decision:
    decision = fetch_decision(decision_id)
    check_version(decision, expected_version)
    if decision.state != "draft":
        raise InvalidState(_("The decision cannot be edited in state %(state)s; a decided decision is changed "
                             "only by its actions or by a new decision that supersedes it.",
                             state=label("decision_state", decision.state)), state=decision.state)
    for field in FIELDS:
        if field in data:
            value = data[field]
            if field == "hours_per_week" and value is not None:
                value = decimal.Decimal(str(value))
            setattr(decision, field, value)
    set_unit(decision, data)
    if "service_code" in data and "legal_basis" not in data and decision.service_code:
        decision.legal_basis = default_basis(decision.service_code, None)
    validate(decision, complete=False)
    audit("update", decision, detail=("fields: " + ",".join(sorted(data)))[:200])
    return refresh(decision)


# --- actions ----------------------------------------------------------------------------

def decide(decision_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> Decision:
    decision = fetch_decision(decision_id)
    check_version(decision, expected_version)
    if decision.state != "draft":
        raise state_conflict(decision, N_("The decision cannot be decided in state %(state)s."))
    decide_draft(decision, data["decided_on"])
    return refresh(decision)


def discard(decision_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> Decision:
    """Discard a draft made by mistake: kept and audited with the reason, hidden from lists.

    Only a draft can be discarded; a discarded decision cannot be decided, edited,
    notified, renewed or appealed, and no longer holds a renewal's or correction's place.
    """
    decision = fetch_decision(decision_id)
    check_version(decision, expected_version)
    if decision.state != "draft":
        raise state_conflict(decision, N_("The decision cannot be discarded in state %(state)s."))
    reason = (data.get("reason") or "").strip()
    if not reason:
        raise ValidationFailed.field("reason", _("required"))
    decision.discarded_at, decision.discard_reason = clock.today(), reason
    db.session.flush()
    audit("update", decision, detail="discard")
    return refresh(decision)


def end(decision_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> Decision:
    decision = fetch_decision(decision_id)
    check_version(decision, expected_version)
    if decision.state not in RUNNING_STATES:
        raise state_conflict(decision, N_("The decision cannot be ended in state %(state)s."))
    ended_on = data["ended_on"]
    if ended_on < decision.decided_on:
        raise ValidationFailed.field("ended_on", _("must not be before decided_on"))
    if decision.valid_to is not None and ended_on > decision.valid_to:
        raise ValidationFailed.field("ended_on", _("must not be after valid_to; the decision ends by itself then"))
    decision.ended_on, decision.end_reason = ended_on, data["end_reason"].strip()
    db.session.flush()
    audit("update", decision, detail="end")
    resolve_for("decision", [decision.id])
    return refresh(decision)


# --- rows other features read -----------------------------------------------------------

def persons_decision(decision_id: uuid.UUID, person_id: uuid.UUID) -> Decision:
    """The person's own decision, for features that point at one (plans, housing needs); 422 otherwise."""
    decision = db.session.get(Decision, decision_id)
    if decision is None or decision.person_id != person_id:
        raise ValidationFailed.field("decision_id", _("no such decision for this person"))
    if decision.discarded_at is not None:
        raise ValidationFailed.field("decision_id", _("the decision was discarded"))
    return decision


def decisions_of(person_id: uuid.UUID) -> list[Decision]:
    """The person's decisions the caller may see, with their derived state, by period (person overview).

    Not audited: the caller audits what it shows.
    """
    return list(db.session.scalars(scope(select_with_state()).where(Decision.person_id == person_id,
                                                                     Decision.discarded_at.is_(None))
                                   .order_by(Decision.valid_from, Decision.created_at)))
