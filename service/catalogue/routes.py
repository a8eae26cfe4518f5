from flask.views import MethodView
from flask_smorest import Blueprint

from service.catalogue import services
from service.catalogue.schemas import (
    LegalBasisCreateSchema,
    LegalBasisQuerySchema,
    LegalBasisSchema,
    LegalBasisUpdateSchema,
    ServiceTypeCreateSchema,
    ServiceTypeQuerySchema,
    ServiceTypeSchema,
    ServiceTypeUpdateSchema,
)
from service.common.http import etag_headers, if_match
from service.common.idempotency import idempotent

blp = Blueprint("service_catalogue", __name__, url_prefix="/api/v1/service-catalogue",
                description="Service types (KPR/IPLOS and local) and legal bases with appeal periods")


@blp.route("")
class Services(MethodView):
    @blp.arguments(ServiceTypeQuerySchema, location="query")
    @blp.response(200, ServiceTypeSchema(many=True))
    def get(self, filters):
        """The municipality's service catalogue."""
        return services.list_services(filters)

    @idempotent
    @blp.arguments(ServiceTypeCreateSchema)
    @blp.response(201, ServiceTypeSchema)
    def post(self, data):
        """Add a service type (admin)."""
        row = services.create_service(data)
        return row, 201, etag_headers(row)


@blp.route("/legal-bases")
class LegalBases(MethodView):
    @blp.arguments(LegalBasisQuerySchema, location="query")
    @blp.response(200, LegalBasisSchema(many=True))
    def get(self, filters):
        """Legal bases with their appeal period and appeal body."""
        return services.list_legal_bases(filters)

    @idempotent
    @blp.arguments(LegalBasisCreateSchema)
    @blp.response(201, LegalBasisSchema)
    def post(self, data):
        """Add a legal basis (admin)."""
        row = services.create_legal_basis(data)
        return row, 201, etag_headers(row)


@blp.route("/legal-bases/<string:code>")
class LegalBasisByCode(MethodView):
    @blp.response(200, LegalBasisSchema)
    def get(self, code):
        row = services.get_legal_basis(code)
        return row, 200, etag_headers(row)

    @if_match(required=True)
    @blp.arguments(LegalBasisUpdateSchema)
    @blp.response(200, LegalBasisSchema)
    def patch(self, data, code, expected_version: int | None):
        """Edit a legal basis (admin; If-Match). Its code never changes."""
        row = services.update_legal_basis(code, data, expected_version=expected_version)
        return row, 200, etag_headers(row)


@blp.route("/<string:code>")
class ServiceByCode(MethodView):
    @blp.response(200, ServiceTypeSchema)
    def get(self, code):
        row = services.get_service(code)
        return row, 200, etag_headers(row)

    @if_match(required=True)
    @blp.arguments(ServiceTypeUpdateSchema)
    @blp.response(200, ServiceTypeSchema)
    def patch(self, data, code, expected_version: int | None):
        """Edit a service type (admin; If-Match). Retire it with active=false; its code never changes."""
        row = services.update_service(code, data, expected_version=expected_version)
        return row, 200, etag_headers(row)
