import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from service.audit import review, services
from service.audit.review_schemas import (
    EmergencyOpeningQuerySchema,
    EmergencyOpeningSchema,
    ReviewCreateSchema,
    ReviewSchema,
    SampleQuerySchema,
    SampleSchema,
)
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


# --- the auditor's follow-up (service/audit/review.py) ---

@blp.route("/audit/sample")
class AuditSample(MethodView):
    @blp.arguments(SampleQuerySchema, location="query")
    @blp.response(200, SampleSchema)
    def get(self, query):
        """A reproducible random sample of the month's person accesses, to review, and the month's
        accesses outside the row rule (emergency access, barred attempts, refused requests)."""
        return review.sample(query["period"], query["n"])


@blp.route("/audit/emergency-access")
class AuditEmergencyAccess(MethodView):
    @blp.arguments(EmergencyOpeningQuerySchema, location="query")
    @blp.response(200, EmergencyOpeningSchema(many=True))
    @blp.paginate(**PAGINATION)
    def get(self, filters, pagination_parameters):
        """Every emergency opening ("break the glass"), newest first: who, which person, why, until when,
        and how many requests read the person in it."""
        items, pagination_parameters.item_count = review.emergency_openings(
            filters, pagination_parameters.page, pagination_parameters.page_size)
        return items


@blp.route("/audit/reviews")
class AuditReviews(MethodView):
    @blp.arguments(ReviewCreateSchema)
    @blp.response(201, ReviewSchema)
    def post(self, data):
        """Record your review of one audit event (a sampled access, an access outside the rule)."""
        return review.create_review(data), 201
