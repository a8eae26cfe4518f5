"""The snapshot as a workbook (XlsxWriter): cover, a sheet per table, the last 12 months, chart data.

Why the charts read a sheet of their own ("chart data") and not the table sheets: Excel plots a
text cell in a series as zero, and a hidden cell on a table sheet is the text "–". On the chart
data sheet a hidden cell is left empty and every chart shows empty cells as gaps, so a hidden
count is never drawn, let alone as 0.

Text is only ever written with ``write_string`` (and the workbook refuses to turn strings into
formulas, numbers or links), so a label that starts with ``=``, ``+``, ``-`` or ``@`` stays the
text it is. Chart titles and series names refer to cells of the chart data sheet for the same
reason: XlsxWriter reads a literal name that starts with ``=`` as a formula.

Numbers are real numbers with a Norwegian number format (``[$-414]``: bokmål; Excel and
LibreOffice show 1 234,5 in a Norwegian locale).
"""

from __future__ import annotations

import io
import math

import xlsxwriter

from service.common import clock
from service.common.i18n import _, format_day
from service.reports.exports.content import (
    CHARTS,
    HIDDEN,
    MAIN_NUMBERS,
    Cell,
    Column,
    Export,
    Table,
    chart_data,
    moment_text,
    published_cell,
    unit_label,
)

TREND_CHARTS = ("T1", "T9")  # the trend sheet's charts: persons served, housing needs waiting
LOCALE_TAGS = {"nb": "[$-414]", "nn": "[$-814]", "en": "[$-809]"}
# Fills a greyscale print tells apart: dark, light, hatched, white (each with a black edge).
SERIES_FILLS = (
    {"fill": {"color": "#404040"}},
    {"fill": {"color": "#B0B0B0"}},
    {"pattern": {"pattern": "wide_upward_diagonal", "fg_color": "#000000", "bg_color": "#FFFFFF"}},
    {"fill": {"color": "#FFFFFF"}},
    {"pattern": {"pattern": "small_grid", "fg_color": "#000000", "bg_color": "#FFFFFF"}},
)
HEADER_ROW = 3  # the table's header row on a table sheet (0-based): title, definition, a blank line above
# A4 landscape inside the margins of ``_print_setup``: 28.7 cm wide (as pixels at 96 dpi), 16.4 cm high
# less the header and footer (in points).
PRINTABLE_WIDTH_PX = 1040
PRINTABLE_HEIGHT_PT = 430


def _sheet_name(text: str) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in text).strip("' ")
    return cleaned[:31] or "Sheet"


def _header_text(text: str) -> str:
    """A header or footer text: ``&`` starts a code there."""
    return text.replace("&", "&&")


