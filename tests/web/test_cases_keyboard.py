"""The case officer's flow with the keyboard only: from the person's page a referral, a decision
written as a draft, decided, notified and appealed, using nothing but Tab, Enter, Space, the arrow
keys and typing (no click, no fill). Each control is reached by Tab in the page's own order, so a
control the keyboard cannot reach fails here. Every page is checked as in test_browser.py
(screenshots in tests/web/screenshots/keyboard-*.png)."""

from __future__ import annotations

from tests.browser import has_focus, now_code
from tests.web.client import PASSWORD
from tests.web.test_browser import live, pytestmark  # noqa: F401 (a fixture, and the skip)

SERVICE = "bo-og-veiledning"
TAB_LIMIT = 250  # more Tabs than any of these pages has stops


def focused(page, selector: str) -> bool:
    return page.evaluate("s => document.activeElement !== null && document.activeElement.matches(s)", selector)


def tab_to(page, selector: str) -> None:
    """Tab forward until the control is focused; an AssertionError when Tab never reaches it."""
    for _ in range(TAB_LIMIT):
        page.keyboard.press("Tab")
        if focused(page, selector):
            assert focus_shown(page), f"{selector} has the focus but does not show it"
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def focus_shown(page) -> bool:
    """Whether the focused control shows a focus ring (an outline or a shadow), WCAG 2.4.7; the design
    system draws a checkbox's ring around its field (the box and its label)."""
    return page.evaluate("""() => {
        const active = document.activeElement;
        const ringed = active.matches('[type=checkbox], [type=radio]') ? active.closest('.ds-field') : active;
        const style = getComputedStyle(ringed);
        return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
    }""")


def value(page) -> str:
    return page.evaluate("() => document.activeElement.value")


def choose(page, wanted: str) -> None:
    """On a focused list (a closed <select>), the arrow keys until ``wanted`` is chosen."""
    for _ in range(60):
        if value(page) == wanted:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{wanted} cannot be chosen with the arrow keys")


def type_date(page, iso: str) -> None:
    """A date typed into a focused date field, in the order of its parts the browser shows
    (month first in Chromium's default locale, else day first)."""
    year, month, day = iso.split("-")
    page.keyboard.type(month + day + year)
    if value(page) != iso:
        page.keyboard.press("Shift+Tab")  # back to the first part of the same field
        page.keyboard.press("Shift+Tab")
        page.keyboard.type(day + month + year)
    assert value(page) == iso


def press_enter_on(page, selector: str) -> None:
    """Tab to a link or button and press Enter; the page it leads to (or the form's answer) loaded."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_the_case_officer_goes_from_referral_to_appeal_with_the_keyboard_only(visit, live):  # noqa: F811
    officer, person = live["users"]["keyboard"], live["case"].person
    tab = visit()
    page = tab.page
    page.goto("/app/login")
    has_focus(page, "username")  # the page gives the username field the focus once it has loaded
    page.keyboard.type(officer.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    has_focus(page, "code")
    page.keyboard.type(now_code(officer.secret))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/app/login" not in url)
    page.goto(f"/app/persons/{person['id']}")
    tab.check("keyboard-01-person")

    press_enter_on(page, "a[href^='/app/cases/referrals/new']")
    assert "/app/cases/referrals/new?person_id=" in page.url
    tab.check("keyboard-02-referral-form")
    tab_to(page, "#source")
    choose(page, "gp")
    tab_to(page, "#channel")
    choose(page, "letter")
    tab_to(page, f"input[name=requested_services][value={SERVICE}]")
    page.keyboard.press("Space")
    assert page.evaluate("() => document.activeElement.checked")
    tab_to(page, "#summary")
    page.keyboard.type("Fastlegen ber om oppfølging i bolig.")
    press_enter_on(page, "form[action$='/app/cases/referrals'] button[type=submit]")
    assert "/app/cases/referrals/" in page.url and "03.04.2026" in page.locator("#answer-due").inner_text()
    tab.check("keyboard-03-referral")

    press_enter_on(page, "a[href^='/app/cases/decisions/new']")
    tab.check("keyboard-04-decision-form")
    tab_to(page, "#hours_per_week")
    page.keyboard.type("3,5")
    tab_to(page, "#valid_from")
    type_date(page, "2026-04-01")
    tab_to(page, "#valid_to")
    type_date(page, "2026-09-30")
    tab_to(page, "#provider_unit")
    choose(page, "Psykisk helseteam")
    tab_to(page, "#reasoning")
    page.keyboard.type("Behov for oppfølging i bolig.")
    press_enter_on(page, "form[action$='/app/cases/decisions'] button[type=submit]")
    assert "/app/cases/decisions/" in page.url
    tab.check("keyboard-05-draft")

    press_enter_on(page, "form[action$='/decide'] button[type=submit]")  # decided today (03.03.2026)
    assert page.locator("form[action$='/notify']").count() == 1
    tab.check("keyboard-06-decided")
    press_enter_on(page, "form[action$='/notify'] button[type=submit]")  # sent and received today
    assert "31.03.2026" in page.locator("#appeal-deadline").inner_text()
    tab.check("keyboard-07-notified")

    tab_to(page, "#appeal-summary")
    page.keyboard.type("Ønsker flere timer.")
    press_enter_on(page, "form[action$='/appeals'] button[type=submit]")
    assert page.locator("form[action$='/status']").count() == 1, "the appeal is registered and may be moved on"
    tab.check("keyboard-08-appealed")
