"""Individuell plan: the coordinator's plans, and a plan's page with its consent, coordinator,
responsibility group, goals, measures and evaluations.

The pages are ``GET /plans`` and ``GET /plans/{id}`` (with the lists of its parts) in HTML; the
actions are the API's: record the consent (``POST /plans/{id}/consent``), appoint the coordinator
(``/appoint-coordinator``), activate (``/activate``), decline (``/decline``), close (``/close``)
and record an evaluation (``POST /plans/{id}/evaluations``), each with the plan's version as the
API's ``If-Match`` and the API's schema loading the form. The parts' forms (members, goals,
measures) are in ``parts.py``, on the same blueprint.

Which forms the page offers follows the policy table (``may``) and the plan's state; whether an
action is allowed is still the service's answer alone.
"""

from __future__ import annotations

import uuid

from flask import redirect, render_template, request, url_for

from service.auth import policy
from service.auth import services as users
from service.auth.schemas import UserSchema
from service.common import clock
from service.common.i18n import label
from service.persons import services as persons
from service.plans import consent, evaluations, goals, members, services
from service.plans import schemas as s
from service.plans.models import (
    ACTIVE,
    DECLINED,
    GOAL_AREAS,
    GOAL_STATUSES,
    IN_PREPARATION,
    MEASURE_STATUSES,
    REQUESTED,
)
from service.web.blueprint import may, page_number, web_blueprint
from service.web.forms import Posted, read, submit, typed, version

blp = web_blueprint("web_plans", __name__, "/plans")

WEB = policy.WEB
PAGE_SIZE = 50
PARTS_SHOWN = 200
RULE = f"{WEB}/plans/<uuid:plan_id>"

# The fields of the parts' forms, as the API's create and update schemas name them.
MEMBER_FIELDS = ("organisation", "role", "name", "contact", "joined_on", "ended_on")
GOAL_FIELDS = ("area", "text", "target_on", "status")
MEASURE_FIELDS = ("goal_id", "description", "extent", "responsible_organisation", "responsible_name", "starts_on",
                  "ends_on", "status")
COORDINATOR_FIELDS = ("user_id", "name", "contact", "appointed_on")


