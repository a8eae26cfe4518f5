import marshmallow as ma
from marshmallow import validate

from service.auth import matrix
from service.auth.fields import NeedToKnow
from service.common.fields import Date, Derived, Integer
from service.housing.models import (
    HOMELESS_SITUATIONS,
    HOUSING_SITUATIONS,
    INSPECTION_RESULTS,
    NEED_CATEGORIES,
    NEED_STATUSES,
    OFFER_STATUSES,
    OWNERS,
    RISK_CLASSES,
    STAFFING_LEVELS,
    TENANCY_END_REASONS,
    UNAVAILABLE_REASONS,
    UNIT_STATUSES,
    UNIT_TYPES,
    URGENCIES,
)
from service.persons.schemas import LOCATION_HIDDEN, PROTECTION_DESCRIPTION

_REASON = validate.Length(min=3, max=500)


class UnitSchema(ma.Schema):
    id = ma.fields.UUID(dump_only=True)
    label = ma.fields.String()
    address = ma.fields.String(allow_none=True)
    complex = ma.fields.String(allow_none=True)
    district = ma.fields.String(allow_none=True)
    unit_type = ma.fields.String()
    features = ma.fields.List(ma.fields.String())
    risk_class = ma.fields.String(allow_none=True, metadata={"description": "The class matching uses"})
    derived_risk_class = ma.fields.String(allow_none=True, metadata={"description": "From the features"})
    class_overridden = Derived(lambda u: u.class_override_reason is not None)
    class_override_reason = ma.fields.String(allow_none=True)
    staffing = ma.fields.String()
    substance_free = ma.fields.Boolean()
    max_stay_months = ma.fields.Integer(allow_none=True)
    capacity = ma.fields.Integer()
    owner = ma.fields.String()
    status = ma.fields.String()
    unavailable_reason = ma.fields.String(allow_none=True)
    unavailable_note = ma.fields.String(allow_none=True)
    next_inspection_on = Date(allow_none=True)
    version = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class _UnitFields(ma.Schema):
    label = ma.fields.String(validate=validate.Length(min=1, max=80))
    address = ma.fields.String(allow_none=True, validate=validate.Length(max=200))
    complex = ma.fields.String(allow_none=True, validate=validate.Length(min=1, max=120))
    district = ma.fields.String(allow_none=True, validate=validate.Length(max=80))
    unit_type = ma.fields.String(validate=validate.OneOf(UNIT_TYPES))
    features = ma.fields.List(ma.fields.String(), metadata={
        "description": "Feature codes of the safety checklist; the risk class is derived from them"})
    risk_class_override = ma.fields.String(allow_none=True, validate=validate.OneOf(RISK_CLASSES),
                                           metadata={"description": "Manual class; null clears it"})
    class_override_reason = ma.fields.String(allow_none=True, validate=validate.Length(max=500))
    staffing = ma.fields.String(validate=validate.OneOf(STAFFING_LEVELS))
    substance_free = ma.fields.Boolean()
    max_stay_months = Integer(allow_none=True, validate=validate.Range(min=1, max=600))
    capacity = Integer(validate=validate.Range(min=1, max=200))
    owner = ma.fields.String(validate=validate.OneOf(OWNERS))
    next_inspection_on = Date(allow_none=True)


class UnitCreateSchema(_UnitFields):
    label = ma.fields.String(required=True, validate=validate.Length(min=1, max=80))
    unit_type = ma.fields.String(required=True, validate=validate.OneOf(UNIT_TYPES))


class UnitUpdateSchema(_UnitFields):
    pass


class UnitQuerySchema(ma.Schema):
    risk_class = ma.fields.String(validate=validate.OneOf(RISK_CLASSES))
    unclassified = ma.fields.Boolean(metadata={"description": "Only units without a class"})
    class_overridden = ma.fields.Boolean()
    status = ma.fields.String(validate=validate.OneOf(UNIT_STATUSES))
    unit_type = ma.fields.String(validate=validate.OneOf(UNIT_TYPES))
    complex = ma.fields.String()
    district = ma.fields.String()
    substance_free = ma.fields.Boolean()
    staffing = ma.fields.String(validate=validate.OneOf(STAFFING_LEVELS))
    owner = ma.fields.String(validate=validate.OneOf(OWNERS))
    inspection_due = ma.fields.Boolean(metadata={"description": "next_inspection_on missing, passed or within "
                                                                "HOUSING_INSPECTION_DUE_DAYS"})


