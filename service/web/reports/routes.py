"""Rapporter: the monthly snapshots, their tables and charts, and their downloads.

Each page is the reports API in HTML, through the same services: the list is
``GET /reports/monthly`` (``services.list_snapshots``), a build is ``POST /reports/monthly``
(``services.build_snapshot``, the API's rule that a new version of a period needs a reason), a
snapshot's page is ``GET /reports/monthly/{period}`` (``services.read_snapshot``: one audited
export, its tables labelled by the API's own ``_table_view``), and the files are the API's
downloads (``exports.services.download``: each one audited, in the municipality's written
standard). Nothing here sees a raw count: a snapshot holds only the published cells.

Why the charts come from a route of their own: the page's Content-Security-Policy allows images
of this origin only (no ``data:``), and the exports already draw the charts (matplotlib, greys and
hatches, a hidden cell left out, never drawn as zero). The chart of a table is drawn from the
same snapshot the page shows; fetching it is part of reading that page, as a file's comparisons
are part of its one export, and so it is not audited again.
"""

from __future__ import annotations

import datetime as dt
import io

import marshmallow as ma
from flask import redirect, render_template, request, send_file, url_for
from flask_babel import get_locale

from service.auth import policy
from service.auth.services import user_names
from service.common import clock
from service.common.errors import Conflict, NotFound
from service.common.i18n import N_, _
from service.reports import services
from service.reports.exports import charts, content
from service.reports.exports import services as exports
from service.reports.schemas import BuildSchema, SnapshotSchema, SnapshotSummarySchema, VersionQuerySchema
from service.reports.tables import Period
from service.web.blueprint import may, web_blueprint
from service.web.forms import FormInvalid, Posted, read, submit, typed

blp = web_blueprint("web_reports", __name__, "/reports")

# The files a snapshot's page offers, in the order shown (the API's formats; one table's CSV is in the zip).
DOWNLOADS = (
    ("xlsx", N_("Workbook (XLSX)"), N_("A sheet per table, with charts and the last 12 months")),
    ("docx", N_("Draft chapter (DOCX)"), N_("The tables, charts and main numbers as a status chapter")),
    ("zip", N_("Tables as CSV (ZIP)"), N_("One CSV file per table and a README with the definitions")),
)
# Who built a version when no person did (the snapshot's ``trigger``).
TRIGGERS = {
    "scheduled": N_("The monthly job"),
    "catch_up": N_("The catch-up job"),
    "manual": N_("Built by hand"),
}


def _locale() -> str:
    return str(get_locale())


def _period_text(key: str) -> str:
    """"februar 2026" (a month) or "2025" (a year); the key itself where it is no period."""
    try:
        return content.period_text(Period.parse(key), _locale())
    except ValueError:
        return key


