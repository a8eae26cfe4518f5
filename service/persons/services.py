"""Registering, finding and correcting persons. Every read and write is audited."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from flask import current_app

from service.audit.services import record, record_many
from service.auth import matrix
from service.auth.fields import require_readable, require_writable
from service.auth.identity import current_user
from service.common import clock
from service.common.concurrency import check_version
from service.common.errors import Conflict, Duplicate, NotFound, ValidationFailed, require_not_future
from service.common.i18n import N_, _
from service.common.pagination import page_of
from service.common.tenancy import current_municipality_id
from service.extensions import db
from service.persons.access import location_clause, refuse_barred, visible_persons_clause
from service.persons.models import Person
from service.persons.national_id import NationalId, NationalIdError, parse_national_id

# Why a national id was refused (``NationalIdError.reason``): fixed texts without a digit,
# so that no message can echo the number.
_NATIONAL_ID_MESSAGES = {
    "not_11_digits": N_("national id must be exactly eleven ASCII digits"),
    "invalid_date": N_("national id does not encode a valid date"),
    "check_digit_1": N_("first check digit does not match"),
    "check_digit_2": N_("second check digit does not match"),
    "synthetic_not_allowed": N_("synthetic or test-range national ids are not allowed here"),
}
_NATIONAL_ID_INVALID = N_("national id is not valid")


def _parse_national_id(value: str):
    """Parse with the deployment's synthetic-id gate; ``today`` only picks the default century."""
    try:
        return parse_national_id(value, allow_synthetic=current_app.config["ALLOW_SYNTHETIC_IDS"],
                                 today=clock.today())
    except NationalIdError as exc:
        raise ValidationFailed.field(
            "national_id", _(_NATIONAL_ID_MESSAGES.get(exc.reason, _NATIONAL_ID_INVALID))) from None


def _visible(stmt: sa.Select) -> sa.Select:
    return stmt.where(visible_persons_clause(current_user()))


def _birth_date_with_number(parsed: NationalId, given: dt.date | None, stored: dt.date | None,
                            number_changed: bool) -> dt.date:
    """The birth date to store for a person with a national id (docs/legal-rules.md, "National identity number").

    The date decoded from the number is a default, never a rule: from 2032
    the individual number no longer tells the century, a D-number may carry
    the registration date (UDI), and an FH-number carries no date at all.
    So the caller's date stands, as long as an ordinary number (fnr, H,
    synthetic, or one valid only under the 2032 rule) agrees with it on day,
    month and two-digit year. Without one from the caller, the stored date is
    kept if it still fits the number, else the number's default is used;
    where the number cannot give a default the caller must send one.
    """
    if given is not None:
        if parsed.kind in ("d_number", "fh_number") or parsed.agrees_with_birth_date(given):
            return given
        raise ValidationFailed.field("birth_date", _("does not match the national id"))
    if stored is not None and (not number_changed or parsed.kind == "fh_number"
                               or parsed.agrees_with_birth_date(stored)):
        return stored
    if parsed.kind == "fh_number":
        raise ValidationFailed.field(
            "birth_date", _("required: an FH-number (felles hjelpenummer) does not encode a birth date"))
    if parsed.only_2032_rule:
        raise ValidationFailed.field(
            "birth_date", _("required: the century cannot be read from this national id"))
    return parsed.birth_date


def _apply_identity(person: Person, data: dict) -> None:
    """National id, its missing reason and birth date must agree with each other."""
    previous_national_id = person.national_id
    if "national_id" in data:
        person.national_id = data["national_id"] or None
    if "national_id_missing_reason" in data:
        person.national_id_missing_reason = data["national_id_missing_reason"] or None
    if person.national_id is not None:
        parsed = _parse_national_id(person.national_id)
        person.birth_date = _birth_date_with_number(
            parsed, data.get("birth_date"), person.birth_date,
            number_changed=person.national_id != previous_national_id)
        person.national_id_missing_reason = None
    else:
        if not person.national_id_missing_reason:
            raise ValidationFailed.field(
                "national_id_missing_reason", _("give the reason when there is no national id"))
        if "birth_date" in data:
            person.birth_date = data["birth_date"]
        if person.birth_date is None:
            raise ValidationFailed.field("birth_date", _("required when there is no national id"))
    # The one future-date check, on the date finally stored (the caller's or the default).
    require_not_future("birth_date", person.birth_date)