class InspectionCreateSchema(ma.Schema):
    inspected_on = Date(required=True)
    features = ma.fields.List(ma.fields.String(), required=True)
    result = ma.fields.String(validate=validate.OneOf(INSPECTION_RESULTS))
    notes = ma.fields.String(allow_none=True, validate=validate.Length(max=2000))
    next_inspection_on = Date(allow_none=True)
    risk_class_override = ma.fields.String(allow_none=True, validate=validate.OneOf(RISK_CLASSES))
    class_override_reason = ma.fields.String(allow_none=True, validate=validate.Length(max=500))


class InspectionSchema(ma.Schema):
    id = ma.fields.UUID()
    unit_id = ma.fields.UUID()
    inspected_on = Date()
    features = ma.fields.List(ma.fields.String())
    result = ma.fields.String()
    derived_risk_class = ma.fields.String(allow_none=True)
    notes = ma.fields.String(allow_none=True)
    next_inspection_on = Date(allow_none=True)
    inspected_by = ma.fields.UUID(allow_none=True)
    created_at = ma.fields.DateTime()


class UnavailableSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=validate.OneOf(UNAVAILABLE_REASONS))
    note = ma.fields.String(allow_none=True, validate=validate.Length(max=500))


class EmptySchema(ma.Schema):
    pass


class CandidatesQuerySchema(ma.Schema):
    limit = Integer(validate=validate.Range(min=1, max=10000),
                    metadata={"description": "Most candidates and most excluded to list (each)"})


class _MatchedUnit(ma.Schema):
    unit_id = ma.fields.String(allow_none=True, metadata={"description": LOCATION_HIDDEN})
    unit_label = ma.fields.String(allow_none=True, metadata={"description": "The unit's label; " + LOCATION_HIDDEN})
    unit_address = ma.fields.String(allow_none=True, metadata={"description": LOCATION_HIDDEN})
    risk_class = ma.fields.String(allow_none=True, metadata={"description": "null: not classified"})


class _MatchedNeed(NeedToKnow):
    RESOURCE = matrix.HOUSING_MATCH

    need_id = ma.fields.String()
    person_id = ma.fields.String(allow_none=True, metadata={"description": "null for a role that may not see persons"})
    person_name = ma.fields.String(allow_none=True, metadata={"description": "null for a role that may not see persons"})
    address_protection = ma.fields.String(allow_none=True, metadata={"description": PROTECTION_DESCRIPTION})


class CandidateSchema(_MatchedUnit, _MatchedNeed):
    score = ma.fields.Float()
    score_terms = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Float(),
                                 metadata={"description": "Score term → points; labels in GET /labels (score_term)"})


class ExplanationSchema(ma.Schema):
    rule = ma.fields.String()
    text = ma.fields.String(metadata={"description": "Why the rule excludes the pair, with the values, "
                                                     "in the caller's language (bokmål by default)"})


class ExclusionSchema(_MatchedUnit, _MatchedNeed):
    reasons = ma.fields.List(ma.fields.String(), metadata={"description": "Rule codes (exclusion_rule)"})
    explanations = ma.fields.List(ma.fields.Nested(ExplanationSchema))


class CandidatesSchema(ma.Schema):
    unit_id = ma.fields.String()
    need_id = ma.fields.String()
    candidates = ma.fields.List(ma.fields.Nested(CandidateSchema), metadata={"description": "Best first"})
    excluded = ma.fields.List(ma.fields.Nested(ExclusionSchema))
    candidate_count = ma.fields.Integer()
    excluded_count = ma.fields.Integer()


class ProposalRequestSchema(ma.Schema):
    unit_ids = ma.fields.List(ma.fields.UUID(), metadata={"description": "Restrict to these units"})
    need_ids = ma.fields.List(ma.fields.UUID(), metadata={"description": "Restrict to these needs"})


