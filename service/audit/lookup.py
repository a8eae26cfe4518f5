"""Whose access log: the auditor finds a person by name or by the national id, and sees the names
of the persons the follow-up's lists are about.

Why not the persons feature's search (``persons.services.list_persons`` and
``search_by_national_id``): those answer through the person row rule of the access matrix, which
gives the auditor nobody (service/auth/matrix.py: the auditor reads the trail, not persons'
rows). The access log is the auditor's for every person of the municipality
(``services.access_log``), and a citizen who asks who has read their record names themselves by
their national id; so this look-up searches the municipality's persons without the row rule, and
answers only what tells one person from another (name and birth year: no national id, no
address). Every person it names is an audited read (``read person``), and a miss is too, so the
auditor's own look-ups are in the trail and in the sample like anyone's.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import sqlalchemy as sa

from service.audit.services import record, record_many
from service.common.errors import NotFound, ValidationFailed
from service.common.i18n import _
from service.extensions import db
from service.persons.models import Person
from service.persons.services import _parse_national_id

# The detail of the read events (labelled in service/audit/labels.py, domain ``audit_detail``).
SEARCHED = "access log search"
LISTED = "audit listing"
MIN_NAME = 2


def find_by_name(name: str, limit: int) -> tuple[list[Person], int]:
    """The municipality's persons whose name holds ``name`` (at most ``limit``, by name), and how many there are."""
    name = (name or "").strip()
    if len(name) < MIN_NAME:
        raise ValidationFailed.field("name", _("Write at least two letters of the name."))
    where = sa.func.lower(Person.name).contains(name.lower(), autoescape=True)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Person).where(where)) or 0
    found = list(db.session.scalars(sa.select(Person).where(where).order_by(Person.name, Person.id).limit(limit)))
    _audit(found)
    return found, total


def find_by_national_id(national_id: str) -> list[Person]:
    """The municipality's person with this national id (the persons feature's check of the number:
    the same messages, none of which echoes it); the number travels in a form, never in a URL."""
    parsed = _parse_national_id("".join((national_id or "").split()))
    found = list(db.session.scalars(sa.select(Person).where(Person.national_id == parsed.value)))
    _audit(found)
    return found


def subject(person_id: uuid.UUID) -> Person:
    """The person whose log is read (404 for one of another municipality or none); the log's own
    read event (``services.access_log``) records that it was shown."""
    person = db.session.get(Person, person_id)
    if person is None:
        raise NotFound(_("No such person."))
    return person


def names(person_ids: Iterable[uuid.UUID | str | None]) -> dict[str, str]:
    """Person id (as text) → name, for the persons a list of the follow-up is about; each one named is a read."""
    ids = {uuid.UUID(str(pid)) for pid in person_ids if pid}
    if not ids:
        return {}
    found = list(db.session.scalars(sa.select(Person).where(Person.id.in_(ids)).order_by(Person.id)))
    record_many("read", "person", [(p.id, p.id) for p in found], detail=LISTED)
    return {str(p.id): p.name for p in found}


def _audit(found: list[Person]) -> None:
    record_many("read", "person", [(p.id, p.id) for p in found], detail=SEARCHED)
    if not found:
        record("read", "person_search", outcome="no_match", detail=SEARCHED)
