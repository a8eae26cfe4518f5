import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from service.common.http import etag_headers, if_match
from service.common.idempotency import idempotent
from service.common.pagination import PAGINATION
from service.decisions import appeals, notification, renewals, services
from service.decisions.schemas import (
    AppealCreateSchema,
    AppealSchema,
    AppealStatusSchema,
    AppealUpdateSchema,
    DecideSchema,
    DecisionCreateSchema,
    DecisionQuerySchema,
    DecisionSchema,
    DecisionUpdateSchema,
    DiscardSchema,
    EndSchema,
    NotifySchema,
    RenewSchema,
)

blp = Blueprint("decisions", __name__, url_prefix="/api/v1/decisions",
                description="Decisions (enkeltvedtak) and appeals")


@blp.route("")
class Decisions(MethodView):
    @blp.arguments(DecisionQuerySchema, location="query")
    @blp.response(200, DecisionSchema(many=True))
    @blp.paginate(**PAGINATION)
    def get(self, filters, pagination_parameters):
        """List decisions you may see, soonest valid_to first."""
        items, pagination_parameters.item_count = services.list_decisions(
            filters, pagination_parameters.page, pagination_parameters.page_size)
        return items

    @idempotent
    @blp.arguments(DecisionCreateSchema)
    @blp.response(201, DecisionSchema)
    def post(self, data):
        """Create a draft, or a decided decision when the body has decided_on."""
        decision = services.create_decision(data)
        return decision, 201, etag_headers(decision)


@blp.route("/<uuid:decision_id>")
class DecisionById(MethodView):
    @blp.response(200, DecisionSchema)
    def get(self, decision_id: uuid.UUID):
        decision = services.get_decision(decision_id)
        return decision, 200, etag_headers(decision)

    @if_match(required=True)
    @blp.arguments(DecisionUpdateSchema)
    @blp.response(200, DecisionSchema)
    def patch(self, data, decision_id: uuid.UUID, expected_version: int | None):
        """Edit a draft (If-Match). Decided decisions change only through actions."""
        decision = services.update_draft(decision_id, data, expected_version=expected_version)
        return decision, 200, etag_headers(decision)


@blp.route("/<uuid:decision_id>/decide")
class DecisionDecide(MethodView):
    @if_match(required=False)
    @blp.arguments(DecideSchema)
    @blp.response(200, DecisionSchema)
    def post(self, data, decision_id: uuid.UUID, expected_version: int | None):
        """Decide a draft; a referral it answers becomes decided."""
        decision = services.decide(decision_id, data, expected_version=expected_version)
        return decision, 200, etag_headers(decision)


@blp.route("/<uuid:decision_id>/notify")
class DecisionNotify(MethodView):
    @if_match(required=False)
    @blp.arguments(NotifySchema)
    @blp.response(200, DecisionSchema)
    def post(self, data, decision_id: uuid.UUID, expected_version: int | None):
        """Record how and when the decision was sent and reached the person; the appeal period runs from then.

        A recorded notification is corrected with correction_reason; appeals are re-judged."""
        decision = notification.notify(decision_id, data, expected_version=expected_version)
        return decision, 200, etag_headers(decision)


@blp.route("/<uuid:decision_id>/end")
class DecisionEnd(MethodView):
    @if_match(required=False)
    @blp.arguments(EndSchema)
    @blp.response(200, DecisionSchema)
    def post(self, data, decision_id: uuid.UUID, expected_version: int | None):
        """End a running decision early, with a reason."""
        decision = services.end(decision_id, data, expected_version=expected_version)
        return decision, 200, etag_headers(decision)


@blp.route("/<uuid:decision_id>/renew")
class DecisionRenew(MethodView):
    @idempotent
    @if_match(required=False)
    @blp.arguments(RenewSchema)
    @blp.response(201, DecisionSchema)
    def post(self, data, decision_id: uuid.UUID, expected_version: int | None):
        """Create the decision that supersedes this one (from the day after it ends unless valid_from is given)."""
        decision = renewals.renew(decision_id, data, expected_version=expected_version)
        return decision, 201, etag_headers(decision)


@blp.route("/<uuid:decision_id>/discard")
class DecisionDiscard(MethodView):
    @if_match(required=False)
    @blp.arguments(DiscardSchema)
    @blp.response(200, DecisionSchema)
    def post(self, data, decision_id: uuid.UUID, expected_version: int | None):
        """Discard a draft made by mistake, with a reason: kept and audited, no longer listed (state discarded)."""
        decision = services.discard(decision_id, data, expected_version=expected_version)
        return decision, 200, etag_headers(decision)


@blp.route("/<uuid:decision_id>/appeals")
class Appeals(MethodView):
    @blp.response(200, AppealSchema(many=True))
    def get(self, decision_id: uuid.UUID):
        """Appeals against this decision."""
        return appeals.list_appeals(decision_id)

    @idempotent
    @if_match(required=False)
    @blp.arguments(AppealCreateSchema)
    @blp.response(201, AppealSchema)
    def post(self, data, decision_id: uuid.UUID, expected_version: int | None):
        """Register an appeal; one received after the deadline is registered and marked deadline_met=false."""
        appeal = appeals.create_appeal(decision_id, data, expected_version=expected_version)
        return appeal, 201, etag_headers(appeal)


@blp.route("/<uuid:decision_id>/appeals/<uuid:appeal_id>")
class AppealById(MethodView):
    @blp.response(200, AppealSchema)
    def get(self, decision_id: uuid.UUID, appeal_id: uuid.UUID):
        appeal = appeals.get_appeal(decision_id, appeal_id)
        return appeal, 200, etag_headers(appeal)

    @if_match(required=True)
    @blp.arguments(AppealUpdateSchema)
    @blp.response(200, AppealSchema)
    def patch(self, data, decision_id: uuid.UUID, appeal_id: uuid.UUID, expected_version: int | None):
        """Correct received_on, sent_on or the summary (If-Match); timeliness is recomputed."""
        appeal = appeals.update_appeal(decision_id, appeal_id, data, expected_version=expected_version)
        return appeal, 200, etag_headers(appeal)


@blp.route("/<uuid:decision_id>/appeals/<uuid:appeal_id>/status")
class AppealStatus(MethodView):
    @if_match(required=False)
    @blp.arguments(AppealStatusSchema)
    @blp.response(200, AppealSchema)
    def post(self, data, decision_id: uuid.UUID, appeal_id: uuid.UUID, expected_version: int | None):
        """received → reassessing → reversed | forwarded → upheld | overturned | returned."""
        appeal = appeals.change_appeal_status(decision_id, appeal_id, data, expected_version=expected_version)
        return appeal, 200, etag_headers(appeal)
