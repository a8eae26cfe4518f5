import marshmallow as ma
from marshmallow import validate
from webargs.fields import DelimitedList

from service.auth import matrix
from service.auth.fields import NeedToKnow
from service.common.fields import Date, Decimal, Integer
from service.decisions.models import APPEAL_STATUSES, NOTIFICATION_CHANNELS, OUTCOMES, STATES
from service.provider_units.models import NAME_MAX as UNIT_NAME_MAX

_TEXT = validate.Length(max=20000)


class DecisionSchema(NeedToKnow):
    RESOURCE = matrix.DECISION

    id = ma.fields.UUID(dump_only=True)
    person_id = ma.fields.UUID(dump_only=True)
    referral_id = ma.fields.UUID(dump_only=True, allow_none=True)
    service_code = ma.fields.String(dump_only=True)
    legal_basis = ma.fields.String(dump_only=True)
    outcome = ma.fields.String(dump_only=True)
    hours_per_week = ma.fields.Float(dump_only=True, allow_none=True)
    valid_from = Date(dump_only=True, allow_none=True)
    valid_to = Date(dump_only=True, allow_none=True)
    evaluate_by = Date(dump_only=True, allow_none=True)
    provider_unit_id = ma.fields.UUID(dump_only=True, allow_none=True)
    provider_unit = ma.fields.Pluck("ProviderUnitNameSchema", "name", dump_only=True, allow_none=True,
                                    metadata={"description": "the unit's name"})
    reasoning = ma.fields.String(dump_only=True, allow_none=True,
                                 metadata={"description": "null also when your role may not read it"})
    decided_on = Date(dump_only=True, allow_none=True)
    decided_by = ma.fields.UUID(dump_only=True, allow_none=True)
    notified_on = Date(dump_only=True, allow_none=True, metadata={
        "description": "when the decision reached the person; the appeal period runs from here"})
    notification_sent_on = Date(dump_only=True, allow_none=True)
    notification_channel = ma.fields.String(dump_only=True, allow_none=True,
                                            metadata={"enum": list(NOTIFICATION_CHANNELS)})
    ended_on = Date(dump_only=True, allow_none=True)
    end_reason = ma.fields.String(dump_only=True, allow_none=True)
    supersedes_id = ma.fields.UUID(dump_only=True, allow_none=True)
    superseded_by_id = ma.fields.UUID(dump_only=True, allow_none=True)
    discarded_at = Date(dump_only=True, allow_none=True, metadata={
        "description": "set when the draft was discarded (state discarded)"})
    discard_reason = ma.fields.String(dump_only=True, allow_none=True)
    state = ma.fields.String(dump_only=True, metadata={"enum": list(STATES), "description": "derived, never stored"})
    untimed = ma.fields.Method("_untimed", dump_only=True,
                               metadata={"description": "granted without valid_to (flagged)"})
    appeal_period_days = ma.fields.Integer(dump_only=True)
    appeal_deadline_on = Date(dump_only=True, allow_none=True, metadata={
        "description": "notified_on + the legal basis' appeal period, moved to the next working day when it "
                       "ends on a Saturday, Sunday or public holiday; null until notified"})
    version = ma.fields.Integer(dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)

    def _untimed(self, decision) -> bool:
        return decision.outcome != "refused" and decision.valid_to is None


class _DecisionFields(ma.Schema):
    service_code = ma.fields.String(validate=validate.Length(min=1, max=60))
    legal_basis = ma.fields.String(validate=validate.Length(min=1, max=60),
                                   metadata={"description": "defaults to the service's default legal basis"})
    outcome = ma.fields.String(validate=validate.OneOf(OUTCOMES))
    hours_per_week = Decimal(allow_none=True, places=2, allow_nan=False, as_string=False,
                             metadata={"description": "required for hour-based services; 0 < h ≤ 168"})
    valid_from = Date(allow_none=True)
    valid_to = Date(allow_none=True)
    evaluate_by = Date(allow_none=True)
    provider_unit = ma.fields.String(allow_none=True, validate=validate.Length(min=1, max=UNIT_NAME_MAX),
                                     metadata={"description": "the name of a unit in /provider-units "
                                                              "(or send provider_unit_id)"})
    provider_unit_id = ma.fields.UUID(allow_none=True, metadata={"description": "a unit in /provider-units"})
    reasoning = ma.fields.String(allow_none=True, validate=_TEXT)


