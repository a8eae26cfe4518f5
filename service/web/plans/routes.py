"""Individuell plan: the coordinator's plans, and a plan's page with its consent, coordinator,
responsibility group, goals, measures and evaluations.

The pages are ``GET /plans`` and ``GET /plans/{id}`` (with the lists of its parts) in HTML; the
actions are the API's: record the consent (``POST /plans/{id}/consent``), activate
(``/activate``) and record an evaluation (``POST /plans/{id}/evaluations``), each with the
plan's version as the API's ``If-Match`` and the API's schema loading the form.
"""

from __future__ import annotations

import uuid

from flask import redirect, render_template, request, url_for

from service.auth import policy
from service.common import clock
from service.plans import consent, evaluations, goals, members, services
from service.plans import schemas as s
from service.web.blueprint import may, page_number, web_blueprint
from service.web.forms import Posted, read, submit, typed, version

blp = web_blueprint("web_plans", __name__, "/plans")

WEB = policy.WEB
PAGE_SIZE = 50
PARTS_SHOWN = 200


@blp.get("")
def plans():
    """The plans the caller may see (a coordinator: those it coordinates), next evaluation first."""
    page = page_number()
    items, total = services.list_plans({}, page, PAGE_SIZE)
    return render_template("plans/list.html", plans=s.PlanSchema(many=True).dump(items), total=total, page=page,
                           pages=max(1, -(-total // PAGE_SIZE)),
                           persons=may("GET", f"{WEB}/persons/<uuid:person_id>"))


@blp.get("/<uuid:plan_id>")
def plan(plan_id: uuid.UUID, form: str | None = None, posted: Posted | None = None):
    """The plan and the forms its state takes; ``form`` names the one ``posted`` (refused) belongs
    to. The forms carry the version of the plan shown now, after a refusal too."""
    item = s.PlanSchema().dump(services.get_plan(plan_id))
    today = clock.today().isoformat()
    shown = {"consent": Posted({"given_on": today}), "activate": Posted({"activated_on": today}),
             "evaluation": Posted({"evaluated_on": today})}
    refused = Posted()
    if form is not None and posted is not None:
        shown[form] = refused = posted
    rule = f"{WEB}/plans/<uuid:plan_id>"
    actions = {"consent": item["status"] in ("requested", "in_preparation") and may("POST", f"{rule}/consent"),
               "activate": item["status"] == "in_preparation" and may("POST", f"{rule}/activate"),
               "evaluation": item["status"] == "active" and may("POST", f"{rule}/evaluations")}
    parts = {name: schema(many=True).dump(lister(plan_id, 1, PARTS_SHOWN)[0]) for name, schema, lister in (
        ("members", s.PlanMemberSchema, members.list_members), ("goals", s.PlanGoalSchema, goals.list_goals),
        ("measures", s.PlanMeasureSchema, goals.list_measures),
        ("evaluations", s.PlanEvaluationSchema, evaluations.list_evaluations))}
    return render_template("plans/plan.html", plan=item, parts=parts, forms=shown, actions=actions, refused=refused,
                           persons=may("GET", f"{WEB}/persons/<uuid:person_id>")), refused.status


def _act(plan_id: uuid.UUID, name: str, names: tuple[str, ...], schema, func, **extra):
    """A posted action on the plan (the API's schema loads it, with what the page adds in the API's
    JSON form): the plan's page again, or its form with the refusal."""
    posted = Posted(typed(request.form, names))
    done = submit(posted, lambda: func(plan_id, read(schema, {**posted.values, **extra}),
                                       expected_version=version(request.form, required=False)))
    if done is None:
        return plan(plan_id, name, posted)
    return redirect(url_for("web_plans.plan", plan_id=plan_id), 303)


@blp.post("/<uuid:plan_id>/consent")
def give_consent(plan_id: uuid.UUID):
    # A checkbox that is not ticked is not posted at all: the API's boolean either way.
    return _act(plan_id, "consent", ("given_on", "scope", "information_sharing"), s.PlanConsentSchema(),
                consent.give_consent, information_sharing=bool(request.form.get("information_sharing")))


@blp.post("/<uuid:plan_id>/activate")
def activate(plan_id: uuid.UUID):
    return _act(plan_id, "activate", ("activated_on", "next_evaluation_on"), s.PlanActivateSchema(),
                services.activate)


@blp.post("/<uuid:plan_id>/evaluations")
def add_evaluation(plan_id: uuid.UUID):
    return _act(plan_id, "evaluation", ("evaluated_on", "summary", "next_evaluation_on"),
                s.PlanEvaluationCreateSchema(), evaluations.add_evaluation)
