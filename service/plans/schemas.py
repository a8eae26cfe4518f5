import marshmallow as ma
from marshmallow import validate

from service.auth import matrix
from service.auth.fields import NeedToKnow
from service.common.fields import Date, Derived, Section
from service.common.i18n import N_
from service.plans.models import GOAL_AREAS, GOAL_STATUSES, MEASURE_STATUSES, STATUSES

_TEXT = validate.Length(max=10000)
_SHORT = validate.Length(min=1, max=200)


class _Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE


# --------------------------------------------------------------------------- plan

class ConsentSchema(ma.Schema):
    given_on = Date(attribute="consent_given_on")
    scope = ma.fields.String(attribute="consent_scope", allow_none=True)
    information_sharing = ma.fields.Boolean(attribute="consent_information_sharing")


class CoordinatorSchema(ma.Schema):
    user_id = ma.fields.UUID(attribute="coordinator_user_id", allow_none=True,
                             metadata={"description": "null for a named person outside the system"})
    name = Derived(lambda plan: (plan.coordinator_user.display_name or plan.coordinator_user.username)
                   if plan.coordinator_user is not None else plan.coordinator_name,
                   metadata={"type": "string",
                             "description": "the user's display name, or the named person"})
    contact = ma.fields.String(attribute="coordinator_contact", allow_none=True)
    appointed_on = Date(attribute="coordinator_appointed_on", allow_none=True)


