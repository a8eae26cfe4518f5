"""Downloads of a snapshot: the zip of CSVs, one CSV, the workbook and the draft chapter (issue 15).

The snapshots are made by hand in the stored format (tests/reports/export_fixtures.py): a
February 2026 in two versions, last February, and trend months. The files must open, say what
the published tables say in bokmål whatever the client asks for, and never show a hidden cell's
value, nor draw it, nor compute it from the cells around it.
"""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
from xml.etree import ElementTree

import docx
import openpyxl
import pytest
import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.extensions import db
from tests.helpers import ok
from tests.reports import export_fixtures as fx

API = "/api/v1/reports/monthly"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NBSP = "\u00a0"
CHART_NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
# A number of NEVER_SHOWN standing alone in a text (not part of 2026, 03.03.2026 or 1 721).
NEVER_SHOWN_IN_TEXT = re.compile(r"(?<![\d,.\u00a0])(17|20|29|23,5)(?![\d]|,\d)")


@pytest.fixture
def town(env):
    return env.municipality(name="Måløy")


@pytest.fixture
def planner(env, town, app):
    fx.seed(app, town)
    return env.caller("planner", town)


@pytest.fixture
def shown(app):
    """``shown(table, code)``: a row code's label as the exports show it (bokmål; the code while no
    feature labels it), so these tests hold before and after the tables' labels are translated."""
    from flask_babel import force_locale

    from service.common.i18n import label

    def show(table: str, code: str) -> str:
        with app.test_request_context(), force_locale("nb"):
            return label(f"report_rows_{table}", code, standalone=True)

    return show


def download(caller, url: str, mimetype: str) -> bytes:
    response = caller.get(url)
    assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.mimetype == mimetype
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return response.get_data()


def export_events(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent.detail).where(
            AuditEvent.action == "export", AuditEvent.object_type == "report_snapshot").order_by(AuditEvent.at, AuditEvent.seq)))


# --- the workbook ---

def test_the_workbook_has_a_cover_a_sheet_per_table_the_last_12_months_and_chart_data(planner, town, shown):
    content = download(planner, f"{API}/2026-02.xlsx", XLSX)
    book = openpyxl.load_workbook(io.BytesIO(content))
    names = book.sheetnames
    assert names[1:7] == ["T1", "T2", "T3", "T6", "T8", "T9"] and len(names) == 9
    cover, trend, data = book[names[0]], book[names[7]], book[names[8]]
    cover_text = [c.value for row in cover.iter_rows() for c in row if c.value is not None]
    assert f"Måløy {town} ({town})" in cover_text
    assert "februar 2026 (01.02.2026–28.02.2026)" in cover_text  # Norwegian month and dates
    # the reason starts with "=": written as text, never as a formula
    reason = next(c for row in cover.iter_rows() for c in row if str(c.value).startswith("=HYPERLINK"))
    assert reason.data_type == "s"
    t1 = book["T1"]
    assert t1.freeze_panes == "B5"
    assert t1.page_setup.orientation == "landscape" and t1.sheet_properties.pageSetUpPr.fitToPage
    assert t1.page_setup.fitToWidth in (None, 1) and t1.page_setup.fitToHeight == 0  # None: 1, the default
    assert t1.column_dimensions["A"].width >= 24
    rows = {t1.cell(r, 1).value: [t1.cell(r, 2).value, t1.cell(r, 3).value] for r in range(5, 15)}
    assert rows[shown("T1", "total")] == [721, 709] and rows[shown("T1", "home_based")] == [240, 235]
    assert rows[shown("T1", "other")] == ["–", "–"] and rows[shown("T1", "institution")] == ["–", 0]
    assert t1.cell(5, 2).number_format == "[$-414]#,##0"
    assert book["T2"]["B12"].value == 3722.5 and book["T2"]["B12"].number_format == "[$-414]#,##0.0"
    # months: the newest version of each, December without a snapshot empty, hidden as –
    months = [trend.cell(r, 1).value for r in range(6, 18)]
    assert months[0] == "mars 2025" and months[-1] == "februar 2026"
    t1_column = next(c for c in range(2, 10) if str(trend.cell(4, c).value).startswith("T1."))
    by_month = dict(zip(months, (trend.cell(r, t1_column).value for r in range(6, 18)), strict=True))
    assert (by_month["november 2025"], by_month["desember 2025"], by_month["januar 2026"],
            by_month["februar 2026"]) == (655, None, 690, 709)
    assert by_month["mars 2025"] is None
    t9_column = next(c for c in range(2, 10) if str(trend.cell(4, c).value).startswith("T9."))
    assert trend.cell(17, t9_column).value == 31
    assert data.cell(1, 1).value


