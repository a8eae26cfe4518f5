from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from service.auth.schemas import MeSchema

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="The caller's identity")


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, MeSchema)
    def get(self):
        """Who the token belongs to: user, role and municipality."""
        return g.current_user
