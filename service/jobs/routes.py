from flask.views import MethodView
from flask_smorest import Blueprint

from service.jobs import services
from service.jobs.schemas import JobRunSchema, JobSchema, RunJobSchema

blp = Blueprint("jobs", __name__, url_prefix="/api/v1/jobs", description="Scheduled jobs (administrator)")


@blp.route("")
class Jobs(MethodView):
    @blp.response(200, JobSchema(many=True))
    def get(self):
        """Each job: its schedule, its next run and its last runs (with the caller's municipality's counts)."""
        return services.list_jobs()


@blp.route("/<string:name>/run")
class RunJob(MethodView):
    @blp.arguments(RunJobSchema)
    @blp.response(200, JobRunSchema)
    def post(self, data, name: str):
        """Run the job now for the caller's municipality (a manual run, `as_of` to replay a day)."""
        return services.run_job(name, data)
