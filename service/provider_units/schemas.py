import marshmallow as ma
from marshmallow import validate

from service.provider_units.models import NAME_MAX

_NAME = validate.Length(min=1, max=NAME_MAX)


class ProviderUnitSchema(ma.Schema):
    id = ma.fields.UUID(dump_only=True)
    municipality_id = ma.fields.UUID(dump_only=True)
    name = ma.fields.String(dump_only=True)
    active = ma.fields.Boolean(dump_only=True, metadata={
        "description": "false: retired; existing decisions keep it, new ones cannot name it"})
    version = ma.fields.Integer(dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class ProviderUnitCreateSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=_NAME, metadata={
        "description": "unique in the municipality, e.g. 'Psykisk helseteam'"})
    active = ma.fields.Boolean(load_default=True)


class ProviderUnitUpdateSchema(ma.Schema):
    name = ma.fields.String(validate=_NAME, metadata={
        "description": "a rename shows on every decision of the unit"})
    active = ma.fields.Boolean()


class ProviderUnitQuerySchema(ma.Schema):
    active = ma.fields.Boolean()
