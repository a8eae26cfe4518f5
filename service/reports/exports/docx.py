"""A draft status chapter (python-docx) that a planner edits into the municipal plan.

It is laid out the way the plans in use present their numbers (Kristiansund's "Tabell 1:
oversikt …", Hammerfest's "Figur 5 viser at …"): a heading per group of tables, a caption
above each table, one sentence with its main number and the change since the same period
last year, the Word table, and the chart under it with its figure caption.

The change is stated only where both this period's and last year's cell are published (the
newest stored version of last year's period); a hidden main number is said to be hidden, and
nothing is computed around it.

python-docx has no footnote API: the suppression rule is note 1 in a numbered "Notes" list at
the end of the chapter, referred to with a superscript 1 where it applies. Word's own footnotes
would need the footnotes part written by hand; a planner moves the note where the plan wants it.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor, Twips

from service.common.i18n import _
from service.reports.exports import charts
from service.reports.exports.content import (
    CHARTS,
    MAIN_NUMBERS,
    Export,
    Table,
    chart_data,
    published_cell,
    unit_label,
)

TEXT_WIDTH_CM = 16.0
WORD_LANGUAGES = {"nb": "nb-NO", "nn": "nn-NO", "en": "en-GB"}
SUPPRESSION_NOTE = 1
TRANSPOSE_FROM_COLUMNS = 8  # a table this wide is turned on its side (its columns become rows)


def _shade(cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _repeat_as_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _page_field(paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _note_ref(paragraph, number: int) -> None:
    run = paragraph.add_run(str(number))
    run.font.superscript = True


class _Chapter:
    def __init__(self, export: Export):
        self.export = export
        self.doc = Document()
        self.tables = 0
        self.figures = 0
        self._setup()

    def _setup(self) -> None:
        export, doc = self.export, self.doc
        section = doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
        normal = doc.styles["Normal"]
        normal.font.name = "Calibri"
        normal.font.size = Pt(11)
        language = WORD_LANGUAGES.get(export.locale.split("_")[0], "nb-NO")
        defaults = doc.styles.element.find(qn("w:docDefaults"))
        run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        lang = run_defaults.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            run_defaults.append(lang)
        lang.set(qn("w:val"), language)
        for name in ("Heading 1", "Heading 2", "Heading 3"):
            doc.styles[name].font.color.rgb = RGBColor(0, 0, 0)
        caption = doc.styles["Caption"]
        caption.font.color.rgb = RGBColor(0, 0, 0)
        caption.font.size = Pt(9)
        caption.font.italic = False
        caption.font.bold = False
        header = section.header.paragraphs[0]
        stops = header.paragraph_format.tab_stops
        for inherited in (Twips(4680), Twips(9360)):  # the Header style's centre and right stops (US Letter)
            stops.add_tab_stop(inherited, WD_TAB_ALIGNMENT.CLEAR)
        stops.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT)
        header.add_run(export.municipality + "\t" + _("Plan status, %(period)s · draft", period=export.period_text()))
        header.runs[0].font.size = Pt(9)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _page_field(footer, "PAGE")
        properties = doc.core_properties
        properties.title = _("Status of the services, %(period)s", period=export.period_text())
        properties.author = export.municipality
        properties.language = language
        properties.created = export.snapshot.generated_at.replace(tzinfo=None)
        properties.comments = self._source()

    def _source(self) -> str:
        return _("Source: tjenestespor, snapshot of %(period)s, version %(version)s, built %(moment)s.",
                 period=self.export.period_text(), version=self.export.snapshot.version,
                 moment=self.export.generated_text())

    # --- the text ---

    def intro(self) -> None:
        export = self.export
        self.doc.add_heading(_("Status of the services, %(period)s", period=export.period_text()), level=1)
        paragraph = self.doc.add_paragraph(_(
            "This chapter is a draft built from the frozen report tables of %(municipality)s for %(period)s "
            "(version %(version)s, built %(moment)s). The numbers count persons, decisions, referrals and housing "
            "as registered in the case system; small counts are hidden to protect the privacy of the persons "
            "counted.", municipality=export.municipality, period=export.period_text(),
            version=export.snapshot.version, moment=export.generated_text()))
        _note_ref(paragraph, SUPPRESSION_NOTE)
        if export.snapshot.reason:
            self.doc.add_paragraph(_("This version was built because: %(reason)s", reason=export.snapshot.reason))
        if export.last_year is None:
            self.doc.add_paragraph(_("No tables of %(period)s are stored, so the change since the same period last "
                                     "year is not given.", period=export.period_text(export.last_year_period)))

    def sentences(self, table: Table, number: int) -> None:
        main = MAIN_NUMBERS.get(table.key)
        cell = table.cell(main.row, main.column) if main else None
        if main is None or cell is None or (cell.value is None and not cell.hidden):
            return
        export = self.export
        paragraph = self.doc.add_paragraph()
        paragraph.paragraph_format.keep_with_next = True  # with its table
        if cell.hidden:
            paragraph.add_run(_("The main number of table %(number)s is hidden to protect small counts.",
                                number=number))
            _note_ref(paragraph, SUPPRESSION_NOTE)
            return
        text = _(main.sentence, number=number, value=export.number(cell.value), period=export.period_text())
        before = published_cell(export.last_year.tables.get(table.key), main.row, main.column) \
            if export.last_year is not None else None
        if before is not None and before.published:
            change = cell.value - before.value
            last = export.period_text(export.last_year_period)
            if change > 0:
                text += " " + _("That is an increase of %(change)s since %(period)s, when the number was %(before)s.",
                                change=export.number(change), period=last, before=export.number(before.value))
            elif change < 0:
                text += " " + _("That is a decrease of %(change)s since %(period)s, when the number was %(before)s.",
                                change=export.number(-change), period=last, before=export.number(before.value))
            else:
                text += " " + _("The number is the same as in %(period)s.", period=last)
        paragraph.add_run(text)

    # --- a table ---

    def word_table(self, table: Table) -> None:
        export = self.export
        turned = len(table.columns) >= TRANSPOSE_FROM_COLUMNS and len(table.columns) > len(table.rows)
        if turned:
            row_labels = [column.label for column in table.columns]
            column_labels = [label for _code, label in table.rows]
            totals = [False] * len(row_labels)
            cells = [[table.cells[i][j] for i in range(len(table.rows))] for j in range(len(table.columns))]
        else:
            row_labels = [label for _code, label in table.rows]
            column_labels = [column.label for column in table.columns]
            totals = [code == "total" or code.endswith("_total") for code, _label in table.rows]
            cells = table.cells
        word = self.doc.add_table(rows=len(row_labels) + 1, cols=len(column_labels) + 1)
        word.style = self.doc.styles["Table Grid"]
        word.alignment = WD_TABLE_ALIGNMENT.LEFT
        first = min(6.0, max(4.0, TEXT_WIDTH_CM - 1.9 * len(column_labels)))
        rest = (TEXT_WIDTH_CM - first) / max(len(column_labels), 1)
        widths = [Cm(first)] + [Cm(rest)] * len(column_labels)
        size = Pt(9) if len(column_labels) <= 5 else Pt(8)
        header = word.rows[0]
        _repeat_as_header(header)
        for j, text in enumerate(["", *column_labels]):
            cell = header.cells[j]
            cell.width = widths[j]
            _shade(cell, "D9D9D9")
            run = cell.paragraphs[0].add_run(text)
            run.bold = True
            run.font.size = size
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT if j == 0 else WD_ALIGN_PARAGRAPH.RIGHT
            cell.paragraphs[0].paragraph_format.keep_with_next = True
        for i, (label, row_cells) in enumerate(zip(row_labels, cells, strict=True), start=1):
            row = word.rows[i]
            values = [label, *(export.cell_text(cell) for cell in row_cells)]
            for j, text in enumerate(values):
                cell = row.cells[j]
                cell.width = widths[j]
                paragraph = cell.paragraphs[0]
                run = paragraph.add_run(text)
                run.font.size = size
                run.bold = totals[i - 1]
                paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if j == 0 else WD_ALIGN_PARAGRAPH.RIGHT
                paragraph.paragraph_format.space_after = Pt(0)
                paragraph.paragraph_format.keep_with_next = i < len(row_labels)  # the table on one page
        notes = []
        if table.has_hidden:
            notes.append(_("– hidden to protect small counts"))
        if table.definition:
            notes.append(_("Definition: %(definition)s", definition=table.definition))
        if notes:
            paragraph = self.doc.add_paragraph(style="Caption")
            paragraph.paragraph_format.space_before = Pt(3)
            if table.has_hidden:
                paragraph.add_run(notes.pop(0))
                _note_ref(paragraph, SUPPRESSION_NOTE)
                paragraph.add_run(". ")
            paragraph.add_run(" ".join(notes))

    def chart(self, table: Table) -> None:
        spec = CHARTS.get(table.key)
        data = chart_data(table, spec) if spec else None
        if data is None:
            return
        categories, series = data
        image = charts.png(spec.kind, categories, series, unit=unit_label(series[0][0].unit),
                           locale=self.export.locale)
        self.doc.add_picture(io.BytesIO(image), width=Cm(TEXT_WIDTH_CM))
        self.doc.paragraphs[-1].paragraph_format.keep_with_next = True
        self.figures += 1
        self.doc.add_paragraph(_("Figure %(number)s. %(title)s", number=self.figures, title=table.title),
                               style="Caption")

    def table(self, table: Table) -> None:
        self.tables += 1
        self.sentences(table, self.tables)
        caption = self.doc.add_paragraph(_("Table %(number)s: %(title)s", number=self.tables, title=table.title),
                                         style="Caption")
        caption.runs[0].bold = True
        caption.paragraph_format.keep_with_next = True
        self.word_table(table)
        self.chart(table)

    def notes(self) -> None:
        self.doc.add_heading(_("Notes"), level=2)
        for number, text in ((SUPPRESSION_NOTE, self.export.suppression_rule()), (2, self._source())):
            paragraph = self.doc.add_paragraph()
            _note_ref(paragraph, number)
            paragraph.add_run(" " + text).font.size = Pt(9)

    def render(self) -> bytes:
        self.intro()
        for title, tables in self.export.groups():
            self.doc.add_heading(title, level=2)
            for table in tables:
                self.table(table)
        self.notes()
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


def chapter(export: Export) -> bytes:
    """The draft chapter of ``export`` (built with ``with_comparisons=True`` for last year's numbers)."""
    return _Chapter(export).render()

