"""The auditor's follow-up of the trail (Normen: every access logged, the log followed up).

* ``sample(period, n)``: a reproducible random sample of the month's person accesses, and the
  month's accesses outside the row rule (emergency openings and the reads in them, barred
  attempts, refused requests), each with its review if it has one;
* ``emergency_openings``: every emergency opening ("break the glass") with how many requests
  read the person in it;
* ``create_review``: the auditor's finding on one event (``AuditReview``).

How the sample is drawn (docs/security.md, "The auditor's follow-up"): the population is the
municipality's events with action ``read``, a person, outcome ``ok`` (not the companion events
of emergency reads, which the outside-the-rule list shows), ``at`` in the month (Europe/Oslo),
numbered 0, 1, … in chain order (``seq``). The seed is the first 8 bytes, big-endian, of
SHA-256 over ``"<municipality number>:<YYYY-MM>"``; the sample is the events at the positions
``random.Random(seed).sample(range(population), min(n, population))`` (CPython's Mersenne
Twister), listed in chain order. A month that has ended never changes (the trail is append-only
and an event's time is when it was recorded), so the same call gives the same sample, and anyone
with the trail can draw it again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import uuid

import sqlalchemy as sa
from sqlalchemy import orm

from service.audit.models import AuditEvent
from service.audit.review_models import AuditReview
from service.audit.services import record
from service.auth.identity import current_user
from service.auth.models import Municipality, User
from service.common import clock
from service.common.concurrency import unique_or_duplicate
from service.common.errors import Duplicate, ValidationFailed
from service.common.i18n import _
from service.common.pagination import page_of
from service.common.tenancy import current_municipality_id
from service.extensions import db
from service.persons.models import EmergencyAccess

EMERGENCY = "emergency_access"
# How many accesses outside the rule one answer lists (the count is always complete; the rest:
# GET /audit with the same filters).
OUTSIDE_RULE_LIMIT = 1000


# --- the month ---------------------------------------------------------------------------------

def month_bounds(period: str) -> tuple[dt.datetime, dt.datetime]:
    """The month ``YYYY-MM`` in the municipality's time zone, as UTC instants [start, end)."""
    try:
        year, month = (int(part) for part in period.split("-"))
        first = dt.date(year, month, 1)
    except ValueError:
        raise ValidationFailed.field("period", _("must be a month as YYYY-MM")) from None
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    zone = clock.local_timezone()

    def start_of(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), zone).astimezone(clock.UTC)

    return start_of(first), start_of(following)


def seed_of(municipality_number: str, period: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{municipality_number}:{period}".encode()).digest()[:8], "big")


def _in_month(period: str) -> list[sa.ColumnElement[bool]]:
    start, end = month_bounds(period)
    return [AuditEvent.municipality_id == current_municipality_id(), AuditEvent.at >= start, AuditEvent.at < end,
            AuditEvent.seq.is_not(None)]


def person_accesses(period: str) -> list[sa.ColumnElement[bool]]:
    """The sample's population: reads of a person's data in the month, done (not refused)."""
    return [*_in_month(period), AuditEvent.action == "read", AuditEvent.person_id.is_not(None),
            AuditEvent.outcome == "ok", AuditEvent.object_type != EMERGENCY]


def outside_rule(period: str) -> list[sa.ColumnElement[bool]]:
    """Accesses outside the row rule in the month: emergency openings and the reads in them,
    refused attempts (a barred user's attempt on the person, a request the role may not make)."""
    return [*_in_month(period), sa.or_(AuditEvent.object_type == EMERGENCY, AuditEvent.action == "denied",
                                       AuditEvent.outcome == "denied")]


def _with_actor_names(stmt: sa.Select) -> sa.Select:
    same_town = sa.and_(User.id == AuditEvent.actor_id, User.municipality_id == AuditEvent.municipality_id)
    return (stmt.outerjoin(User, same_town)
            .options(orm.with_expression(AuditEvent.actor_name, sa.func.coalesce(User.display_name, User.username)))
            .execution_options(populate_existing=True))


def _reviews_of(events: list[AuditEvent]) -> None:
    """Set ``event.review`` (the auditor's review, or None) on each event, in one query."""
    ids = [event.id for event in events]
    reviews = {r.event_id: r for r in db.session.scalars(sa.select(AuditReview).where(AuditReview.event_id.in_(ids)))}
    for event in events:
        event.review = reviews.get(event.id)


def sample(period: str, n: int) -> dict:
    """``n`` of the month's person accesses drawn at random, reproducibly, and the accesses outside the rule."""
    municipality = db.session.get(Municipality, current_municipality_id())
    population = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                   .where(*person_accesses(period))) or 0
    seed = seed_of(municipality.number, period)
    positions = sorted(random.Random(seed).sample(range(population), min(n, population)))
    drawn: list[AuditEvent] = []
    if positions:
        numbered = (sa.select(AuditEvent.id, (sa.func.row_number().over(order_by=AuditEvent.seq) - 1).label("position"))
                    .where(*person_accesses(period)).subquery())
        chosen = sa.select(numbered.c.id).where(numbered.c.position.in_(positions))
        drawn = list(db.session.scalars(_with_actor_names(sa.select(AuditEvent))
                                        .where(AuditEvent.id.in_(chosen)).order_by(AuditEvent.seq)))
    outside_count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                      .where(*outside_rule(period))) or 0
    outside = list(db.session.scalars(_with_actor_names(sa.select(AuditEvent)).where(*outside_rule(period))
                                      .order_by(AuditEvent.seq).limit(OUTSIDE_RULE_LIMIT)))
    _reviews_of(drawn + outside)
    record("read", "audit_log", detail=f"sample {period}: {len(drawn)} of {population}")
    return {"period": period, "seed": seed, "population": population, "n": n, "sample": drawn,
            "outside_rule_count": outside_count, "outside_rule": outside}


