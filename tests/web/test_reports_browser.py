"""The planner's month end in a real browser: Rapporter, last month's snapshot built, its tables
and charts read, the workbook downloaded and opened. Every page is checked as in test_browser.py
(CSP header and violations, axe-core WCAG 2.1 AA: nothing serious or critical) and photographed."""

from __future__ import annotations

import re

import openpyxl
import pytest

from tests.browser import fresh_app, log_in, requires_browser, serving
from tests.conftest import DEFAULT_NOW
from tests.reports import export_fixtures as fx
from tests.web.client import PASSWORD, make_web_user
from tests.web.report_rows import SERVED_TOTAL, served_office

pytestmark = requires_browser

# The suite's day is 03.03.2026: the month that ended last is February.
LAST_MONTH = f"{DEFAULT_NOW.year}-{DEFAULT_NOW.month - 1:02d}"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A server of its own app and database: an office that served persons in February, and
    January's snapshot already built."""
    app, env = fresh_app(tmp_path_factory, "reports-browser")
    town = env.municipality(name="Rapportby")
    served_office(env, town)
    fx.store(app, town, "2026-01", 1, fx.tables())
    planner = make_web_user(app, env, town, "planner")
    with serving(app) as url:
        yield {"url": url, "planner": planner, "town": town}


def test_the_planner_builds_last_months_snapshot_reads_it_and_downloads_the_workbook(visit, live, tmp_path):
    tab = visit()
    page = tab.page
    log_in(tab, live["planner"], PASSWORD)

    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name=re.compile("^(Reports|Rapporter)$")).click()
    page.wait_for_url("**/app/reports")
    assert "januar 2026" in page.locator("main table").inner_text()
    assert page.input_value("#period") == LAST_MONTH, "the form proposes last month"
    tab.check("reports-01-list")

    page.fill("#period", "2026-03")  # not ended: said beside the field
    page.get_by_role("button", name=re.compile("Build the snapshot|Lag")).click()
    page.wait_for_load_state()
    assert page.locator("#period-error").is_visible() and "01.04.2026" in page.locator("#period-error").inner_text()
    tab.check("reports-02-not-ended")

    page.fill("#period", LAST_MONTH)
    page.get_by_role("button", name=re.compile("Build the snapshot|Lag")).click()
    page.wait_for_url(f"**/app/reports/{LAST_MONTH}?version=1")
    assert "februar 2026" in page.locator("h1").inner_text()
    t1 = page.locator("section#T1 table")
    assert t1.get_by_role("row", name=re.compile("^Service users in total|^Tjenestemottakere")).inner_text().split() \
        [-2:] == [str(SERVED_TOTAL)] * 2
    assert t1.locator("td.app-hidden-cell").count() >= 2, "the two in substance-use services are hidden"
    assert page.locator("#T1-note").is_visible()
    charts = page.locator("img.app-chart")
    assert charts.count() == 6
    for i in range(charts.count()):
        charts.nth(i).scroll_into_view_if_needed()
        assert charts.nth(i).evaluate("img => img.complete && img.naturalWidth > 600"), "the chart loaded"
        assert charts.nth(i).get_attribute("alt")
    tab.check("reports-03-snapshot")

    with page.expect_download() as started:
        page.get_by_role("link", name=re.compile("Workbook|Arbeidsbok")).click()
    download = started.value
    assert download.suggested_filename == f"tjenestespor-{live['town']}-{LAST_MONTH}-v1.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    book = openpyxl.load_workbook(saved)
    assert {f"T{n}" for n in range(1, 11)} <= set(book.sheetnames)

    page.get_by_role("link", name=re.compile("All snapshots|Alle")).click()
    page.wait_for_url("**/app/reports")
    page.get_by_role("button", name=re.compile("Build the snapshot|Lag")).click()  # again: nothing changed
    page.wait_for_load_state()
    assert page.get_by_role("status").is_visible()
    assert page.locator("main table tbody tr").count() == 2, "nothing stored"
    tab.check("reports-04-unchanged")