def test_the_workbook_has_native_charts_that_leave_hidden_cells_out(planner, shown):
    content = download(planner, f"{API}/2026-02.xlsx", XLSX)
    archive = zipfile.ZipFile(io.BytesIO(content))
    charts = [ElementTree.fromstring(archive.read(name)) for name in archive.namelist()
              if name.startswith("xl/charts/chart")]
    # T1, T2, T3, T8, T9 on their sheets; T1 and T9 on the trend sheet
    assert len(charts) == 7
    kinds = [next(e.tag.split("}")[1] for e in chart.find("c:chart/c:plotArea", CHART_NS)
                  if e.tag.endswith("Chart")) for chart in charts]
    assert kinds.count("barChart") == 5 and kinds.count("lineChart") == 2
    for chart in charts:
        blanks = chart.find(".//c:dispBlanksAs", CHART_NS)  # absent: Excel's default, a gap
        assert blanks is None or blanks.get("val") == "gap"
        for ref in chart.iterfind(".//c:val/c:numRef/c:f", CHART_NS):
            assert ref.text.lstrip("'").startswith(("Chart data'!", "Diagramdata!", "Diagramdata'!")), ref.text
    book = openpyxl.load_workbook(io.BytesIO(content))
    data = book[book.sheetnames[-1]]
    values = {round(float(c.value), 2) for row in data.iter_rows() for c in row if isinstance(c.value, int | float)}
    assert 709 in values and 1651 in values
    # T1's chart block: "other" has no number in either series (hidden), "institution" only on the last day
    labels = {}
    for r in range(1, 40):  # the first block is T1's
        labels.setdefault(data.cell(r, 1).value, (data.cell(r, 2).value, data.cell(r, 3).value))
    assert labels[shown("T1", "other")] == (None, None)
    assert labels[shown("T1", "institution")] == (0, None)  # on the last day 0 (published); during the period hidden


def test_no_hidden_value_is_in_any_cell_or_chart_of_the_workbook(planner):
    content = download(planner, f"{API}/2026-02.xlsx", XLSX)
    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, int | float):
                    assert cell.value not in fx.NEVER_SHOWN, (sheet.title, cell.coordinate, cell.value)
    archive = zipfile.ZipFile(io.BytesIO(content))
    for name in archive.namelist():
        if name.startswith("xl/charts/chart"):
            cached = [float(v.text) for v in ElementTree.fromstring(archive.read(name)).iterfind(".//c:v", CHART_NS)
                      if re.fullmatch(r"-?[\d.]+", v.text or "")]
            assert not set(cached) & set(map(float, fx.NEVER_SHOWN)), name


def test_a_formula_like_label_stays_text_in_the_workbook(planner):
    book = openpyxl.load_workbook(io.BytesIO(download(planner, f"{API}/2026-02.xlsx", XLSX)))
    labels = {book["T6"].cell(r, 1).value: book["T6"].cell(r, 1) for r in range(5, 11)}
    for text in fx.FORMULA_ROWS:
        assert labels[text].data_type == "s", text  # a string cell, not "f" (formula)
    assert labels["+cmd|' /C calc'!A0"].offset(column=1).value == "–"


# --- the chapter ---

def chapter_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    parts += [p.text for section in document.sections for p in section.header.paragraphs]
    return "\n".join(parts)


