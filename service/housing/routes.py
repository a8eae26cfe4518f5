import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from service.common.http import etag_headers, if_match
from service.common.idempotency import idempotent
from service.common.pagination import PAGINATION
from service.housing import matching, needs, offers, units
from service.housing.schemas import (
    AcceptSchema,
    CandidatesQuerySchema,
    CandidatesSchema,
    DeclineSchema,
    EmptySchema,
    EndTenancySchema,
    InspectionCreateSchema,
    InspectionSchema,
    NeedCreateSchema,
    NeedQuerySchema,
    NeedSchema,
    NeedUpdateSchema,
    OfferCreateSchema,
    OfferQuerySchema,
    OfferSchema,
    ParkSchema,
    ProposalRequestSchema,
    ProposalSchema,
    TenancyQuerySchema,
    TenancySchema,
    UnavailableSchema,
    UnitCreateSchema,
    UnitQuerySchema,
    UnitSchema,
    UnitUpdateSchema,
    WithdrawNeedSchema,
    WithdrawOfferSchema,
)

blp = Blueprint("housing", __name__, url_prefix="/api/v1/housing",
                description="Housing units, needs, matching, offers and tenancies")


# --- units ---

@blp.route("/units")
class Units(MethodView):
    @blp.arguments(UnitQuerySchema, location="query")
    @blp.response(200, UnitSchema(many=True))
    @blp.paginate(**PAGINATION)
    def get(self, filters, pagination_parameters):
        """List units (filters: class, status, type, complex, substance-free, inspection due)."""
        items, pagination_parameters.item_count = units.list_units(
            filters, pagination_parameters.page, pagination_parameters.page_size)
        return items

    @idempotent
    @blp.arguments(UnitCreateSchema)
    @blp.response(201, UnitSchema)
    def post(self, data):
        """Register a unit; its risk class is derived from the feature checklist."""
        unit = units.create_unit(data)
        return unit, 201, etag_headers(unit)


@blp.route("/units/<uuid:unit_id>")
class UnitById(MethodView):
    @blp.response(200, UnitSchema)
    def get(self, unit_id: uuid.UUID):
        unit = units.get_unit(unit_id)
        return unit, 200, etag_headers(unit)

    @if_match(required=True)
    @blp.arguments(UnitUpdateSchema)
    @blp.response(200, UnitSchema)
    def patch(self, data, unit_id: uuid.UUID, expected_version: int | None):
        """Correct a unit. Needs ``If-Match``. A manual class differing from the derived one needs a reason."""
        unit = units.update_unit(unit_id, data, expected_version=expected_version)
        return unit, 200, etag_headers(unit)


@blp.route("/units/<uuid:unit_id>/inspections")
class UnitInspections(MethodView):
    @blp.response(200, InspectionSchema(many=True))
    @blp.paginate(**PAGINATION)
    def get(self, unit_id: uuid.UUID, pagination_parameters):
        items, pagination_parameters.item_count = units.list_inspections(
            unit_id, pagination_parameters.page, pagination_parameters.page_size)
        return items

    @if_match(required=False)
    @blp.arguments(InspectionCreateSchema)
    @blp.response(200, UnitSchema)
    def post(self, data, unit_id: uuid.UUID, expected_version: int | None):
        """Record an inspection; answers the unit with its features and class updated."""
        unit = units.inspect_unit(unit_id, data, expected_version=expected_version)
        return unit, 200, etag_headers(unit)


@blp.route("/units/<uuid:unit_id>/unavailable")
class UnitUnavailable(MethodView):
    @if_match(required=False)
    @blp.arguments(UnavailableSchema)
    @blp.response(200, UnitSchema)
    def post(self, data, unit_id: uuid.UUID, expected_version: int | None):
        """Take an empty unit out of use (damage, renovation, other)."""
        unit = units.mark_unavailable(unit_id, data, expected_version=expected_version)
        return unit, 200, etag_headers(unit)