class PlanSchema(NeedToKnow):
    RESOURCE = matrix.PLAN

    id = ma.fields.UUID(dump_only=True)
    person_id = ma.fields.UUID(dump_only=True)
    status = ma.fields.String(dump_only=True, metadata={"enum": list(STATUSES)})
    coordinator_only = ma.fields.Boolean(
        dump_only=True, metadata={"description": "Declined the plan but kept the coordinator (§ 7-2)"})
    requested_on = Date(dump_only=True)
    request_note = ma.fields.String(dump_only=True, allow_none=True)
    needs = ma.fields.String(dump_only=True, allow_none=True)
    person_contribution = ma.fields.String(dump_only=True, allow_none=True)
    relatives_contribution = ma.fields.String(dump_only=True, allow_none=True)
    services_contribution = ma.fields.String(dump_only=True, allow_none=True)
    cooperation = ma.fields.String(dump_only=True, allow_none=True)
    period_from = Date(dump_only=True, allow_none=True)
    period_to = Date(dump_only=True, allow_none=True)
    consent = Section(ConsentSchema, lambda plan: plan.consent_given_on is not None,
                      metadata={"description": "null until given"})
    coordinator = Section(CoordinatorSchema, lambda plan: plan.has_coordinator,
                          metadata={"description": "null until appointed"})
    decision_id = ma.fields.UUID(dump_only=True, allow_none=True)
    next_evaluation_on = Date(dump_only=True, allow_none=True)
    evaluation_overdue = ma.fields.Boolean(
        dump_only=True,
        metadata={"description": "Active and next_evaluation_on before today (derived by the database)"})
    activated_on = Date(dump_only=True, allow_none=True)
    declined_on = Date(dump_only=True, allow_none=True)
    decline_reason = ma.fields.String(dump_only=True, allow_none=True)
    closed_on = Date(dump_only=True, allow_none=True)
    close_reason = ma.fields.String(dump_only=True, allow_none=True)
    version = ma.fields.Integer(dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class PlanCreateSchema(_Strict):
    person_id = ma.fields.UUID(required=True)
    requested_on = Date(required=True, metadata={"description": "When the person asked for an individual plan"})
    request_note = ma.fields.String(allow_none=True, validate=_TEXT)
    needs = ma.fields.String(allow_none=True, validate=_TEXT)
    decision_id = ma.fields.UUID(allow_none=True,
                                 metadata={"description": "Decision on 'individuell-plan-koordinator', if any"})


class PlanUpdateSchema(_Strict):
    requested_on = Date(metadata={"description": "Only while the plan is requested"})
    request_note = ma.fields.String(allow_none=True, validate=_TEXT)
    needs = ma.fields.String(allow_none=True, validate=_TEXT)
    person_contribution = ma.fields.String(allow_none=True, validate=_TEXT)
    relatives_contribution = ma.fields.String(allow_none=True, validate=_TEXT)
    services_contribution = ma.fields.String(allow_none=True, validate=_TEXT)
    cooperation = ma.fields.String(allow_none=True, validate=_TEXT,
                                   metadata={"description": "Cooperation with other agencies"})
    period_from = Date(allow_none=True)
    period_to = Date(allow_none=True)
    next_evaluation_on = Date(allow_none=True)
    decision_id = ma.fields.UUID(allow_none=True)


class PlanQuerySchema(ma.Schema):
    status = ma.fields.String(validate=validate.OneOf(STATUSES))
    person_id = ma.fields.UUID()
    coordinator = ma.fields.UUID(metadata={"description": "The coordinator's user id"})
    coordinator_only = ma.fields.Boolean()
    evaluation_due_before = Date(
        metadata={"description": "Active plans whose next evaluation is before this date"})


class PlanConsentSchema(_Strict):
    given_on = Date(required=True, metadata={"description": "When the person consented"})
    scope = ma.fields.String(required=True, validate=validate.Length(min=3, max=500),
                             metadata={"description": "What the consent covers"})
    information_sharing = ma.fields.Boolean(
        load_default=False, metadata={"description": "Consent to sharing information in the responsibility group"})


class PlanAppointCoordinatorSchema(_Strict):
    user_id = ma.fields.UUID(metadata={"description": "A user with the coordinator role"})
    name = ma.fields.String(validate=_SHORT, metadata={"description": "A named coordinator outside the system"})
    contact = ma.fields.String(allow_none=True, validate=validate.Length(max=200))
    appointed_on = Date(required=True, metadata={"description": "When the coordinator was appointed"})

    @ma.validates_schema
    def _one_coordinator(self, data, **kwargs):
        has_user, has_name = data.get("user_id") is not None, bool((data.get("name") or "").strip())
        if has_user == has_name:
            raise ma.ValidationError(N_("give either user_id or name"), field_name="user_id")


class PlanActivateSchema(_Strict):
    activated_on = Date(required=True, metadata={"description": "When the plan took effect"})
    next_evaluation_on = Date(
        metadata={"description": "Defaults to the plan's, else activation + PLAN_EVALUATION_INTERVAL_MONTHS"})


class PlanDeclineSchema(_Strict):
    coordinator_only = ma.fields.Boolean(
        required=True, metadata={"description": "True when the person declines the plan but keeps the coordinator"})
    declined_on = Date(required=True, metadata={"description": "When the person declined the plan"})
    reason = ma.fields.String(allow_none=True, validate=validate.Length(max=500))


class PlanCloseSchema(_Strict):
    reason = ma.fields.String(required=True, validate=validate.Length(min=3, max=500))
    closed_on = Date(required=True, metadata={"description": "When the plan ended"})


# --------------------------------------------------------------------------- plan parts

class _PartSchema(NeedToKnow):
    RESOURCE = matrix.PLAN

    id = ma.fields.UUID(dump_only=True)
    plan_id = ma.fields.UUID(dump_only=True)
    version = ma.fields.Integer(dump_only=True)
    created_at = ma.fields.DateTime(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)


class PlanMemberSchema(_PartSchema):
    organisation = ma.fields.String()
    role = ma.fields.String()
    name = ma.fields.String()
    contact = ma.fields.String(allow_none=True)
    joined_on = Date()
    ended_on = Date(allow_none=True)


class PlanMemberCreateSchema(_Strict):
    organisation = ma.fields.String(required=True, validate=_SHORT)
    role = ma.fields.String(required=True, validate=validate.Length(min=1, max=120))
    name = ma.fields.String(required=True, validate=_SHORT)
    contact = ma.fields.String(allow_none=True, validate=validate.Length(max=200))
    joined_on = Date(metadata={"description": "Defaults to today"})
    ended_on = Date(allow_none=True)


class PlanMemberUpdateSchema(_Strict):
    organisation = ma.fields.String(validate=_SHORT)
    role = ma.fields.String(validate=validate.Length(min=1, max=120))
    name = ma.fields.String(validate=_SHORT)
    contact = ma.fields.String(allow_none=True, validate=validate.Length(max=200))
    joined_on = Date()
    ended_on = Date(allow_none=True, metadata={"description": "Set when the member leaves the group"})


class PlanGoalSchema(_PartSchema):
    area = ma.fields.String(metadata={"enum": list(GOAL_AREAS)})
    text = ma.fields.String()
    target_on = Date(allow_none=True)
    status = ma.fields.String(metadata={"enum": list(GOAL_STATUSES)})


class PlanGoalCreateSchema(_Strict):
    area = ma.fields.String(required=True, validate=validate.OneOf(GOAL_AREAS))
    text = ma.fields.String(required=True, validate=validate.Length(min=1, max=10000))
    target_on = Date(allow_none=True)
    status = ma.fields.String(validate=validate.OneOf(GOAL_STATUSES))


class PlanGoalUpdateSchema(_Strict):
    area = ma.fields.String(validate=validate.OneOf(GOAL_AREAS))
    text = ma.fields.String(validate=validate.Length(min=1, max=10000))
    target_on = Date(allow_none=True)
    status = ma.fields.String(validate=validate.OneOf(GOAL_STATUSES))


class PlanMeasureSchema(_PartSchema):
    goal_id = ma.fields.UUID(allow_none=True)
    description = ma.fields.String()
    extent = ma.fields.String(allow_none=True)
    responsible_organisation = ma.fields.String()
    responsible_name = ma.fields.String(allow_none=True)
    decision_id = ma.fields.UUID(allow_none=True)
    starts_on = Date(allow_none=True)
    ends_on = Date(allow_none=True)
    status = ma.fields.String(metadata={"enum": list(MEASURE_STATUSES)})


class PlanMeasureCreateSchema(_Strict):
    goal_id = ma.fields.UUID(allow_none=True)
    description = ma.fields.String(required=True, validate=validate.Length(min=1, max=10000))
    extent = ma.fields.String(allow_none=True, validate=validate.Length(max=200),
                              metadata={"description": "e.g. '2 timer per uke'"})
    responsible_organisation = ma.fields.String(required=True, validate=_SHORT)
    responsible_name = ma.fields.String(allow_none=True, validate=validate.Length(max=200))
    decision_id = ma.fields.UUID(allow_none=True, metadata={"description": "The decision granting it, if any"})
    starts_on = Date(allow_none=True)
    ends_on = Date(allow_none=True)
    status = ma.fields.String(validate=validate.OneOf(MEASURE_STATUSES))


class PlanMeasureUpdateSchema(_Strict):
    goal_id = ma.fields.UUID(allow_none=True)
    description = ma.fields.String(validate=validate.Length(min=1, max=10000))
    extent = ma.fields.String(allow_none=True, validate=validate.Length(max=200))
    responsible_organisation = ma.fields.String(validate=_SHORT)
    responsible_name = ma.fields.String(allow_none=True, validate=validate.Length(max=200))
    decision_id = ma.fields.UUID(allow_none=True)
    starts_on = Date(allow_none=True)
    ends_on = Date(allow_none=True)
    status = ma.fields.String(validate=validate.OneOf(MEASURE_STATUSES))


class PlanEvaluationSchema(_PartSchema):
    evaluated_on = Date()
    summary = ma.fields.String()
    next_evaluation_on = Date()


class PlanEvaluationCreateSchema(_Strict):
    evaluated_on = Date(required=True)
    summary = ma.fields.String(required=True, validate=validate.Length(min=1, max=10000))
    next_evaluation_on = Date(required=True)
