from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from service.labels import services
from service.labels.schemas import LABEL_TABLE

blp = Blueprint("labels", __name__, url_prefix="/api/v1", description="The labels of the API's codes")


@blp.route("/labels")
class Labels(MethodView):
    @blp.response(200, LABEL_TABLE)
    def get(self):
        """The bokmål and English label of every code, by domain (e.g. decision_state.draft)."""
        return jsonify(services.label_table())
