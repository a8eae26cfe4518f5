"""Answers and requests of the auditor's follow-up (service/audit/review.py)."""

import marshmallow as ma
from marshmallow import validate

from service.audit.review_models import FINDINGS
from service.audit.schemas import AuditEventSchema
from service.common.fields import Integer, Label
from service.persons.schemas import EmergencyAccessSchema

_PERIOD = validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$")


class ReviewSchema(ma.Schema):
    id = ma.fields.UUID(dump_only=True)
    event_id = ma.fields.UUID(dump_only=True)
    finding = ma.fields.String(dump_only=True, validate=validate.OneOf(FINDINGS))
    finding_label = Label("audit_review_finding", attribute="finding",
                          metadata={"description": "The finding's label (label domain audit_review_finding)"})
    note = ma.fields.String(dump_only=True, allow_none=True)
    reviewed_by = ma.fields.UUID(dump_only=True, allow_none=True)
    created_at = ma.fields.DateTime(dump_only=True, metadata={"description": "When the review was recorded"})


class ReviewCreateSchema(ma.Schema):
    event_id = ma.fields.UUID(required=True, metadata={"description": "The audit event reviewed"})
    finding = ma.fields.String(required=True, validate=validate.OneOf(FINDINGS), metadata={
        "description": "ok: nothing to remark; follow_up: to be followed up (say with whom and why in note)"})
    note = ma.fields.String(allow_none=True, validate=validate.Length(max=1000))


class ReviewedEventSchema(AuditEventSchema):
    review = ma.fields.Nested(ReviewSchema, dump_only=True, allow_none=True,
                              metadata={"description": "The auditor's review; null while not reviewed"})


class SampleQuerySchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    period = ma.fields.String(required=True, validate=_PERIOD, metadata={"description": "The month, YYYY-MM"})
    n = Integer(load_default=20, validate=validate.Range(min=1, max=500),
                metadata={"description": "How many accesses to draw (all when the month has fewer)"})


class SampleSchema(ma.Schema):
    period = ma.fields.String()
    seed = ma.fields.Integer(metadata={"description": "SHA-256 of \"<municipality number>:<period>\", first 8 bytes "
                                                      "big-endian (docs/security.md)"})
    population = ma.fields.Integer(metadata={"description": "The month's person accesses the sample is drawn from"})
    n = ma.fields.Integer()
    sample = ma.fields.List(ma.fields.Nested(ReviewedEventSchema), metadata={"description": "In chain order"})
    outside_rule_count = ma.fields.Integer()
    outside_rule = ma.fields.List(ma.fields.Nested(ReviewedEventSchema), metadata={
        "description": "Emergency openings and the reads in them, barred attempts and refused requests of the "
                       "month, in chain order (the first 1000; the rest through GET /audit)"})


class EmergencyOpeningSchema(EmergencyAccessSchema):
    active = ma.fields.Boolean(dump_only=True)
    reads = ma.fields.Integer(dump_only=True, metadata={"description": "Requests that read the person in the opening"})


class EmergencyOpeningQuerySchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    user_id = ma.fields.UUID()
    person_id = ma.fields.UUID()
    active = ma.fields.Boolean()
    opened_from = ma.fields.AwareDateTime(default_timezone=None)
    opened_to = ma.fields.AwareDateTime(default_timezone=None)