@blp.route("/units/<uuid:unit_id>/available")
class UnitAvailable(MethodView):
    @if_match(required=False)
    @blp.arguments(EmptySchema)
    @blp.response(200, UnitSchema)
    def post(self, data, unit_id: uuid.UUID, expected_version: int | None):
        unit = units.mark_available(unit_id, expected_version=expected_version)
        return unit, 200, etag_headers(unit)


@blp.route("/units/<uuid:unit_id>/candidates")
class UnitCandidates(MethodView):
    @blp.arguments(CandidatesQuerySchema, location="query")
    @blp.response(200, CandidatesSchema)
    def get(self, query, unit_id: uuid.UUID):
        """Waiting needs ranked for this unit, with score terms; excluded needs with the rules that exclude them."""
        return matching.candidates_for_unit(unit_id, query.get("limit"))


# --- needs ---

@blp.route("/needs")
class Needs(MethodView):
    @blp.arguments(NeedQuerySchema, location="query")
    @blp.response(200, NeedSchema(many=True))
    @blp.paginate(**PAGINATION)
    def get(self, filters, pagination_parameters):
        """The waiting list (filters: status, required class, category, homeless, waiting longer than N days)."""
        items, pagination_parameters.item_count = needs.list_needs(
            filters, pagination_parameters.page, pagination_parameters.page_size)
        return items

    @idempotent
    @blp.arguments(NeedCreateSchema)
    @blp.response(201, NeedSchema)
    def post(self, data):
        need = needs.create_need(data)
        return need, 201, etag_headers(need)


@blp.route("/needs/<uuid:need_id>")
class NeedById(MethodView):
    @blp.response(200, NeedSchema)
    def get(self, need_id: uuid.UUID):
        need = needs.get_need(need_id)
        return need, 200, etag_headers(need)

    @if_match(required=True)
    @blp.arguments(NeedUpdateSchema)
    @blp.response(200, NeedSchema)
    def patch(self, data, need_id: uuid.UUID, expected_version: int | None):
        """Correct an open need. Needs ``If-Match``."""
        need = needs.update_need(need_id, data, expected_version=expected_version)
        return need, 200, etag_headers(need)


@blp.route("/needs/<uuid:need_id>/park")
class NeedPark(MethodView):
    @if_match(required=False)
    @blp.arguments(ParkSchema)
    @blp.response(200, NeedSchema)
    def post(self, data, need_id: uuid.UUID, expected_version: int | None):
        """Park a waiting need until a date (it waits again from that date)."""
        need = needs.park_need(need_id, data, expected_version=expected_version)
        return need, 200, etag_headers(need)


@blp.route("/needs/<uuid:need_id>/resume")
class NeedResume(MethodView):
    @if_match(required=False)
    @blp.arguments(EmptySchema)
    @blp.response(200, NeedSchema)
    def post(self, data, need_id: uuid.UUID, expected_version: int | None):
        """Put a parked need back on the waiting list before its date."""
        need = needs.resume_need(need_id, expected_version=expected_version)
        return need, 200, etag_headers(need)


@blp.route("/needs/<uuid:need_id>/withdraw")
class NeedWithdraw(MethodView):
    @if_match(required=False)
    @blp.arguments(WithdrawNeedSchema)
    @blp.response(200, NeedSchema)
    def post(self, data, need_id: uuid.UUID, expected_version: int | None):
        need = needs.withdraw_need(need_id, data, expected_version=expected_version)
        return need, 200, etag_headers(need)


@blp.route("/needs/<uuid:need_id>/candidates")
class NeedCandidates(MethodView):
    @blp.arguments(CandidatesQuerySchema, location="query")
    @blp.response(200, CandidatesSchema)
    def get(self, query, need_id: uuid.UUID):
        """Units ranked for this need, with score terms; excluded units with the rules that exclude them."""
        need = needs.load_need(need_id)
        return matching.candidates_for_need(need, query.get("limit"))


# --- allocation proposal ---

