"""Bolig: the housing stock and a unit's page with its actions; the other pages of the area are in
needs.py (the waiting list, a need and its steps), offers.py (the boards, offers, tenancies) and
proposal.py (the allocation proposal), on the same blueprint.

Each page is an API read in HTML, through the same service and answer schema
(``GET /housing/units``, ``/units/{id}``, ``/units/{id}/candidates``, ``/needs``,
``/needs/{id}/candidates``, ``/offers``, ``/tenancies``, ``POST /allocation-proposal``): the same
need-to-know, the same audit, the same sentences for why a need is excluded
(service/housing/explanations.py). Each action is its API route as a form (service.web.forms):
the same service function, the body read by the same schema, the record's version as the API's
``If-Match``; a refusal is shown on the page the action was taken from, with what was typed kept.
"""

from __future__ import annotations

import uuid

from flask import current_app, render_template, request, url_for

from service.common import clock
from service.common.tenancy import current_municipality_id
from service.housing import offers, reports, units
from service.housing.models import INSPECTION_RESULTS, RISK_CLASSES, UNAVAILABLE_REASONS, UNIT_STATUSES
from service.housing.schemas import (
    EmptySchema,
    InspectionCreateSchema,
    InspectionSchema,
    OfferSchema,
    TenancySchema,
    UnavailableSchema,
    UnitQuerySchema,
    UnitSchema,
)
from service.web.blueprint import page_number
from service.web.forms import Posted, act, read, typed, version
from service.web.housing.area import PAGE_SIZE, blp, labelled, links, pages, query, with_names

__all__ = ["blp"]

UNCLASSIFIED = reports.UNCLASSIFIED
INSPECTION_FIELDS = ("inspected_on", "features", "result", "notes", "next_inspection_on")


# --- the stock ---------------------------------------------------------------------------------

@blp.get("")
def stock():
    """The units by risk class and status (today's counts, one GROUP BY), and the units of a cell."""
    counts = reports.units_on(clock.today(), current_municipality_id())
    rows = (*RISK_CLASSES, UNCLASSIFIED)
    table = {row: {status: counts.get((row, status), 0) for status in UNIT_STATUSES} for row in rows}
    filters = query(UnitQuerySchema())
    page = page_number()
    items, total = units.list_units(filters, page, PAGE_SIZE)
    return render_template("housing/stock.html", rows=rows, statuses=UNIT_STATUSES, table=table,
                           units=UnitSchema(many=True).dump(items), total=total, page=page, pages=pages(total),
                           filters={k: request.args[k] for k in ("risk_class", "status", "unclassified")
                                    if k in request.args}, links=links())


# --- a unit and its actions --------------------------------------------------------------------

@blp.get("/units/<uuid:unit_id>")
def unit(unit_id: uuid.UUID, form: str | None = None, posted: Posted | None = None):
    """A unit: its facts, the checklist that gives its class, its inspections, its offers and
    tenants; and, for the housing office, taking it out of use or back, and an inspection.
    ``form`` names the one ``posted`` (refused) belongs to."""
    item = UnitSchema().dump(units.get_unit(unit_id))
    inspections, _total = units.list_inspections(unit_id, 1, 20)
    shown = links()
    pending = tenancies = None
    if shown["offers"]:
        found, _count = offers.list_offers({"unit_id": unit_id, "status": "pending"}, 1, PAGE_SIZE)
        pending = with_names(OfferSchema(many=True).dump(found))
    if shown["tenancies"]:
        found, _count = offers.list_tenancies({"unit_id": unit_id, "active": True}, 1, PAGE_SIZE)
        tenancies = with_names(TenancySchema(many=True).dump(found))
    forms = {"unavailable": Posted(), "available": Posted(),
             "inspection": Posted({"inspected_on": clock.today().isoformat(), "features": item["features"]})}
    refused = Posted()
    if form is not None and posted is not None:
        forms[form] = refused = posted
    return render_template("housing/unit.html", unit=item, checklist=_checklist(item["features"]),
                           inspections=InspectionSchema(many=True).dump(inspections), pending=pending,
                           tenancies=tenancies, links=shown, forms=forms, refused=refused,
                           reason_options=labelled("unavailable_reason", UNAVAILABLE_REASONS),
                           result_options=labelled("inspection_result", INSPECTION_RESULTS)), refused.status


def _checklist(features: list[str]) -> list[dict]:
    """The configured classes, lowest first, each with its features and whether the unit has them."""
    present = set(features)
    return [{"risk_class": rule["class"], "min_staffing": rule.get("min_staffing"),
             "features": [{"code": code, "present": code in present}
                          for code in rule["features"]]}
            for rule in current_app.config["HOUSING_RISK_RULES"]]


def _unit_action(unit_id: uuid.UUID, form: str, posted: Posted, call):
    """Run a unit's step; the unit's page again, with the refusal or as it is now (303)."""
    return act(posted, call, lambda: unit(unit_id, form, posted), url_for("web_housing.unit", unit_id=unit_id))


@blp.post("/units/<uuid:unit_id>/unavailable")
def mark_unavailable(unit_id: uuid.UUID):
    """``POST /housing/units/{id}/unavailable``: an empty unit out of use (damage, renovation, other)."""
    posted = Posted(typed(request.form, ("reason", "note")))
    return _unit_action(unit_id, "unavailable", posted, lambda: units.mark_unavailable(
        unit_id, read(UnavailableSchema(), posted.values), expected_version=version(request.form, required=False)))


@blp.post("/units/<uuid:unit_id>/available")
def mark_available(unit_id: uuid.UUID):
    """``POST /housing/units/{id}/available``: back in use."""
    posted = Posted()

    def call():
        read(EmptySchema(), {})
        return units.mark_available(unit_id, expected_version=version(request.form, required=False))

    return _unit_action(unit_id, "available", posted, call)


@blp.post("/units/<uuid:unit_id>/inspections")
def inspect(unit_id: uuid.UUID):
    """``POST /housing/units/{id}/inspections``: the checklist as found becomes the unit's features
    and its class is derived again. A form cannot post an empty list, so ``features`` is read as
    optional and an inspection that found none of them posts none (the API's body gives ``[]``)."""
    posted = Posted(typed(request.form, INSPECTION_FIELDS, lists=("features",)))

    def call():
        data = read(InspectionCreateSchema(partial=("features",)), posted.values)
        data.setdefault("features", [])
        return units.inspect_unit(unit_id, data, expected_version=version(request.form, required=False))

    return _unit_action(unit_id, "inspection", posted, call)


# The area's other pages: importing them registers their views on the same blueprint.
from service.web.housing import needs as _needs  # noqa: E402, F401
from service.web.housing import offers as _offers  # noqa: E402, F401
from service.web.housing import proposal as _proposal  # noqa: E402, F401