# --- emergency openings --------------------------------------------------------------------------

def emergency_openings(filters: dict, page: int, page_size: int) -> tuple[list[EmergencyAccess], int]:
    """Every emergency opening of the municipality, newest first, each with ``reads``: how many
    requests read the person in it (``read emergency_access`` events naming the opening)."""
    stmt = sa.select(EmergencyAccess)
    for column in ("user_id", "person_id"):
        if filters.get(column) is not None:
            stmt = stmt.where(getattr(EmergencyAccess, column) == filters[column])
    now = clock.now()
    if filters.get("active") is not None:
        stmt = stmt.where(EmergencyAccess.expires_at > now if filters["active"] else EmergencyAccess.expires_at <= now)
    if filters.get("opened_from") is not None:
        stmt = stmt.where(EmergencyAccess.opened_at >= filters["opened_from"])
    if filters.get("opened_to") is not None:
        stmt = stmt.where(EmergencyAccess.opened_at < filters["opened_to"])
    items, total = page_of(stmt.order_by(EmergencyAccess.opened_at.desc(), EmergencyAccess.id), page, page_size)
    counts = dict(db.session.execute(
        sa.select(AuditEvent.object_id, sa.func.count()).where(
            AuditEvent.object_type == EMERGENCY, AuditEvent.action == "read",
            AuditEvent.object_id.in_([str(a.id) for a in items]))
        .group_by(AuditEvent.object_id)).all()) if items else {}
    for access in items:
        access.reads = counts.get(str(access.id), 0)
        access.active = access.expires_at > now
    record("read", "audit_log", detail="emergency access openings")
    return items, total


# --- reviews -------------------------------------------------------------------------------------

def _existing_review(event_id: uuid.UUID) -> uuid.UUID | None:
    return db.session.scalar(sa.select(AuditReview.id).where(AuditReview.event_id == event_id))


def _reviewed_already(existing_id: uuid.UUID) -> Duplicate:
    return Duplicate(_("The event was reviewed already."), existing_id=existing_id)


def create_review(data: dict) -> AuditReview:
    """The auditor's finding on one event of the municipality's trail (one review per event)."""
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.id == data["event_id"], AuditEvent.municipality_id == current_municipality_id()))
    if event is None:
        raise ValidationFailed.field("event_id", _("no such audit event"))
    note = (data.get("note") or "").strip() or None
    if data["finding"] != "ok" and note is None:
        raise ValidationFailed.field("note", _("say what is to be followed up"))
    existing = _existing_review(event.id)
    if existing is not None:
        raise _reviewed_already(existing)
    caller = current_user()
    review = AuditReview(id=uuid.uuid4(), municipality_id=current_municipality_id(), event_id=event.id,
                         finding=data["finding"], note=note, reviewed_by=caller.id if caller is not None else None)
    with unique_or_duplicate(lambda: _existing_review(event.id), _reviewed_already):
        db.session.add(review)
    record("create", "audit_review", object_id=review.id, person_id=event.person_id,
           detail=f"event {event.id}: {review.finding}")
    return review
