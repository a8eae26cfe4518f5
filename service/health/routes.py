from flask.views import MethodView
from flask_smorest import Blueprint

from service.health.services import health

blp = Blueprint("health", __name__, url_prefix="/api/v1", description="Liveness and readiness")


@blp.route("/health")
class Health(MethodView):
    @blp.response(200)
    @blp.alt_response(503, description="Database unreachable or schema behind")
    def get(self):
        """Database reachability, migration state and scheduler state (no token needed)."""
        report, ok = health()
        return report, 200 if ok else 503