class _Book:
    def __init__(self, export: Export):
        self.export = export
        self.buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(self.buffer, {
            "in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
            "strings_to_urls": False})
        tag = LOCALE_TAGS.get(export.locale.split("_")[0], LOCALE_TAGS["nb"])
        book = self.book
        base = {"font_name": "Calibri", "font_size": 11, "valign": "top"}
        self.f = {
            "title": book.add_format({**base, "bold": True, "font_size": 14}),
            "subtitle": book.add_format({**base, "bold": True, "font_size": 12}),
            "text": book.add_format({**base, "text_wrap": True}),
            "label": book.add_format({**base, "bold": True}),
            "note": book.add_format({**base, "italic": True, "font_size": 9, "text_wrap": True}),
            "link": book.add_format({**base, "font_color": "#1F3864", "underline": 1}),
            "header": book.add_format({**base, "bold": True, "bg_color": "#D9D9D9", "border": 1,
                                       "text_wrap": True, "align": "center", "valign": "vcenter"}),
            "row": book.add_format({**base, "border": 1, "text_wrap": True}),
            "row_total": book.add_format({**base, "border": 1, "text_wrap": True, "bold": True}),
            "int": book.add_format({**base, "border": 1, "num_format": f"{tag}#,##0"}),
            "dec": book.add_format({**base, "border": 1, "num_format": f"{tag}#,##0.0"}),
            "int_total": book.add_format({**base, "border": 1, "bold": True, "num_format": f"{tag}#,##0"}),
            "dec_total": book.add_format({**base, "border": 1, "bold": True, "num_format": f"{tag}#,##0.0"}),
            "hidden": book.add_format({**base, "border": 1, "align": "right"}),
            "hidden_total": book.add_format({**base, "border": 1, "align": "right", "bold": True}),
            "empty": book.add_format({**base, "border": 1}),
            "data": book.add_format({**base, "num_format": f"{tag}#,##0.##"}),
        }
        self.num_formats = {"int": f"{tag}#,##0", "dec": f"{tag}#,##0.0"}
        self.period_text = export.period_text()
        self.source = _("Source: tjenestespor, snapshot of %(period)s, version %(version)s, built %(moment)s.",
                        period=self.period_text, version=export.snapshot.version, moment=export.generated_text())
        # The chart data sheet: blocks (first row, title, categories, series) laid out as the charts
        # are made, written last so that the sheet comes last in the workbook.
        self.data_name = _sheet_name(_("Chart data"))
        self.data_row = 3
        self.data_blocks: list[tuple] = []

    # --- common ---

    def _print_setup(self, sheet) -> None:
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        sheet.set_margins(left=0.5, right=0.5, top=0.8, bottom=0.8)
        sheet.set_header(f"&L{_header_text(self.export.municipality)}&R{_header_text(self.period_text)}")
        page = _header_text(_("Page %(page)s of %(pages)s", page="\x00P", pages="\x00N")).replace("\x00", "&")
        sheet.set_footer(f"&R{page}")

    def _wrapped_row(self, sheet, row: int, text: str, width_chars: float, *, fmt="text", last_col: int = 0) -> float:
        """A long text across ``last_col + 1`` columns, its row tall enough for the lines it needs (returned)."""
        if last_col > 0:
            sheet.merge_range(row, 0, row, last_col, "", self.f[fmt])
        sheet.write_string(row, 0, text, self.f[fmt])
        # characters per line: a column width counts digits of the default font; notes are 9 pt
        per_line = max(width_chars * (1.15 if fmt == "note" else 0.95), 10)
        lines = sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
        height = (12.5 if fmt == "note" else 15.0) * lines + 2
        sheet.set_row(row, height)
        return height

    # --- cover ---

    def cover(self) -> None:
        export, snapshot, period = self.export, self.export.snapshot, self.export.period
        sheet = self.book.add_worksheet(_sheet_name(_("Cover")))
        sheet.set_column(0, 0, 26)
        sheet.set_column(1, 1, 90)
        sheet.write_string(0, 0, _("Plan-status tables: %(municipality)s", municipality=export.municipality),
                           self.f["title"])
        facts = [
            (_("Municipality"), f"{export.municipality} ({export.municipality_number})"),
            (_("Period"), f"{self.period_text} ({format_day(period.start)}–{format_day(period.end)})"),
            (_("Version"), str(snapshot.version)),
        ]
        if snapshot.reason:
            facts.append((_("Reason for the version"), snapshot.reason))
        facts += [
            (_("Tables built"), export.generated_text()),
            (_("Downloaded"), moment_text(clock.now())),
        ]
        row = 2
        for name, value in facts:
            sheet.write_string(row, 0, name, self.f["label"])
            sheet.write_string(row, 1, value, self.f["text"])
            row += 1
        row += 1
        sheet.write_string(row, 0, _("Small counts"), self.f["label"])
        sheet.write_string(row, 1, export.suppression_rule(), self.f["text"])
        sheet.set_row(row, 15 * math.ceil(len(export.suppression_rule()) / 95))
        row += 1
        sheet.write_string(row, 0, _("Frozen numbers"), self.f["label"])
        frozen = _("The tables are a frozen snapshot: registrations made later change them only in a new version, "
                   "built with its reason.")
        sheet.write_string(row, 1, frozen, self.f["text"])
        sheet.set_row(row, 15 * math.ceil(len(frozen) / 95))
        row += 2
        sheet.write_string(row, 0, _("Contents"), self.f["subtitle"])
        row += 1
        for table in export.tables:
            sheet.write_url(row, 0, f"internal:'{table.key}'!A1", self.f["link"], string=table.key)
            sheet.write_string(row, 1, table.title, self.f["text"])
            row += 1
        for name in (_("The last 12 months"), _("Chart data")):
            sheet.write_url(row, 0, f"internal:'{_sheet_name(name)}'!A1", self.f["link"], string=_sheet_name(name))
            row += 1
        self._print_setup(sheet)
        sheet.fit_to_pages(1, 1)

    # --- a table ---

    def table_sheet(self, table: Table) -> None:
        """Title, definition, the table with frozen headers, notes; the chart beside a narrow table
        (one landscape page holds both) or under a wide one (on a page of its own when it would not fit)."""
        sheet = self.book.add_worksheet(_sheet_name(table.key))
        label_width = min(55, max(24, *(len(label) * 1.05 + 2 for _code, label in table.rows)))
        widths = []
        for j, column in enumerate(table.columns):
            longest_value = max((len(self.export.cell_text(row[j])) for row in table.cells), default=1)
            widths.append(min(20, max(10, longest_value + 3, math.ceil(len(column.label) / 3) + 2)))
        sheet.set_column(0, 0, label_width)
        for j, width in enumerate(widths, start=1):
            sheet.set_column(j, j, width)
        last_col = len(table.columns)
        table_width = label_width + sum(widths)
        spec = CHARTS.get(table.key)
        data = chart_data(table, spec) if spec else None
        beside = data is not None and table_width <= 80
        # text rows span the table, and the chart beside it (about 10 columns of the default width)
        text_last_col, text_width = (last_col + 10, table_width + 2 + 10 * 8.43) if beside else (last_col, table_width)
        heights = [20.0]
        sheet.write_string(0, 0, f"{table.key}. {table.title}", self.f["title"])
        if table.definition:
            heights.append(self._wrapped_row(sheet, 1, table.definition, text_width, last_col=text_last_col))
        sheet.write_string(HEADER_ROW, 0, "", self.f["header"])
        header_lines = 1
        for j, column in enumerate(table.columns, start=1):
            sheet.write_string(HEADER_ROW, j, column.label, self.f["header"])
            header_lines = max(header_lines, math.ceil(len(column.label) * 1.1 / widths[j - 1]))
        sheet.set_row(HEADER_ROW, 15 * header_lines + 2)
        heights.append(15 * header_lines + 2)
        whole = [table.whole_numbers(j) for j in range(len(table.columns))]
        for i, ((code, label), cells) in enumerate(zip(table.rows, table.cells, strict=True)):
            r = HEADER_ROW + 1 + i
            total = code == "total" or code.endswith("_total")
            suffix = "_total" if total else ""
            sheet.write_string(r, 0, label, self.f["row_total" if total else "row"])
            for j, cell in enumerate(cells, start=1):
                if cell.hidden:
                    sheet.write_string(r, j, HIDDEN, self.f["hidden" + suffix])
                elif cell.value is None:
                    sheet.write_blank(r, j, None, self.f["empty"])
                else:
                    sheet.write_number(r, j, cell.value, self.f[("int" if whole[j - 1] else "dec") + suffix])
            lines = math.ceil(len(label) * 1.05 / label_width)
            if lines > 1:
                sheet.set_row(r, 15 * lines)
            heights.append(15 * lines)
        chart_height = 0
        if data is not None:
            chart_height = max(300, 22 * len(data[0]) * len(data[1]) + 80) if spec.kind == "bar" else 300
        r = HEADER_ROW + 1 + len(table.rows) + 1
        if beside:  # the notes go under the chart, which starts at the header row (a row is 20 px)
            r = max(r, HEADER_ROW + 1 + math.ceil((chart_height - (15 * header_lines + 2) / 0.75) / 20) + 1)
        if table.has_hidden:
            heights.append(self._wrapped_row(sheet, r, f"{HIDDEN} {self.export.suppression_rule()}", text_width,
                                             fmt="note", last_col=text_last_col))
            r += 1
        heights.append(self._wrapped_row(sheet, r, self.source, text_width, fmt="note", last_col=text_last_col))
        sheet.freeze_panes(HEADER_ROW + 1, 1)
        self._print_setup(sheet)
        if data is None:
            return
        categories, series = data
        chart = self._chart(table.title, spec.kind, categories, series, unit=unit_label(series[0][0].unit),
                            whole=all(float(cell.value).is_integer() for _column, cells in series for cell in cells
                                      if cell.published))
        size = {"width": 620, "height": chart_height}
        if beside:
            sheet.insert_chart(HEADER_ROW, last_col + 2, chart, size)
            return
        size["width"] = min(900, max(620, int(table_width * 7)))
        # Fit to width scales the page by printable width / sheet width; break before the chart
        # when the table and the chart together would not fit one page at that scale.
        scale = min(1.0, PRINTABLE_WIDTH_PX / max(table_width * 7 + 5, size["width"]))
        if (sum(heights) + 30 + chart_height * 0.75) * scale > PRINTABLE_HEIGHT_PT:
            sheet.set_h_pagebreaks([r + 1])
        sheet.insert_chart(r + 2, 0, chart, size)

    # --- charts and their data ---

    def _write_data_sheet(self) -> None:
        """The chart data sheet, last in the workbook (the charts refer to it by name)."""
        sheet = self.book.add_worksheet(self.data_name)
        sheet.set_column(0, 0, 45)
        sheet.set_column(1, 12, 16)
        sheet.write_string(0, 0, _("Data for the charts"), self.f["title"])
        sheet.write_string(1, 0, _("Taken from the table sheets; a hidden cell is left empty here, so that a chart "
                                   "leaves it out instead of drawing it as zero."), self.f["note"])
        for top, title, categories, series in self.data_blocks:
            sheet.write_string(top, 0, title, self.f["subtitle"])
            for k, (column, _cells) in enumerate(series, start=1):
                sheet.write_string(top + 1, k, column.label, self.f["label"])
            for i, category in enumerate(categories):
                sheet.write_string(top + 2 + i, 0, category)
                for k, (_column, cells) in enumerate(series, start=1):
                    if cells[i].published:
                        sheet.write_number(top + 2 + i, k, cells[i].value, self.f["data"])
        self._print_setup(sheet)

    def _chart(self, title: str, kind: str, categories: list[str], series, *, unit: str,
               whole: bool, line: bool = False):
        """A native chart over a block of the chart data sheet (hidden and empty cells left empty)."""
        top = self.data_row
        self.data_blocks.append((top, title, categories, series))
        header = top + 1
        first, last = header + 1, header + len(categories)
        self.data_row = last + 3
        chart = self.book.add_chart({"type": "line" if line else kind})
        number_format = self.num_formats["int" if whole else "dec"]
        for k, (_column, _cells) in enumerate(series, start=1):
            style = {"line": {"color": "#000000", "width": 2.25, "dash_type": ("solid", "dash", "round_dot")[k % 3 - 1]},
                     "marker": {"type": ("circle", "square", "diamond")[k % 3 - 1], "size": 6,
                                "fill": {"color": "#000000"}, "border": {"color": "#000000"}}} if line else {
                **SERIES_FILLS[(k - 1) % len(SERIES_FILLS)], "border": {"color": "#000000", "width": 0.75},
                "gap": 40}
            chart.add_series({
                "name": [self.data_name, header, k],
                "categories": [self.data_name, first, 0, last, 0],
                "values": [self.data_name, first, k, last, k],
                "data_labels": {"value": True, "num_format": number_format, "font": {"size": 8},
                                "position": "above" if line else "outside_end"},
                **style,
            })
        chart.set_title({"name": [self.data_name, top, 0], "name_font": {"size": 12, "bold": True}})
        value_axis = {"num_format": number_format, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
                      "name": unit, "name_font": {"bold": False, "size": 9}, "min": 0}
        category_axis = {"num_font": {"size": 9}}
        if kind == "bar" and not line:
            # Excel draws a bar chart's first category at the bottom: reverse it to read like the table.
            chart.set_x_axis(value_axis)
            chart.set_y_axis({**category_axis, "reverse": True, "crossing": "max"})  # values stay at the bottom
        else:
            chart.set_x_axis(category_axis)
            chart.set_y_axis(value_axis)
        chart.set_legend({"position": "bottom"} if len(series) > 1 else {"none": True})
        chart.show_blanks_as("gap")
        chart.set_chartarea({"border": {"none": True}})
        return chart

    # --- the last 12 months ---

    def trend_sheet(self) -> None:
        export = self.export
        sheet = self.book.add_worksheet(_sheet_name(_("The last 12 months")))
        sheet.write_string(0, 0, _("The last 12 months"), self.f["title"])
        figures = [(table, MAIN_NUMBERS[table.key]) for _title, tables in export.groups() for table in tables
                   if table.key in MAIN_NUMBERS and table.cell(MAIN_NUMBERS[table.key].row,
                                                               MAIN_NUMBERS[table.key].column) is not None]
        note = _("The main number of each table, month by month, from the newest version of each month's snapshot. "
                 "– is a hidden cell; an empty cell is a month without a snapshot or a number that does not apply.")
        width = 14 + 18 * len(figures)
        self._wrapped_row(sheet, 1, note, width, fmt="note", last_col=max(len(figures), 1))
        header, sub = 3, 4
        sheet.set_column(0, 0, 16)
        sheet.set_column(1, max(len(figures), 1), 18)
        sheet.write_string(header, 0, _("Month"), self.f["header"])
        sheet.write_string(sub, 0, "", self.f["header"])
        for k, (table, main) in enumerate(figures, start=1):
            sheet.write_string(header, k, f"{table.key}. {table.title}", self.f["header"])
            sheet.write_string(sub, k, f"{table.row_label(main.row)}: {table.column_label(main.column)}",
                               self.f["header"])
        longest = max((len(f"{t.key}. {t.title}") for t, _m in figures), default=10)
        sheet.set_row(header, 15 * math.ceil(longest * 1.1 / 18) + 2)
        longest = max((len(f"{t.row_label(m.row)}: {t.column_label(m.column)}") for t, m in figures), default=10)
        sheet.set_row(sub, 15 * math.ceil(longest * 1.1 / 18) + 2)
        cells: dict[str, list[Cell]] = {table.key: [] for table, _main in figures}
        for i, (month, tables) in enumerate(export.trend):
            r = sub + 1 + i
            sheet.write_string(r, 0, export.period_text(month), self.f["row"])
            for k, (table, main) in enumerate(figures, start=1):
                cell = published_cell((tables or {}).get(table.key), main.row, main.column) or Cell(None, False)
                cells[table.key].append(cell)
                if cell.hidden:
                    sheet.write_string(r, k, HIDDEN, self.f["hidden"])
                elif cell.value is None:
                    sheet.write_blank(r, k, None, self.f["empty"])
                else:
                    integer = float(cell.value).is_integer() and main.column not in ("share_with_plan",)
                    sheet.write_number(r, k, cell.value, self.f["int" if integer else "dec"])
        r = sub + 1 + len(export.trend) + 1
        self._wrapped_row(sheet, r, self.source, width, fmt="note", last_col=max(len(figures), 1))
        sheet.freeze_panes(sub + 1, 1)
        self._print_setup(sheet)
        months = [export.period_text(month) for month, _tables in export.trend]
        charted = [(table, main) for table, main in figures if table.key in TREND_CHARTS]
        if charted:  # twelve months and their headings fill a landscape page: the charts go on the next
            sheet.set_h_pagebreaks([r + 1])
        for n, (table, main) in enumerate(charted):
            column = next(c for c in table.columns if c.code == main.column)
            series = [(Column(column.code, f"{table.row_label(main.row)}: {column.label}", column.unit),
                       cells[table.key])]
            chart = self._chart(f"{table.key}. {table.title}", "line", months, series,
                                unit=unit_label(column.unit), whole=True, line=True)
            # side by side under the table: 3 figure columns (18) and the month column (16) wide
            sheet.insert_chart(r + 2, 4 * n, chart, {"width": 505, "height": 300})

    def close(self) -> bytes:
        self._write_data_sheet()  # always present: the cover links to it
        self.book.set_properties({
            "title": _("Plan-status tables: %(municipality)s", municipality=self.export.municipality),
            "subject": self.period_text, "author": self.export.municipality, "company": self.export.municipality,
            "created": self.export.snapshot.generated_at.replace(tzinfo=None)})
        self.book.close()
        return self.buffer.getvalue()


def workbook(export: Export) -> bytes:
    """The workbook of ``export`` (built with ``with_comparisons=True`` for the trend)."""
    book = _Book(export)
    book.cover()
    for table in export.tables:
        book.table_sheet(table)
    book.trend_sheet()
    return book.close()
