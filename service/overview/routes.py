import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from service.overview import services
from service.overview.schemas import PersonOverviewSchema

blp = Blueprint("overview", __name__, url_prefix="/api/v1/persons",
                description="One person on one page: referrals, decisions, appeals, housing and plan")


@blp.route("/<uuid:person_id>/overview")
class PersonOverview(MethodView):
    @blp.response(200, PersonOverviewSchema)
    def get(self, person_id: uuid.UUID):
        """The person with open referrals, decisions by state, appeals, plan and housing."""
        return services.person_overview(person_id)
