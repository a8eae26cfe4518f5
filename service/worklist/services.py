"""The worklist: the caller's flags, acknowledging one, and handing an absent officer's work over.

Who sees which flag is the access matrix's ``worklist`` row rule on the resource ``flag``
(``worklist_rows``, contributed in ``init_app``): a flag of a kind the caller's role acts on
(the kind's ``role``), or one left to the caller's office (no user named), and only about a
subject the caller's own row rule for that subject shows it; never one about a person barred to
them. Each item carries what an officer needs to act without a second call: the person's name,
the subject's label, the due date, the days left and one line of text from the catalogue.
Reading the worklist is audited like any read of person data.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from service.audit.services import record, record_many
from service.auth import matrix
from service.auth.identity import current_user
from service.auth.models import User
from service.auth.policy import OFFICE_ROLES
from service.common import clock, contributions
from service.common.concurrency import check_version
from service.common.errors import InvalidState, NotFound, ValidationFailed
from service.common.i18n import _, format_day, label
from service.common.pagination import page_of
from service.common.tenancy import current_municipality_id
from service.extensions import db
from service.persons.access import blocked_person_ids, rows_clause
from service.persons.models import Person
from service.referrals.services import hand_over
from service.worklist.flags import kinds
from service.worklist.models import ACKNOWLEDGED, OPEN, PENDING, Flag

# --- need-to-know ---------------------------------------------------------------------------


def worklist_rows(user) -> sa.ColumnElement[bool]:
    """The matrix's ``worklist`` rule: the flags of the kinds ``user``'s role acts on, and those
    left to its office, each only about a subject the user's row rule for it shows."""
    clauses = []
    for kind in kinds().values():
        acts = kind.role == user.role
        if not acts and OFFICE_ROLES.get(kind.office) != user.role:
            continue
        rule = matrix.row_rule(user.role, kind.subject_resource)
        if rule is None:
            continue
        clause = Flag.kind == kind.kind
        if not acts:
            clause = sa.and_(clause, Flag.assigned_to.is_(None))
        if rule != matrix.ALL:
            model = kind.subject_model
            person_id = getattr(model, "person_id", None)
            if person_id is None:
                continue
            clause = sa.and_(clause, Flag.subject_id.in_(
                sa.select(model.id).where(rows_clause(user, kind.subject_resource, person_id))))
        clauses.append(clause)
    return sa.or_(*clauses) if clauses else sa.false()


def _rule_alone(user) -> sa.ColumnElement[bool]:
    """The matrix's row rule for ``flag`` without the per-person blocks (for flags about no person)."""
    rule = matrix.row_rule(user.role, matrix.FLAG)
    builders = contributions.current().row_rules_for(matrix.FLAG, rule) if rule else []
    return sa.or_(*(build(user) for build in builders)) if builders else sa.false()


def visible_flags_clause(user) -> sa.ColumnElement[bool]:
    """The flags ``user`` may see: the matrix's rule for ``flag``, less the persons barred to
    them; a flag about no person (a unit's inspection) by the rule alone. No user (jobs, the
    CLI) sees every flag."""
    if user is None:
        return sa.true()
    about_no_person = sa.and_(Flag.person_id.is_(None), _rule_alone(user))
    return sa.or_(rows_clause(user, matrix.FLAG, Flag.person_id), about_no_person)


# --- items ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WorklistItem:
    """A flag as the worklist shows it: the flag's own columns and what is read with it."""

    flag: Flag
    kind_label: str
    subject_label: str | None
    person_name: str | None
    assigned_to_name: str | None
    days_left: int
    text: str

    def __getattr__(self, name: str):
        return getattr(self.flag, name)


def _names(model, column, ids) -> dict:
    ids = sorted({i for i in ids if i is not None})
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(model.id, column).where(model.id.in_(ids))).all())