class ProposalSchema(ma.Schema):
    pairs = ma.fields.List(ma.fields.Nested(CandidateSchema), metadata={"description": "Best first"})
    unassigned_need_ids = ma.fields.List(ma.fields.String())
    unassigned_unit_ids = ma.fields.List(ma.fields.String())
    unassigned_needs = ma.fields.List(ma.fields.Nested(_MatchedNeed), metadata={"description": "In waiting order"})
    unassigned_units = ma.fields.List(ma.fields.Nested(_MatchedUnit))
    total_score = ma.fields.Float()


# --- needs ---

class NeedSchema(NeedToKnow):
    RESOURCE = matrix.HOUSING_NEED

    id = ma.fields.UUID()
    person_id = ma.fields.UUID()
    registered_on = Date()
    category = ma.fields.String()
    required_risk_class = ma.fields.String()
    required_staffing = ma.fields.String()
    active_substance_use = ma.fields.Boolean()
    requires_substance_free = ma.fields.Boolean()
    housing_situation = ma.fields.String()
    homeless = Derived(lambda n: n.housing_situation in HOMELESS_SITUATIONS)
    urgency = ma.fields.String()
    needed_by = Date(allow_none=True)
    preferred_areas = ma.fields.List(ma.fields.String(), allow_none=True, metadata={"description": LOCATION_HIDDEN})
    avoid_person_ids = ma.fields.List(ma.fields.String())
    decision_id = ma.fields.UUID(allow_none=True)
    notes = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    parked_until = Date(allow_none=True)
    park_reason = ma.fields.String(allow_none=True)
    withdrawn_on = Date(allow_none=True)
    withdraw_reason = ma.fields.String(allow_none=True)
    address_protection = ma.fields.String(metadata={"description": PROTECTION_DESCRIPTION})
    version = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class _NeedFields(ma.Schema):
    category = ma.fields.String(validate=validate.OneOf(NEED_CATEGORIES))
    required_risk_class = ma.fields.String(validate=validate.OneOf(RISK_CLASSES))
    required_staffing = ma.fields.String(validate=validate.OneOf(STAFFING_LEVELS))
    active_substance_use = ma.fields.Boolean()
    requires_substance_free = ma.fields.Boolean()
    housing_situation = ma.fields.String(validate=validate.OneOf(HOUSING_SITUATIONS))
    urgency = ma.fields.String(validate=validate.OneOf(URGENCIES))
    needed_by = Date(allow_none=True)
    preferred_areas = ma.fields.List(ma.fields.String(validate=validate.Length(max=80)),
                                     validate=validate.Length(max=20))
    avoid_person_ids = ma.fields.List(ma.fields.UUID(), validate=validate.Length(max=50))
    decision_id = ma.fields.UUID(allow_none=True)
    notes = ma.fields.String(allow_none=True, validate=validate.Length(max=2000))


class NeedCreateSchema(_NeedFields):
    person_id = ma.fields.UUID(required=True)
    registered_on = Date(required=True, metadata={"description": "When the need was registered; "
                                                                 "waiting time counts from here"})
    category = ma.fields.String(required=True, validate=validate.OneOf(NEED_CATEGORIES))
    housing_situation = ma.fields.String(required=True, validate=validate.OneOf(HOUSING_SITUATIONS))


class NeedUpdateSchema(_NeedFields):
    pass


class NeedQuerySchema(ma.Schema):
    status = ma.fields.String(validate=validate.OneOf(NEED_STATUSES),
                              metadata={"description": "waiting includes parked needs whose date has come"})
    required_risk_class = ma.fields.String(validate=validate.OneOf(RISK_CLASSES))
    required_staffing = ma.fields.String(validate=validate.OneOf(STAFFING_LEVELS))
    category = ma.fields.String(validate=validate.OneOf(NEED_CATEGORIES))
    housing_situation = ma.fields.String(validate=validate.OneOf(HOUSING_SITUATIONS))
    urgency = ma.fields.String(validate=validate.OneOf(URGENCIES))
    homeless = ma.fields.Boolean(metadata={"description": "In one of the four homelessness-count categories"})
    waiting_longer_than = Integer(validate=validate.Range(min=0, max=36500),
                                  metadata={"description": "Open and registered more than N days ago"})
    person_id = ma.fields.UUID()


class ParkSchema(ma.Schema):
    until = Date(required=True)
    reason = ma.fields.String(required=True, validate=_REASON)


class WithdrawNeedSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=_REASON)
    withdrawn_on = Date(required=True, metadata={"description": "When the need was withdrawn; waiting ends here"})


