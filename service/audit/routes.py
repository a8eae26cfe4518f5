import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from service.audit import services
from service.audit.schemas import AuditEventSchema, AuditQuerySchema
from service.common.pagination import PAGINATION

blp = Blueprint("audit", __name__, url_prefix="/api/v1", description="Audit trail and access logs")


@blp.route("/audit")
class AuditEvents(MethodView):
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditEventSchema(many=True))
    @blp.paginate(**PAGINATION)
    def get(self, filters, pagination_parameters):
        """The municipality's audit trail, newest first (auditor only)."""
        items, pagination_parameters.item_count = services.list_events(
            filters, pagination_parameters.page, pagination_parameters.page_size)
        services.record("read", "audit_log")
        return items


@blp.route("/persons/<uuid:person_id>/access-log")
class PersonAccessLog(MethodView):
    @blp.response(200, AuditEventSchema(many=True))
    @blp.paginate(**PAGINATION)
    def get(self, person_id: uuid.UUID, pagination_parameters):
        """Every read and write of this person's data: who, when, what."""
        items, pagination_parameters.item_count = services.access_log(
            person_id, pagination_parameters.page, pagination_parameters.page_size)
        return items