def _items(flags: list[Flag], today: dt.date) -> list[WorklistItem]:
    """The page's items: names and labels read in one statement per table and kind, never per row."""
    persons = _names(Person, Person.name, (f.person_id for f in flags))
    users = _names(User, sa.func.coalesce(User.display_name, User.username), (f.assigned_to for f in flags))
    by_kind: dict[str, list[uuid.UUID]] = defaultdict(list)
    for flag in flags:
        by_kind[flag.kind].append(flag.subject_id)
    registry = kinds()
    subjects = {name: registry[name].describe(ids) for name, ids in by_kind.items() if name in registry}
    items = []
    for flag in flags:
        kind = registry.get(flag.kind)
        subject = subjects.get(flag.kind, {}).get(flag.subject_id)
        template = (kind.texts.get(flag.cause) or kind.texts.get(None)) if kind else None
        text = _(template, subject=subject or "", date=format_day(flag.due_on)) if template else flag.kind
        items.append(WorklistItem(
            flag=flag, kind_label=label("flag_kind", flag.kind, standalone=True), subject_label=subject,
            person_name=persons.get(flag.person_id), assigned_to_name=users.get(flag.assigned_to),
            days_left=(flag.due_on - today).days, text=text))
    return items


def _audit_read(items: list[WorklistItem], detail: str) -> None:
    """Reading a flag about a person is a read of that person's data (under the subject's object type)."""
    by_type: dict[str, list] = defaultdict(list)
    for item in items:
        if item.person_id is not None:
            by_type[item.subject_type].append((item.subject_id, item.person_id))
    for subject_type, subjects in sorted(by_type.items()):
        record_many("read", subject_type, subjects, detail=detail)


# --- the list --------------------------------------------------------------------------------

def list_worklist(filters: dict, page: int, page_size: int) -> tuple[list[WorklistItem], int]:
    """The caller's flags, soonest due first: open and acknowledged ones unless ``status`` says otherwise."""
    user = current_user()
    today = clock.today()
    stmt = sa.select(Flag).where(visible_flags_clause(user))
    if filters.get("kind") is not None:
        if filters["kind"] not in kinds():
            raise ValidationFailed.field("kind", _("unknown flag kind: %(codes)s", codes=filters["kind"]))
        stmt = stmt.where(Flag.kind == filters["kind"])
    statuses = [filters["status"]] if filters.get("status") else list(PENDING)
    stmt = stmt.where(Flag.status.in_(statuses))
    if filters.get("due_before") is not None:
        stmt = stmt.where(Flag.due_on < filters["due_before"])
    if filters.get("mine"):
        stmt = stmt.where(Flag.assigned_to == user.id)
    if filters.get("assigned_to") is not None:
        stmt = stmt.where(Flag.assigned_to == filters["assigned_to"])
    stmt = stmt.order_by(Flag.due_on, Flag.kind, Flag.id)
    flags, total = page_of(stmt, page, page_size)
    items = _items(flags, today)
    _audit_read(items, "worklist")
    return items, total


def counts_by_kind(user=None) -> dict[str, dict[str, int]]:
    """The caller's flags still on the worklist, ``{kind: {status: number}}`` (open and
    acknowledged), in one ``GROUP BY``: the menu's badge (the open ones: not yet seen) and the
    page's filter read it on every page, so it never loads a row. Counts carry no person data and
    are not audited; opening the list is."""
    user = user if user is not None else current_user()
    if user is None:
        return {}
    rows = db.session.execute(
        sa.select(Flag.kind, Flag.status, sa.func.count())
        .where(visible_flags_clause(user), Flag.status.in_(PENDING))
        .group_by(Flag.kind, Flag.status))
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for kind, status, number in rows:
        counts[kind][status] = number
    return dict(counts)


