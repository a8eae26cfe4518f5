"""Appeals (klager) against decisions: registering, correcting, listing and their status.

Whether an appeal is in time is ``service.decisions.timeliness``; this module only calls
it whenever a date it depends on changes. Every read and write is audited.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from service.audit.services import record, record_many
from service.auth import matrix
from service.auth.identity import current_user
from service.common.concurrency import check_version
from service.common.errors import InvalidState, NotFound, ValidationFailed, require_not_future
from service.common.i18n import N_, _, format_day, label
from service.common.tenancy import current_municipality_id
from service.decisions.loading import fetch_decision, state_conflict
from service.decisions.models import Appeal, Decision
from service.decisions.timeliness import apply_deadlines
from service.extensions import db
from service.persons.access import rows_clause
from service.worklist.flags import resolve_for

APPEAL_TRANSITIONS = {
    "received": ("reassessing",),
    "reassessing": ("reversed", "forwarded"),
    "forwarded": ("upheld", "overturned", "returned"),
}


def _audit(action: str, appeal: Appeal, detail: str | None = None) -> None:
    record(action, "appeal", object_id=appeal.id, person_id=appeal.person_id, detail=detail)


def _check_dates(appeal: Appeal, decision: Decision) -> None:
    """received_on and sent_on: not in the future, not before the decision, sent ≤ received."""
    require_not_future("received_on", appeal.received_on)
    require_not_future("sent_on", appeal.sent_on)
    if appeal.received_on < decision.decided_on:
        raise ValidationFailed.field("received_on", _("must not be before the decision was made"))
    if appeal.sent_on is not None:
        if appeal.sent_on < decision.decided_on:
            raise ValidationFailed.field("sent_on", _("must not be before the decision was made"))
        if appeal.sent_on > appeal.received_on:
            raise ValidationFailed.field("sent_on", _("must not be after received_on"))


def _timeliness_note(appeal: Appeal) -> str | None:
    notes = []
    if not appeal.deadline_met:
        notes.append("after the deadline")
    if appeal.beyond_absolute_limit:
        notes.append("more than one year after the decision (fvl § 31)")
    return ("received " + " and ".join(notes)) if notes else None


def create_appeal(decision_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> Appeal:
    """Register an appeal; ``expected_version`` is the decision's (If-Match on the action)."""
    decision = fetch_decision(decision_id)
    check_version(decision, expected_version)
    if decision.state in ("draft", "discarded"):
        raise state_conflict(decision, N_("A decision in state %(state)s cannot be appealed."))
    appeal = Appeal(id=uuid.uuid4(), municipality_id=current_municipality_id(), decision_id=decision.id,
                    person_id=decision.person_id, received_on=data["received_on"], sent_on=data.get("sent_on"),
                    summary=data.get("summary"), status="received")
    with db.session.no_autoflush:
        _check_dates(appeal, decision)
        apply_deadlines(appeal, decision)
    db.session.add(appeal)
    db.session.flush()
    _audit("create", appeal, detail=_timeliness_note(appeal))
    return appeal


def _visible(stmt: sa.Select) -> sa.Select:
    """Need-to-know: the appeals the caller's row rule gives (the access matrix), less any
    about a person barred to them."""
    return stmt.where(rows_clause(current_user(), matrix.APPEAL, Appeal.person_id))


def _load(decision_id: uuid.UUID, appeal_id: uuid.UUID) -> Appeal:
    appeal = db.session.scalar(_visible(sa.select(Appeal).where(Appeal.id == appeal_id)))
    if appeal is None or appeal.decision_id != decision_id or appeal.municipality_id != current_municipality_id():
        raise NotFound(_("No such appeal."))
    return appeal


def list_appeals(decision_id: uuid.UUID) -> list[Appeal]:
    fetch_decision(decision_id)
    items = list(db.session.scalars(_visible(sa.select(Appeal)).where(Appeal.decision_id == decision_id)
                                    .order_by(Appeal.received_on, Appeal.id)))
    record_many("read", "appeal", [(a.id, a.person_id) for a in items], detail="list")
    return items


def appeals_of(person_id: uuid.UUID) -> list[Appeal]:
    """Every appeal by the person, oldest first (for the person overview; the caller audits)."""
    return list(db.session.scalars(_visible(sa.select(Appeal)).where(Appeal.person_id == person_id)
                                   .order_by(Appeal.received_on, Appeal.id)))


def get_appeal(decision_id: uuid.UUID, appeal_id: uuid.UUID) -> Appeal:
    appeal = _load(decision_id, appeal_id)
    _audit("read", appeal)
    return appeal


def update_appeal(decision_id: uuid.UUID, appeal_id: uuid.UUID, data: dict, *,
                  expected_version: int | None = None) -> Appeal:
    """Correct received_on, sent_on or the summary (If-Match); timeliness is recomputed."""
    decision = fetch_decision(decision_id)
    appeal = _load(decision_id, appeal_id)
    check_version(appeal, expected_version)
    with db.session.no_autoflush:
        for field in ("received_on", "sent_on", "summary"):
            if field in data:
                setattr(appeal, field, data[field])
        if appeal.received_on is None:
            raise ValidationFailed.field("received_on", _("required"))
        _check_dates(appeal, decision)
        apply_deadlines(appeal, decision)
    db.session.flush()
    _audit("update", appeal, detail=("fields: " + ",".join(sorted(data)))[:200])
    resolve_for("appeal", [appeal.id])
    return appeal


def change_appeal_status(decision_id: uuid.UUID, appeal_id: uuid.UUID, data: dict, *,
                         expected_version: int | None = None) -> Appeal:
    appeal = _load(decision_id, appeal_id)
    check_version(appeal, expected_version)
    target = data["status"]
    if target not in APPEAL_TRANSITIONS.get(appeal.status, ()):
        allowed = APPEAL_TRANSITIONS.get(appeal.status, ())
        if allowed:
            message = _("The appeal cannot move to %(target)s from state %(state)s (next: %(allowed)s).",
                        target=label("appeal_status", target), state=label("appeal_status", appeal.status),
                        allowed=", ".join(label("appeal_status", step) for step in allowed))
        else:
            message = _("The appeal cannot move to %(target)s: state %(state)s is final.",
                        target=label("appeal_status", target), state=label("appeal_status", appeal.status))
        raise InvalidState(message, state=appeal.status)
    on = data["on"]
    require_not_future("on", on)
    last = max(d for d in (appeal.received_on, appeal.reassessment_started_on, appeal.forwarded_on) if d)
    if on < last:
        raise ValidationFailed.field("on", _("must not be before the previous step (%(date)s)", date=format_day(last)))
    if target == "reassessing":
        appeal.reassessment_started_on = on
    elif target == "forwarded":
        appeal.forwarded_on = on
    else:
        appeal.resolved_on = on
    appeal.status = target
    db.session.flush()
    _audit("update", appeal, detail=f"status {target}")
    resolve_for("appeal", [appeal.id])
    return appeal
