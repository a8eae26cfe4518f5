from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from service.auth import services
from service.auth.schemas import MeSchema, UserQuerySchema, UserSchema
from service.common.pagination import PAGINATION

blp = Blueprint("auth", __name__, url_prefix="/api/v1",
                description="The caller's identity and the municipality's users")


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, MeSchema)
    def get(self):
        """Who the token belongs to: user, role and municipality."""
        return g.current_user


@blp.route("/users")
class Users(MethodView):
    @blp.arguments(UserQuerySchema, location="query")
    @blp.response(200, UserSchema(many=True))
    @blp.paginate(**PAGINATION)
    def get(self, filters, pagination_parameters):
        """Your municipality's users, by display name then username (e.g. to pick a coordinator)."""
        items, pagination_parameters.item_count = services.list_users(
            filters, pagination_parameters.page, pagination_parameters.page_size)
        return items
