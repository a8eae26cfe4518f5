"""The person overview's answer: typed sections built from the features' own schemas."""

import marshmallow as ma

from service.decisions.models import STATES
from service.decisions.schemas import AppealSchema, DecisionSchema
from service.housing.schemas import NeedSchema, OfferSchema, TenancySchema
from service.persons.schemas import PersonSchema
from service.plans.schemas import (
    PlanEvaluationSchema,
    PlanGoalSchema,
    PlanMeasureSchema,
    PlanMemberSchema,
    PlanSchema,
)
from service.referrals.schemas import ReferralSchema

_HIDDEN = "; null when your role may not list them"


class OverviewPlanSchema(PlanSchema):
    members = ma.fields.List(ma.fields.Nested(PlanMemberSchema), dump_only=True,
                             metadata={"description": "The responsibility group's current members"})
    goals = ma.fields.List(ma.fields.Nested(PlanGoalSchema), dump_only=True)
    measures = ma.fields.List(ma.fields.Nested(PlanMeasureSchema), dump_only=True,
                              metadata={"description": "Planned and ongoing measures"})
    last_evaluation = ma.fields.Nested(PlanEvaluationSchema, dump_only=True, allow_none=True)


class PersonOverviewSchema(ma.Schema):
    person = ma.fields.Nested(PersonSchema, dump_only=True)
    referrals = ma.fields.List(ma.fields.Nested(ReferralSchema), dump_only=True, allow_none=True,
                               metadata={"description": "Open referrals" + _HIDDEN})
    decisions = ma.fields.Dict(
        keys=ma.fields.String(metadata={"enum": list(STATES)}),
        values=ma.fields.List(ma.fields.Nested(DecisionSchema)), dump_only=True, allow_none=True,
        metadata={"description": "The decisions you may see, by state (only states that occur)" + _HIDDEN})
    appeals = ma.fields.List(ma.fields.Nested(AppealSchema), dump_only=True, allow_none=True,
                             metadata={"description": "Appeals against the person's decisions" + _HIDDEN})
    housing_needs = ma.fields.List(ma.fields.Nested(NeedSchema), dump_only=True, allow_none=True,
                                   metadata={"description": "Newest first" + _HIDDEN})
    housing_offers = ma.fields.List(ma.fields.Nested(OfferSchema), dump_only=True, allow_none=True,
                                    metadata={"description": "Newest first" + _HIDDEN})
    housing_tenancies = ma.fields.List(ma.fields.Nested(TenancySchema), dump_only=True, allow_none=True,
                                       metadata={"description": "Newest first" + _HIDDEN})
    plan = ma.fields.Nested(OverviewPlanSchema, dump_only=True, allow_none=True,
                            metadata={"description": "The open individual plan, else the latest; null when "
                                                     "there is none or your role may not list plans"})
