"""Bolig: the allocation proposal (``POST /housing/allocation-proposal``) as a page: the officer
asks for it (all free places and waiting needs, or only some), sees the pairs the solver chose
with each pair's score and why in words, and makes the offers one by one.

The proposal changes nothing, so the page asks for it with a GET form: after an offer the page
is asked again with the same restriction, and the offers made from it (``offered``) are shown
as such. The need of an offered pair no longer waits and its place is taken, so the rest of an
optimal assignment is still optimal for what is left: the other pairs stay as they were.
"""

from __future__ import annotations

from flask import render_template, request, url_for
from werkzeug.datastructures import MultiDict

from service.common.errors import NotFound
from service.housing import matching, needs, offers, units
from service.housing.schemas import NeedSchema, OfferSchema, ProposalRequestSchema, ProposalSchema, UnitSchema
from service.web.forms import Posted, read, submit
from service.web.housing.area import blp, default_respond_by, links, uuid_or_none, with_names

# The form's lists: at most this many free units and waiting needs to choose from.
CHOICES = 500
# Units that may have a free place (a shared unit is "reserved" while it still has one).
OPEN_STATUSES = ("available", "reserved")


def proposal_url(form: MultiDict, offered: str | None = None) -> str:
    """The proposal asked again with the restriction of ``form``, and the offers made from it."""
    made = [value for value in form.getlist("offered") if uuid_or_none(value)]
    if offered:
        made.append(offered)
    return url_for("web_housing.proposal", run="1", unit_ids=form.getlist("unit_ids"),
                   need_ids=form.getlist("need_ids"), offered=made)


@blp.get("/proposal")
def proposal():
    """The form, and with ``run`` the proposal for the units and needs chosen (none: all)."""
    return proposal_page(request.args, Posted({"respond_by": default_respond_by()}))


def proposal_page(args: MultiDict, offer_form: Posted, *, run: bool = False):
    """The page for the restriction in ``args`` (the proposal itself when ``run`` or ``args`` ask
    for it); ``offer_form`` is the offer's form (refused, when an offer from a pair was refused:
    its errors beside the answer date, its status the page's)."""
    chosen = Posted({"unit_ids": [v for v in args.getlist("unit_ids") if v],
                     "need_ids": [v for v in args.getlist("need_ids") if v]})
    free_units, _count = units.list_units({}, 1, CHOICES)
    waiting, _count = needs.list_needs({"status": "waiting"}, 1, CHOICES)
    waiting = with_names(NeedSchema(many=True).dump(waiting))
    answer = None
    if run or args.get("run"):
        answer = submit(chosen, lambda: ProposalSchema().dump(matching.allocation_proposal(
            **read(ProposalRequestSchema(), chosen.values))))
    made = _offers_made(args.getlist("offered"))
    status = offer_form.status if offer_form.status != 200 else chosen.status
    return render_template(
        "housing/proposal.html", form=chosen, offer_form=offer_form, answer=answer, made=made,
        units=[u for u in UnitSchema(many=True).dump(free_units) if u["status"] in OPEN_STATUSES],
        needs=waiting, needs_by_id={n["id"]: n for n in waiting}, terms=matching.TERMS, links=links()), status


def _offers_made(ids: list[str]) -> list[dict]:
    """The offers made from the proposal, each read as ``GET /offers/{id}`` (one no longer there is left out)."""
    made = []
    for offer_id in dict.fromkeys(uuid_or_none(value) for value in ids):
        if offer_id is None:
            continue
        try:
            made.append(OfferSchema().dump(offers.get_offer(offer_id)))
        except NotFound:
            continue
    return with_names(made)
