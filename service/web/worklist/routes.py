"""Arbeidsliste: the caller's open flags, the home page of every role that has one.

``GET /worklist`` as a page, through the same service and answer schema (the matrix's worklist
rule, the per-person blocks, the audit of every row shown), soonest due first, so what is
overdue comes first. Each row leads in one click to the page where the action that removes its
cause is at hand (``SUBJECT_PAGES``); acknowledging is ``POST /worklist/{id}/acknowledge`` with
the flag's version as If-Match, and handing an absent colleague's work over is
``POST /worklist/reassign``, for the roles the API lets do it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import marshmallow as ma
from flask import current_app, redirect, render_template, request, url_for

from service.auth import policy
from service.auth import services as users
from service.common.i18n import _, label
from service.web.blueprint import may, page_number, web_blueprint
from service.web.forms import Posted, read, submit, typed, version
from service.worklist import services
from service.worklist.flags import kinds
from service.worklist.schemas import ReassignSchema, WorklistItemSchema, WorklistQuerySchema

blp = web_blueprint("web_worklist", __name__, "/worklist")

WEB = policy.WEB
PAGE_SIZE = 50
USERS_LISTED = 200  # the API's largest page: a municipality's officers fit on it
LIST_RULE = f"{WEB}/worklist"
HANDOVER_RULE = f"{WEB}/worklist/handover"
ACKNOWLEDGE_RULE = f"{WEB}/worklist/<uuid:flag_id>/acknowledge"
FILTERS = ("kind", "mine")


@dataclass(frozen=True)
class SubjectPage:
    """Where a flag's cause is dealt with: the page's endpoint and the URL argument the subject's
    id fills; ``via`` names the subject's column holding the id of the record whose page shows it
    (an appeal is handled on its decision's page, a tenancy on its unit's)."""

    endpoint: str
    argument: str
    via: str | None = None


# The one place a flag's subject becomes a link: the page where the resolving action is at hand
# (renew an expiring decision, send a preliminary reply, evaluate a plan, answer an offer).
SUBJECT_PAGES: dict[str, SubjectPage] = {
    "referral": SubjectPage("web_cases.referral", "referral_id"),
    "decision": SubjectPage("web_cases.decision", "decision_id"),
    "appeal": SubjectPage("web_cases.decision", "decision_id", via="decision_id"),
    "individual_plan": SubjectPage("web_plans.plan", "plan_id"),
    "housing_offer": SubjectPage("web_housing.offer", "offer_id"),
    "housing_unit": SubjectPage("web_housing.unit", "unit_id"),
    "housing_tenancy": SubjectPage("web_housing.unit", "unit_id", via="unit_id"),
}


# --- the list ----------------------------------------------------------------------------------

@blp.get("")
def worklist():
    return worklist_page()


def worklist_page(problem: Posted | None = None, handover: Posted | None = None):
    """The list with its filters (also the start page of the roles that have one); ``problem`` is a
    refused acknowledgement, ``handover`` a refused handover, each shown above its form."""
    problem, handover = problem or Posted(), handover or Posted()
    filters = _filters()
    page = page_number()
    items, total = services.list_worklist(filters, page, PAGE_SIZE)
    rows = WorklistItemSchema(many=True).dump(items)
    links = _subject_links(rows)
    for row in rows:
        row["href"] = links.get(row["id"])
        row["due_in_words"] = due_in_words(row["days_left"])
    counts = services.counts_by_kind()
    shown = {key: "true" if value is True else value for key, value in filters.items()}
    may_hand_over = may("POST", HANDOVER_RULE)
    return render_template(
        "worklist/list.html", rows=rows, total=total, page=page, pages=max(1, -(-total // PAGE_SIZE)),
        kind_options=_kind_options(counts, filters.get("kind")), filters=filters, shown=shown,
        filter_form=Posted({"kind": filters.get("kind", "")}),
        problem=problem, handover=handover, user_options=_user_options() if may_hand_over else None,
        persons=may("GET", f"{WEB}/persons/<uuid:person_id>"), may_acknowledge=may("POST", ACKNOWLEDGE_RULE),
        may_hand_over=may_hand_over), max(problem.status, handover.status)


def _filters() -> dict:
    """The page's filters (the address's; a refused form's hidden fields), loaded with the API's
    query schema; an unknown kind or a broken value is left out (a page shows the whole list
    rather than an error for a stale link)."""
    schema = WorklistQuerySchema()
    result = {}
    for key in FILTERS:
        value = request.values.get(key, "")
        if not value:
            continue
        try:
            result.update(schema.load({key: value}))
        except ma.ValidationError:
            continue
    if result.get("kind") not in kinds():
        result.pop("kind", None)
    if not result.get("mine"):
        result.pop("mine", None)
    return result


def _kind_options(counts: dict[str, dict[str, int]], chosen: str | None) -> list[tuple[str, str]]:
    """The kinds on the caller's list, each with its number ("Decision expiring (2)")."""
    shown = set(counts) | ({chosen} if chosen else set())
    options = [(kind, label("flag_kind", kind, standalone=True), sum(counts.get(kind, {}).values()))
               for kind in shown]
    return [(kind, _("%(kind)s (%(count)s)", kind=text, count=count))
            for kind, text, count in sorted(options, key=lambda option: option[1])]


