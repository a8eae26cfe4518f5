"""Individuell plan: the coordinator records the consent, activates the plan and evaluates it."""

from __future__ import annotations

import re

from service.web import CONTENT_SECURITY_POLICY
from tests.web.client import Browser
from tests.web.plan_rows import requested_plan


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def version_of(html: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)


def test_the_coordinator_gives_consent_activates_and_evaluates_the_plan(app, env, town, web_user):
    user = web_user("coordinator")
    plan = requested_plan(env, town, user.user_id)
    browser = Browser(app)
    assert browser.log_in(user).status_code == 303
    assert 'href="/app/plans"' in browser.get("/app/").get_data(as_text=True)
    listing = browser.get("/app/plans")
    assert "Plans you may see: 1." in text(listing) and f"/app/plans/{plan['plan']}" in listing.get_data(as_text=True)
    url = f"/app/plans/{plan['plan']}"
    page = browser.get(url)
    assert "Requested" in text(page) and "Not given yet" in text(page)
    assert "Activate the plan" not in text(page), "no consent yet: nothing to activate"

    short = browser.post(f"{url}/consent", {"version": version_of(page.get_data(as_text=True)),
                                            "given_on": "2026-02-02", "scope": "IP"})
    assert short.status_code == 422
    assert 'id="scope-error">Length must be between 3 and 500.' in short.get_data(as_text=True)
    assert 'value="2026-02-02"' in short.get_data(as_text=True), "the date typed is kept"
    given = browser.post(f"{url}/consent", {"version": version_of(short.get_data(as_text=True)),
                                            "given_on": "2026-02-02", "scope": "Individuell plan og samarbeid",
                                            "information_sharing": "y"})
    assert given.status_code == 303
    page = browser.get(url)
    assert "In preparation" in text(page) and "Individuell plan og samarbeid" in text(page)

    active = browser.post(f"{url}/activate", {"version": version_of(page.get_data(as_text=True)),
                                              "activated_on": "2026-02-10"})
    assert active.status_code == 303
    page = browser.get(url)
    assert "Active" in text(page) and "2026-08-10" in text(page), "first evaluation: six months after activation"

    stale = browser.post(f"{url}/evaluations", {"version": "1", "evaluated_on": "2026-03-02",
                                                "summary": "Godt i gang", "next_evaluation_on": "2026-09-01"})
    assert stale.status_code == 412 and "Changed by someone else" in text(stale)
    assert "Godt i gang" in stale.get_data(as_text=True), "what was typed is kept"
    done = browser.post(f"{url}/evaluations", {"version": version_of(stale.get_data(as_text=True)),
                                               "evaluated_on": "2026-03-02", "summary": "Godt i gang",
                                               "next_evaluation_on": "2026-09-01"})
    assert done.status_code == 303
    page = browser.get(url)
    assert "2026-03-02: Godt i gang" in text(page) and "2026-09-01" in text(page)
    assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert not re.search(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=", page.get_data(as_text=True))


def test_another_coordinator_does_not_see_the_plan_and_a_housing_officer_has_no_plan_pages(app, env, town, web_user):
    owner = web_user("coordinator")
    plan = requested_plan(env, town, owner.user_id)
    other = web_user("coordinator")
    browser = Browser(app)
    assert browser.log_in(other).status_code == 303
    assert "Plans you may see: 0." in text(browser.get("/app/plans"))
    assert browser.get(f"/app/plans/{plan['plan']}").status_code == 404
    housing = Browser(app, "192.0.2.11")
    assert housing.log_in(web_user("housing_officer")).status_code == 303
    assert housing.get("/app/plans").status_code == 403