def test_the_chapter_states_each_main_number_and_the_change_since_last_year(planner, town, shown):
    document = docx.Document(io.BytesIO(download(planner, f"{API}/2026-02.docx", DOCX)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0].endswith("februar 2026")
    assert len(headings) == 1 + 3 + 1  # the chapter, its three groups with tables here, the notes
    header = document.sections[0].header.paragraphs[0].text
    assert f"Måløy {town}" in header and "februar 2026" in header
    text = "\n".join(p.text for p in document.paragraphs)
    # T1: 709 now, 697 in February 2025 (both published)
    t1 = next(p.text for p in document.paragraphs if "709" in p.text)
    assert "12" in t1 and "697" in t1 and "februar 2025" in t1
    # T2's total hours: Norwegian thousands separator and decimal comma
    assert f"3{NBSP}722,5" in text
    # T9's total waiting was hidden last February: the sentence says 31 and nothing about a change
    t9 = next(p.text for p in document.paragraphs if re.search(r"\b31\b", p.text))
    assert "februar 2025" not in t9
    assert len(document.tables) == 6
    t1_table = document.tables[0]
    assert [c.text for c in t1_table.rows[7].cells] == [shown("T1", "other"), "–", "–"]
    assert len(document.inline_shapes) == 5  # T1, T2, T3, T8, T9
    assert re.search(r"\b1 til 4\b|\b1 to 4\b", text)  # the rule, as note 1


def test_no_hidden_value_is_in_the_chapter(planner):
    document = docx.Document(io.BytesIO(download(planner, f"{API}/2026-02.docx", DOCX)))
    text = chapter_text(document)
    assert not NEVER_SHOWN_IN_TEXT.search(text), NEVER_SHOWN_IN_TEXT.search(text)
    hidden_cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells
                    if cell.text == "–"]
    assert len(hidden_cells) == 3 + 4 + 2 + 4 + 9


# --- CSV ---

def test_the_zip_has_a_csv_per_table_and_a_readme_for_excel_in_norwegian(planner, town, shown):
    archive = zipfile.ZipFile(io.BytesIO(download(planner, f"{API}/2026-02.zip", "application/zip")))
    assert sorted(archive.namelist()) == ["README.txt", "T1.csv", "T2.csv", "T3.csv", "T6.csv", "T8.csv", "T9.csv"]
    readme = archive.read("README.txt").decode("utf-8-sig")
    assert f"Måløy {town}" in readme and "februar 2026" in readme and "1 til 4" in readme.replace("to", "til")
    t2 = archive.read("T2.csv")
    assert t2.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(t2.decode("utf-8-sig")), delimiter=";"))
    assert rows[-1] == [shown("T2", "total"), "3722,5", "522"]
    assert rows[6] == [shown("T2", "institution"), "–", "–"]
    t6 = list(csv.reader(io.StringIO(archive.read("T6.csv").decode("utf-8-sig")), delimiter=";"))
    shown = {row[0]: row[1] for row in t6[1:]}
    assert shown["'=1+2"] == "0" and shown["'@SUM(A1:A2)"] == "6" and shown["'-2+3"] == "0"
    assert shown[fx.NORWEGIAN_ROW] == "–"
    for name in archive.namelist():
        if name.endswith(".csv"):
            text = archive.read(name).decode("utf-8-sig")
            assert not NEVER_SHOWN_IN_TEXT.search(text), name


def test_one_table_as_csv_and_a_table_the_snapshot_lacks(planner, problem, shown):
    content = download(planner, f"{API}/2026-02.csv?table=T3", "text/csv")
    assert content.decode("utf-8-sig").splitlines()[1:] == [
        f"{shown('T3', row)};{value}" for row, value in (("mental_health_only", 80), ("substance_only", 43),
                                                          ("both", 13), ("total", 136))]
    response = planner.get(f"{API}/2026-02.csv?table=T3")
    assert "T3" in response.headers["Content-Disposition"]
    problem(planner.get(f"{API}/2026-02.csv?table=T99"), 404)
    problem(planner.get(f"{API}/2026-02.csv?table=x"), 422)
    problem(planner.get(f"{API}/2026-02.csv"), 422)
    problem(planner.get(f"{API}/2026-02.xlsx?table=T3"), 422)
    problem(planner.get(f"{API}/2026-02.xlsx?sheet=T3"), 422)
    problem(planner.get(f"{API}/2026-02.pdf"), 404)
    problem(planner.get(f"{API}/2026-01.zip?version=2"), 404)
    problem(planner.get(f"{API}/2024-02.docx"), 404)


# --- who, audit, versions, CLI ---

def test_only_planners_and_administrators_download_and_each_download_is_one_audited_export(
        app, env, town, planner):
    for role in ("case_officer", "housing_officer", "coordinator", "provider", "auditor"):
        caller = env.caller(role, town)
        for suffix in (".zip", ".csv?table=T1", ".xlsx", ".docx"):
            assert caller.get(f"{API}/2026-02{suffix}").status_code == 403, (role, suffix)
    admin = env.caller("admin", town)
    download(admin, f"{API}/2026-02.xlsx?version=1", XLSX)
    download(planner, f"{API}/2026-02.docx", DOCX)
    download(planner, f"{API}/2026-02.zip", "application/zip")
    download(planner, f"{API}/2026-02.csv?table=T8", "text/csv")
    ok(planner.get(f"{API}/2026-02.json"))
    assert export_events(app) == ["2026-02 version 1 as xlsx", "2026-02 version 2 as docx", "2026-02 version 2 as zip",
                                  "2026-02 version 2 as csv T8", "2026-02 version 2 as json"]


