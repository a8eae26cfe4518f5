"""Bolig: the housing stock, a unit's page, the waiting list, the matching board, offers and tenancies.

Each page is an API read in HTML, through the same service and answer schema
(``GET /housing/units``, ``/units/{id}``, ``/units/{id}/candidates``, ``/needs``,
``/needs/{id}/candidates``, ``/offers``, ``/tenancies``): the same need-to-know, the same audit,
the same sentences for why a need is excluded (service/housing/explanations.py). The actions are
the API's too: an offer from a row of the board (``POST /housing/offers``), and the person's
answer (``POST /offers/{id}/accept`` creates the tenancy, ``/decline``), with the offer's
version as the API's ``If-Match``.
"""

from __future__ import annotations

import datetime as dt
import uuid

import marshmallow as ma
from flask import current_app, redirect, render_template, request, url_for

from service.auth import policy
from service.common import clock
from service.common.i18n import _
from service.common.tenancy import current_municipality_id
from service.housing import matching, needs, offers, reports, units
from service.housing.models import RISK_CLASSES, UNIT_STATUSES
from service.housing.schemas import (
    AcceptSchema,
    CandidatesSchema,
    DeclineSchema,
    InspectionSchema,
    NeedQuerySchema,
    NeedSchema,
    OfferCreateSchema,
    OfferQuerySchema,
    OfferSchema,
    TenancyQuerySchema,
    TenancySchema,
    UnitQuerySchema,
    UnitSchema,
)
from service.web.blueprint import may, page_number, web_blueprint
from service.web.forms import Posted, read, submit, typed, version

blp = web_blueprint("web_housing", __name__, "/housing")

WEB = policy.WEB
PAGE_SIZE = 50
# The answer date the board proposes for a new offer; the officer changes it in the form.
DEFAULT_ANSWER_DAYS = 14
UNCLASSIFIED = reports.UNCLASSIFIED