@blp.get("")
def plans():
    """The plans the caller may see (a coordinator: those it coordinates), with the person's name
    where the caller may see the person."""
    page = page_number()
    items, total = services.list_plans({}, page, PAGE_SIZE)
    shown = s.PlanSchema(many=True).dump(items)
    return render_template("plans/list.html", plans=shown, total=total, page=page,
                           pages=max(1, -(-total // PAGE_SIZE)), names=_person_names(p["person_id"] for p in shown),
                           persons=may("GET", f"{WEB}/persons/<uuid:person_id>"))


def _person_names(person_ids) -> dict[str, str]:
    """The names of the persons the caller may see (``persons.names_of``: the person rule, as
    ``GET /persons/{id}`` answers); none for one it may not see (a coordinator's closed plan). The
    plans shown were audited with their persons when they were read."""
    return {str(key): name for key, name in persons.names_of(uuid.UUID(str(i)) for i in person_ids).items()}


@blp.get("/<uuid:plan_id>")
def plan(plan_id: uuid.UUID, form: str | None = None, posted: Posted | None = None):
    """The plan and the forms its state takes; ``form`` names the one ``posted`` (refused) belongs
    to. The forms carry the version of the plan (or part) shown now, after a refusal too."""
    item = s.PlanSchema().dump(services.get_plan(plan_id))
    parts = {name: schema(many=True).dump(lister(plan_id, 1, PARTS_SHOWN)[0]) for name, schema, lister in (
        ("members", s.PlanMemberSchema, members.list_members), ("goals", s.PlanGoalSchema, goals.list_goals),
        ("measures", s.PlanMeasureSchema, goals.list_measures),
        ("evaluations", s.PlanEvaluationSchema, evaluations.list_evaluations))}
    shown = _forms(parts)
    refused = Posted()
    if form is not None and posted is not None:
        shown[form] = refused = posted
    actions = _actions(item)
    return render_template(
        "plans/plan.html", plan=item, parts=parts, forms=shown, actions=actions, refused=refused, refused_form=form,
        person_name=_person_names([item["person_id"]]).get(item["person_id"]),
        coordinators=_coordinator_options() if actions["coordinator"] else None,
        goal_titles={g["id"]: g["text"] for g in parts["goals"]}, options=_options(parts["goals"]),
        persons=may("GET", f"{WEB}/persons/<uuid:person_id>")), refused.status


def _forms(parts: dict) -> dict[str, Posted]:
    """Every form of the page as it is first shown: today's date where one is asked, each part's
    change form filled in with the part as it is (keyed ``member-<id>``, ``goal-<id>``, …)."""
    today = clock.today().isoformat()
    forms = {"consent": Posted({"given_on": today}), "activate": Posted({"activated_on": today}),
             "evaluation": Posted({"evaluated_on": today}), "coordinator": Posted({"appointed_on": today}),
             "decline": Posted({"declined_on": today}), "close": Posted({"closed_on": today}),
             "member": Posted({"joined_on": today}), "goal": Posted({"status": "open"}),
             "measure": Posted({"status": "ongoing"})}
    for kind, names, rows in (("member", MEMBER_FIELDS, parts["members"]), ("goal", GOAL_FIELDS, parts["goals"]),
                              ("measure", MEASURE_FIELDS, parts["measures"])):
        for row in rows:
            forms[f"{kind}-{row['id']}"] = Posted({name: "" if row.get(name) is None else str(row[name])
                                                  for name in names})
    return forms


def _actions(item: dict) -> dict[str, bool]:
    """The forms the plan's state makes sense for, each offered only to a role the table lets post it."""
    status = item["status"]
    is_open = status in (REQUESTED, IN_PREPARATION, ACTIVE) or (status == DECLINED and item["coordinator_only"])
    working = status in (IN_PREPARATION, ACTIVE)  # members, goals and measures: from consent to the end
    return {
        "consent": status in (REQUESTED, IN_PREPARATION) and may("POST", f"{RULE}/consent"),
        "activate": status == IN_PREPARATION and may("POST", f"{RULE}/activate"),
        "evaluation": status == ACTIVE and may("POST", f"{RULE}/evaluations"),
        "coordinator": is_open and may("POST", f"{RULE}/appoint-coordinator"),
        "decline": status in (REQUESTED, IN_PREPARATION) and may("POST", f"{RULE}/decline"),
        "close": is_open and may("POST", f"{RULE}/close"),
        **{f"{kind}s": working and may("POST", f"{RULE}/{kind}s") for kind in ("member", "goal", "measure")},
        **{f"{kind}_edit": working and may("POST", f"{RULE}/{kind}s/<uuid:item_id>/edit")
           for kind in ("member", "goal", "measure")},
    }


def _coordinator_options() -> list[tuple[str, str]] | None:
    """The municipality's active users who may coordinate (``GET /users?role=…&active=true``), for
    a role that may list users; None for one that may not (it names a coordinator outside the system)."""
    if not may("GET", f"{policy.API}/users"):
        return None
    found = []
    for role in sorted(policy.PLAN_COORDINATOR_ROLES):
        found.extend(UserSchema(many=True).dump(users.list_users({"role": role, "active": True}, 1, PARTS_SHOWN)[0]))
    return sorted(((u["id"], u["display_name"] or u["username"]) for u in found), key=lambda o: o[1].lower())


def _options(goal_rows: list[dict]) -> dict[str, list[tuple[str, str]]]:
    """The lists of the parts' forms: the codes with their labels, and the plan's goals (shortened)."""

    def labelled(domain, codes):
        return [(code, label(domain, code, standalone=True)) for code in codes]

    return {"goal_area": labelled("goal_area", GOAL_AREAS), "goal_status": labelled("goal_status", GOAL_STATUSES),
            "measure_status": labelled("measure_status", MEASURE_STATUSES),
            "goals": [(g["id"], g["text"] if len(g["text"]) <= 80 else g["text"][:79] + "…") for g in goal_rows]}


def act(plan_id: uuid.UUID, name: str, names: tuple[str, ...], schema, func, anchor: str | None = None, **extra):
    """A posted action on the plan (the API's schema loads it, with what the page adds in the API's
    JSON form, the plan's version as its optional If-Match): the plan's page again, or its form with
    the refusal."""
    posted = Posted(typed(request.form, names))
    done = submit(posted, lambda: func(plan_id, read(schema, {**posted.values, **extra}),
                                       expected_version=version(request.form, required=False)))
    if done is None:
        return plan(plan_id, name, posted)
    return redirect(url_for("web_plans.plan", plan_id=plan_id, _anchor=anchor), 303)


@blp.post("/<uuid:plan_id>/consent")
def give_consent(plan_id: uuid.UUID):
    # A checkbox that is not ticked is not posted at all: the API's boolean either way.
    return act(plan_id, "consent", ("given_on", "scope", "information_sharing"), s.PlanConsentSchema(),
               consent.give_consent, information_sharing=bool(request.form.get("information_sharing")))


@blp.post("/<uuid:plan_id>/appoint-coordinator")
def appoint_coordinator(plan_id: uuid.UUID):
    """A colleague from the list (``user_id``), or a named person outside the system (``name``).
    A role that is not shown the list has no ``user_id`` field: a refusal about it is said above the form."""
    names = COORDINATOR_FIELDS if may("GET", f"{policy.API}/users") else COORDINATOR_FIELDS[1:]
    return act(plan_id, "coordinator", names, s.PlanAppointCoordinatorSchema(), services.appoint_coordinator)


@blp.post("/<uuid:plan_id>/activate")
def activate(plan_id: uuid.UUID):
    return act(plan_id, "activate", ("activated_on", "next_evaluation_on"), s.PlanActivateSchema(),
               services.activate)


@blp.post("/<uuid:plan_id>/decline")
def decline(plan_id: uuid.UUID):
    return act(plan_id, "decline", ("declined_on", "reason", "coordinator_only"), s.PlanDeclineSchema(),
               services.decline, coordinator_only=bool(request.form.get("coordinator_only")))


@blp.post("/<uuid:plan_id>/close")
def close(plan_id: uuid.UUID):
    return act(plan_id, "close", ("closed_on", "reason"), s.PlanCloseSchema(), services.close)


@blp.post("/<uuid:plan_id>/evaluations")
def add_evaluation(plan_id: uuid.UUID):
    return act(plan_id, "evaluation", ("evaluated_on", "summary", "next_evaluation_on"),
               s.PlanEvaluationCreateSchema(), evaluations.add_evaluation, anchor="evaluations-heading")


# The parts' forms register their routes on ``blp`` (imported last: they use ``plan`` and ``act``).
from service.web.plans import parts as _parts  # noqa: E402,F401
