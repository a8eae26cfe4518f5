import marshmallow as ma
from marshmallow import validate

from service.auth import matrix
from service.auth.fields import NeedToKnow
from service.common.fields import Date, Integer, Section
from service.common.i18n import N_
from service.referrals.models import CHANNELS, SOURCES, STATUSES, URGENCIES

_TEXT = validate.Length(max=10000)



class PreliminaryReplySentSchema(ma.Schema):
    sent_on = Date(attribute="preliminary_reply_sent_on")
    reason = ma.fields.String(attribute="preliminary_reply_reason")
    expected_by = Date(attribute="preliminary_reply_expected_by")

class ReferralSchema(NeedToKnow):
    RESOURCE = matrix.REFERRAL

    id = ma.fields.UUID(dump_only=True)
    person_id = ma.fields.UUID(dump_only=True)
    received_on = Date(dump_only=True)
    source = ma.fields.String(dump_only=True)
    channel = ma.fields.String(dump_only=True)
    requested_services = ma.fields.List(ma.fields.String(), dump_only=True)
    urgency = ma.fields.String(dump_only=True)
    care_pathway = ma.fields.Integer(dump_only=True, allow_none=True)
    summary = ma.fields.String(dump_only=True, allow_none=True)
    assigned_to = ma.fields.UUID(dump_only=True, allow_none=True)
    status = ma.fields.String(dump_only=True)
    answer_due_on = Date(dump_only=True, metadata={
        "description": "received_on + 1 calendar month (forvaltningsloven § 11 a)"})
    reply_overdue = ma.fields.Boolean(dump_only=True, metadata={
        "description": "open, no preliminary reply, and answer_due_on has passed (derived by the database)"})
    preliminary_reply = Section(PreliminaryReplySentSchema, lambda referral: referral.preliminary_reply_sent_on is not None,
                                metadata={"description": "null until sent (forvaltningsloven § 11 a)"})
    assessment_started_on = Date(dump_only=True, allow_none=True)
    decided_on = Date(dump_only=True, allow_none=True)
    closed_on = Date(dump_only=True, allow_none=True)
    close_reason = ma.fields.String(dump_only=True, allow_none=True)
    forwarded_to = ma.fields.String(dump_only=True, allow_none=True)
    version = ma.fields.Integer(dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class _ReferralFields(ma.Schema):
    received_on = Date()
    source = ma.fields.String(validate=validate.OneOf(SOURCES))
    channel = ma.fields.String(validate=validate.OneOf(CHANNELS))
    requested_services = ma.fields.List(ma.fields.String(validate=validate.Length(min=1, max=60)),
                                        validate=validate.Length(max=30))
    urgency = ma.fields.String(validate=validate.OneOf(URGENCIES))
    care_pathway = Integer(allow_none=True, validate=validate.OneOf((1, 2, 3)), metadata={
        "description": "Sammen om mestring: 1 mild/short, 2 serious-short or mild-long, 3 serious-long"})
    summary = ma.fields.String(allow_none=True, validate=_TEXT)


class ReferralCreateSchema(_ReferralFields):
    person_id = ma.fields.UUID(required=True)
    received_on = Date(required=True)
    source = ma.fields.String(required=True, validate=validate.OneOf(SOURCES))
    channel = ma.fields.String(required=True, validate=validate.OneOf(CHANNELS))
    assigned_to = ma.fields.UUID(allow_none=True)


class ReferralUpdateSchema(_ReferralFields):
    pass


class ReferralQuerySchema(ma.Schema):
    status = ma.fields.String(validate=validate.OneOf(STATUSES))
    source = ma.fields.String(validate=validate.OneOf(SOURCES))
    urgency = ma.fields.String(validate=validate.OneOf(URGENCIES))
    person_id = ma.fields.UUID()
    assigned_to = ma.fields.UUID()
    open = ma.fields.Boolean(metadata={"description": "true: received or assessing"})
    received_from = Date(metadata={"description": "received on or after"})
    received_to = Date(metadata={"description": "received on or before"})
    reply_due_before = Date(metadata={"description": "answer_due_on strictly before this date"})

    @ma.validates_schema
    def _ordered(self, data, **kwargs):
        if data.get("received_from") and data.get("received_to") and data["received_to"] < data["received_from"]:
            raise ma.ValidationError(N_("must not be before received_from"), field_name="received_to")


class OnDateSchema(ma.Schema):
    on = Date(metadata={"description": "defaults to today: the office's own working step, "
                                       "no deadline runs from it"})


class AssignSchema(ma.Schema):
    user_id = ma.fields.UUID(required=True)


class PreliminaryReplySchema(ma.Schema):
    sent_on = Date(required=True, metadata={"description": "when the preliminary reply was sent "
                                                           "(forvaltningsloven § 11 a)"})
    reason = ma.fields.String(required=True, validate=validate.Length(min=3, max=2000))
    expected_by = Date(required=True)


class WithdrawSchema(ma.Schema):
    on = Date(required=True, metadata={"description": "when the referral was withdrawn"})
    reason = ma.fields.String(allow_none=True, validate=validate.Length(max=2000))


class ForwardSchema(ma.Schema):
    on = Date(required=True, metadata={"description": "when the referral was sent on"})
    to = ma.fields.String(required=True, validate=validate.Length(min=2, max=200),
                          metadata={"description": "who the referral was sent on to, e.g. DPS"})
    reason = ma.fields.String(allow_none=True, validate=validate.Length(max=2000))
