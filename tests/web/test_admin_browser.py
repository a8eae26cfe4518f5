"""The administrator's day in a real browser: a new colleague's user, their password, their first
login with the second factor set up and a password of their own chosen; an API token shown once; a job run now and listed. Every page
is checked as in test_browser.py (CSP header and violations, axe-core WCAG 2.1 AA: nothing serious
or critical) and photographed."""

from __future__ import annotations

import re

import pytest

from tests.browser import fresh_app, log_in, now_code, requires_browser, serving
from tests.web.client import PASSWORD, make_web_user

pytestmark = requires_browser

NEW_PASSWORD = "vinter kveld ved fjorden"
OWN_PASSWORD = "sommer morgen i skjærgården"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A server of its own app and database with one administrator, on a free port."""
    app, env = fresh_app(tmp_path_factory, "admin-browser")
    town = env.municipality(name="Adminby")
    env.provider_unit(town, "Psykisk helseteam")
    admin = make_web_user(app, env, town, "admin")
    with serving(app) as url:
        yield {"url": url, "admin": admin}


def test_the_admin_creates_a_user_who_logs_in_and_enrols_and_runs_a_job(visit, live):
    tab = visit()
    page = tab.page
    log_in(tab, live["admin"], PASSWORD)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name=re.compile(
        "Administration|Administrasjon")).click()
    page.wait_for_url("**/app/admin")
    tab.check("admin-01-start")

    page.get_by_role("link", name=re.compile("^(Users|Brukere)$")).first.click()
    page.wait_for_url("**/app/admin/users")
    tab.check("admin-02-users")
    page.fill("#username", "Kari Ny")  # a space: said beside the field
    page.fill("#display_name", "Kari Nybegynner")
    page.select_option("#role", "case_officer")
    page.locator("form[action$='/admin/users'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#username-error").is_visible()
    assert page.input_value("#display_name") == "Kari Nybegynner"
    tab.check("admin-03-create-refused")
    page.fill("#username", "kari.ny")
    page.locator("form[action$='/admin/users'] button[type=submit]").click()
    page.wait_for_url("**/app/admin/users/*")
    assert "kari.ny" in page.locator("h1").inner_text()
    tab.check("admin-04-user-created")

    page.fill("#password", NEW_PASSWORD)
    page.fill("#password_again", NEW_PASSWORD)
    page.locator("form[action$='/password'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".ds-alert[data-color=success]").is_visible()
    assert page.input_value("#password") == "", "a password is never shown back"
    tab.check("admin-05-password-set")

    page.fill("#ttl_days", "30")
    page.locator("form[action$='/tokens'] button[type=submit]").click()
    page.wait_for_load_state()
    token = page.locator("#token").inner_text().strip()
    assert token.startswith("tsp_") and token not in page.url
    tab.check("admin-06-token-once")
    page.get_by_role("link", name=re.compile("Back to the user|Tilbake")).click()
    page.wait_for_url("**/app/admin/users/*")
    assert token not in page.content() and token[:10] in page.content()
    tab.check("admin-07-user-with-token")

    # The new colleague, in a browser of their own: the password, then the second factor set up.
    newcomer = visit()
    their = newcomer.page
    their.goto("/app/login")
    their.fill("#username", "kari.ny")
    their.fill("#password", NEW_PASSWORD)
    their.click("button[type=submit]")
    their.wait_for_url("**/app/login/enrol")
    newcomer.check("admin-08-newcomer-enrols")
    secret = their.locator("#totp-secret").inner_text().replace(" ", "")
    their.fill("#code", now_code(secret))
    their.click("button[type=submit]")
    # The administrator knows the password they set: the colleague chooses their own before
    # any other page opens.
    their.wait_for_url("**/app/account/password")
    their.goto("/app/persons")
    their.wait_for_url("**/app/account/password")
    newcomer.check("admin-09-newcomer-chooses-a-password")
    their.fill("#current_password", NEW_PASSWORD)
    their.fill("#new_password", OWN_PASSWORD)
    their.fill("#new_password_again", OWN_PASSWORD)
    their.locator("main form button[type=submit]").click()
    their.wait_for_url("**/app/")
    assert "Kari Nybegynner" in their.locator("header").inner_text()
    newcomer.check("admin-09b-newcomer-logged-in")

    page.goto("/app/admin/users")
    row = page.get_by_role("row", name=re.compile("kari.ny"))
    assert re.search(r"(Case officer|Saksbehandler)\s+(Yes|Ja)\s+(Yes|Ja)\s+1", row.inner_text()), row.inner_text()
    tab.check("admin-10-users-after")

    page.get_by_role("link", name=re.compile("^(Jobs|Jobber)$")).first.click()
    page.wait_for_url("**/app/admin/jobs")
    tab.check("admin-11-jobs")
    page.fill("#deadlines-as_of", "2026-03-02")
    page.locator("form[action$='/jobs/deadlines/run'] button[type=submit]").click()
    page.wait_for_url("**/app/admin/jobs?ran=*")
    runs = page.locator("#job-deadlines table").inner_text()
    assert "2026-03-02" in runs and re.search("Just run|Nettopp kjørt", runs)
    tab.check("admin-12-job-run")
    # the same day again: nothing the flag kinds read has changed, and the run says so
    page.fill("#deadlines-as_of", "2026-03-02")
    page.locator("form[action$='/jobs/deadlines/run'] button[type=submit]").click()
    page.wait_for_url("**/app/admin/jobs?ran=*")
    rerun = page.locator("#job-deadlines table tbody tr").first.inner_text()
    assert re.search(r"(Flag kinds left as they were|Oppgavetyper uendret)[^:]*: 13", rerun), rerun
    tab.check("admin-12b-job-run-again")

    # The registers: each list with its form, and a row's own page.
    page.get_by_role("link", name=re.compile("^(Provider units|Tjenesteutøvere)$")).first.click()
    page.wait_for_url("**/app/admin/provider-units")
    page.fill("#name", "Rusteamet")
    page.locator("form[action$='/provider-units'] button[type=submit]").click()
    page.wait_for_url("**/app/admin/provider-units")
    tab.check("admin-13-provider-units")
    page.get_by_role("link", name="Rusteamet").click()
    page.wait_for_url("**/app/admin/provider-units/*")
    assert page.is_checked("#active")
    tab.check("admin-14-provider-unit")

    page.get_by_role("link", name=re.compile("^(Service catalogue|Tjenestekatalog)")).first.click()
    page.wait_for_url("**/app/admin/services")
    tab.check("admin-15-services")
    page.locator("main table a").first.click()
    page.wait_for_url("**/app/admin/services/*")
    tab.check("admin-16-service")

    page.get_by_role("link", name=re.compile("^(Legal bases|Hjemler|Lovhjemler)")).first.click()
    page.wait_for_url("**/app/admin/legal-bases")
    tab.check("admin-17-legal-bases")
    page.locator("main table a").first.click()
    page.wait_for_url("**/app/admin/legal-bases/*")
    tab.check("admin-18-legal-basis")
