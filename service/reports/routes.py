import io

from flask import send_file
from flask.views import MethodView
from flask_smorest import Blueprint

from service.common.errors import NotFound, ValidationFailed
from service.common.i18n import _
from service.reports import services
from service.reports.exports import services as exports
from service.reports.schemas import (
    BuildOutcomeSchema,
    BuildSchema,
    LiveReportSchema,
    PeriodQuerySchema,
    SnapshotListQuerySchema,
    SnapshotQuerySchema,
    SnapshotSchema,
    SnapshotSummarySchema,
)

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports",
                description="Monthly and yearly plan-status tables, suppressed and frozen (planner, administrator)")


@blp.route("/monthly")
class Snapshots(MethodView):
    @blp.arguments(SnapshotListQuerySchema, location="query")
    @blp.response(200, SnapshotSummarySchema(many=True))
    def get(self, query):
        """Every stored snapshot, newest period and version first (without the tables)."""
        return services.list_snapshots(query.get("period"))

    @blp.arguments(BuildSchema)
    @blp.response(200, BuildOutcomeSchema)
    def post(self, data):
        """Build a period's tables now: a new version when they differ (with a reason), else nothing."""
        return services.build_snapshot(data["period"], reason=data.get("reason"), trigger="manual")


_DOWNLOADS = {fmt: {"schema": {"type": "string", "format": "binary"}} for fmt in exports.MIMETYPES.values()}


@blp.route("/monthly/<string:period>")
class SnapshotOfPeriod(MethodView):
    @blp.arguments(SnapshotQuerySchema, location="query")
    @blp.response(200, SnapshotSchema)
    @blp.doc(responses={200: {"content": _DOWNLOADS}})
    def get(self, query, period: str):
        """A period's snapshot with its tables (newest version; `?version=` for an older one).
        `{period}.json` is the same answer; `{period}.zip` (a CSV per table and a README),
        `{period}.csv?table=T3` (one table), `{period}.xlsx` (workbook with charts) and
        `{period}.docx` (a draft status chapter) are downloads of it in the municipality's written standard."""
        key, _dot, fmt = period.partition(".")
        fmt = fmt or "json"
        if fmt != "json" and fmt not in exports.FORMATS:
            raise NotFound(_("No such report format."))
        if fmt == "csv" and not query.get("table"):
            raise ValidationFailed.field("table", _("A .csv download is one table: give ?table= (or download "
                                                    "the .zip of every table)."))
        if fmt != "csv" and query.get("table"):
            raise ValidationFailed.field("table", _("Only a .csv download is of one table."))
        if fmt == "json":
            return services.read_snapshot(key, query.get("version"))
        download = exports.download(key, fmt, version=query.get("version"), table=query.get("table"))
        return send_file(io.BytesIO(download.content), mimetype=download.mimetype, as_attachment=True,
                         download_name=download.filename, max_age=0)


@blp.route("/live")
class LiveReport(MethodView):
    @blp.arguments(PeriodQuerySchema, location="query")
    @blp.response(200, LiveReportSchema)
    def get(self, query):
        """A period's tables computed now and not stored, suppressed the same way (period ends only)."""
        return services.live_report(query["period"])