def _ensure_unique(person: Person) -> None:
    if person.national_id is None:
        return
    clash = db.session.scalar(sa.select(Person.id).where(
        Person.national_id == person.national_id, Person.id != person.id))
    if clash is None:
        return
    message = _("A person with this national id is already registered in the municipality.")
    if db.session.scalar(_visible(sa.select(Person.id).where(Person.id == clash))) is None:
        # No existing_id for a caller who may not see that person: it would tell who holds the number.
        raise Conflict(message, code="duplicate_national_id")
    raise Duplicate(message, existing_id=clash, code="duplicate_national_id")


def create_person(data: dict) -> Person:
    require_writable(matrix.PERSON, data, creating=True)
    if not data["name"].strip():
        raise ValidationFailed.field("name", _("must not be empty"))
    person = Person(id=uuid.uuid4(), municipality_id=current_municipality_id(),
                    name=data["name"].strip(), birth_date=None,
                    sex=data.get("sex"), district=data.get("district"),
                    has_minor_children=data.get("has_minor_children", "unknown"))
    _apply_identity(person, data)
    _ensure_unique(person)
    db.session.add(person)
    db.session.flush()
    record("create", "person", object_id=person.id, person_id=person.id)
    return person


def _load(person_id: uuid.UUID, what: str = "read") -> Person:
    person = db.session.scalar(_visible(sa.select(Person).where(Person.id == person_id)))
    if person is None:
        refuse_barred(person_id, what)  # a barred user's attempt is audited as denied; 404 either way
        raise NotFound(_("No such person."))
    return person


def get_person(person_id: uuid.UUID) -> Person:
    person = _load(person_id)
    record("read", "person", object_id=person.id, person_id=person.id)
    return person


def list_persons(filters: dict, page: int, page_size: int) -> tuple[list[Person], int]:
    require_readable(matrix.PERSON, [name for name, value in filters.items() if value is not None])
    stmt = _visible(sa.select(Person))
    if filters.get("name"):
        stmt = stmt.where(sa.func.lower(Person.name).contains(filters["name"].lower(), autoescape=True))
    if filters.get("district"):
        stmt = stmt.where(Person.district == filters["district"], location_clause(
            current_user(), matrix.PERSON, "district", Person.address_protection))
    if filters.get("birth_date"):
        stmt = stmt.where(Person.birth_date == filters["birth_date"])
    items, total = page_of(stmt.order_by(Person.name, Person.id), page, page_size)
    record_many("read", "person", [(p.id, p.id) for p in items], detail="list")
    return items, total


def search_by_national_id(national_id: str) -> list[Person]:
    """Exact look-up; the number travels in the body, never in a URL.

    Every role that reads persons may search by the whole number it was told (it learns only
    which of its persons holds it, shown as its role may see it); every search is audited,
    a miss too (docs/security.md, "Masks that cannot be undone")."""
    parsed = _parse_national_id(national_id)
    found = db.session.scalars(_visible(sa.select(Person).where(Person.national_id == parsed.value))).all()
    record_many("read", "person", [(p.id, p.id) for p in found], detail="search")
    if not found:
        record("read", "person_search", outcome="no_match")
    return list(found)


def update_person(person_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> Person:
    person = _load(person_id, "update")
    # A role may not change what it may not read: a housing officer neither overwrites nor
    # clears a national id (or the birth date that would rebuild it) it sees masked, nor a
    # case officer the district of a person whose address protection hides it.
    require_writable(matrix.PERSON, data, creating=False, protection=person.address_protection)
    check_version(person, expected_version)
    changed = sorted(k for k in data if getattr(person, k) != data[k])
    if "name" in data:
        if not (data["name"] or "").strip():
            raise ValidationFailed.field("name", _("must not be empty"))
        person.name = data["name"].strip()
    for field in ("sex", "district", "has_minor_children"):
        if field in data:
            setattr(person, field, data[field])
    if data.keys() & {"national_id", "national_id_missing_reason", "birth_date"}:
        _apply_identity(person, data)
        _ensure_unique(person)
    db.session.flush()
    record("update", "person", object_id=person.id, person_id=person.id,
           detail=("fields: " + ",".join(changed))[:200] if changed else None)
    return person


def names_of(person_ids) -> dict[uuid.UUID, str]:
    """The names of those of ``person_ids`` the caller may see (the person rule, less a person
    barred to them), in one statement: for a page whose rows name their persons (the waiting
    list, offers, tenancies). The caller's list already audited its rows with their persons; a
    person the caller may not see is simply not in the answer, as the API would not show them."""
    ids = sorted({i for i in person_ids if i is not None})
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(Person.id, Person.name).where(
        Person.id.in_(ids), visible_persons_clause(current_user()))).all())
