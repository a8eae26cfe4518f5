import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from service.common.http import etag_headers, if_match
from service.common.idempotency import idempotent
from service.common.pagination import PAGINATION
from service.persons import services
from service.persons.schemas import (
    PersonCreateSchema,
    PersonQuerySchema,
    PersonSchema,
    PersonSearchSchema,
    PersonUpdateSchema,
)

blp = Blueprint("persons", __name__, url_prefix="/api/v1/persons",
                description="Persons who apply for or receive services")


@blp.route("")
class Persons(MethodView):
    @blp.arguments(PersonQuerySchema, location="query")
    @blp.response(200, PersonSchema(many=True))
    @blp.paginate(**PAGINATION)
    def get(self, filters, pagination_parameters):
        """List the persons you may see."""
        items, pagination_parameters.item_count = services.list_persons(
            filters, pagination_parameters.page, pagination_parameters.page_size)
        return items

    @idempotent
    @blp.arguments(PersonCreateSchema)
    @blp.response(201, PersonSchema)
    def post(self, data):
        """Register a person. The national id is validated and never echoed in errors."""
        person = services.create_person(data)
        return person, 201, etag_headers(person)


@blp.route("/search")
class PersonSearch(MethodView):
    @blp.arguments(PersonSearchSchema)
    @blp.response(200, PersonSchema(many=True))
    def post(self, data):
        """Find a person by national id (kept out of URLs and logs)."""
        return services.search_by_national_id(data["national_id"])


@blp.route("/<uuid:person_id>")
class PersonById(MethodView):
    @blp.response(200, PersonSchema)
    def get(self, person_id: uuid.UUID):
        person = services.get_person(person_id)
        return person, 200, etag_headers(person)

    @if_match(required=True)
    @blp.arguments(PersonUpdateSchema)
    @blp.response(200, PersonSchema)
    def patch(self, data, person_id: uuid.UUID, expected_version: int | None):
        """Correct a person. Needs ``If-Match`` with the ETag from your last read."""
        person = services.update_person(person_id, data, expected_version=expected_version)
        return person, 200, etag_headers(person)
