"""The decision that supersedes another: a renewal, or a correction.

A renewal (``renew``) continues a running or expired decision from the day after it
ends; a correction is a new decision created with ``supersedes_id``
(``services.create_decision``). Either way a decision has at most one successor, draft
or decided (``superseded_candidate``), and deciding the successor ends its predecessor
(``drafting.decide_draft``).
"""

from __future__ import annotations

import uuid

from service.catalogue.services import legal_basis_in_force
from service.common import clock
from service.common.concurrency import check_version
from service.common.deadlines import add_days
from service.common.errors import Conflict, NotFound, ValidationFailed
from service.common.i18n import N_, _
from service.decisions.drafting import UNIT_FIELDS, decide_draft, new_decision
from service.decisions.loading import derive_new, fetch_decision, state_conflict
from service.decisions.models import Decision

RENEWABLE_STATES = ("upcoming", "active", "expiring", "expired")


def superseded_candidate(decision_id: uuid.UUID, person_id: uuid.UUID | None = None) -> Decision:
    """The decision a successor may supersede (422 on ``supersedes_id`` when there is none to see)."""
    try:
        old = fetch_decision(decision_id)
    except NotFound:
        raise ValidationFailed.field("supersedes_id", _("no such decision")) from None
    if person_id is not None and old.person_id != person_id:
        raise ValidationFailed.field("supersedes_id", _("the decision is about another person"))
    if old.state in ("draft", "discarded", "superseded"):
        raise state_conflict(old, N_("The decision cannot be superseded in state %(state)s."))
    if old.superseded_by_id is not None:
        raise Conflict(_("The decision already has a renewal or correction (draft or decided)."),
                       code="already_superseded", state=old.state, existing_id=str(old.superseded_by_id))
    return old


def renew(decision_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> Decision:
    """A new decision for the same person superseding this one, from the day after it ends."""
    old = fetch_decision(decision_id)
    check_version(old, expected_version)
    if old.state not in RENEWABLE_STATES:
        raise state_conflict(old, N_("The decision cannot be renewed in state %(state)s."))
    superseded_candidate(old.id)
    fields = {"person_id": old.person_id, "service_code": old.service_code, "outcome": "granted"}
    if not any(field in data for field in UNIT_FIELDS):
        fields["provider_unit_id"] = old.provider_unit_id  # the same unit, if it is still in use
    if "service_code" not in data:
        fields["legal_basis"] = legal_basis_in_force(old.legal_basis, data.get("decided_on") or clock.today())
    fields.update(data)
    if fields["outcome"] != "refused":
        fields.setdefault("hours_per_week", old.hours_per_week)
        if fields.get("valid_from") is None:
            if old.valid_to is None:
                raise ValidationFailed.field("valid_from", _("required: the decision renewed has no end date"))
            fields["valid_from"] = add_days(old.valid_to, 1)
    decision = new_decision(fields, supersedes=old)
    if data.get("decided_on"):
        decide_draft(decision, data["decided_on"])
    return derive_new(decision)
