"""Referrals: registration, assignment, assessment, preliminary reply, closing.

Deadline: a referral must be answered within one calendar month of receipt
(``answer_due_on``), or a preliminary reply (foreløpig svar) must say why and
when to expect an answer (forvaltningsloven § 11 a). Every read and write is audited.

Whether the answer is overdue (``reply_overdue``) is derived by the database on the day
of the answer: every referral an answer shows is loaded through ``select_referrals``.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import with_expression

from service.audit.services import record, record_many
from service.auth import matrix
from service.auth.identity import current_user
from service.auth.models import User
from service.auth.policy import REFERRAL_ASSIGNEES
from service.catalogue.services import service_type
from service.common import clock
from service.common.concurrency import check_version
from service.common.deadlines import add_months
from service.common.errors import InvalidState, NotFound, ValidationFailed, require_not_future
from service.common.i18n import N_, _, label
from service.common.pagination import page_of
from service.common.tenancy import current_municipality_id
from service.extensions import db
from service.persons.access import referenced_person, rows_clause
from service.referrals.models import OPEN_STATUSES, Referral
from service.worklist.flags import reassign_subject, resolve_for

ANSWER_MONTHS = 1  # forvaltningsloven § 11 a: foreløpig svar when not answered within one month


def answer_due_on(received_on: dt.date) -> dt.date:
    """``received_on`` + 1 calendar month; 31 January → 28/29 February."""
    return add_months(received_on, ANSWER_MONTHS)


def _require_open(referral: Referral, message: str) -> None:
    """``message`` is an ``N_()`` text with ``%(state)s``, translated here."""
    if referral.status not in OPEN_STATUSES:
        raise InvalidState(_(message, state=label("referral_status", referral.status)), state=referral.status)


def _check_services(codes: list[str]) -> list[str]:
    seen: list[str] = []
    for code in codes:
        service_type(code, field="requested_services")
        if code not in seen:
            seen.append(code)
    return seen


def _check_assignee(user_id: uuid.UUID) -> None:
    user = db.session.get(User, user_id)
    if user is None or user.municipality_id != current_municipality_id():
        raise ValidationFailed.field("user_id", _("no such user"))
    if user.role not in REFERRAL_ASSIGNEES or user.disabled_at is not None:
        raise ValidationFailed.field("user_id", _("referrals are assigned to active case officers"))


def _audit(action: str, referral: Referral, detail: str | None = None) -> None:
    record(action, "referral", object_id=referral.id, person_id=referral.person_id, detail=detail)


def create_referral(data: dict) -> Referral:
    referenced_person(data["person_id"])
    require_not_future("received_on", data["received_on"])
    if data.get("assigned_to"):
        _check_assignee(data["assigned_to"])
    referral = Referral(
        id=uuid.uuid4(), municipality_id=current_municipality_id(), person_id=data["person_id"],
        received_on=data["received_on"], source=data["source"], channel=data["channel"],
        requested_services=_check_services(data.get("requested_services") or []),
        urgency=data.get("urgency", "routine"), care_pathway=data.get("care_pathway"),
        summary=data.get("summary"), assigned_to=data.get("assigned_to"), status="received",
        answer_due_on=answer_due_on(data["received_on"]),
    )
    db.session.add(referral)
    db.session.flush()
    _audit("create", referral)
    return _reloaded(referral)


def select_referrals(today: dt.date | None = None) -> sa.Select:
    """The referrals the caller may see (the access matrix's row rule, less any about a person
    barred to them), with ``reply_overdue`` derived by the database on ``today`` (the clock's by default).

    Loading populates a referral already in the session anew (``populate_existing``), so a
    row read or written earlier in the transaction gets today's value, never a stale or null one.
    """
    return (sa.select(Referral)
            .where(rows_clause(current_user(), matrix.REFERRAL, Referral.person_id))
            .options(_reply_overdue(today or clock.today()))
            .execution_options(populate_existing=True))


@functools.lru_cache(maxsize=32)
def _reply_overdue(today: dt.date):
    """The loader option of ``select_referrals``, built once per day and shared (``with_expression``
    copies its expression each time it is called)."""
    return with_expression(Referral.reply_overdue, Referral.reply_overdue_clause(today))


def load(referral_id: uuid.UUID) -> Referral:
    referral = db.session.scalar(select_referrals().where(Referral.id == referral_id))
    if referral is None or referral.municipality_id != current_municipality_id():
        raise NotFound(_("No such referral."))
    return referral


def _reloaded(referral: Referral) -> Referral:
    """The referral again after a write: the flush expired ``reply_overdue``, the database derives it anew."""
    db.session.flush()
    return load(referral.id)


def get_referral(referral_id: uuid.UUID) -> Referral:
    referral = load(referral_id)
    _audit("read", referral)
    return referral


def list_referrals(filters: dict, page: int, page_size: int) -> tuple[list[Referral], int]:
    stmt = select_referrals()
    for column in ("status", "source", "person_id", "assigned_to", "urgency"):
        if filters.get(column) is not None:
            stmt = stmt.where(getattr(Referral, column) == filters[column])
    if filters.get("received_from") is not None:
        stmt = stmt.where(Referral.received_on >= filters["received_from"])
    if filters.get("received_to") is not None:
        stmt = stmt.where(Referral.received_on <= filters["received_to"])
    if filters.get("reply_due_before") is not None:
        stmt = stmt.where(Referral.answer_due_on < filters["reply_due_before"])
    if filters.get("open") is not None:
        in_open = Referral.status.in_(OPEN_STATUSES)
        stmt = stmt.where(in_open if filters["open"] else sa.not_(in_open))
    items, total = page_of(stmt.order_by(Referral.answer_due_on, Referral.received_on, Referral.id),
                           page, page_size)
    record_many("read", "referral", [(r.id, r.person_id) for r in items], detail="list")
    return items, total


def update_referral(referral_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> Referral:
    referral = load(referral_id)
    check_version(referral, expected_version)
    _require_open(referral, N_("The referral cannot be edited in state %(state)s."))
    if "received_on" in data:
        require_not_future("received_on", data["received_on"])
        referral.received_on = data["received_on"]
        referral.answer_due_on = answer_due_on(data["received_on"])
    if "requested_services" in data:
        referral.requested_services = _check_services(data["requested_services"] or [])
    for field in ("source", "channel", "urgency", "care_pathway", "summary"):
        if field in data:
            setattr(referral, field, data[field])
    db.session.flush()
    _audit("update", referral, detail=("fields: " + ",".join(sorted(data)))[:200])
    resolve_for("referral", [referral.id])
    return _reloaded(referral)


def start_assessment(referral_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> Referral:
    referral = load(referral_id)
    check_version(referral, expected_version)
    if referral.status != "received":
        raise InvalidState(_("The assessment cannot be started for a referral in state %(state)s.",
                             state=label("referral_status", referral.status)), state=referral.status)
    on = data.get("on") or clock.today()
    require_not_future("on", on)
    if on < referral.received_on:
        raise ValidationFailed.field("on", _("must not be before the referral was received"))
    referral.status, referral.assessment_started_on = "assessing", on
    user = current_user()
    if referral.assigned_to is None and user is not None and user.role in REFERRAL_ASSIGNEES:
        referral.assigned_to = user.id
        reassign_subject("referral", referral.id, user.id)
    db.session.flush()
    _audit("update", referral, detail="start_assessment")
    return _reloaded(referral)


def assign(referral_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> Referral:
    referral = load(referral_id)
    check_version(referral, expected_version)
    _require_open(referral, N_("The referral cannot be assigned in state %(state)s."))
    _check_assignee(data["user_id"])
    referral.assigned_to = data["user_id"]
    db.session.flush()
    reassign_subject("referral", referral.id, referral.assigned_to)  # its open flags go along
    _audit("update", referral, detail="assign")
    return _reloaded(referral)


def preliminary_reply(referral_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> Referral:
    """Record a foreløpig svar (forvaltningsloven § 11 a): why it takes longer and when to expect an answer."""
    referral = load(referral_id)
    check_version(referral, expected_version)
    _require_open(referral, N_("A preliminary reply cannot be sent for a referral in state %(state)s."))
    sent_on = data["sent_on"]
    require_not_future("sent_on", sent_on)
    if sent_on < referral.received_on:
        raise ValidationFailed.field("sent_on", _("must not be before the referral was received"))
    if data["expected_by"] < sent_on:
        raise ValidationFailed.field("expected_by", _("must not be before the reply was sent"))
    referral.preliminary_reply_sent_on = sent_on
    referral.preliminary_reply_reason = data["reason"].strip()
    referral.preliminary_reply_expected_by = data["expected_by"]
    db.session.flush()
    resolve_for("referral", [referral.id])
    _audit("update", referral, detail="preliminary_reply")
    return _reloaded(referral)


def _close(referral: Referral, status: str, data: dict) -> Referral:
    on = data["on"]
    require_not_future("on", on)
    if on < referral.received_on:
        raise ValidationFailed.field("on", _("must not be before the referral was received"))
    referral.status, referral.closed_on = status, on
    referral.close_reason = data.get("reason")
    db.session.flush()
    resolve_for("referral", [referral.id])
    return referral


def withdraw(referral_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> Referral:
    referral = load(referral_id)
    check_version(referral, expected_version)
    _require_open(referral, N_("The referral cannot be withdrawn in state %(state)s."))
    _close(referral, "withdrawn", data)
    _audit("update", referral, detail="withdraw")
    return _reloaded(referral)


def forward(referral_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> Referral:
    referral = load(referral_id)
    check_version(referral, expected_version)
    _require_open(referral, N_("The referral cannot be forwarded in state %(state)s."))
    referral.forwarded_to = data["to"].strip()
    _close(referral, "forwarded", data)
    _audit("update", referral, detail="forward")
    return _reloaded(referral)


def mark_decided(referral: Referral, decided_on: dt.date) -> None:
    """A decision answering the referral was made (called by decisions)."""
    if referral.status == "decided":
        return
    _require_open(referral, N_("The referral cannot be decided on in state %(state)s."))
    referral.status, referral.decided_on = "decided", decided_on
    db.session.flush()
    resolve_for("referral", [referral.id])
    _audit("update", referral, detail="decided")


def hand_over(from_user_id: uuid.UUID, to_user_id: uuid.UUID, barred: set) -> tuple[int, int]:
    """An absent officer's open referrals go to a colleague (``worklist.services.reassign``), with
    their open flags; those about a person the colleague is barred from (``barred``) stay.
    Returns (moved, kept)."""
    referrals = list(db.session.scalars(sa.select(Referral).where(
        Referral.assigned_to == from_user_id, Referral.status.in_(OPEN_STATUSES))
        .order_by(Referral.received_on, Referral.id)))
    moved = [referral for referral in referrals if referral.person_id not in barred]
    for referral in moved:
        referral.assigned_to = to_user_id
        reassign_subject("referral", referral.id, to_user_id)
    db.session.flush()
    record_many("update", "referral", [(r.id, r.person_id) for r in moved], detail="handover")
    return len(moved), len(referrals) - len(moved)


# --- rows for the person overview (service.overview) -----------------------------------

def open_referrals_of(person_id: uuid.UUID) -> list[Referral]:
    """The person's open referrals, oldest first (not audited: the caller audits what it shows)."""
    return list(db.session.scalars(select_referrals().where(
        Referral.person_id == person_id, Referral.status.in_(OPEN_STATUSES))
        .order_by(Referral.received_on, Referral.id)))
