"""The worklist in a real browser: the case officer logs in and lands on it, follows an expiring
decision to its page, renews it, and the item is gone (the renewal resolves its flag in the same
transaction); and the same list used with the keyboard alone: filter, acknowledge, open. Every
page and every htmx swap is checked (CSP, axe-core WCAG 2.1 AA) and photographed."""

from __future__ import annotations

import re

import pytest

from tests.browser import fresh_app, has_focus, log_in, now_code, requires_browser, serving
from tests.web.client import PASSWORD
from tests.web.worklist_rows import case_desk

pytestmark = requires_browser


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A server of its own app and database: two towns, each with a case officer's desk of flags
    (one web user per browser test: a TOTP code is accepted once)."""
    app, env = fresh_app(tmp_path_factory, "worklist-browser")
    desks = {name: case_desk(app, env, env.municipality(name=name), serial=serial)
             for name, serial in (("Fristby", 60), ("Tastby", 70))}
    with serving(app) as url:
        yield {"url": url, "desks": desks}


def worklist_rows(page) -> list[str]:
    return [row.inner_text() for row in page.locator("#worklist tbody tr").all()]


def test_the_case_officer_renews_an_expiring_decision_from_the_worklist(visit, live):
    desk = live["desks"]["Fristby"]
    tab = visit()
    page = tab.page
    log_in(tab, desk.officer, PASSWORD)
    assert page.url.endswith("/app/"), "the login lands on the start page: the worklist"
    assert page.locator("h1").inner_text() in ("Worklist", "Arbeidsliste")
    menu = page.get_by_role("navigation", name="Hovedmeny")
    assert menu.get_by_role("link").first.inner_text().startswith(("Worklist", "Arbeidsliste")), "first in the menu"
    assert "3" in menu.locator(".ds-badge").get_attribute("data-count")
    shown = worklist_rows(page)
    assert [row[:10] for row in shown] == ["20.02.2026", "20.03.2026", "01.04.2026"], "overdue first"
    assert "Kari Frist" in shown[2] and re.search(r"(om|in) 29 (dager|days)", shown[2])
    tab.check("worklist-01-start")

    # Only the expiring decisions: htmx swaps the list and puts the filter in the address.
    page.select_option("#kind", "decision_expiring")
    page.wait_for_url("**/app/worklist?kind=decision_expiring*")
    page.locator("#worklist tbody tr").nth(1).wait_for()
    page.wait_for_function("document.querySelectorAll('#worklist tbody tr').length === 2")
    tab.check("worklist-02-expiring-swapped")

    mine = page.locator("#worklist tbody tr", has_text="Kari Frist")
    mine.get_by_role("link", name=re.compile("psykisk helsetjeneste")).click()
    page.wait_for_url(f"**/app/cases/decisions/{desk.decisions['mine']}")
    tab.check("worklist-03-decision")

    page.get_by_role("link", name=re.compile("Renew the decision|Forny vedtaket")).click()
    page.wait_for_url("**/renew")
    tab.check("worklist-04-renew")
    page.fill("#valid_to", "2027-03-31")
    page.fill("#decided_on", "2026-03-03")
    page.locator("form[action$='/renew'] button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/app/cases/decisions/[0-9a-f-]{36}$"))
    assert desk.decisions["mine"] not in page.url, "the renewal's own page"
    tab.check("worklist-05-renewed")

    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name=re.compile("^(Worklist|Arbeidsliste)")).click()
    page.wait_for_url("**/app/worklist")
    shown = worklist_rows(page)
    assert [row[:10] for row in shown] == ["20.02.2026", "20.03.2026"], "the renewed decision's item is gone"
    assert not any("01.04.2026" in row for row in shown)
    assert page.get_by_role("navigation", name="Hovedmeny").locator(".ds-badge").get_attribute("data-count") == "2"
    tab.check("worklist-06-resolved")

    # Kai Kollega is away: their expiring decision is handed to the officer from the same page.
    page.select_option("#handover-from_user_id", str(desk.colleague.user_id))
    assert page.locator("#handover-from_user_id option:checked").inner_text().startswith("Kai Kollega")
    page.select_option("#handover-to_user_id", str(desk.officer.user_id))
    page.locator("form[action$='/worklist/handover'] button[type=submit]").click()
    page.wait_for_url("**/app/worklist/handover?*")
    assert re.search(r"0 open referrals and 1 worklist items|0 åpne henvisninger og 1", page.locator("main").inner_text())
    tab.check("worklist-07-handed-over")


def press_tab_until(page, condition: str, limit: int = 80) -> None:
    """Tab (forward) until ``condition`` (JS, about ``document.activeElement``) holds."""
    for _step in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!({condition}); }}"):
            return
    raise AssertionError(f"never reached by Tab: {condition}")


def test_the_worklist_works_with_the_keyboard_only(visit, live):
    desk = live["desks"]["Tastby"]
    tab = visit()
    page = tab.page
    page.goto("/app/login")
    has_focus(page, "username")
    page.keyboard.type(desk.officer.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/app/login/code")
    has_focus(page, "code")
    page.keyboard.type(now_code(desk.officer.secret))
    page.keyboard.press("Enter")
    page.wait_for_url("**/app/")
    tab.check("worklist-k01-start")

    # "Only mine": the radio group is reached by Tab, moved with the arrow keys (htmx swaps the list).
    press_tab_until(page, "el.id === 'mine-all'")
    page.keyboard.press("ArrowDown")
    page.wait_for_url("**/app/worklist?*mine=true*")
    page.wait_for_function("document.querySelectorAll('#worklist tbody tr').length === 2")
    assert not any("Ola Utløp" in row for row in worklist_rows(page)), "the colleague's item is not mine"
    tab.check("worklist-k02-mine-swapped")

    # Acknowledge the referral that is overdue: the list comes back with the same filter.
    press_tab_until(page, "el.tagName === 'BUTTON' && el.closest('form') && "
                          "el.closest('form').action.endsWith('/acknowledge')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/app/worklist?mine=true")
    first = worklist_rows(page)[0]
    assert "Kari Frist" in first and re.search(r"Acknowledged|Sett|Kvittert", first)
    assert page.locator("nav .ds-badge").get_attribute("data-count") == "2", "three new, one seen"
    tab.check("worklist-k03-acknowledged")

    # Follow the overdue referral to its page, where the preliminary reply is sent.
    press_tab_until(page, f"el.getAttribute('href') === '/app/cases/referrals/{desk.referral}'")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/app/cases/referrals/{desk.referral}")
    tab.check("worklist-k04-referral")
