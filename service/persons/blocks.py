"""Per-person blocks: a named user barred from a named person (docs/security.md, "Per-person blocks").

Why: the officer is disqualified (forvaltningsloven § 6), is related to the person, or the
person asked. While a block is in force the barred user gets, for that person and every row
about them, exactly what a random id gets: 404 on reads and actions, 422 "no such person" in
bodies, nothing in lists and counts. That is applied once, in ``access.rows_clause``; this
module records, lists and lifts blocks.

Who: the allocation office (``case_officer``) records and lifts blocks on the persons it may
see, and reads them; the auditor reads every block. Nobody manages a block on themselves: a
block on the caller is recorded and lifted by a colleague (fvl § 8: the question goes to
someone else), and a barred user cannot see the person at all. Only a user whose role reads
persons can be barred (the other roles see no person rows). Blocks are never deleted: lifting
records when, by whom and why. Every read and write is audited.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from service.audit.services import record, record_many
from service.auth import matrix
from service.auth.identity import current_user
from service.auth.models import User
from service.common import clock
from service.common.concurrency import check_version, unique_or_duplicate
from service.common.errors import Duplicate, InvalidState, NotFound, ValidationFailed
from service.common.i18n import _
from service.common.pagination import page_of
from service.common.tenancy import current_municipality_id
from service.extensions import db
from service.persons.access import forget_blocks, rows_clause, visible_persons_clause
from service.persons.models import Person, PersonBlock

OBJECT = "person_block"


def _audit(action: str, block: PersonBlock, detail: str | None = None) -> None:
    record(action, OBJECT, object_id=block.id, person_id=block.person_id, detail=detail)


def _visible(stmt: sa.Select) -> sa.Select:
    return stmt.where(rows_clause(current_user(), matrix.PERSON_BLOCK, PersonBlock.person_id))


def _person(person_id: uuid.UUID) -> Person:
    """The person of the path: one the caller may see; for a role that reads no persons (the
    auditor), any person of the municipality. 404 otherwise."""
    user = current_user()
    stmt = sa.select(Person).where(Person.id == person_id)
    if user is not None and matrix.row_rule(user.role, matrix.PERSON) is not None:
        stmt = stmt.where(visible_persons_clause(user))
    person = db.session.scalar(stmt)
    if person is None:
        raise NotFound(_("No such person."))
    return person


def _blocked_user(user_id: uuid.UUID) -> User:
    user = db.session.scalar(sa.select(User).where(
        User.id == user_id, User.municipality_id == current_municipality_id()))
    if user is None or user.disabled_at is not None:
        raise ValidationFailed.field("user_id", _("no such active user in the municipality"))
    if matrix.row_rule(user.role, matrix.PERSON) is None:
        raise ValidationFailed.field("user_id", _("the user's role sees no persons; there is nothing to bar"))
    caller = current_user()
    if caller is not None and caller.id == user.id:
        raise ValidationFailed.field("user_id", _("a block on yourself is recorded by a colleague"))
    return user


def _active_block(person_id: uuid.UUID, user_id: uuid.UUID) -> uuid.UUID | None:
    return db.session.scalar(sa.select(PersonBlock.id).where(
        PersonBlock.person_id == person_id, PersonBlock.user_id == user_id, PersonBlock.lifted_at.is_(None)))


def _already_blocked(existing_id: uuid.UUID) -> Duplicate:
    return Duplicate(_("The user is already barred from this person."), existing_id=existing_id)


def create_block(person_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> PersonBlock:
    """Bar a user from the person; ``expected_version`` is the person's (If-Match on the action)."""
    person = _person(person_id)
    check_version(person, expected_version)
    user = _blocked_user(data["user_id"])
    existing = _active_block(person.id, user.id)
    if existing is not None:
        raise _already_blocked(existing)
    caller = current_user()
    block = PersonBlock(id=uuid.uuid4(), municipality_id=current_municipality_id(), person_id=person.id,
                        user_id=user.id, reason=data["reason"], note=(data.get("note") or "").strip() or None,
                        blocked_by=caller.id if caller is not None else None)
    block.user = user
    # A block recorded concurrently for the same pair after the check wins the unique index.
    with unique_or_duplicate(lambda: _active_block(person.id, user.id), _already_blocked):
        db.session.add(block)
    _audit("create", block, detail=f"user {user.id} barred: {block.reason}")
    forget_blocks()
    return block


def _load(person_id: uuid.UUID, block_id: uuid.UUID) -> PersonBlock:
    _person(person_id)
    block = db.session.scalar(_visible(sa.select(PersonBlock).where(
        PersonBlock.id == block_id, PersonBlock.person_id == person_id)))
    if block is None:
        raise NotFound(_("No such block."))
    return block


def get_block(person_id: uuid.UUID, block_id: uuid.UUID) -> PersonBlock:
    block = _load(person_id, block_id)
    _audit("read", block)
    return block


def lift_block(person_id: uuid.UUID, block_id: uuid.UUID, data: dict, *,
               expected_version: int | None = None) -> PersonBlock:
    block = _load(person_id, block_id)
    check_version(block, expected_version)
    if block.lifted_at is not None:
        raise InvalidState(_("The block was lifted already."), state="lifted")
    caller = current_user()
    block.lifted_at = clock.now()
    block.lifted_by = caller.id if caller is not None else None
    block.lift_reason = data["reason"].strip()
    db.session.flush()
    _audit("update", block, detail="lifted")
    forget_blocks()
    return block


def blocks_of(person_id: uuid.UUID) -> list[PersonBlock]:
    """Every block on the person, in force and lifted, newest first."""
    _person(person_id)
    items = list(db.session.scalars(_visible(sa.select(PersonBlock).where(PersonBlock.person_id == person_id))
                                    .order_by(PersonBlock.created_at.desc(), PersonBlock.id)))
    record_many("read", OBJECT, [(b.id, b.person_id) for b in items], detail="list")
    return items


def list_blocks(filters: dict, page: int, page_size: int) -> tuple[list[PersonBlock], int]:
    """The municipality's blocks the caller may see (e.g. every person a user is barred from)."""
    stmt = _visible(sa.select(PersonBlock))
    for column in ("user_id", "person_id"):
        if filters.get(column) is not None:
            stmt = stmt.where(getattr(PersonBlock, column) == filters[column])
    if filters.get("active") is not None:
        stmt = stmt.where(PersonBlock.lifted_at.is_(None) if filters["active"] else PersonBlock.lifted_at.is_not(None))
    items, total = page_of(stmt.order_by(PersonBlock.created_at.desc(), PersonBlock.id), page, page_size)
    record_many("read", OBJECT, [(b.id, b.person_id) for b in items], detail="list")
    return items, total
