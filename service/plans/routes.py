import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from service.common.http import etag_headers, if_match
from service.common.idempotency import idempotent
from service.common.pagination import PAGINATION
from service.plans import consent, evaluations, goals, members, services
from service.plans import schemas as s

blp = Blueprint("plans", __name__, url_prefix="/api/v1/plans",
                description="Individual plans (individuell plan) and coordinators")


@blp.route("")
class Plans(MethodView):
    @blp.arguments(s.PlanQuerySchema, location="query")
    @blp.response(200, s.PlanSchema(many=True))
    @blp.paginate(**PAGINATION)
    def get(self, filters, pagination_parameters):
        """List the plans you may see (filters: status, person, coordinator, evaluation due before)."""
        items, pagination_parameters.item_count = services.list_plans(
            filters, pagination_parameters.page, pagination_parameters.page_size)
        return items

    @idempotent
    @blp.arguments(s.PlanCreateSchema)
    @blp.response(201, s.PlanSchema)
    def post(self, data):
        """Register a request for an individual plan. 409 when the person already has an open plan."""
        plan = services.create_plan(data)
        return plan, 201, etag_headers(plan)


@blp.route("/<uuid:plan_id>")
class PlanById(MethodView):
    @blp.response(200, s.PlanSchema)
    def get(self, plan_id: uuid.UUID):
        plan = services.get_plan(plan_id)
        return plan, 200, etag_headers(plan)

    @if_match(required=True)
    @blp.arguments(s.PlanUpdateSchema)
    @blp.response(200, s.PlanSchema)
    def patch(self, data, plan_id: uuid.UUID, expected_version: int | None):
        """Complete or correct the plan's content. Needs ``If-Match``."""
        plan = services.update_plan(plan_id, data, expected_version=expected_version)
        return plan, 200, etag_headers(plan)


def _action(path: str, schema, func, doc: str):
    class Action(MethodView):
        @if_match(required=False)
        @blp.arguments(schema)
        @blp.response(200, s.PlanSchema)
        def post(self, data, plan_id: uuid.UUID, expected_version: int | None):
            plan = func(plan_id, data, expected_version=expected_version)
            return plan, 200, etag_headers(plan)

    Action.post.__doc__ = doc
    Action.__name__ = "Plan" + path.title().replace("-", "")
    blp.route(f"/<uuid:plan_id>/{path}")(Action)


_action("consent", s.PlanConsentSchema, consent.give_consent,
        "Record the person's consent; a requested plan moves to in_preparation.")
_action("appoint-coordinator", s.PlanAppointCoordinatorSchema, services.appoint_coordinator,
        "Appoint the coordinator: user_id (a coordinator user) or name (outside the system).")
_action("activate", s.PlanActivateSchema, services.activate,
        "Activate a plan in preparation; needs consent and a coordinator.")
_action("decline", s.PlanDeclineSchema, services.decline,
        "The person declines the plan; coordinator_only keeps the coordinator offer.")
_action("close", s.PlanCloseSchema, services.close, "Close the plan with a reason.")


def _parts(path: str, schema, create_schema, update_schema, list_f, create_f, get_f, update_f, noun: str):
    class Parts(MethodView):
        @blp.response(200, schema(many=True))
        @blp.paginate(**PAGINATION)
        def get(self, plan_id: uuid.UUID, pagination_parameters):
            items, pagination_parameters.item_count = list_f(
                plan_id, pagination_parameters.page, pagination_parameters.page_size)
            return items

        @idempotent
        @if_match(required=False)
        @blp.arguments(create_schema)
        @blp.response(201, schema)
        def post(self, data, plan_id: uuid.UUID, expected_version: int | None):
            item = create_f(plan_id, data, expected_version=expected_version)
            return item, 201, etag_headers(item)

    Parts.get.__doc__ = f"List the plan's {noun}s."
    Parts.post.__doc__ = f"Add a {noun} to the plan. An If-Match, when sent, is the plan's ETag."
    Parts.__name__ = f"Plan{path.title()}"
    blp.route(f"/<uuid:plan_id>/{path}")(Parts)

    class Part(MethodView):
        @blp.response(200, schema)
        def get(self, plan_id: uuid.UUID, item_id: uuid.UUID):
            item = get_f(plan_id, item_id)
            return item, 200, etag_headers(item)

    if update_schema is not None:
        @if_match(required=True)
        @blp.arguments(update_schema)
        @blp.response(200, schema)
        def patch(self, data, plan_id: uuid.UUID, item_id: uuid.UUID, expected_version: int | None):
            item = update_f(plan_id, item_id, data, expected_version=expected_version)
            return item, 200, etag_headers(item)

        patch.__doc__ = f"Change a {noun}. Needs ``If-Match``."
        Part.patch = patch
        Part.methods = {"GET", "PATCH"}

    Part.get.__doc__ = f"One {noun} of the plan."
    Part.__name__ = f"Plan{path.title()}Item"
    blp.route(f"/<uuid:plan_id>/{path}/<uuid:item_id>")(Part)


_parts("members", s.PlanMemberSchema, s.PlanMemberCreateSchema, s.PlanMemberUpdateSchema,
       members.list_members, members.add_member, members.get_member, members.update_member,
       "responsibility-group member")
_parts("goals", s.PlanGoalSchema, s.PlanGoalCreateSchema, s.PlanGoalUpdateSchema,
       goals.list_goals, goals.add_goal, goals.get_goal, goals.update_goal, "goal")
_parts("measures", s.PlanMeasureSchema, s.PlanMeasureCreateSchema, s.PlanMeasureUpdateSchema,
       goals.list_measures, goals.add_measure, goals.get_measure, goals.update_measure, "measure")
_parts("evaluations", s.PlanEvaluationSchema, s.PlanEvaluationCreateSchema, None,
       evaluations.list_evaluations, evaluations.add_evaluation, evaluations.get_evaluation, None,
       "evaluation")
