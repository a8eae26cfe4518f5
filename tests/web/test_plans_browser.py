"""An individual plan from the request to its end in a real browser: the case officer finds the
plan by the person's name and appoints the coordinator from the colleagues who may coordinate;
the coordinator records the consent, builds the responsibility group, a goal and a measure for it,
activates and evaluates the plan, ends a membership and closes the plan. Every page is checked as
in test_browser.py (CSP header and violations, axe-core WCAG 2.1 AA: nothing serious or critical)
and photographed (tests/web/screenshots/ip-*.png)."""

from __future__ import annotations

import re

import pytest

from tests.browser import fresh_app, log_in, requires_browser, serving
from tests.web.client import PASSWORD, make_web_user
from tests.web.plan_rows import requested_plan

pytestmark = requires_browser


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A server of its own app and database with a requested plan that has no coordinator yet."""
    app, env = fresh_app(tmp_path_factory, "plans-browser")
    town = env.municipality(name="Planby")
    officer = make_web_user(app, env, town, "case_officer")
    coordinator = make_web_user(app, env, town, "coordinator")
    plan = requested_plan(env, town, None)
    with serving(app) as url:
        yield {"url": url, "officer": officer, "coordinator": coordinator, "plan": plan["plan"]}


def submit(page, action_end: str) -> None:
    page.locator(f"form[action$='{action_end}'] button[type=submit]").click()
    page.wait_for_load_state()


def test_a_plan_from_the_coordinators_appointment_to_its_close(visit, live):
    coordinator = live["coordinator"]
    officer_tab = visit()
    page = officer_tab.page
    log_in(officer_tab, live["officer"], PASSWORD)
    page.get_by_role("navigation", name="Hovedmeny").get_by_role(
        "link", name=re.compile("^Individuell plan|^Individual plans")).click()
    page.wait_for_url("**/app/plans")
    assert page.get_by_role("link", name="Per Planlagt").is_visible(), "the list names the person"
    officer_tab.check("ip-01-list-case-officer")
    page.get_by_role("link", name=re.compile("15.01.2026")).click()
    page.wait_for_url(f"**/app/plans/{live['plan']}")
    officer_tab.check("ip-02-requested")

    submit(page, "/appoint-coordinator")  # nobody chosen: said beside the list
    assert page.locator("#coordinator-user_id-error").is_visible()
    officer_tab.check("ip-03-appoint-refused")
    page.select_option("#coordinator-user_id", str(coordinator.user_id))
    page.fill("#coordinator-contact", "tlf 55 55 55 55")
    submit(page, "/appoint-coordinator")
    assert coordinator.username in page.locator("#plan-coordinator").inner_text()
    officer_tab.check("ip-04-appointed")

    tab = visit()
    page = tab.page
    log_in(tab, coordinator, PASSWORD)
    page.goto("/app/plans")
    page.get_by_role("link", name=re.compile("15.01.2026")).click()
    page.wait_for_url(f"**/app/plans/{live['plan']}")
    tab.check("ip-05-coordinator-requested")
    page.fill("#given_on", "2026-02-02")
    page.fill("#scope", "Individuell plan og samarbeid med NAV")
    page.check("#information_sharing")
    submit(page, "/consent")
    assert "Individuell plan og samarbeid med NAV" in page.locator("main").inner_text()
    tab.check("ip-06-consented")

    page.fill("#member-name", "Nina Nav")
    page.fill("#member-role", "Veileder")
    page.fill("#member-organisation", "NAV Vestby")
    page.fill("#member-joined_on", "2026-02-10")
    submit(page, "/members")
    assert page.url.endswith("#members-heading")
    assert "Nina Nav, Veileder (NAV Vestby)" in page.locator("main").inner_text()
    tab.check("ip-07-member")

    page.select_option("#goal-area", "housing")
    page.fill("#goal-text", "Bo i egen leilighet")
    page.fill("#goal-target_on", "2026-12-31")
    submit(page, "/goals")
    assert "Bo i egen leilighet" in page.locator("main").inner_text()
    tab.check("ip-08-goal")

    page.fill("#measure-description", "Boveiledning i hjemmet")
    page.select_option("#measure-goal_id", label="Bo i egen leilighet")
    page.fill("#measure-extent", "2 timer per uke")
    page.fill("#measure-responsible_organisation", "Psykisk helseteam")
    page.fill("#measure-starts_on", "2026-03-01")
    submit(page, "/measures")
    assert re.search("(Serves the goal|Tjener målet): Bo i egen leilighet", page.locator("main").inner_text())
    tab.check("ip-09-measure")

    page.fill("#activated_on", "2026-02-10")
    submit(page, "/activate")
    assert "10.08.2026" in page.locator("main").inner_text(), "the first evaluation, six months on"
    tab.check("ip-10-active")

    page.fill("#evaluated_on", "2026-03-02")
    page.fill("#summary", "Godt i gang med boveiledning")
    page.fill("#next_evaluation_on", "2026-09-01")
    submit(page, "/evaluations")
    assert "02.03.2026: Godt i gang med boveiledning" in page.locator("main").inner_text()
    tab.check("ip-11-evaluated")

    # The member leaves the group: the change form opens from its summary.
    page.locator("#members-heading ~ ul details summary").first.click()
    page.fill("#member-1-ended_on", "2026-03-01")
    tab.check("ip-12-member-change-open")
    page.locator("form[action*='/members/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert re.search("(left|sluttet) 01.03.2026", page.locator("main").inner_text())
    tab.check("ip-13-member-left")

    submit(page, "/close")  # without a reason: said beside the field
    assert page.locator("#close-reason-error").is_visible()
    tab.check("ip-14-close-refused")
    page.fill("#close-reason", "Målene er nådd, personen ønsker å avslutte")
    submit(page, "/close")
    assert "Målene er nådd" in page.locator("#plan-closed").inner_text()
    assert page.locator("form[action$='/members']").count() == 0, "a closed plan takes no new members"
    tab.check("ip-15-closed")
