import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from service.common.http import etag_headers, if_match
from service.common.idempotency import idempotent
from service.common.pagination import PAGINATION
from service.referrals import services
from service.referrals.schemas import (
    AssignSchema,
    ForwardSchema,
    OnDateSchema,
    PreliminaryReplySchema,
    ReferralCreateSchema,
    ReferralQuerySchema,
    ReferralSchema,
    ReferralUpdateSchema,
    WithdrawSchema,
)

blp = Blueprint("referrals", __name__, url_prefix="/api/v1/referrals",
                description="Referrals and applications to the allocation office")


@blp.route("")
class Referrals(MethodView):
    @blp.arguments(ReferralQuerySchema, location="query")
    @blp.response(200, ReferralSchema(many=True))
    @blp.paginate(**PAGINATION)
    def get(self, filters, pagination_parameters):
        """List referrals, soonest answer deadline first."""
        items, pagination_parameters.item_count = services.list_referrals(
            filters, pagination_parameters.page, pagination_parameters.page_size)
        return items

    @idempotent
    @blp.arguments(ReferralCreateSchema)
    @blp.response(201, ReferralSchema)
    def post(self, data):
        """Register a referral; answer_due_on is received_on + 1 calendar month."""
        referral = services.create_referral(data)
        return referral, 201, etag_headers(referral)


@blp.route("/<uuid:referral_id>")
class ReferralById(MethodView):
    @blp.response(200, ReferralSchema)
    def get(self, referral_id: uuid.UUID):
        referral = services.get_referral(referral_id)
        return referral, 200, etag_headers(referral)

    @if_match(required=True)
    @blp.arguments(ReferralUpdateSchema)
    @blp.response(200, ReferralSchema)
    def patch(self, data, referral_id: uuid.UUID, expected_version: int | None):
        """Correct an open referral (If-Match)."""
        referral = services.update_referral(referral_id, data, expected_version=expected_version)
        return referral, 200, etag_headers(referral)


def _action(name: str, schema, func, doc: str):
    @blp.route(f"/<uuid:referral_id>/{name}", endpoint=f"referral_{name.replace('-', '_')}")
    class Action(MethodView):
        @if_match(required=False)
        @blp.doc(summary=doc)
        @blp.arguments(schema)
        @blp.response(200, ReferralSchema)
        def post(self, data, referral_id: uuid.UUID, expected_version: int | None):
            referral = func(referral_id, data, expected_version=expected_version)
            return referral, 200, etag_headers(referral)

    Action.__name__ = f"Referral{name.title().replace('-', '')}"
    return Action


_action("start-assessment", OnDateSchema, services.start_assessment,
        "Move a received referral to assessing (optional `on`).")
_action("assign", AssignSchema, services.assign, "Assign the referral to a case officer.")
_action("preliminary-reply", PreliminaryReplySchema, services.preliminary_reply,
        "Record a preliminary reply (forvaltningsloven § 11 a): reason and expected date.")
_action("withdraw", WithdrawSchema, services.withdraw, "The person withdrew the referral.")
_action("forward", ForwardSchema, services.forward, "The referral was sent on to another service.")