def subject_references(subject_type: str, column: str, subject_ids) -> dict[uuid.UUID, uuid.UUID]:
    """Each subject's ``column`` (an appeal's ``decision_id``, a tenancy's ``unit_id``), one
    statement for all: where a subject has no page of its own, the web page links the record
    it is shown on. The subject's model is the flag kind's, so this module imports no feature."""
    ids = sorted({i for i in subject_ids if i is not None})
    model = next((kind.subject_model for kind in kinds().values() if kind.subject_type == subject_type), None)
    if not ids or model is None:
        return {}
    return dict(db.session.execute(sa.select(model.id, getattr(model, column)).where(model.id.in_(ids))).all())


def _load(flag_id: uuid.UUID) -> Flag:
    flag = db.session.scalar(sa.select(Flag).where(Flag.id == flag_id, visible_flags_clause(current_user()))
                             .execution_options(populate_existing=True))
    if flag is None:
        raise NotFound(_("No such worklist item."))
    return flag


def get_item(flag_id: uuid.UUID) -> WorklistItem:
    """One flag the caller may see (any status); audited as a read of the person's row."""
    item = _items([_load(flag_id)], clock.today())[0]
    _audit_read([item], "worklist")
    return item


def acknowledge(flag_id: uuid.UUID, *, expected_version: int | None = None) -> WorklistItem:
    """The caller has seen the flag: it stays on the worklist (its cause is still there) as acknowledged."""
    flag = _load(flag_id)
    check_version(flag, expected_version)
    if flag.status != OPEN:
        raise InvalidState(_("The worklist item cannot be acknowledged in state %(state)s; only an open one can.",
                             state=label("flag_status", flag.status)), state=flag.status)
    flag.status, flag.acknowledged_on, flag.acknowledged_by = ACKNOWLEDGED, clock.today(), current_user().id
    db.session.flush()
    if flag.person_id is not None:
        record("update", flag.subject_type, object_id=flag.subject_id, person_id=flag.person_id,
               detail=f"flag {flag.kind} acknowledged")
    return _items([flag], clock.today())[0]


# --- handover --------------------------------------------------------------------------------

def _colleague(user_id: uuid.UUID, field: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.id == user_id,
                                                   User.municipality_id == current_municipality_id()))
    if user is None:
        raise ValidationFailed.field(field, _("no such user"))
    return user


def reassign(data: dict) -> dict:
    """Hand an absent officer's work over in one audited step: their open referrals and every
    open or acknowledged flag assigned to them go to a colleague with the same role.

    Rows about a person the colleague is barred from stay where they are (``kept``)."""
    source = _colleague(data["from_user_id"], "from_user_id")
    target = _colleague(data["to_user_id"], "to_user_id")
    if target.id == source.id:
        raise ValidationFailed.field("to_user_id", _("must be another user than from_user_id"))
    if target.disabled_at is not None:
        raise ValidationFailed.field("to_user_id", _("the user is disabled"))
    if target.role != source.role:
        raise ValidationFailed.field("to_user_id", _("must have the same role as the user handing over (%(role)s)",
                                                     role=label("role", source.role)))
    barred = set(blocked_person_ids(target))
    flags = list(db.session.scalars(sa.select(Flag).where(
        Flag.assigned_to == source.id, Flag.status.in_(PENDING))))
    moved = [f for f in flags if f.person_id is None or f.person_id not in barred]
    referrals, kept_referrals = hand_over(source.id, target.id, barred)
    if moved:
        db.session.execute(
            sa.update(Flag).where(Flag.id.in_([f.id for f in moved]))
            .values(assigned_to=target.id, updated_at=clock.now(), version=Flag.version + 1)
            .execution_options(synchronize_session=False))
        by_type: dict[str, list] = defaultdict(list)
        for flag in moved:
            if flag.person_id is not None:
                by_type[flag.subject_type].append((flag.subject_id, flag.person_id))
        for subject_type, subjects in sorted(by_type.items()):
            record_many("update", subject_type, subjects, detail="worklist handover")
    return {"from_user_id": source.id, "to_user_id": target.id, "referrals": referrals,
            "flags": len(moved), "kept": kept_referrals + len(flags) - len(moved)}
