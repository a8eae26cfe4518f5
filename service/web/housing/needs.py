"""Bolig: the waiting list, a need's page (its board, and its steps: park, resume, withdraw) and
registering a need for a person (``GET/POST /housing/needs``, ``/needs/{id}/candidates``,
``POST /needs/{id}/park|resume|withdraw``)."""

from __future__ import annotations

import uuid

from flask import redirect, render_template, request, url_for

from service.common import clock
from service.common.errors import NotFound
from service.common.i18n import _
from service.housing import matching, needs
from service.housing.models import HOUSING_SITUATIONS, NEED_CATEGORIES, RISK_CLASSES, STAFFING_LEVELS, URGENCIES
from service.housing.schemas import (
    CandidatesSchema,
    EmptySchema,
    NeedCreateSchema,
    NeedQuerySchema,
    NeedSchema,
    ParkSchema,
    WithdrawNeedSchema,
)
from service.persons import services as persons
from service.web.blueprint import may, page_number
from service.web.forms import Posted, act, read, submit, typed, version
from service.web.housing.area import (
    PAGE_SIZE,
    WEB,
    blp,
    default_respond_by,
    labelled,
    links,
    pages,
    query,
    uuid_or_none,
    with_names,
)

NEED_FIELDS = ("registered_on", "category", "housing_situation", "urgency", "required_risk_class",
               "required_staffing", "needed_by", "active_substance_use", "requires_substance_free", "notes")


@blp.get("/needs")
def waiting_list():
    """The waiting list (``GET /housing/needs?status=waiting``), longest waiting first, each
    need with its person's name where the role may see the person."""
    filters = query(NeedQuerySchema(), {"status": "waiting"})
    page = page_number()
    items, total = needs.list_needs(filters, page, PAGE_SIZE)
    return render_template("housing/needs.html", needs=with_names(NeedSchema(many=True).dump(items)), total=total,
                           page=page, pages=pages(total), status=filters.get("status"), links=links())


@blp.get("/needs/<uuid:need_id>")
def need(need_id: uuid.UUID, form: str | None = None, posted: Posted | None = None):
    """A need: its facts, the units ranked for it and those excluded and why, an offer from a row
    (one below the required class with a written reason), and the need's steps. ``form`` names
    the one ``posted`` (refused) belongs to: ``offer``, ``mismatch``, ``park``, ``withdraw``, ``resume``."""
    found = needs.get_need(need_id)
    item = with_names([NeedSchema().dump(found)])[0]
    board = CandidatesSchema().dump(matching.candidates_for_need(found))
    today = clock.today().isoformat()
    forms = {"offer": Posted({"respond_by": default_respond_by()}), "mismatch": Posted(),
             "park": Posted(), "resume": Posted(), "withdraw": Posted({"withdrawn_on": today})}
    refused = Posted()
    if form is not None and posted is not None:
        forms[form] = refused = posted
    return render_template("housing/need.html", need=item, board=board, terms=matching.TERMS, forms=forms,
                           refused=refused, blank=Posted({"respond_by": default_respond_by()}),
                           waiting=needs.is_waiting(found, clock.today()), links=links()), refused.status


def _need_action(need_id: uuid.UUID, form: str, posted: Posted, call):
    """Run a need's step; the need's page again, with the refusal or as it is now (303)."""
    return act(posted, call, lambda: need(need_id, form, posted), url_for("web_housing.need", need_id=need_id))


@blp.post("/needs/<uuid:need_id>/park")
def park(need_id: uuid.UUID):
    """``POST /needs/{id}/park``: off the waiting list until a date, with the reason."""
    posted = Posted(typed(request.form, ("until", "reason")))
    return _need_action(need_id, "park", posted, lambda: needs.park_need(
        need_id, read(ParkSchema(), posted.values), expected_version=version(request.form, required=False)))


@blp.post("/needs/<uuid:need_id>/resume")
def resume(need_id: uuid.UUID):
    """``POST /needs/{id}/resume``: a parked need waits again before its date."""
    posted = Posted()

    def call():
        read(EmptySchema(), {})
        return needs.resume_need(need_id, expected_version=version(request.form, required=False))

    return _need_action(need_id, "resume", posted, call)


@blp.post("/needs/<uuid:need_id>/withdraw")
def withdraw(need_id: uuid.UUID):
    """``POST /needs/{id}/withdraw``: the need ends (moved away, housed elsewhere), with the reason."""
    posted = Posted(typed(request.form, ("reason", "withdrawn_on")))
    return _need_action(need_id, "withdraw", posted, lambda: needs.withdraw_need(
        need_id, read(WithdrawNeedSchema(), posted.values), expected_version=version(request.form, required=False)))


# --- registering a need ------------------------------------------------------------------------

@blp.get("/needs/new")
def new_need():
    """The form of ``POST /housing/needs`` for a person (``?person_id=``)."""
    posted = Posted({"registered_on": clock.today().isoformat(), "urgency": "normal"})
    return _need_form(_person_arg(request.args.get("person_id", "")), posted)


def _person_arg(raw: str) -> uuid.UUID:
    person_id = uuid_or_none(raw)
    if person_id is None:
        raise NotFound(_("The page or the person does not exist, or is not one you may see."))
    return person_id


def _need_form(person_id: uuid.UUID, posted: Posted, status: int = 200):
    person = persons.get_person(person_id)  # 404 for one the user may not see, as the API
    return render_template(
        "housing/need_new.html", person=person, posted=posted, links=links(),
        category_options=labelled("need_category", NEED_CATEGORIES),
        situation_options=labelled("housing_situation", HOUSING_SITUATIONS),
        urgency_options=labelled("need_urgency", URGENCIES),
        class_options=labelled("risk_class", RISK_CLASSES),
        staffing_options=labelled("staffing", STAFFING_LEVELS)), status


@blp.post("/needs")
def create_need():
    """``POST /housing/needs``; then the need's page, or the person's for a role that may not open it."""
    person_id = _person_arg(request.form.get("person_id", ""))
    posted = Posted(typed(request.form, NEED_FIELDS))
    created = submit(posted, lambda: needs.create_need(
        read(NeedCreateSchema(), {**posted.values, "person_id": str(person_id)})))
    if created is None:
        return _need_form(person_id, posted, posted.status)
    if may("GET", f"{WEB}/housing/needs/<uuid:need_id>"):
        return redirect(url_for("web_housing.need", need_id=created.id), 303)
    return redirect(url_for("web_persons.person", person_id=person_id), 303)


@blp.app_template_global("may_register_housing_need")
def may_register_housing_need() -> bool:
    """For the person's page: whether to offer "Register a housing need" (the policy table's answer)."""
    return may("GET", f"{WEB}/housing/needs/new")
