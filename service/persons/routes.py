import uuid

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from service.common.http import etag_headers, if_match
from service.common.idempotency import idempotent
from service.common.pagination import PAGINATION
from service.persons import blocks, emergency, protection, services
from service.persons.schemas import (
    AddressProtectionSchema,
    BlockCreateSchema,
    BlockLiftSchema,
    BlockQuerySchema,
    BlockSchema,
    EmergencyAccessCreateSchema,
    EmergencyAccessSchema,
    PersonCreateSchema,
    PersonQuerySchema,
    PersonSchema,
    PersonSearchSchema,
    PersonUpdateSchema,
)

blp = Blueprint("persons", __name__, url_prefix="/api/v1/persons",
                description="Persons who apply for or receive services")
blocks_blp = Blueprint("person_blocks", __name__, url_prefix="/api/v1/person-blocks",
                       description="Per-person blocks: users barred from persons")


# Emergency access (service/persons/emergency.py), for every request of the application: an
# opening lets a user read (GET), never act; the reads of a successful request in an opening
# are audited with its reason before the request commits (these hooks run before
# service.common.http's commit, which was registered first).
@blp.before_app_request
def _emergency_reads_only_on_get():
    emergency.reads_through_openings(request.method in ("GET", "HEAD"))


@blp.after_app_request
def _audit_reads_in_emergency_openings(response):
    if response.status_code < 400:
        emergency.audit_reads_in_openings()
    return response


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


@blp.route("/<uuid:person_id>/address-protection")
class PersonAddressProtection(MethodView):
    @if_match(required=False)
    @blp.arguments(AddressProtectionSchema)
    @blp.response(200, PersonSchema)
    def post(self, data, person_id: uuid.UUID, expected_version: int | None):
        """Mark the person's address confidential (kode 7) or strictly confidential (kode 6), or clear
        the marking (none), with the reason; audited. Where the person lives is then hidden from
        the roles the access matrix does not name (docs/security.md, "Protected addresses")."""
        person = protection.set_protection(person_id, data, expected_version=expected_version)
        return person, 200, etag_headers(person)


@blp.route("/<uuid:person_id>/emergency-access")
class PersonEmergencyAccess(MethodView):
    @if_match(required=False)
    @blp.arguments(EmergencyAccessCreateSchema)
    @blp.response(201, EmergencyAccessSchema)
    def post(self, data, person_id: uuid.UUID, expected_version: int | None):
        """Break the glass: read this person outside your role's rows for EMERGENCY_ACCESS_HOURS, with
        the reason. Every read in that time is audited with it, and the auditor reviews the openings."""
        return emergency.open_access(person_id, data, expected_version=expected_version), 201


@blp.route("/<uuid:person_id>/blocks")
class PersonBlocks(MethodView):
    @blp.response(200, BlockSchema(many=True))
    def get(self, person_id: uuid.UUID):
        """The users barred from this person (in force and lifted), newest first."""
        return blocks.blocks_of(person_id)

    @idempotent
    @if_match(required=False)
    @blp.arguments(BlockCreateSchema)
    @blp.response(201, BlockSchema)
    def post(self, data, person_id: uuid.UUID, expected_version: int | None):
        """Bar a user from this person: to them the person becomes what a random id is, everywhere."""
        block = blocks.create_block(person_id, data, expected_version=expected_version)
        return block, 201, etag_headers(block)


@blp.route("/<uuid:person_id>/blocks/<uuid:block_id>")
class PersonBlockById(MethodView):
    @blp.response(200, BlockSchema)
    def get(self, person_id: uuid.UUID, block_id: uuid.UUID):
        block = blocks.get_block(person_id, block_id)
        return block, 200, etag_headers(block)


@blp.route("/<uuid:person_id>/blocks/<uuid:block_id>/lift")
class PersonBlockLift(MethodView):
    @if_match(required=False)
    @blp.arguments(BlockLiftSchema)
    @blp.response(200, BlockSchema)
    def post(self, data, person_id: uuid.UUID, block_id: uuid.UUID, expected_version: int | None):
        """Lift a block, with the reason; the user sees the person again as their role allows."""
        block = blocks.lift_block(person_id, block_id, data, expected_version=expected_version)
        return block, 200, etag_headers(block)


@blocks_blp.route("")
class Blocks(MethodView):
    @blocks_blp.arguments(BlockQuerySchema, location="query")
    @blocks_blp.response(200, BlockSchema(many=True))
    @blocks_blp.paginate(**PAGINATION)
    def get(self, filters, pagination_parameters):
        """The municipality's blocks you may see, newest first (e.g. every person a user is barred from)."""
        items, pagination_parameters.item_count = blocks.list_blocks(
            filters, pagination_parameters.page, pagination_parameters.page_size)
        return items
