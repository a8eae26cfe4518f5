import marshmallow as ma
from marshmallow import validate

from service.catalogue.models import REPORT_GROUPS
from service.common.fields import Date, Integer
from service.common.i18n import N_

_CODE = validate.Regexp(r"^[a-z0-9][a-z0-9-]{0,59}$", error=N_("use lower-case letters, digits and '-'"))


class ServiceTypeSchema(ma.Schema):
    code = ma.fields.String(dump_only=True)
    name_nb = ma.fields.String(dump_only=True)
    kpr_code = ma.fields.String(dump_only=True, allow_none=True)
    hour_based = ma.fields.Boolean(dump_only=True)
    default_legal_basis = ma.fields.String(dump_only=True, allow_none=True)
    report_group = ma.fields.String(dump_only=True)
    active = ma.fields.Boolean(dump_only=True)
    version = ma.fields.Integer(dump_only=True)


class ServiceTypeUpdateSchema(ma.Schema):
    name_nb = ma.fields.String(validate=validate.Length(min=1, max=300))
    kpr_code = ma.fields.String(allow_none=True, validate=validate.Regexp(r"^[0-9]{1,4}$"))
    hour_based = ma.fields.Boolean()
    default_legal_basis = ma.fields.String(allow_none=True)
    report_group = ma.fields.String(validate=validate.OneOf(REPORT_GROUPS))
    active = ma.fields.Boolean()


class ServiceTypeCreateSchema(ServiceTypeUpdateSchema):
    code = ma.fields.String(required=True, validate=_CODE)
    name_nb = ma.fields.String(required=True, validate=validate.Length(min=1, max=300))
    hour_based = ma.fields.Boolean(required=True)
    report_group = ma.fields.String(required=True, validate=validate.OneOf(REPORT_GROUPS))


class ServiceTypeQuerySchema(ma.Schema):
    report_group = ma.fields.String(validate=validate.OneOf(REPORT_GROUPS))
    hour_based = ma.fields.Boolean()
    active = ma.fields.Boolean()
    kpr_code = ma.fields.String()


class LegalBasisSchema(ma.Schema):
    code = ma.fields.String(dump_only=True)
    name_nb = ma.fields.String(dump_only=True)
    law_reference = ma.fields.String(dump_only=True)
    appeal_period_days = ma.fields.Integer(dump_only=True)
    appeal_rule = ma.fields.String(dump_only=True)
    appeal_body = ma.fields.String(dump_only=True)
    appeal_period_moves = ma.fields.Boolean(dump_only=True, metadata={
        "description": "a deadline on a Saturday, Sunday or public holiday moves to the next working day "
                       "(domstolloven § 149)"})
    valid_from = Date(dump_only=True, allow_none=True)
    valid_to = Date(dump_only=True, allow_none=True)
    replaced_by = ma.fields.String(dump_only=True, allow_none=True)
    active = ma.fields.Boolean(dump_only=True)
    version = ma.fields.Integer(dump_only=True)


class LegalBasisUpdateSchema(ma.Schema):
    name_nb = ma.fields.String(validate=validate.Length(min=1, max=300))
    law_reference = ma.fields.String(validate=validate.Length(min=1, max=300))
    appeal_period_days = Integer(validate=validate.Range(min=1, max=366))
    appeal_rule = ma.fields.String(validate=validate.Length(min=1, max=200))
    appeal_body = ma.fields.String(validate=validate.Length(min=1, max=200))
    appeal_period_moves = ma.fields.Boolean()
    valid_from = Date(allow_none=True, metadata={"description": "first day in force; null: always"})
    valid_to = Date(allow_none=True, metadata={"description": "last day in force; null: open"})
    replaced_by = ma.fields.String(allow_none=True, validate=_CODE, metadata={
        "description": "the basis that takes over after valid_to (used for defaults)"})
    active = ma.fields.Boolean()


class LegalBasisCreateSchema(LegalBasisUpdateSchema):
    code = ma.fields.String(required=True, validate=_CODE)
    name_nb = ma.fields.String(required=True, validate=validate.Length(min=1, max=300))
    law_reference = ma.fields.String(required=True, validate=validate.Length(min=1, max=300))
    appeal_period_days = Integer(required=True, validate=validate.Range(min=1, max=366))
    appeal_rule = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    appeal_body = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))


class LegalBasisQuerySchema(ma.Schema):
    active = ma.fields.Boolean()
