"""The two writes every way of making a decision shares: a new draft from its fields, and deciding it.

``create_decision`` and ``decide`` (``services``) and ``renew`` (``renewals``) go through
here, so a draft, a correction and a renewal are built, validated, audited and decided
alike. Deciding a decision that supersedes another ends the one it supersedes.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

from service.audit.services import record
from service.auth.identity import current_user
from service.catalogue.services import legal_basis_in_force
from service.catalogue.services import service_type as lookup_service_type
from service.common import clock
from service.common.tenancy import current_municipality_id
from service.decisions.loading import audit
from service.decisions.models import Decision
from service.decisions.rules import validate
from service.decisions.signals import send_decision_decided
from service.extensions import db
from service.provider_units import services as provider_units
from service.referrals import services as referrals
from service.worklist.flags import resolve_for

FIELDS = ("service_code", "legal_basis", "outcome", "hours_per_week", "valid_from", "valid_to",
          "evaluate_by", "reasoning")
UNIT_FIELDS = ("provider_unit", "provider_unit_id")


def set_unit(decision: Decision, data: dict) -> None:
    """The unit named by ``provider_unit`` (its name) or ``provider_unit_id``; both null clears it.

    A name the municipality's register lacks is a 422 listing the units there are.
    """
    if not any(field in data for field in UNIT_FIELDS):
        return
    name, unit_id = data.get("provider_unit"), data.get("provider_unit_id")
    if name is None and unit_id is None:
        decision.provider_unit = None
        return
    decision.provider_unit = provider_units.resolve(name=name, unit_id=unit_id, for_new_use=False)


def default_basis(service_code: str, decided_on: dt.date | None) -> str | None:
    """The service's default legal basis, or the one that replaced it by the decision day (or today)."""
    return legal_basis_in_force(lookup_service_type(service_code).default_legal_basis,
                                decided_on or clock.today())


def new_decision(data: dict, *, supersedes: Decision | None = None) -> Decision:
    """A validated draft from ``data`` (``person_id``, ``referral_id`` and ``FIELDS``), audited."""
    decision = Decision(id=uuid.uuid4(), municipality_id=current_municipality_id(),
                        person_id=data["person_id"], referral_id=data.get("referral_id"),
                        supersedes_id=supersedes.id if supersedes else None)
    for field in FIELDS:
        setattr(decision, field, data.get(field))
    set_unit(decision, data)
    if decision.outcome is None:
        decision.outcome = "granted"
    if decision.legal_basis is None and decision.service_code:
        decision.legal_basis = default_basis(decision.service_code, data.get("decided_on"))
    if decision.hours_per_week is not None:
        decision.hours_per_week = decimal.Decimal(str(decision.hours_per_week))
    validate(decision, complete=False)
    db.session.add(decision)
    db.session.flush()
    audit("create", decision, detail="supersedes" if supersedes else None)
    return decision


def decide_draft(decision: Decision, decided_on: dt.date) -> None:
    """Decide the draft: complete and valid, its referral decided, its predecessor ended, the signal sent."""
    decision.decided_on = decided_on
    decision.decided_by = current_user().id if current_user() is not None else None
    validate(decision, complete=True)
    db.session.flush()
    if decision.referral_id is not None:
        referrals.mark_decided(referrals.load(decision.referral_id), decided_on)
    if decision.supersedes_id is not None:
        _close_superseded(decision)
        # the renewed or corrected decision is superseded now: its flags' cause is gone
        resolve_for("decision", [decision.supersedes_id])
    audit("update", decision, detail="decide")
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
