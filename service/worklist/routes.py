import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from service.common.http import etag_headers, if_match
from service.common.pagination import PAGINATION
from service.worklist import services
from service.worklist.schemas import (
    AcknowledgeSchema,
    HandoverSchema,
    ReassignSchema,
    WorklistItemSchema,
    WorklistQuerySchema,
)

blp = Blueprint("worklist", __name__, url_prefix="/api/v1/worklist",
                description="The caller's flags: deadlines and expiries to act on")


@blp.route("")
class Worklist(MethodView):
    @blp.arguments(WorklistQuerySchema, location="query")
    @blp.response(200, WorklistItemSchema(many=True))
    @blp.paginate(**PAGINATION)
    def get(self, filters, pagination_parameters):
        """The caller's open flags, soonest due first (filters: kind, status, due_before, mine, assigned_to)."""
        items, pagination_parameters.item_count = services.list_worklist(
            filters, pagination_parameters.page, pagination_parameters.page_size)
        return items


@blp.route("/<uuid:flag_id>")
class WorklistItem(MethodView):
    @blp.response(200, WorklistItemSchema)
    def get(self, flag_id: uuid.UUID):
        """One of the caller's flags (any status), with its ETag."""
        item = services.get_item(flag_id)
        return item, 200, etag_headers(item.flag)


@blp.route("/<uuid:flag_id>/acknowledge")
class Acknowledge(MethodView):
    @if_match(required=False)
    @blp.arguments(AcknowledgeSchema)
    @blp.response(200, WorklistItemSchema)
    def post(self, _body, flag_id: uuid.UUID, expected_version: int | None):
        """Mark the flag as seen; it stays on the worklist until its cause is gone."""
        item = services.acknowledge(flag_id, expected_version=expected_version)
        return item, 200, etag_headers(item.flag)


@blp.route("/reassign")
class Reassign(MethodView):
    @blp.arguments(ReassignSchema)
    @blp.response(200, HandoverSchema)
    def post(self, data):
        """Hand an absent officer's open referrals and flags over to a colleague with the same role."""
        return services.reassign(data)