@blp.route("/allocation-proposal")
class AllocationProposal(MethodView):
    @blp.arguments(ProposalRequestSchema)
    @blp.response(200, ProposalSchema)
    def post(self, data):
        """Optimal assignment of available units to waiting needs (changes nothing)."""
        return matching.allocation_proposal(data.get("unit_ids"), data.get("need_ids"))


# --- offers ---

@blp.route("/offers")
class Offers(MethodView):
    @blp.arguments(OfferQuerySchema, location="query")
    @blp.response(200, OfferSchema(many=True))
    @blp.paginate(**PAGINATION)
    def get(self, filters, pagination_parameters):
        items, pagination_parameters.item_count = offers.list_offers(
            filters, pagination_parameters.page, pagination_parameters.page_size)
        return items

    @idempotent
    @blp.arguments(OfferCreateSchema)
    @blp.response(201, OfferSchema)
    def post(self, data):
        """Offer a unit to a waiting need: reserves a place until ``respond_by`` (409 when the unit is full)."""
        offer = offers.create_offer(data)
        return offer, 201, etag_headers(offer)


@blp.route("/offers/<uuid:offer_id>")
class OfferById(MethodView):
    @blp.response(200, OfferSchema)
    def get(self, offer_id: uuid.UUID):
        offer = offers.get_offer(offer_id)
        return offer, 200, etag_headers(offer)


@blp.route("/offers/<uuid:offer_id>/accept")
class OfferAccept(MethodView):
    @if_match(required=False)
    @blp.arguments(AcceptSchema)
    @blp.response(200, OfferSchema)
    def post(self, data, offer_id: uuid.UUID, expected_version: int | None):
        """Accept: creates the tenancy (``tenancy_id`` in the answer), the unit is let and the need housed."""
        offer = offers.accept_offer(offer_id, data, expected_version=expected_version)
        return offer, 200, etag_headers(offer)


@blp.route("/offers/<uuid:offer_id>/decline")
class OfferDecline(MethodView):
    @if_match(required=False)
    @blp.arguments(DeclineSchema)
    @blp.response(200, OfferSchema)
    def post(self, data, offer_id: uuid.UUID, expected_version: int | None):
        offer = offers.decline_offer(offer_id, data, expected_version=expected_version)
        return offer, 200, etag_headers(offer)


@blp.route("/offers/<uuid:offer_id>/withdraw")
class OfferWithdraw(MethodView):
    @if_match(required=False)
    @blp.arguments(WithdrawOfferSchema)
    @blp.response(200, OfferSchema)
    def post(self, data, offer_id: uuid.UUID, expected_version: int | None):
        offer = offers.withdraw_offer(offer_id, data, expected_version=expected_version)
        return offer, 200, etag_headers(offer)


# --- tenancies ---

@blp.route("/tenancies")
class Tenancies(MethodView):
    @blp.arguments(TenancyQuerySchema, location="query")
    @blp.response(200, TenancySchema(many=True))
    @blp.paginate(**PAGINATION)
    def get(self, filters, pagination_parameters):
        """Tenancies you may see (a provider: those of the persons its unit serves)."""
        items, pagination_parameters.item_count = offers.list_tenancies(
            filters, pagination_parameters.page, pagination_parameters.page_size)
        return items


@blp.route("/tenancies/<uuid:tenancy_id>")
class TenancyById(MethodView):
    @blp.response(200, TenancySchema)
    def get(self, tenancy_id: uuid.UUID):
        tenancy = offers.get_tenancy(tenancy_id)
        return tenancy, 200, etag_headers(tenancy)


@blp.route("/tenancies/<uuid:tenancy_id>/end")
class TenancyEnd(MethodView):
    @if_match(required=False)
    @blp.arguments(EndTenancySchema)
    @blp.response(200, TenancySchema)
    def post(self, data, tenancy_id: uuid.UUID, expected_version: int | None):
        tenancy = offers.end_tenancy(tenancy_id, data, expected_version=expected_version)
        return tenancy, 200, etag_headers(tenancy)