def _pages(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def _query(schema: ma.Schema, defaults: dict | None = None) -> dict:
    """The page's filters, loaded with the API's query schema; an unknown or broken one is left out."""
    fields = schema.fields
    raw = {key: value for key, value in request.args.items() if key in fields and value != ""}
    result = dict(defaults or {})
    for key, value in raw.items():
        try:
            result.update(schema.load({key: value}))
        except ma.ValidationError:
            continue
    return result


def _links() -> dict[str, bool]:
    """Which of the area's pages the role may open (its sub-navigation)."""
    api = f"{policy.API}/housing"
    return {"needs": may("GET", f"{WEB}/housing/needs"), "offers": may("GET", f"{WEB}/housing/offers"),
            "tenancies": may("GET", f"{WEB}/housing/tenancies"),
            "candidates": may("GET", f"{api}/units/<uuid:unit_id>/candidates"),
            "offer": may("POST", f"{api}/offers"), "persons": may("GET", f"{WEB}/persons/<uuid:person_id>")}


# --- the stock ---------------------------------------------------------------------------------

@blp.get("")
def stock():
    """The units by risk class and status (today's counts, one GROUP BY), and the units of a cell."""
    counts = reports.units_on(clock.today(), current_municipality_id())
    rows = (*RISK_CLASSES, UNCLASSIFIED)
    table = {row: {status: counts.get((row, status), 0) for status in UNIT_STATUSES} for row in rows}
    filters = _query(UnitQuerySchema())
    page = page_number()
    items, total = units.list_units(filters, page, PAGE_SIZE)
    return render_template("housing/stock.html", rows=rows, statuses=UNIT_STATUSES, table=table,
                           units=UnitSchema(many=True).dump(items), total=total, page=page, pages=_pages(total),
                           filters={k: request.args[k] for k in ("risk_class", "status", "unclassified")
                                    if k in request.args}, links=_links())


@blp.get("/units/<uuid:unit_id>")
def unit(unit_id: uuid.UUID):
    """A unit: its facts, the checklist that gives its class, its inspections, its offers and tenants."""
    item = UnitSchema().dump(units.get_unit(unit_id))
    inspections, _total = units.list_inspections(unit_id, 1, 20)
    links = _links()
    pending = tenancies = None
    if links["offers"]:
        found, _count = offers.list_offers({"unit_id": unit_id, "status": "pending"}, 1, PAGE_SIZE)
        pending = OfferSchema(many=True).dump(found)
    if links["tenancies"]:
        found, _count = offers.list_tenancies({"unit_id": unit_id, "active": True}, 1, PAGE_SIZE)
        tenancies = TenancySchema(many=True).dump(found)
    return render_template("housing/unit.html", unit=item, checklist=_checklist(item["features"]),
                           inspections=InspectionSchema(many=True).dump(inspections), pending=pending,
                           tenancies=tenancies, links=links)


def _checklist(features: list[str]) -> list[dict]:
    """The configured classes, lowest first, each with its features and whether the unit has them."""
    present = set(features)
    return [{"risk_class": rule["class"], "min_staffing": rule.get("min_staffing"),
             "features": [{"code": code, "present": code in present}
                          for code in rule["features"]]}
            for rule in current_app.config["HOUSING_RISK_RULES"]]


# --- the matching board ------------------------------------------------------------------------

def _default_respond_by() -> str:
    return (clock.today() + dt.timedelta(days=DEFAULT_ANSWER_DAYS)).isoformat()


@blp.get("/units/<uuid:unit_id>/candidates")
def unit_candidates(unit_id: uuid.UUID, posted: Posted | None = None):
    """The board for a unit: waiting needs ranked, each score term shown; the excluded ones and why."""
    item = UnitSchema().dump(units.get_unit(unit_id))
    board = CandidatesSchema().dump(matching.candidates_for_unit(unit_id))
    posted = posted or Posted({"respond_by": _default_respond_by()})
    return render_template("housing/unit_candidates.html", unit=item, board=board, terms=matching.TERMS,
                           form=posted, links=_links()), posted.status


@blp.get("/needs/<uuid:need_id>")
def need(need_id: uuid.UUID, posted: Posted | None = None):
    """The board for a need: the units ranked for it, and those excluded and why."""
    found = needs.get_need(need_id)
    item = NeedSchema().dump(found)
    board = CandidatesSchema().dump(matching.candidates_for_need(found))
    posted = posted or Posted({"respond_by": _default_respond_by()})
    return render_template("housing/need.html", need=item, board=board, terms=matching.TERMS, form=posted,
                           waiting=needs.is_waiting(found, clock.today()), links=_links()), posted.status


@blp.post("/offers")
def make_offer():
    """An offer from a row of either board (``POST /housing/offers``), made today; then the offer's page."""
    posted = Posted(typed(request.form, ("respond_by",)))
    # The row's unit and need are the board's (hidden fields and the button pressed), not typed.
    chosen = typed(request.form, ("unit_id", "need_id"))
    created = submit(posted, lambda: offers.create_offer(read(OfferCreateSchema(), {
        **posted.values, **chosen, "offered_on": clock.today().isoformat()})))
    if created is not None:
        return redirect(url_for("web_housing.offer", offer_id=created.id), 303)
    need_id, unit_id = _uuid(chosen["need_id"]), _uuid(chosen["unit_id"])
    if request.form.get("from") == "need" and need_id:
        return need(need_id, posted)
    if unit_id:
        return unit_candidates(unit_id, posted)
    problem = posted.problem or _("Correct the form and try again")
    return render_template("error.html", status=422, title=problem, detail=problem), 422


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# --- the waiting list, offers, tenancies -------------------------------------------------------

@blp.get("/needs")
def waiting_list():
    """The waiting list (``GET /housing/needs?status=waiting``), longest waiting first."""
    filters = _query(NeedQuerySchema(), {"status": "waiting"})
    page = page_number()
    items, total = needs.list_needs(filters, page, PAGE_SIZE)
    return render_template("housing/needs.html", needs=NeedSchema(many=True).dump(items), total=total, page=page,
                           pages=_pages(total), status=filters.get("status"), links=_links())


@blp.get("/offers")
def offer_list():
    filters = _query(OfferQuerySchema(), {"status": "pending"})
    page = page_number()
    items, total = offers.list_offers(filters, page, PAGE_SIZE)
    return render_template("housing/offers.html", offers=OfferSchema(many=True).dump(items), total=total, page=page,
                           pages=_pages(total), status=filters.get("status"), links=_links())


@blp.get("/offers/<uuid:offer_id>")
def offer(offer_id: uuid.UUID, form: str | None = None, posted: Posted | None = None):
    """An offer, and while it is pending the person's answer: accept (the tenancy) or decline.
    ``form`` names the one ``posted`` (refused) belongs to; the forms carry the version of the
    offer shown now, after a refusal too."""
    item = OfferSchema().dump(offers.get_offer(offer_id))
    today = clock.today().isoformat()
    forms = {"accept": Posted({"responded_on": today}), "decline": Posted({"responded_on": today})}
    refused = Posted()
    if form is not None and posted is not None:
        forms[form] = refused = posted
    return render_template("housing/offer.html", offer=item, forms=forms, refused=refused,
                           links=_links()), refused.status


@blp.post("/offers/<uuid:offer_id>/accept")
def accept(offer_id: uuid.UUID):
    posted = Posted(typed(request.form, ("start_on", "responded_on")))
    done = submit(posted, lambda: offers.accept_offer(offer_id, read(AcceptSchema(), posted.values),
                                                      expected_version=version(request.form, required=False)))
    if done is None:
        return offer(offer_id, "accept", posted)
    return redirect(url_for("web_housing.offer", offer_id=offer_id), 303)


@blp.post("/offers/<uuid:offer_id>/decline")
def decline(offer_id: uuid.UUID):
    posted = Posted(typed(request.form, ("reason", "responded_on")))
    done = submit(posted, lambda: offers.decline_offer(offer_id, read(DeclineSchema(), posted.values),
                                                       expected_version=version(request.form, required=False)))
    if done is None:
        return offer(offer_id, "decline", posted)
    return redirect(url_for("web_housing.offer", offer_id=offer_id), 303)


@blp.get("/tenancies")
def tenancy_list():
    filters = _query(TenancyQuerySchema(), {"active": True})
    page = page_number()
    items, total = offers.list_tenancies(filters, page, PAGE_SIZE)
    return render_template("housing/tenancies.html", tenancies=TenancySchema(many=True).dump(items), total=total,
                           page=page, pages=_pages(total), active=filters.get("active"), links=_links())
