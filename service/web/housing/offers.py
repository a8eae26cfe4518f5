"""Bolig: the matching board of a unit, an offer from a row of either board or of the allocation
proposal (``POST /housing/offers``), the offers and their answers (``/offers/{id}/accept``,
``/decline``, the office's ``/withdraw``), and the tenancies and their end (``/tenancies/{id}/end``).

A unit whose class is below what the need requires is no candidate (the hard rule
``class_too_low``), but the API lets the office offer it all the same with a written
``class_mismatch_reason``; the boards offer that, with a reason field, on the excluded rows that
rule alone excludes."""

from __future__ import annotations

import uuid

from flask import redirect, render_template, request, url_for

from service.common import clock
from service.common.i18n import _
from service.housing import matching, offers, units
from service.housing.models import TENANCY_END_REASONS
from service.housing.schemas import (
    AcceptSchema,
    CandidatesSchema,
    DeclineSchema,
    EndTenancySchema,
    OfferCreateSchema,
    OfferQuerySchema,
    OfferSchema,
    TenancyQuerySchema,
    TenancySchema,
    UnitSchema,
    WithdrawOfferSchema,
)
from service.web.blueprint import page_number
from service.web.forms import Posted, act, read, submit, typed, version
from service.web.housing import needs as need_pages
from service.web.housing import proposal as proposal_pages
from service.web.housing.area import (
    PAGE_SIZE,
    blp,
    default_respond_by,
    labelled,
    links,
    pages,
    query,
    uuid_or_none,
    with_names,
)

# --- the board of a unit, and an offer from a row ---------------------------------------------

@blp.get("/units/<uuid:unit_id>/candidates")
def unit_candidates(unit_id: uuid.UUID, form: str | None = None, posted: Posted | None = None):
    """The board for a unit: waiting needs ranked, each score term shown; the excluded ones and
    why. ``form`` names the one ``posted`` (refused) belongs to: ``offer`` or ``mismatch``."""
    item = UnitSchema().dump(units.get_unit(unit_id))
    board = CandidatesSchema().dump(matching.candidates_for_unit(unit_id))
    forms = {"offer": Posted({"respond_by": default_respond_by()}), "mismatch": Posted()}
    refused = Posted()
    if form is not None and posted is not None:
        forms[form] = refused = posted
    return render_template("housing/unit_candidates.html", unit=item, board=board, terms=matching.TERMS,
                           forms=forms, refused=refused, blank=Posted({"respond_by": default_respond_by()}),
                           links=links()), refused.status


@blp.post("/offers")
def make_offer():
    """An offer made today (``POST /housing/offers``) from a row of a board or of the proposal;
    then the offer's page, or the proposal again with the pair shown as offered.

    The row's unit and need are the page's (hidden fields and the button pressed), not typed;
    ``class_mismatch_reason`` comes only from a row below the required class, and ``row`` names
    that row so a refusal is shown beside its own field."""
    source = request.form.get("from", "")
    chosen = typed(request.form, ("unit_id", "need_id"))
    if request.form.get("pair"):  # the proposal's button: "<unit_id> <need_id>"
        chosen = dict(zip(("unit_id", "need_id"), (request.form["pair"].split() + ["", ""])[:2], strict=True))
    mismatch = "class_mismatch_reason" in request.form
    posted = Posted(typed(request.form, ("respond_by", "class_mismatch_reason") if mismatch else ("respond_by",)))
    if mismatch:
        posted.values["row"] = chosen["need_id"] if source == "unit" else chosen["unit_id"]
    created = submit(posted, lambda: offers.create_offer(read(OfferCreateSchema(), {
        **posted.values, **chosen, "offered_on": clock.today().isoformat()})))
    if created is not None:
        if source == "proposal":
            return redirect(proposal_pages.proposal_url(request.form, offered=str(created.id)), 303)
        return redirect(url_for("web_housing.offer", offer_id=created.id), 303)
    if mismatch and posted.problem and not posted.errors:
        # The API's refusal (no reason given, or a rule besides the class) beside the reason's field.
        posted.errors["class_mismatch_reason"], posted.problem = [posted.problem], None
    form = "mismatch" if mismatch else "offer"
    need_id, unit_id = uuid_or_none(chosen["need_id"]), uuid_or_none(chosen["unit_id"])
    if source == "proposal":
        return proposal_pages.proposal_page(request.form, posted, run=True)
    if source == "need" and need_id:
        return need_pages.need(need_id, form, posted)
    if unit_id:
        return unit_candidates(unit_id, form, posted)
    problem = posted.problem or _("Correct the form and try again")
    return render_template("error.html", status=422, title=problem, detail=problem), 422