def test_an_older_version_is_exported_as_it_was(planner):
    book = openpyxl.load_workbook(io.BytesIO(download(planner, f"{API}/2026-02.xlsx?version=1", XLSX)))
    assert book["T1"]["C14"].value == 700
    cover = [c.value for row in book.worksheets[0].iter_rows() for c in row if c.value is not None]
    assert "1" in cover and not any(str(v).startswith("=HYPERLINK") for v in cover)


def test_the_cli_writes_the_same_files(app, cli, planner, town, tmp_path):
    for fmt in ("xlsx", "docx", "zip"):
        out = tmp_path / f"februar.{fmt}"
        result = cli("reports", "export", "--period", "2026-02", "--format", fmt, "--municipality", town,
                     "--out", str(out))
        assert result.exit_code == 0, result.output
        assert f"{town}: 2026-02 written to {out}" in result.output
    assert openpyxl.load_workbook(tmp_path / "februar.xlsx")["T1"]["C14"].value == 709
    assert len(docx.Document(str(tmp_path / "februar.docx")).tables) == 6
    assert "T9.csv" in zipfile.ZipFile(tmp_path / "februar.zip").namelist()
    assert export_events(app)[-3:] == ["2026-02 version 2 as xlsx", "2026-02 version 2 as docx",
                                       "2026-02 version 2 as zip"]
    missing = cli("reports", "export", "--period", "2024-02", "--format", "zip", "--municipality", town,
                  "--out", str(tmp_path / "none.zip"))
    assert missing.exit_code == 1 and "2024-02" in missing.output
    assert not (tmp_path / "none.zip").exists()


def test_a_built_snapshot_of_the_tables_the_features_contribute_exports_in_every_format(env, town):
    """The real tables (whatever features contribute them), built and suppressed, export and open."""
    planner = env.caller("planner", town)
    ok(planner.post(API, json={"period": "2026-02"}))
    started = time.perf_counter()
    book = openpyxl.load_workbook(io.BytesIO(download(planner, f"{API}/2026-02.xlsx", XLSX)))
    document = docx.Document(io.BytesIO(download(planner, f"{API}/2026-02.docx", DOCX)))
    archive = zipfile.ZipFile(io.BytesIO(download(planner, f"{API}/2026-02.zip", "application/zip")))
    assert time.perf_counter() - started < 30
    tables = ok(planner.get(f"{API}/2026-02"))["tables"]
    keys = [table["key"] for table in tables]
    assert book.sheetnames[1:1 + len(keys)] == keys
    assert len(document.tables) == len(keys)
    assert sorted(archive.namelist()) == sorted(["README.txt", *(f"{key}.csv" for key in keys)])


def test_a_year_and_an_empty_snapshot_export_too(app, planner, town):
    fx.store(app, town, "2025", 1, fx.tables())
    fx.store(app, town, "2025-06", 1, {})
    document = docx.Document(io.BytesIO(download(planner, f"{API}/2025.docx", DOCX)))
    assert document.paragraphs[0].text.endswith("2025")
    assert any("709" in p.text and "2025" in p.text for p in document.paragraphs)
    book = openpyxl.load_workbook(io.BytesIO(download(planner, f"{API}/2025.xlsx", XLSX)))
    trend = book.worksheets[-2]
    assert [trend.cell(r, 1).value for r in (6, 17)] == ["januar 2025", "desember 2025"]  # the year's months
    for suffix, mimetype in (("xlsx", XLSX), ("docx", DOCX), ("zip", "application/zip")):
        assert download(planner, f"{API}/2025-06.{suffix}", mimetype)


def test_the_cli_asks_which_municipality_when_there_are_several(cli, env, planner, tmp_path):
    env.municipality()
    result = cli("reports", "export", "--period", "2026-02", "--format", "zip", "--out", str(tmp_path / "x.zip"))
    assert result.exit_code != 0 and "--municipality" in result.output
