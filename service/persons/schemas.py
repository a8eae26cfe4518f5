import marshmallow as ma
from marshmallow import validate

from service.common.fields import Date
from service.persons.access import may_see_national_id
from service.persons.models import MINOR_CHILDREN, SEXES
from service.persons.national_id import mask_national_id


def _masked(value: str | None) -> str | None:
    return value if may_see_national_id() else mask_national_id(value)


class PersonSchema(ma.Schema):
    id = ma.fields.UUID(dump_only=True)
    national_id = ma.fields.Function(lambda p: _masked(p.national_id), dump_only=True,
                                     metadata={"description": "Masked (******12345) unless your role may see it"})
    national_id_missing_reason = ma.fields.String(dump_only=True, allow_none=True)
    name = ma.fields.String(dump_only=True)
    birth_date = Date(dump_only=True)
    sex = ma.fields.String(dump_only=True, allow_none=True)
    district = ma.fields.String(dump_only=True, allow_none=True)
    has_minor_children = ma.fields.String(dump_only=True)
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
