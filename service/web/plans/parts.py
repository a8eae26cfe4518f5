"""The plan's parts as forms on its page: the responsibility group's members, the goals and the
measures, each added (``POST /plans/{id}/members``, ``/goals``, ``/measures``: the plan's version
as the optional If-Match) and changed (``PATCH …/{item_id}``: the part's own version, required).

Why a change form sends every field it shows: the API's PATCH leaves out what is not sent, but a
form shows each field filled in, so an emptied field is a request to clear it. A field the API
lets be null is cleared; one it requires is refused beside the field, as the service refuses a
blank text ("must not be empty"), instead of being kept silently.
"""

from __future__ import annotations

import uuid

from flask import redirect, request, url_for

from service.common.i18n import _
from service.plans import goals, members
from service.plans import schemas as s
from service.web.forms import FormInvalid, Posted, read, submit, typed, version
from service.web.plans.routes import GOAL_FIELDS, MEASURE_FIELDS, MEMBER_FIELDS, act, blp, plan

# What each change form may clear (null in the API's update schema).
MEMBER_CLEARABLE = ("contact", "ended_on")
GOAL_CLEARABLE = ("target_on",)
MEASURE_CLEARABLE = ("goal_id", "extent", "responsible_name", "starts_on", "ends_on")


def _change(plan_id: uuid.UUID, item_id: uuid.UUID, kind: str, names: tuple[str, ...], clearable: tuple[str, ...],
            schema, func):
    """A part's change form: the plan's page with the part's section, or the form with the refusal
    (open, what was typed kept; the part's current version in it)."""
    posted = Posted(typed(request.form, names))

    def call():
        emptied = {name: [_("must not be empty")] for name in names
                   if posted.values[name] == "" and name not in clearable}
        if emptied:
            raise FormInvalid(emptied)
        data = read(schema, posted.values)
        for name in clearable:
            data.setdefault(name, None)
        return func(plan_id, item_id, data, expected_version=version(request.form))

    if submit(posted, call) is None:
        return plan(plan_id, f"{kind}-{item_id}", posted)
    return redirect(url_for("web_plans.plan", plan_id=plan_id, _anchor=f"{kind}s-heading"), 303)


# --- the responsibility group ------------------------------------------------------------------

@blp.post("/<uuid:plan_id>/members")
def add_member(plan_id: uuid.UUID):
    return act(plan_id, "member", MEMBER_FIELDS[:-1], s.PlanMemberCreateSchema(), members.add_member,
               anchor="members-heading")


@blp.post("/<uuid:plan_id>/members/<uuid:item_id>/edit")
def change_member(plan_id: uuid.UUID, item_id: uuid.UUID):
    """Correct a member, or end the membership (``ended_on``: nothing is deleted)."""
    return _change(plan_id, item_id, "member", MEMBER_FIELDS, MEMBER_CLEARABLE, s.PlanMemberUpdateSchema(),
                   members.update_member)


# --- goals and measures ------------------------------------------------------------------------

@blp.post("/<uuid:plan_id>/goals")
def add_goal(plan_id: uuid.UUID):
    return act(plan_id, "goal", GOAL_FIELDS, s.PlanGoalCreateSchema(), goals.add_goal, anchor="goals-heading")


@blp.post("/<uuid:plan_id>/goals/<uuid:item_id>/edit")
def change_goal(plan_id: uuid.UUID, item_id: uuid.UUID):
    return _change(plan_id, item_id, "goal", GOAL_FIELDS, GOAL_CLEARABLE, s.PlanGoalUpdateSchema(), goals.update_goal)


@blp.post("/<uuid:plan_id>/measures")
def add_measure(plan_id: uuid.UUID):
    return act(plan_id, "measure", MEASURE_FIELDS, s.PlanMeasureCreateSchema(), goals.add_measure,
               anchor="measures-heading")


@blp.post("/<uuid:plan_id>/measures/<uuid:item_id>/edit")
def change_measure(plan_id: uuid.UUID, item_id: uuid.UUID):
    return _change(plan_id, item_id, "measure", MEASURE_FIELDS, MEASURE_CLEARABLE, s.PlanMeasureUpdateSchema(),
                   goals.update_measure)
