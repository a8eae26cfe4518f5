"""Rapporter as the planner sees it: the snapshots, a build (and the reason a new version needs),
a snapshot's tables with their hidden cells and charts, and the files to download.

Today (the frozen clock) is 03.03.2026: February 2026 is the newest month that has ended. The
hand-made snapshots (tests/reports/export_fixtures.py) carry hidden cells whose raw values are
known, so a test can see that the page shows the mark and never the number.
"""

from __future__ import annotations

import io
import re
import zipfile

import docx
import openpyxl
import pytest
import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.extensions import db
from service.reports.models import Snapshot
from tests.reports import export_fixtures as fx
from tests.web.client import logged_in, text
from tests.web.report_rows import SERVED_TOTAL, served_office

NORWEGIAN = {"Accept-Language": "nb-NO,nb;q=0.9"}
# Babel's bokmål groups thousands with a no-break space (narrow in newer CLDR): either is a Norwegian number.
GROUP = "[\u00a0\u202f]"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# What the fixtures hide: T1 3 cells, T2 4, T6 2, T8 4, T9 9.
HIDDEN_IN_FEBRUARY = 22



def table_of(html: str, key: str) -> list[list[str]]:
    """The rows of table ``key`` on a snapshot's page as a reader sees them (header row first)."""
    section = re.search(rf'<section[^>]*id="{key}".*?</section>', html, re.S).group(0)
    seen = re.sub(r'<span class="ds-sr-only">[^<]*</span>', "", section)  # read aloud, not shown
    rows = re.findall(r"<tr>(.*?)</tr>", seen, re.S)
    return [[re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", "", cell)).strip()
             for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)] for row in rows]


def snapshots_of(app, period: str) -> list[tuple[int, str | None]]:
    with app.app_context():
        return [(s.version, s.reason) for s in db.session.scalars(
            sa.select(Snapshot).where(Snapshot.period == period).order_by(Snapshot.version)).all()]


def export_events(app, actor) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent.detail).where(
            AuditEvent.actor_id == actor, AuditEvent.action == "export",
            AuditEvent.object_type == "report_snapshot").order_by(AuditEvent.at)))


@pytest.fixture
def february(app, town):
    fx.seed(app, town)


# --- the list and the build -------------------------------------------------------------------

def test_the_list_shows_each_snapshot_with_its_version_build_time_builder_and_reason(app, web_user, february):
    browser, _user = logged_in(app, web_user, "planner")
    page = browser.get("/app/reports")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    rows = table_of(f'<section id="list">{html}</section>', "list")
    assert rows[0] == ["Period", "Version", "Built", "Built by", "Reason for the version"]
    assert rows[1][:2] == ["February 2026", "2"] and "Etterregistrering i Ålesund" in rows[1][4]
    assert rows[2][:2] == ["February 2026", "1"] and rows[2][4] == "First version"
    assert [row[0] for row in rows[1:]] == ["February 2026", "February 2026", "January 2026", "November 2025",
                                            "November 2025", "February 2025"], "newest period and version first"
    assert rows[1][2] == "2026-03-01 at 02:00" and rows[1][3] == "The monthly job"
    assert 'href="/app/reports/2026-02?version=1"' in html
    assert 'href="/app/reports"' in browser.get(browser.get("/app/").headers["Location"]).get_data(as_text=True), "the menu offers Rapporter"
    norwegian = text(browser.get("/app/reports", headers=NORWEGIAN))
    assert "februar 2026" in norwegian and "01.03.2026" in norwegian


