import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from service.common.http import etag_headers, if_match
from service.common.idempotency import idempotent
from service.provider_units import services
from service.provider_units.schemas import (
    ProviderUnitCreateSchema,
    ProviderUnitQuerySchema,
    ProviderUnitSchema,
    ProviderUnitUpdateSchema,
)

blp = Blueprint("provider_units", __name__, url_prefix="/api/v1/provider-units",
                description="The municipality's provider units: who delivers a decision")


@blp.route("")
class ProviderUnits(MethodView):
    @blp.arguments(ProviderUnitQuerySchema, location="query")
    @blp.response(200, ProviderUnitSchema(many=True))
    def get(self, filters):
        """The municipality's provider units, by name."""
        return services.list_units(filters)

    @idempotent
    @blp.arguments(ProviderUnitCreateSchema)
    @blp.response(201, ProviderUnitSchema)
    def post(self, data):
        """Add a provider unit (admin)."""
        unit = services.create_unit(data)
        return unit, 201, etag_headers(unit)


@blp.route("/<uuid:provider_unit_id>")
class ProviderUnitById(MethodView):
    @blp.response(200, ProviderUnitSchema)
    def get(self, provider_unit_id: uuid.UUID):
        unit = services.get_unit(provider_unit_id)
        return unit, 200, etag_headers(unit)

    @if_match(required=True)
    @blp.arguments(ProviderUnitUpdateSchema)
    @blp.response(200, ProviderUnitSchema)
    def patch(self, data, provider_unit_id: uuid.UUID, expected_version: int | None):
        """Rename a unit or retire it with active=false (admin; If-Match). Decisions keep pointing at it."""
        unit = services.update_unit(provider_unit_id, data, expected_version=expected_version)
        return unit, 200, etag_headers(unit)