def _last_month() -> str:
    """The month the form proposes: the one before today's, the newest that has ended."""
    return (clock.today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")


def _builders(snapshots) -> dict[str, str]:
    """The names of the users who built ``snapshots`` by hand (the API answers their ids)."""
    return user_names(snapshot.built_by for snapshot in snapshots)


def _built_by(snapshot, names: dict) -> str:
    if snapshot.built_by is not None and str(snapshot.built_by) in names:
        return names[str(snapshot.built_by)]
    return _(TRIGGERS.get(snapshot.trigger, TRIGGERS["manual"]))


def _version_asked() -> int | None:
    """``?version=`` loaded by the API's query schema; a broken one finds nothing (404), since a
    download of another version than the one asked for would be worse than none."""
    raw = request.args.get("version", "")
    if raw == "":
        return None
    try:
        return VersionQuerySchema().load({"version": raw})["version"]
    except ma.ValidationError:
        raise NotFound(_("No such version.")) from None


# --- the list and the build ----------------------------------------------------------------

@blp.get("")
def snapshots(posted: Posted | None = None, unchanged=None):
    """Every stored snapshot (``GET /reports/monthly``), newest first, and the form that builds one."""
    found = services.list_snapshots()
    names = _builders(found)
    rows = [{**SnapshotSummarySchema().dump(snapshot), "period_text": _period_text(snapshot.period),
             "built_at": content.moment_text(snapshot.generated_at), "built_by_text": _built_by(snapshot, names)}
            for snapshot in found]
    posted = posted or Posted({"period": _last_month(), "reason": ""})
    return render_template("reports/snapshots.html", snapshots=rows, form=posted,
                           may_build=may("POST", f"{policy.WEB}/reports"),
                           unchanged=unchanged and {"period": unchanged.period, "version": unchanged.version,
                                                    "period_text": _period_text(unchanged.period)}), posted.status


@blp.post("")
def build():
    """Build a period now (``POST /reports/monthly``): a new version goes to its page; tables equal
    to the newest version store nothing and the list says so. The API refuses a new version
    without a reason (409 ``reason_required``); the page says it beside the reason."""
    posted = Posted(typed(request.form, ("period", "reason")))
    reason_refused = []

    def action():
        data = read(BuildSchema(), posted.values)
        try:
            return services.build_snapshot(data["period"], reason=data.get("reason"), trigger="manual")
        except Conflict as refusal:
            if refusal.code != "reason_required":
                raise
            reason_refused.append(refusal)
            raise FormInvalid({"reason": [refusal.detail]}) from None

    outcome = submit(posted, action)
    if outcome is None:
        if reason_refused:
            posted.status = reason_refused[0].status  # the API's 409: the tables changed, the reason is missing
        return snapshots(posted)
    if outcome.status == "unchanged":
        return snapshots(unchanged=outcome.snapshot)
    return redirect(url_for("web_reports.snapshot", period=outcome.snapshot.period,
                            version=outcome.snapshot.version), 303)


# --- a snapshot --------------------------------------------------------------------------------

@blp.get("/<string:period>")
def snapshot(period: str):
    """A snapshot's tables (``GET /reports/monthly/{period}``: the newest version, or ``?version=``),
    each with its chart and the mark of its hidden cells, and the links to its files."""
    found = services.read_snapshot(period, _version_asked())
    item = SnapshotSchema().dump(found)
    versions = services.list_snapshots(found.period)
    definitions = _definitions()
    tables = []
    for table in item["tables"]:
        drawn = _chart_of(found, table["key"], definitions)
        tables.append({**table, **_laid_out(table), "alt": _chart_alt(table["title"], drawn) if drawn else None,
                       "has_hidden": any(cell["hidden"] for row in table["cells"] for cell in row)})
    return render_template(
        "reports/snapshot.html", snapshot=item, tables=tables, period_text=_period_text(found.period),
        built_at=content.moment_text(found.generated_at), built_by=_built_by(found, _builders([found])),
        versions=[{"version": v.version, "reason": v.reason} for v in versions],
        rule=content.suppression_rule(found.suppression_threshold), hidden=content.HIDDEN,
        downloads=[(fmt, _(text), _(hint)) for fmt, text, hint in DOWNLOADS])


def _laid_out(table: dict) -> dict:
    """The table's header and rows as the page lays them out: a table much wider than it is tall
    (T9's twenty columns) is turned on its side, its columns becoming rows, by the draft chapter's
    own rule, so that it reads without scrolling sideways."""
    from service.reports.exports.docx import TRANSPOSE_FROM_COLUMNS

    rows, columns, cells = table["rows"], table["columns"], table["cells"]
    if len(columns) >= TRANSPOSE_FROM_COLUMNS and len(columns) > len(rows):
        return {"turned": True, "head": [row["label"] for row in rows],
                "body": [(column["label"], [cells[i][j] for i in range(len(rows))])
                         for j, column in enumerate(columns)]}
    return {"turned": False, "head": [column["label"] for column in columns],
            "body": [(row["label"], cells[i]) for i, row in enumerate(rows)]}


def _definitions() -> dict:
    return {table.key: table for table in services.report_tables()}


def _chart_of(snapshot, key: str, definitions: dict):
    """(kind, categories, series, unit) of a table's chart as the exports draw it; None if it has none."""
    spec = content.CHARTS.get(key)
    if spec is None or key not in snapshot.tables:
        return None
    table = content.Table.from_published(key, snapshot.tables[key], definitions)
    data = content.chart_data(table, spec)
    if data is None:
        return None
    categories, series = data
    return spec.kind, categories, series, content.unit_label(series[0][0].unit)


def _chart_alt(title: str, drawn) -> str:
    """What the chart shows, in words: its kind, its series and its categories (the numbers are
    the table's, right above it)."""
    kind, categories, series, _unit = drawn
    names = {"title": title, "series": ", ".join(column.label for column, _cells in series),
             "categories": ", ".join(categories)}
    text = (_("Bar chart of %(title)s: %(series)s for %(categories)s.", **names) if kind == "bar" else
            _("Column chart of %(title)s: %(series)s for %(categories)s.", **names))
    return f'{text} {_("The numbers are in the table above; a hidden cell has no bar.")}'


@blp.get("/<string:period>/charts/<string:table>.png")
def chart(period: str, table: str):
    """A table's chart as a PNG, drawn by the exports' own code in the page's language."""
    found = services.find_snapshot(period, _version_asked())
    drawn = _chart_of(found, table, _definitions())
    if drawn is None:
        raise NotFound(_("The snapshot of %(period)s has no chart of table %(table)s.", period=found.period,
                         table=table))
    kind, categories, series, unit = drawn
    image = charts.png(kind, categories, series, unit=unit, locale=_locale())
    return send_file(io.BytesIO(image), mimetype="image/png", max_age=0)


@blp.get("/<string:period>/files/<string:fmt>")
def download(period: str, fmt: str):
    """A snapshot's file (``GET /reports/monthly/{period}.{fmt}``): the API's own export, audited."""
    if fmt not in {code for code, _text, _hint in DOWNLOADS}:
        raise NotFound(_("No such report format."))
    file = exports.download(period, fmt, version=_version_asked())
    return send_file(io.BytesIO(file.content), mimetype=file.mimetype, as_attachment=True,
                     download_name=file.filename, max_age=0)
