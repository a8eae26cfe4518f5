"""The case officer's day in a real browser: from the person's page a referral, a decision written
as a draft, decided, notified and appealed, the appeal moved on; and a second officer who saved
over an older copy of the draft is told "Changed by someone else" with what they wrote kept.
Every page: the CSP header, no violation, axe finds nothing serious (the checks and the live
server are tests/web/test_browser.py's; screenshots in tests/web/screenshots/cases-*.png)."""

from __future__ import annotations

import re

from tests.browser import log_in as browser_log_in
from tests.web.client import PASSWORD
from tests.web.test_browser import live, pytestmark  # noqa: F401 (a fixture, and the skip)

SERVICE = "bo-og-veiledning"


def log_in(tab, user) -> None:
    browser_log_in(tab, user, PASSWORD)


def submit(page, action_end: str) -> None:
    page.locator(f"form[action$='{action_end}'] button[type=submit]").click()
    page.wait_for_load_state()


def test_the_case_officer_goes_from_referral_to_decision_notification_and_appeal(visit, live):  # noqa: F811
    person = live["case"].person
    tab = visit()
    page = tab.page
    log_in(tab, live["users"]["officer"])

    page.goto(f"/app/persons/{person['id']}")
    page.locator("a[href^='/app/cases/referrals/new']").click()
    page.wait_for_url("**/app/cases/referrals/new?person_id=*")
    tab.check("cases-01-referral-form")
    page.fill("#received_on", "2026-03-02")
    submit(page, "/app/cases/referrals")  # without a source: told beside the field
    assert page.locator("#source-error").is_visible()
    tab.check("cases-02-referral-refused")
    page.select_option("#source", "gp")
    page.select_option("#channel", "letter")
    page.check(f"input[name=requested_services][value={SERVICE}]")
    page.fill("#summary", "Fastlegen ber om oppfølging i bolig.")
    submit(page, "/app/cases/referrals")
    page.wait_for_url(re.compile(r".*/app/cases/referrals/[0-9a-f-]{36}$"))
    assert "02.04.2026" in page.locator("#answer-due").inner_text()
    tab.check("cases-03-referral")

    page.locator("a[href^='/app/cases/decisions/new']").click()
    page.wait_for_url("**/app/cases/decisions/new?referral_id=*")
    assert page.locator("#service_code").input_value() == SERVICE
    page.fill("#hours_per_week", "3,5")
    page.fill("#valid_from", "2026-04-01")
    page.fill("#valid_to", "2026-09-30")
    page.select_option("#provider_unit", "Psykisk helseteam")
    page.fill("#reasoning", "Behov for oppfølging i bolig.")
    tab.check("cases-04-decision-form")
    submit(page, "/app/cases/decisions")
    page.wait_for_url(re.compile(r".*/app/cases/decisions/[0-9a-f-]{36}$"))
    decision_url = page.url
    tab.check("cases-05-draft")

    # A second officer opens the same draft; the first saves a change; the second's save is refused.
    other = visit()
    log_in(other, live["users"]["clumsy"])
    other.page.goto(decision_url)
    page.fill("#reasoning", "Behov for oppfølging i bolig, tre og en halv time.")
    submit(page, "/edit")
    other.page.fill("#reasoning", "Min egen vurdering.")
    submit(other.page, "/edit")
    alert = other.page.locator("[role=alert]")
    assert re.search("Endret av noen andre|Changed by someone else", alert.inner_text())
    assert other.page.locator("#reasoning").input_value() == "Min egen vurdering."
    other.check("cases-06-changed-by-someone-else")

    page.goto(decision_url)
    page.fill("#decided_on", "2026-03-03")
    submit(page, "/decide")
    page.fill("#notify-sent_on", "2026-03-03")
    page.fill("#notified_on", "2026-03-03")
    tab.check("cases-07-decided")
    submit(page, "/notify")
    # notified 3 March: the appeal period (4 weeks, pasient- og brukerrettighetsloven § 7-5) ends 31 March
    assert "31.03.2026" in page.locator("#appeal-deadline").inner_text()
    tab.check("cases-08-notified")

    page.fill("#appeal-received_on", "2026-03-03")
    page.fill("#appeal-summary", "Ønsker flere timer.")
    submit(page, "/appeals")
    page.locator("form[action$='/status'] select").select_option("reassessing")
    submit(page, "/status")
    # under reassessment now: the next steps are reversed or forwarded
    assert page.locator("form[action$='/status'] option").evaluate_all("os => os.map(o => o.value)") == [
        "reversed", "forwarded"]
    assert page.locator(".app-history li").count() >= 5
    tab.check("cases-09-appealed")
