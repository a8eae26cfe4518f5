"""The tables as CSV files, one per table, and a zip of them all with a README.txt.

Written for Excel in a Norwegian locale, which is what a planner opens them with: UTF-8 with
a byte-order mark (without it Excel reads æøå as cp1252), ``;`` between cells (``,`` is the
decimal sign there), a decimal comma and no thousands separator (so a number stays a number),
CRLF line ends. A hidden cell is "–". A text that Excel would take for a formula (starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import zipfile

from babel.numbers import format_decimal

from service.common import clock
from service.common.i18n import _, format_day
from service.reports.exports.content import HIDDEN, Cell, Column, Export, Table, unit_label

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """A text Excel shows as it is, never evaluates (OWASP's CSV-injection advice)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_number(value: int | float, locale: str) -> str:
    whole = float(value).is_integer()
    return format_decimal(int(value) if whole else value, "0" if whole else "0.0#", locale=locale)


def _cell(cell: Cell, locale: str) -> str:
    if cell.hidden:
        return HIDDEN
    return "" if cell.value is None else csv_number(cell.value, locale)


def table_csv(export: Export, table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(["", *(safe_text(column.label) for column in table.columns)])
    for (_code, label), cells in zip(table.rows, table.cells, strict=True):
        writer.writerow([safe_text(label), *(_cell(cell, export.locale) for cell in cells)])
    return (BOM + out.getvalue()).encode("utf-8")


def _with_unit(column: Column) -> str:
    """"Received (referrals)"; the label alone where it names its unit already ("Hours per week", "… (%)")."""
    unit = unit_label(column.unit) if column.unit else ""
    if not unit or unit.lower() in column.label.lower() or (column.unit == "percent" and "%" in column.label):
        return column.label
    return f"{column.label} ({unit.lower()})"


def readme(export: Export) -> bytes:
    period = export.period
    lines = [
        _("Plan-status tables: %(municipality)s", municipality=export.municipality),
        "",
        _("Period: %(period)s (%(start)s–%(end)s)", period=export.period_text(),
          start=format_day(period.start), end=format_day(period.end)),
        export.version_text(),
        _("Built: %(moment)s", moment=export.generated_text()),
        "",
        _("Small counts"),
        export.suppression_rule(),
        "",
        _("The files"),
        _("Each table is a CSV file: UTF-8, cells separated by semicolons, decimal comma. A hidden cell is "
          "shown as –, a cell that does not apply is empty."),
    ]
    for table in export.tables:
        lines += ["", f"{table.key}.csv: {table.title}"]
        if table.definition:
            lines.append(table.definition)
        lines.append(_("Columns: %(columns)s", columns="; ".join(_with_unit(column) for column in table.columns)))
    return (BOM + "\r\n".join(lines) + "\r\n").encode("utf-8")


def zip_of(export: Export) -> bytes:
    """Every table's CSV and the README; the entries dated when the snapshot was generated."""
    stamp = export.snapshot.generated_at.astimezone(clock.local_timezone()).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("README.txt", stamp), readme(export), zipfile.ZIP_DEFLATED)
        for table in export.tables:
            archive.writestr(zipfile.ZipInfo(f"{table.key}.csv", stamp), table_csv(export, table),
                             zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