# --- offers and tenancies ---

def _tenancy_id(offer):
    """The tenancy an accepted offer became (``HousingOffer.tenancy``, loaded by the service)."""
    if offer.status != "accepted" or offer.tenancy is None:
        return None
    return str(offer.tenancy.id)


class OfferSchema(NeedToKnow):
    RESOURCE = matrix.HOUSING_OFFER

    id = ma.fields.UUID()
    unit_id = ma.fields.UUID(allow_none=True, metadata={"description": LOCATION_HIDDEN})
    need_id = ma.fields.UUID()
    person_id = ma.fields.UUID()
    offered_on = Date()
    respond_by = Date()
    status = ma.fields.String()
    responded_on = Date(allow_none=True)
    decline_reason = ma.fields.String(allow_none=True)
    withdraw_reason = ma.fields.String(allow_none=True)
    class_mismatch_reason = ma.fields.String(allow_none=True)
    tenancy_id = Derived(_tenancy_id)
    unit_label = Derived(lambda o: o.unit.label, allow_none=True,
                         metadata={"type": "string", "description": "The unit's label; " + LOCATION_HIDDEN})
    address_protection = ma.fields.String(metadata={"description": PROTECTION_DESCRIPTION})
    version = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class OfferCreateSchema(ma.Schema):
    unit_id = ma.fields.UUID(required=True)
    need_id = ma.fields.UUID(required=True)
    respond_by = Date(required=True)
    offered_on = Date(required=True, metadata={"description": "When the offer was made to the person"})
    class_mismatch_reason = ma.fields.String(allow_none=True, validate=_REASON,
                                             metadata={"description": "Required when the unit's class is "
                                                                      "lower than the need requires"})


class OfferQuerySchema(ma.Schema):
    status = ma.fields.String(validate=validate.OneOf(OFFER_STATUSES))
    unit_id = ma.fields.UUID()
    need_id = ma.fields.UUID()
    person_id = ma.fields.UUID()


_RESPONDED_ON = {"description": "When the person answered (not in the future, not before offered_on); "
                                "judged against respond_by. Default: the day the answer is recorded"}


class AcceptSchema(ma.Schema):
    start_on = Date(required=True)
    responded_on = Date(allow_none=True, metadata=_RESPONDED_ON)
    class_mismatch_reason = ma.fields.String(allow_none=True, validate=_REASON)


class DeclineSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=_REASON)
    responded_on = Date(allow_none=True, metadata=_RESPONDED_ON)


class WithdrawOfferSchema(ma.Schema):
    reason = ma.fields.String(allow_none=True, validate=validate.Length(max=500))


class TenancySchema(NeedToKnow):
    RESOURCE = matrix.HOUSING_TENANCY

    id = ma.fields.UUID()
    unit_id = ma.fields.UUID(allow_none=True, metadata={"description": LOCATION_HIDDEN})
    unit_label = Derived(lambda t: t.unit.label, allow_none=True,
                         metadata={"type": "string", "description": "The unit's label; " + LOCATION_HIDDEN})
    person_id = ma.fields.UUID()
    need_id = ma.fields.UUID(allow_none=True)
    offer_id = ma.fields.UUID(allow_none=True)
    start_on = Date()
    planned_end_on = Date(allow_none=True)
    ended_on = Date(allow_none=True)
    end_reason = ma.fields.String(allow_none=True)
    end_note = ma.fields.String(allow_none=True)
    active = Derived(lambda t: t.ended_on is None)
    class_mismatch_reason = ma.fields.String(allow_none=True)
    address_protection = ma.fields.String(metadata={"description": PROTECTION_DESCRIPTION})
    version = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class TenancyQuerySchema(ma.Schema):
    active = ma.fields.Boolean()
    unit_id = ma.fields.UUID()
    person_id = ma.fields.UUID()
    end_reason = ma.fields.String(validate=validate.OneOf(TENANCY_END_REASONS))
    class_mismatch = ma.fields.Boolean()
    planned_end_before = Date()


class EndTenancySchema(ma.Schema):
    ended_on = Date(required=True)
    reason = ma.fields.String(required=True, validate=validate.OneOf(TENANCY_END_REASONS))
    note = ma.fields.String(allow_none=True, validate=validate.Length(max=500))
