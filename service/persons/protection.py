"""Protected addresses: marking a person *fortrolig* (kode 7) or *strengt fortrolig adresse* (kode 6).

The population register marks a person whose address must be kept from others; the allocation
office (``matrix.ADDRESS_PROTECTION_MARKERS``) copies the marking here, and clears it, through
one action with a reason, audited (``address_protection``). The marking is not a field of
``PATCH /persons``: it changes who sees what, so it is never a side effect of a correction.

What the marking does is the access matrix's (``service/auth/matrix.py``): the location fields
of every row about the person (district, preferred areas, the unit of an offer, a tenancy or a
matching answer) are null for a role the matrix does not name for the level, a filter on them
does not find the person, and such a role may not write them. Matching is unchanged: its rules
work on ids (co-location by complex), never shown.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from service.audit.services import record
from service.auth.identity import current_user
from service.common.concurrency import check_version
from service.common.errors import InvalidState, NotFound
from service.common.i18n import _, label
from service.extensions import db
from service.persons.access import refuse_barred, visible_persons_clause
from service.persons.models import Person

OBJECT = "address_protection"


def set_protection(person_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> Person:
    """Mark the person (``confidential``, ``strictly_confidential``) or clear the marking (``none``)."""
    person = db.session.scalar(sa.select(Person).where(Person.id == person_id,
                                                       visible_persons_clause(current_user())))
    if person is None:
        refuse_barred(person_id, "address protection")
        raise NotFound(_("No such person."))
    check_version(person, expected_version)
    wanted = data["address_protection"]
    if person.address_protection == wanted:
        raise InvalidState(_("The person's address protection is already %(level)s.",
                             level=label("address_protection", wanted)), state=wanted)
    previous = person.address_protection
    person.address_protection = wanted
    db.session.flush()
    record("update", OBJECT, object_id=person.id, person_id=person.id,
           detail=f"{previous} -> {wanted}: {data['reason'].strip()}"[:200])
    return person