def test_building_last_month_stores_version_1_by_the_planner_and_opens_it(app, env, web_user, town):
    served_office(env, town)
    browser, user = logged_in(app, web_user, "planner")
    form = browser.get("/app/reports").get_data(as_text=True)
    assert 'name="period" value="2026-02"' in form, "the form proposes the month that ended last"
    built = browser.post("/app/reports", {"period": "2026-02", "reason": ""})
    assert built.status_code == 303 and built.headers["Location"] == "/app/reports/2026-02?version=1"
    assert snapshots_of(app, "2026-02") == [(1, None)]
    page = browser.get(built.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert [key for key in re.findall(r'<section[^>]*id="(T\d+)"', html)] == [f"T{n}" for n in range(1, 11)]
    t1 = {row[0]: row[1:] for row in table_of(html, "T1")}
    assert t1["Home-based services"] == ["12", "12"] and t1["Activity services"] == ["6", "6"]
    assert t1["Substance use services"] == ["11", "11"] and t1["Service users in total"] == [str(SERVED_TOTAL)] * 2
    assert t1["Housing and guidance"] == ["–", "–"], "two persons: a small count, hidden"
    t3 = {row[0]: row[1:] for row in table_of(html, "T3")}
    assert [t3[row] for row in ("Mental health services only", "Substance use services only",
                                "Both mental health and substance use services")] == [["15"] * 2, ["6"] * 2, ["5"] * 2]
    listed = browser.get("/app/reports")
    assert user.username in table_of(f'<section id="l">{listed.get_data(as_text=True)}</section>', "l")[1][3]


def test_a_rebuild_whose_tables_changed_needs_a_reason_said_beside_it(app, env, web_user, town):
    fx.store(app, town, "2026-02", 1, fx.tables())  # differs from what the (empty) office counts now
    browser, _user = logged_in(app, web_user, "planner")
    browser.get("/app/reports")
    refused = browser.post("/app/reports", {"period": "2026-02", "reason": "  "})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409, "the API's reason_required"
    error = re.search(r'id="reason-error">([^<]+)<', html)
    assert error and re.search(r"version 1|versjon 1", error.group(1)), "beside the reason, naming the version"
    assert 'aria-describedby="reason-hint reason-error" aria-invalid="true"' in html
    assert 'name="period" value="2026-02"' in html, "what was typed is kept"
    assert snapshots_of(app, "2026-02") == [(1, None)], "nothing stored"
    stored = browser.post("/app/reports", {"period": "2026-02", "reason": "Vedtak registrert for sent"})
    assert stored.status_code == 303 and stored.headers["Location"] == "/app/reports/2026-02?version=2"
    assert snapshots_of(app, "2026-02") == [(1, None), (2, "Vedtak registrert for sent")]
    page = text(browser.get(stored.headers["Location"]))
    assert "Reason for the version Vedtak registrert for sent" in page
    assert re.search(r"Cells changed since version 1 [1-9]\d*", page), "the cells the late registration changed"


def test_a_rebuild_of_unchanged_tables_stores_nothing_and_says_so(app, web_user):
    browser, _user = logged_in(app, web_user, "planner")
    browser.get("/app/reports")
    assert browser.post("/app/reports", {"period": "2025"}).status_code == 303
    browser.get("/app/reports")
    again = browser.post("/app/reports", {"period": "2025"})
    assert again.status_code == 200
    assert re.search(r"The tables of 2025 are unchanged: nothing was stored. Version 1 is the newest", text(again))
    assert snapshots_of(app, "2025") == [(1, None)]


def test_a_period_that_has_not_ended_or_is_no_period_is_refused_beside_the_period(app, web_user):
    browser, _user = logged_in(app, web_user, "planner")
    browser.get("/app/reports")
    running = browser.post("/app/reports", {"period": "2026-03", "reason": "Tidlig"})
    assert running.status_code == 422
    error = re.search(r'id="period-error">([^<]+)<', running.get_data(as_text=True))
    assert error and re.search(r"2026-04-01|01\.04\.2026", error.group(1)), "says when it can be reported"
    assert "Tidlig</textarea>" in running.get_data(as_text=True)
    for period in ("", "mars"):
        assert 'id="period-error"' in browser.post("/app/reports", {"period": period}).get_data(as_text=True)
    assert snapshots_of(app, "2026-03") == []


# --- a snapshot -------------------------------------------------------------------------------

def test_a_snapshot_shows_each_table_in_norwegian_numbers_with_the_hidden_cells_marked(
        app, web_user, february):
    browser, user = logged_in(app, web_user, "planner")
    page = browser.get("/app/reports/2026-02", headers=NORWEGIAN)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(r"<h1[^>]*>[^<]*februar 2026</h1>", html)
    assert re.findall(r'<section[^>]*id="(T\d+)"', html) == ["T1", "T2", "T3", "T6", "T8", "T9"]
    assert re.fullmatch(f"1{GROUP}651", table_of(html, "T2")[2][1]), "the activity services' hours"
    cells = [cell for key in ("T1", "T2", "T3", "T6", "T8", "T9") for row in table_of(html, key)[1:]
             for cell in row[1:]]
    assert any(re.fullmatch(f"3{GROUP}722,5", cell) for cell in cells), "a space between thousands, decimal comma"
    assert "44,5" in cells
    assert cells.count("–") == HIDDEN_IN_FEBRUARY, "every hidden cell is marked"
    assert not {"17", "23,5", "20", "29", "None"} & set(cells), "no hidden value (nor one worked out), no None"
    # Each table with a hidden cell has a note under it that the table names, and the rule is on the page.
    for key in ("T1", "T2", "T6", "T8", "T9"):
        assert f'aria-describedby="{key}-note"' in html and f'id="{key}-note"' in html, key
    assert 'id="T3-note"' not in html, "T3 hides nothing"
    assert re.search(r"Counts from 1 to 4 are hidden|1 til 4", text(page))
    assert export_events(app, user.user_id) == ["2026-02 version 2 as json"], "the read is one audited export"


def test_an_older_version_says_a_newer_exists_and_its_links_are_of_that_version(app, web_user, february):
    browser, _user = logged_in(app, web_user, "planner")
    html = browser.get("/app/reports/2026-02?version=1").get_data(as_text=True)
    assert re.search(r"This is version 1\. A newer version exists|versjon 1", text(browser.get(
        "/app/reports/2026-02?version=1")))
    assert 'href="/app/reports/2026-02?version=2"' in html
    assert 'href="/app/reports/2026-02/files/xlsx?version=1"' in html
    assert 'src="/app/reports/2026-02/charts/T1.png?version=1"' in html
    newest = browser.get("/app/reports/2026-02").get_data(as_text=True)
    assert "A newer version exists" not in newest and 'files/xlsx?version=2"' in newest
    for missing in ("/app/reports/2026-02?version=9", "/app/reports/2026-02?version=x", "/app/reports/2024-01"):
        assert browser.get(missing).status_code == 404, missing


def test_each_chart_is_a_png_of_this_origin_with_a_text_saying_what_it_shows(app, web_user, february):
    browser, _user = logged_in(app, web_user, "planner")
    html = browser.get("/app/reports/2026-02").get_data(as_text=True)
    images = dict(re.findall(r'<img class="app-chart" src="/app/reports/2026-02/charts/(T\d+)\.png\?version=2" '
                             r'alt="([^"]+)"', html))
    assert sorted(images) == ["T1", "T2", "T3", "T8", "T9"], "the tables the exports chart; T6 has none"
    assert images["T8"].startswith("Column chart of Housing stock by risk class and status: Available, Reserved, "
                                   "Occupied, Unavailable for Green, Yellow, Red, Not classified.")
    assert images["T1"].startswith("Bar chart of Persons with active services by report group")
    for key in images:
        chart = browser.get(f"/app/reports/2026-02/charts/{key}.png?version=2")
        assert chart.status_code == 200 and chart.mimetype == "image/png"
        assert chart.data.startswith(b"\x89PNG\r\n\x1a\n") and len(chart.data) > 5000, key
    assert browser.get("/app/reports/2026-02/charts/T6.png").status_code == 404
    assert browser.get("/app/reports/2026-02/charts/T99.png").status_code == 404


def test_the_downloads_are_the_apis_files_and_open(app, web_user, february, town):
    browser, user = logged_in(app, web_user, "planner")
    html = browser.get("/app/reports/2026-02").get_data(as_text=True)
    links = re.findall(r'href="(/app/reports/2026-02/files/(\w+)\?version=2)" download>', html)
    assert [fmt for _href, fmt in links] == ["xlsx", "docx", "zip"]
    files = {}
    for href, fmt in links:
        response = browser.get(href)
        assert response.status_code == 200, fmt
        assert response.headers["Content-Disposition"] == f"attachment; filename=tjenestespor-{town}-2026-02-v2.{fmt}"
        files[fmt] = response
    assert files["xlsx"].mimetype == XLSX and files["docx"].mimetype == DOCX
    book = openpyxl.load_workbook(io.BytesIO(files["xlsx"].data))
    assert {"T1", "T2", "T9"} <= set(book.sheetnames)
    document = docx.Document(io.BytesIO(files["docx"].data))
    assert len(document.tables) == 6 and any("2026" in p.text for p in document.paragraphs)
    assert "T3.csv" in zipfile.ZipFile(io.BytesIO(files["zip"].data)).namelist()
    assert export_events(app, user.user_id)[-3:] == ["2026-02 version 2 as xlsx", "2026-02 version 2 as docx",
                                                     "2026-02 version 2 as zip"], "each download is audited"
    assert browser.get("/app/reports/2026-02/files/csv").status_code == 404
    assert browser.get("/app/reports/2026-02/files/pdf").status_code == 404


# --- who may -----------------------------------------------------------------------------------

def test_a_case_officer_is_refused_every_report_page_and_not_offered_the_menu_item(app, web_user, february):
    browser, _user = logged_in(app, web_user, "case_officer")
    assert 'href="/app/reports"' not in browser.get("/app/").get_data(as_text=True)
    for url in ("/app/reports", "/app/reports/2026-02", "/app/reports/2026-02/charts/T1.png",
                "/app/reports/2026-02/files/xlsx"):
        response = browser.get(url)
        assert response.status_code == 403 and response.mimetype == "text/html", url
    refused = browser.post("/app/reports", {"period": "2026-02", "reason": "Forsøk"})
    assert refused.status_code == 403
    assert len(snapshots_of(app, "2026-02")) == 2, "nothing built"


def test_the_administrator_reads_and_builds_too(app, web_user, february):
    browser, _user = logged_in(app, web_user, "admin")
    assert browser.get("/app/reports").status_code == 200
    assert browser.get("/app/reports/2026-02").status_code == 200
    assert browser.post("/app/reports", {"period": "2025-12"}).status_code == 303


def test_a_year_and_a_snapshot_without_tables_show_too(app, web_user, town):
    fx.store(app, town, "2025", 1, {"T3": fx.t3()})
    fx.store(app, town, "2025-06", 1, {})
    browser, _user = logged_in(app, web_user, "planner")
    year = browser.get("/app/reports/2025")
    assert year.status_code == 200 and re.search(r"<h1[^>]*>[^<]*2025</h1>", year.get_data(as_text=True))
    assert table_of(year.get_data(as_text=True), "T3")[1][1:] == ["80"]
    empty = browser.get("/app/reports/2025-06")
    assert empty.status_code == 200 and re.search(r"This snapshot has no tables|ingen tabeller", text(empty))
