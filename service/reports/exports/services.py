"""Find a snapshot, record its download and render it in the municipality's written standard.

Every download is one audited ``export`` of the snapshot (``reports.services.record_export``,
with the format in the detail, as the API's ``.json`` read records its own). Reading last year's snapshot
and the trend's months for the same file is part of that one export.

The text is in ``REPORT_LOCALE`` whatever the client's ``Accept-Language``: the files are
pasted into the municipality's plan, which is written in its own standard.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale

from service.auth.models import Municipality
from service.common.errors import NotFound
from service.common.i18n import _
from service.common.tenancy import current_municipality_id
from service.extensions import db
from service.reports.exports import content, csvzip
from service.reports.services import find_snapshot, record_export, report_tables

MIMETYPES = {
    "zip": "application/zip",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
FORMATS = tuple(MIMETYPES)


@dataclass(frozen=True)
class Download:
    content: bytes
    mimetype: str
    filename: str


def download(period_key: str, fmt: str, *, version: int | None = None, table: str | None = None) -> Download:
    """The file of a snapshot in ``fmt`` (``zip``, ``csv`` with ``table``, ``xlsx``, ``docx``), audited."""
    if fmt not in MIMETYPES:
        raise NotFound(_("No such report format."))
    snapshot = find_snapshot(period_key, version)
    if fmt == "csv" and table not in snapshot.tables:
        raise NotFound(_("The snapshot of %(period)s has no table %(table)s.", period=snapshot.period, table=table))
    municipality = db.session.get(Municipality, current_municipality_id())
    record_export(snapshot, f"{fmt} {table}" if fmt == "csv" else fmt)
    with force_locale(current_app.config["REPORT_LOCALE"]):
        export = content.build(snapshot, municipality=municipality.name, municipality_number=municipality.number,
                               definitions={t.key: t for t in report_tables()},
                               with_comparisons=fmt in ("xlsx", "docx"))
        data = render(export, fmt, table)
    stem = f"tjenestespor-{municipality.number}-{snapshot.period}-v{snapshot.version}"
    return Download(data, MIMETYPES[fmt], f"{stem}-{table}.csv" if fmt == "csv" else f"{stem}.{fmt}")


def render(export: content.Export, fmt: str, table: str | None = None) -> bytes:
    """The bytes of one format (inside ``force_locale``)."""
    if fmt == "csv":
        return csvzip.table_csv(export, export.table(table))
    if fmt == "zip":
        return csvzip.zip_of(export)
    if fmt == "xlsx":
        from service.reports.exports import xlsx

        return xlsx.workbook(export)
    from service.reports.exports import docx

    return docx.chapter(export)
