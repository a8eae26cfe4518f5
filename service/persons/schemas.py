import marshmallow as ma
from marshmallow import validate

from service.auth import matrix
from service.auth.fields import NeedToKnow
from service.common.fields import Date, Derived
from service.persons.models import ADDRESS_PROTECTIONS, BLOCK_REASONS, MINOR_CHILDREN, SEXES

LOCATION_HIDDEN = "null where the person's address protection hides it from your role"
# Shown beside every row whose location fields the marking rules (docs/security.md, "Protected addresses").
PROTECTION_DESCRIPTION = ("The person's address protection: none, confidential (fortrolig adresse, kode 7) or "
                          "strictly_confidential (strengt fortrolig adresse, kode 6). Where the person lives or is "
                          "offered to live is null for a role the access matrix does not name for the marking")


class PersonSchema(NeedToKnow):
    """A person; the national id and the birth date as the caller's role may see them
    (docs/security.md, "The access matrix")."""

    RESOURCE = matrix.PERSON

    id = ma.fields.UUID(dump_only=True)
    national_id = ma.fields.String(dump_only=True, allow_none=True, metadata={
        "description": f"null when there is none; \"{matrix.NATIONAL_ID_MASK}\" (not one digit) unless your role "
                       "may see it"})
    national_id_missing_reason = ma.fields.String(dump_only=True, allow_none=True)
    name = ma.fields.String(dump_only=True)
    birth_date = Date(dump_only=True, allow_none=True, metadata={
        "description": "null unless your role may see the national id: with it, the date would rebuild the number"})
    birth_year = Derived(lambda p: p.birth_date.year if p.birth_date else None, dump_only=True,
                         metadata={"type": "integer"})
    sex = ma.fields.String(dump_only=True, allow_none=True)
    district = ma.fields.String(dump_only=True, allow_none=True, metadata={"description": LOCATION_HIDDEN})
    has_minor_children = ma.fields.String(dump_only=True)
    address_protection = ma.fields.String(dump_only=True, metadata={
        "enum": list(ADDRESS_PROTECTIONS), "description": PROTECTION_DESCRIPTION})
    version = ma.fields.Integer(dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class _PersonFields(ma.Schema):
    national_id = ma.fields.String(allow_none=True, metadata={"description": "11 digits; validated, never echoed"})
    national_id_missing_reason = ma.fields.String(allow_none=True, validate=validate.Length(min=3, max=200))
    name = ma.fields.String(validate=validate.Length(min=1, max=200))
    birth_date = Date(metadata={"description": (
        "Defaults to the date in the national id when omitted. With a national id it must have the "
        "id's day, month and two-digit year (any century), except a D-number, which accepts any date. "
        "Required for an FH-number and for an id valid only under the 2032 check-digit rule.")})
    sex = ma.fields.String(allow_none=True, validate=validate.OneOf(SEXES))
    district = ma.fields.String(allow_none=True, validate=validate.Length(max=80))
    has_minor_children = ma.fields.String(validate=validate.OneOf(MINOR_CHILDREN))


class PersonCreateSchema(_PersonFields):
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))


class PersonUpdateSchema(_PersonFields):
    pass


class PersonSearchSchema(ma.Schema):
    national_id = ma.fields.String(required=True)


class PersonQuerySchema(ma.Schema):
    name = ma.fields.String(validate=validate.Length(min=1, max=200),
                            metadata={"description": "Case-insensitive part of the name"})
    district = ma.fields.String()
    birth_date = Date()


# --- per-person blocks ---

class BlockSchema(NeedToKnow):
    RESOURCE = matrix.PERSON_BLOCK

    id = ma.fields.UUID(dump_only=True)
    person_id = ma.fields.UUID(dump_only=True)
    user_id = ma.fields.UUID(dump_only=True)
    user_name = Derived(lambda b: b.user.display_name or b.user.username, dump_only=True,
                        metadata={"type": "string", "description": "the barred user's name"})
    user_role = Derived(lambda b: b.user.role, dump_only=True, metadata={"type": "string"})
    reason = ma.fields.String(dump_only=True, metadata={"enum": list(BLOCK_REASONS)})
    note = ma.fields.String(dump_only=True, allow_none=True)
    blocked_by = ma.fields.UUID(dump_only=True, allow_none=True)
    active = Derived(lambda b: b.lifted_at is None, dump_only=True, metadata={"type": "boolean"})
    lifted_at = ma.fields.DateTime(dump_only=True, allow_none=True)
    lifted_by = ma.fields.UUID(dump_only=True, allow_none=True)
    lift_reason = ma.fields.String(dump_only=True, allow_none=True)
    version = ma.fields.Integer(dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class BlockCreateSchema(ma.Schema):
    user_id = ma.fields.UUID(required=True, metadata={"description": "the user barred from the person"})
    reason = ma.fields.String(required=True, validate=validate.OneOf(BLOCK_REASONS), metadata={
        "description": "disqualified (forvaltningsloven § 6), related, person_request (the person asked), other"})
    note = ma.fields.String(allow_none=True, validate=validate.Length(max=500))


class BlockLiftSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=validate.Length(min=3, max=500))


class BlockQuerySchema(ma.Schema):
    user_id = ma.fields.UUID()
    person_id = ma.fields.UUID()
    active = ma.fields.Boolean()


# --- protected addresses and emergency access ---

class AddressProtectionSchema(ma.Schema):
    address_protection = ma.fields.String(required=True, validate=validate.OneOf(ADDRESS_PROTECTIONS), metadata={
        "description": "confidential (fortrolig adresse, kode 7), strictly_confidential (strengt fortrolig "
                       "adresse, kode 6), or none to clear the marking"})
    reason = ma.fields.String(required=True, validate=validate.Length(min=3, max=150), metadata={
        "description": "Why (e.g. the population register's marking of date …); kept in the audit trail"})


class EmergencyAccessCreateSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=validate.Length(min=10, max=500), metadata={
        "description": "Why you must read this person now, outside your role's rows; the auditor reviews it"})


class EmergencyAccessSchema(ma.Schema):
    """An emergency opening ("break the glass"): who opened which person, why, and until when."""

    id = ma.fields.UUID(dump_only=True)
    person_id = ma.fields.UUID(dump_only=True)
    user_id = ma.fields.UUID(dump_only=True)
    user_name = Derived(lambda a: a.user.display_name or a.user.username, dump_only=True,
                        metadata={"type": "string"})
    user_role = Derived(lambda a: a.user.role, dump_only=True, metadata={"type": "string"})
    reason = ma.fields.String(dump_only=True)
    opened_at = ma.fields.DateTime(dump_only=True)
    expires_at = ma.fields.DateTime(dump_only=True, metadata={"description": "The access ends at this instant"})
    created_at = ma.fields.DateTime(dump_only=True)