class DecisionCreateSchema(_DecisionFields):
    person_id = ma.fields.UUID(required=True)
    referral_id = ma.fields.UUID(allow_none=True)
    supersedes_id = ma.fields.UUID(allow_none=True, metadata={
        "description": "a correction: the new decision supersedes this one"})
    service_code = ma.fields.String(required=True, validate=validate.Length(min=1, max=60))
    decided_on = Date(metadata={"description": "given: the decision is decided at once"})


class DecisionUpdateSchema(_DecisionFields):
    pass


class RenewSchema(_DecisionFields):
    decided_on = Date()


class DecisionQuerySchema(ma.Schema):
    state = DelimitedList(ma.fields.String(validate=validate.OneOf(STATES)),
                                    metadata={"description": "one or more states, comma separated; "
                                                             "discarded drafts are listed only when asked for"})
    service_code = ma.fields.String()
    legal_basis = ma.fields.String()
    outcome = ma.fields.String(validate=validate.OneOf(OUTCOMES))
    person_id = ma.fields.UUID()
    referral_id = ma.fields.UUID()
    provider_unit = ma.fields.String(metadata={"description": "a unit's name"})
    provider_unit_id = ma.fields.UUID()
    active_on = Date(metadata={"description": "decisions active on this date"})
    expiring_within = Integer(validate=validate.Range(min=0, max=3660), metadata={
        "description": "running decisions whose valid_to is within this many days"})


class DecideSchema(ma.Schema):
    decided_on = Date(required=True)


class NotifySchema(ma.Schema):
    notified_on = Date(required=True, metadata={"description": "when the decision reached the person"})
    sent_on = Date(allow_none=True, metadata={"description": "when it was posted, sent or handed over"})
    channel = ma.fields.String(allow_none=True, validate=validate.OneOf(NOTIFICATION_CHANNELS))
    correction_reason = ma.fields.String(validate=validate.Length(min=2, max=500), metadata={
        "description": "required to correct a notification already recorded"})


class DiscardSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=validate.Length(min=2, max=2000),
                              metadata={"description": "why the draft was made by mistake"})


class EndSchema(ma.Schema):
    ended_on = Date(required=True, metadata={"description": "first day without the service"})
    end_reason = ma.fields.String(required=True, validate=validate.Length(min=2, max=2000))


class AppealSchema(NeedToKnow):
    RESOURCE = matrix.APPEAL

    id = ma.fields.UUID(dump_only=True)
    decision_id = ma.fields.UUID(dump_only=True)
    person_id = ma.fields.UUID(dump_only=True)
    received_on = Date(dump_only=True)
    sent_on = Date(dump_only=True, allow_none=True)
    summary = ma.fields.String(dump_only=True, allow_none=True)
    status = ma.fields.String(dump_only=True)
    appeal_period_days = ma.fields.Integer(dump_only=True)
    deadline_on = Date(dump_only=True, allow_none=True, metadata={
        "description": "last day to appeal (moved past weekends and holidays); null until notified"})
    deadline_met = ma.fields.Boolean(dump_only=True, metadata={
        "description": "sent_on (else received_on) ≤ deadline_on; true while not notified"})
    absolute_limit_on = Date(dump_only=True, allow_none=True, metadata={
        "description": "decided_on + 1 year (forvaltningsloven § 31 third paragraph)"})
    beyond_absolute_limit = ma.fields.Boolean(dump_only=True)
    reassessment_started_on = Date(dump_only=True, allow_none=True)
    forwarded_on = Date(dump_only=True, allow_none=True)
    resolved_on = Date(dump_only=True, allow_none=True)
    version = ma.fields.Integer(dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class AppealCreateSchema(ma.Schema):
    received_on = Date(required=True)
    sent_on = Date(allow_none=True, metadata={
        "description": "posted or sent electronically; decides timeliness when given (fvl § 30)"})
    summary = ma.fields.String(allow_none=True, validate=_TEXT)


class AppealUpdateSchema(ma.Schema):
    received_on = Date()
    sent_on = Date(allow_none=True)
    summary = ma.fields.String(allow_none=True, validate=_TEXT)


class AppealStatusSchema(ma.Schema):
    status = ma.fields.String(required=True, validate=validate.OneOf(APPEAL_STATUSES))
    on = Date(required=True, metadata={"description": "the day the appeal reached this step"})


class ProviderUnitNameSchema(ma.Schema):
    name = ma.fields.String(dump_only=True)
