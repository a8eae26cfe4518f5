"""The field rules of a decision: hours, period, legal basis in force, provider unit, dates.

``validate`` runs them on a draft (``complete=False``: what is there must fit) and on a
decision being decided (``complete=True``: everything a decision needs is there).
"""

from __future__ import annotations

import decimal

from service.catalogue.services import check_in_force
from service.catalogue.services import legal_basis as lookup_legal_basis
from service.catalogue.services import service_type as lookup_service_type
from service.common.errors import ValidationFailed, require_not_future
from service.common.i18n import _
from service.decisions.models import Decision
from service.extensions import db
from service.referrals import services as referrals

HOURS_MAX = decimal.Decimal(168)  # hours in a week


def check_hours(hours, hour_based: bool, outcome: str) -> None:
    """hours_per_week: required for hour-based granted services; 0 < h ≤ 168; none on a refusal."""
    if outcome == "refused":
        if hours is not None:
            raise ValidationFailed.field("hours_per_week", _("a refused decision has no hours"))
        return
    if hours is None:
        if hour_based:
            raise ValidationFailed.field("hours_per_week", _("required for an hour-based service"))
        return
    if not (decimal.Decimal(0) < decimal.Decimal(hours) <= HOURS_MAX):
        raise ValidationFailed.field("hours_per_week", _("must be more than 0 and at most 168"))


def check_period(valid_from, valid_to, evaluate_by, outcome: str, *, complete: bool) -> None:
    if outcome == "refused":
        for field, value in (("valid_from", valid_from), ("valid_to", valid_to), ("evaluate_by", evaluate_by)):
            if value is not None:
                raise ValidationFailed.field(field, _("a refused decision has no period"))
        return
    if complete and valid_from is None:
        raise ValidationFailed.field("valid_from", _("required for a granted decision"))
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        raise ValidationFailed.field("valid_to", _("must not be before valid_from"))
    if valid_from is not None and evaluate_by is not None and evaluate_by < valid_from:
        raise ValidationFailed.field("evaluate_by", _("must not be before valid_from"))


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
        raise ValidationFailed.field("provider_unit", _("the provider unit %(name)s is retired", name=unit.name))
    if decision.decided_on is not None:
        require_not_future("decided_on", decision.decided_on)
        if decision.referral_id is not None:
            referral = referrals.load(decision.referral_id)
            if decision.decided_on < referral.received_on:
                raise ValidationFailed.field("decided_on", _("must not be before the referral was received"))
