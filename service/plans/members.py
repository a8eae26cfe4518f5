"""The responsibility group (*ansvarsgruppe*): the plan's members, who joined and who left.

Members are added once the person has consented and while the plan is worked on
(``in_preparation``, ``active``); leaving the group is ``ended_on``, nothing is deleted.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from service.common import clock
from service.common.i18n import N_
from service.extensions import db
from service.plans import parts
from service.plans.models import PlanMember
from service.plans.rules import OBJECT_MEMBER, require_not_before

_BEFORE_CONSENT = N_("The plan is %(state)s; record the person's consent before adding members.")
_NOT_OPEN = N_("The plan is %(state)s; it cannot be given members.")
_NOT_CHANGED = N_("The plan is %(state)s; its members cannot be changed.")


def _check_member(plan, member: PlanMember) -> None:
    parts.require_text(member, "organisation", "role", "name")
    require_not_before("ended_on", member.ended_on, member.joined_on, N_("must not be before joined_on (%(date)s)"))


def add_member(plan_id: uuid.UUID, data: dict, *, expected_version: int | None = None) -> PlanMember:
    """Add a member; ``joined_on`` defaults to today (bookkeeping of the group, not a legal date)."""
    plan = parts.load_for_content(plan_id, expected_version, before_consent=_BEFORE_CONSENT, not_open=_NOT_OPEN)
    member = PlanMember(id=uuid.uuid4(), municipality_id=plan.municipality_id, plan_id=plan.id,
                        organisation=data["organisation"].strip(), role=data["role"].strip(),
                        name=data["name"].strip(), contact=data.get("contact"),
                        joined_on=data.get("joined_on") or clock.today(), ended_on=data.get("ended_on"))
    _check_member(plan, member)
    return parts.create_part(plan, member, OBJECT_MEMBER)


def list_members(plan_id: uuid.UUID, page: int, page_size: int):
    return parts.list_parts(PlanMember, OBJECT_MEMBER, plan_id, (PlanMember.joined_on,), page, page_size)


def get_member(plan_id: uuid.UUID, member_id: uuid.UUID) -> PlanMember:
    return parts.get_part(PlanMember, OBJECT_MEMBER, plan_id, member_id)


def update_member(plan_id: uuid.UUID, member_id: uuid.UUID, data: dict, *,
                  expected_version: int | None = None) -> PlanMember:
    return parts.update_part(PlanMember, OBJECT_MEMBER, plan_id, member_id, data, not_open=_NOT_CHANGED,
                             check=_check_member, expected_version=expected_version)


def current_members(plan_id: uuid.UUID) -> list[PlanMember]:
    """The group as it is now (members who have not left), for the person overview; not audited."""
    return list(db.session.scalars(sa.select(PlanMember).where(
        PlanMember.plan_id == plan_id, PlanMember.ended_on.is_(None)).order_by(PlanMember.joined_on)))