# --- offers ------------------------------------------------------------------------------------

@blp.get("/offers")
def offer_list():
    """``GET /housing/offers`` (pending by default), each with its person's name."""
    filters = query(OfferQuerySchema(), {"status": "pending"})
    page = page_number()
    items, total = offers.list_offers(filters, page, PAGE_SIZE)
    return render_template("housing/offers.html", offers=with_names(OfferSchema(many=True).dump(items)),
                           total=total, page=page, pages=pages(total), status=filters.get("status"), links=links())


@blp.get("/offers/<uuid:offer_id>")
def offer(offer_id: uuid.UUID, form: str | None = None, posted: Posted | None = None):
    """An offer, and while it is pending the person's answer (accept: the tenancy; decline) or
    the office's withdrawal. ``form`` names the one ``posted`` (refused) belongs to; the forms
    carry the version of the offer shown now, after a refusal too."""
    item = with_names([OfferSchema().dump(offers.get_offer(offer_id))])[0]
    today = clock.today().isoformat()
    forms = {"accept": Posted({"responded_on": today}), "decline": Posted({"responded_on": today}),
             "withdraw": Posted()}
    refused = Posted()
    if form is not None and posted is not None:
        forms[form] = refused = posted
    return render_template("housing/offer.html", offer=item, forms=forms, refused=refused,
                           links=links()), refused.status


def _offer_action(offer_id: uuid.UUID, form: str, posted: Posted, call):
    """Run an offer's step; the offer's page again, with the refusal or as it is now (303)."""
    return act(posted, call, lambda: offer(offer_id, form, posted), url_for("web_housing.offer", offer_id=offer_id))


@blp.post("/offers/<uuid:offer_id>/accept")
def accept(offer_id: uuid.UUID):
    posted = Posted(typed(request.form, ("start_on", "responded_on")))
    return _offer_action(offer_id, "accept", posted, lambda: offers.accept_offer(
        offer_id, read(AcceptSchema(), posted.values), expected_version=version(request.form, required=False)))


@blp.post("/offers/<uuid:offer_id>/decline")
def decline(offer_id: uuid.UUID):
    posted = Posted(typed(request.form, ("reason", "responded_on")))
    return _offer_action(offer_id, "decline", posted, lambda: offers.decline_offer(
        offer_id, read(DeclineSchema(), posted.values), expected_version=version(request.form, required=False)))


@blp.post("/offers/<uuid:offer_id>/withdraw")
def withdraw_offer(offer_id: uuid.UUID):
    """``POST /offers/{id}/withdraw``: the office takes a pending offer back (the place is freed,
    the need waits again), with the reason if one is given."""
    posted = Posted(typed(request.form, ("reason",)))
    return _offer_action(offer_id, "withdraw", posted, lambda: offers.withdraw_offer(
        offer_id, read(WithdrawOfferSchema(), posted.values), expected_version=version(request.form, required=False)))


# --- tenancies ---------------------------------------------------------------------------------

@blp.get("/tenancies")
def tenancy_list():
    """``GET /housing/tenancies`` (current by default), each with its person's name where the role
    may see the person."""
    filters = query(TenancyQuerySchema(), {"active": True})
    page = page_number()
    items, total = offers.list_tenancies(filters, page, PAGE_SIZE)
    return render_template("housing/tenancies.html", tenancies=with_names(TenancySchema(many=True).dump(items)),
                           total=total, page=page, pages=pages(total), active=filters.get("active"), links=links())


@blp.get("/tenancies/<uuid:tenancy_id>")
def tenancy(tenancy_id: uuid.UUID, posted: Posted | None = None):
    """A tenancy (``GET /tenancies/{id}``) and, while it lasts, its end."""
    item = with_names([TenancySchema().dump(offers.get_tenancy(tenancy_id))])[0]
    form = posted or Posted({"ended_on": clock.today().isoformat()})
    return render_template("housing/tenancy.html", tenancy=item, form=form, links=links(),
                           reason_options=labelled("tenancy_end_reason", TENANCY_END_REASONS)), form.status


@blp.post("/tenancies/<uuid:tenancy_id>/end")
def end_tenancy(tenancy_id: uuid.UUID):
    """``POST /tenancies/{id}/end``: the person moved out; the place is free again."""
    posted = Posted(typed(request.form, ("ended_on", "reason", "note")))
    done = submit(posted, lambda: offers.end_tenancy(
        tenancy_id, read(EndTenancySchema(), posted.values), expected_version=version(request.form, required=False)))
    if done is None:
        return tenancy(tenancy_id, posted)
    return redirect(url_for("web_housing.tenancy", tenancy_id=tenancy_id), 303)