def due_in_words(days: int) -> str:
    """Days left as a person says them: "3 days overdue", "due today", "in 5 days"."""
    if days < -1:
        return _("%(days)s days overdue", days=-days)
    if days == -1:
        return _("1 day overdue")
    if days == 0:
        return _("due today")
    if days == 1:
        return _("in 1 day")
    return _("in %(days)s days", days=days)


def _subject_links(rows: list[dict]) -> dict[str, str]:
    """Each row's link to its subject's page, by flag id: none where the caller's role may not open
    that page. A subject shown on another record's page is looked up once per type."""
    links = {}
    by_type: dict[str, list[dict]] = {}
    for row in rows:
        by_type.setdefault(row["subject_type"], []).append(row)
    for subject_type, typed_rows in by_type.items():
        target = SUBJECT_PAGES.get(subject_type)
        if target is None or not may("GET", _rule_of(target.endpoint)):
            continue
        ids = {row["subject_id"]: uuid.UUID(row["subject_id"]) for row in typed_rows}
        if target.via is not None:
            parents = services.subject_references(subject_type, target.via, ids.values())
            ids = {key: parents.get(value) for key, value in ids.items()}
        for row in typed_rows:
            record_id = ids.get(row["subject_id"])
            if record_id is not None:
                links[row["id"]] = url_for(target.endpoint, **{target.argument: record_id})
    return links


def _rule_of(endpoint: str) -> str:
    return next(current_app.url_map.iter_rules(endpoint)).rule


# --- acknowledging -----------------------------------------------------------------------------

@blp.post("/<uuid:flag_id>/acknowledge")
def acknowledge(flag_id: uuid.UUID):
    """The flag is seen: it stays on the list (its cause is still there), off the menu's count."""
    posted = Posted()
    done = submit(posted, lambda: services.acknowledge(flag_id, expected_version=version(request.form,
                                                                                          required=False)))
    if done is None:
        return worklist_page(problem=posted)
    return redirect(url_for("web_worklist.worklist", **_kept_filters()), 303)


def _kept_filters() -> dict:
    """The list's filters the form carried back (hidden fields), to return to the same view."""
    return {key: request.form[key] for key in (*FILTERS, "page") if request.form.get(key)}


# --- handing an absent colleague's work over ---------------------------------------------------

HANDOVER_FIELDS = ("from_user_id", "to_user_id")


def _user_options() -> list[tuple[str, str]]:
    """The municipality's users as (id, "name (role)"), for both ends of a handover."""
    found, _total = users.list_users({}, 1, USERS_LISTED)
    return [(str(user.id), _("%(name)s (%(role)s)", name=user.display_name or user.username,
                             role=label("role", user.role, standalone=True))
             + (" – " + _("disabled") if user.disabled_at is not None else ""))
            for user in found]


@blp.get("/handover")
def handover():
    """The handover's form on its own, and what the last one moved (``?referrals=&flags=&kept=``):
    for the roles that hand work over without a worklist of their own (the administrator)."""
    return _handover_page(Posted())


def _handover_page(posted: Posted):
    moved = {key: int(request.args[key]) for key in ("referrals", "flags", "kept")
             if request.args.get(key, "").isdigit()}
    return render_template("worklist/handover.html", handover=posted, user_options=_user_options(),
                           moved=moved if len(moved) == 3 else None,
                           worklist=may("GET", LIST_RULE)), posted.status


@blp.post("/handover")
def hand_over():
    """``POST /worklist/reassign``: the absent user's open referrals and flags to a colleague."""
    posted = Posted(typed(request.form, HANDOVER_FIELDS))
    done = submit(posted, lambda: services.reassign(read(ReassignSchema(), posted.values)))
    if done is None:
        if request.form.get("from") == "worklist" and may("GET", LIST_RULE):
            return worklist_page(handover=posted)
        return _handover_page(posted)
    return redirect(url_for("web_worklist.handover", referrals=done["referrals"], flags=done["flags"],
                            kept=done["kept"]), 303)
