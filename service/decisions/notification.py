"""Notification (underretning): when and how a decision was sent and reached the person.

The appeal period runs from ``notified_on``. A recorded notification is corrected only with
a ``correction_reason`` (audited); every appeal already registered against the decision is
re-judged (``timeliness.recompute_for_decision``) in the same transaction.
"""

from __future__ import annotations

import uuid

from service.common.concurrency import check_version
from service.common.errors import Conflict, ValidationFailed, require_not_future
from service.common.i18n import N_, _, format_day
from service.decisions.loading import audit, fetch_decision, refresh, state_conflict
from service.decisions.models import Decision
from service.decisions.timeliness import recompute_for_decision
from service.extensions import db


def notify(decision_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> Decision:
    """Record how and when the decision was sent and when it reached the person, or correct that."""
    decision = fetch_decision(decision_id)
    check_version(decision, expected_version)
    if decision.state in ("draft", "discarded"):
        raise state_conflict(decision, N_("The notification cannot be recorded for a decision in state %(state)s."))
    correction = (data.get("correction_reason") or "").strip() or None
    if decision.notified_on is not None and correction is None:
        raise Conflict(_("The decision was already notified on %(date)s; send correction_reason to correct it.",
                         date=format_day(decision.notified_on)), code="already_notified", state=decision.state)
    _check_dates(decision, data["notified_on"], data.get("sent_on"))
    decision.notified_on = data["notified_on"]
    decision.notification_sent_on = data.get("sent_on")
    decision.notification_channel = data.get("channel")
    db.session.flush()
    audit("update", decision, detail=f"notify corrected: {correction}"[:200] if correction else "notify")
    recompute_for_decision(decision)
    return refresh(decision)


def _check_dates(decision: Decision, notified_on, sent_on) -> None:
    """notified_on: not in the future, not before the decision; sent_on between the two."""
    require_not_future("notified_on", notified_on)
    if notified_on < decision.decided_on:
        raise ValidationFailed.field("notified_on", _("must not be before decided_on"))
    if sent_on is not None:
        if sent_on < decision.decided_on:
            raise ValidationFailed.field("sent_on", _("must not be before decided_on"))
        if sent_on > notified_on:
            raise ValidationFailed.field("sent_on", _("must not be after notified_on"))
