"""Individuell plan: the consent, the coordinator, the responsibility group, goals and measures, activation,
evaluation, declining and closing, each as the API refuses it (422 beside the field, 412, 403, 404)."""

from __future__ import annotations

import re

import pytest

from service.web import CONTENT_SECURITY_POLICY
from tests.web.client import Browser, text
from tests.web.plan_rows import prepared_plan, requested_plan


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


# --- the coordinator, the responsibility group, goals and measures, declining and closing --------

def form_version(html: str, action_end: str) -> str:
    """The version in the form whose action ends with ``action_end``."""
    form = re.search(r'<form[^>]*action="[^"]*' + re.escape(action_end) + r'".*?</form>', html, re.S).group(0)
    return version_of(form)


def part_id(html: str, kind: str, number: int = 1) -> str:
    """The id of the ``number``-th part of a kind (members, goals, measures) from its change form."""
    return re.findall(rf'action="/app/plans/[0-9a-f-]+/{kind}/([0-9a-f-]+)/edit"', html)[number - 1]


def test_the_case_officer_appoints_a_coordinator_among_the_colleagues_who_may_coordinate(app, env, town, web_user):
    officer = web_user("case_officer")
    first, second = web_user("coordinator"), web_user("coordinator")
    plan = requested_plan(env, town, first.user_id)
    url = f"/app/plans/{plan['plan']}"
    browser = Browser(app)
    assert browser.log_in(officer).status_code == 303
    listing = browser.get("/app/plans")
    assert "Per Planlagt" in text(listing), "the list names the person, not an id"
    html = browser.get(url).get_data(as_text=True)
    assert f'<option value="{second.user_id}">{second.username}</option>' in html
    assert f'<option value="{officer.user_id}"' not in html, "only colleagues who may coordinate are offered"

    nobody = browser.post(f"{url}/appoint-coordinator", {"version": version_of(html), "user_id": "", "name": "",
                                                          "contact": "tlf 99 88 77 66", "appointed_on": "2026-03-01"})
    assert nobody.status_code == 422
    assert 'id="coordinator-user_id-error">give either user_id or name' in nobody.get_data(as_text=True)
    assert 'value="tlf 99 88 77 66"' in nobody.get_data(as_text=True), "what was typed is kept"
    # A post made by hand with a case officer: the service refuses the role, beside the field.
    wrong = browser.post(f"{url}/appoint-coordinator", {"version": version_of(html), "user_id": str(officer.user_id),
                                                         "appointed_on": "2026-03-01"})
    assert wrong.status_code == 422 and "does not have the coordinator role" in text(wrong)
    stale = browser.post(f"{url}/appoint-coordinator", {"version": "1", "user_id": str(second.user_id),
                                                         "appointed_on": "2026-03-01"})
    assert stale.status_code == 412 and "Changed by someone else" in text(stale)
    assert f'<option value="{second.user_id}" selected>' in stale.get_data(as_text=True), "the choice is kept"
    done = browser.post(f"{url}/appoint-coordinator", {"version": version_of(stale.get_data(as_text=True)),
                                                        "user_id": str(second.user_id), "appointed_on": "2026-03-01"})
    assert done.status_code == 303
    page = text(browser.get(url))
    assert f"Coordinator {second.username} (appointed 2026-03-01)" in page
    assert "Add a member" not in page, "the group is the coordinator's: a case officer is not offered it"
    assert browser.post(f"{url}/members", {"version": "2", "organisation": "NAV", "role": "Veileder",
                                           "name": "Nina"}).status_code == 403


def test_the_coordinator_builds_the_group_goals_and_measures_and_closes_the_plan(app, env, town, web_user):
    coordinator = web_user("coordinator")
    plan = prepared_plan(env, town, coordinator.user_id)
    url = f"/app/plans/{plan['plan']}"
    browser = Browser(app)
    assert browser.log_in(coordinator).status_code == 303
    html = browser.get(url).get_data(as_text=True)
    assert 'name="user_id"' not in html, "a coordinator may not list the users: a coordinator outside the system only"
    assert "Coordinator&#39;s name" in html or "Coordinator's name" in html

    # The responsibility group: a member refused, added, ended too early, stale, ended.
    nameless = browser.post(f"{url}/members", {"version": version_of(html), "organisation": "NAV Vestby",
                                               "role": "Veileder", "name": "", "joined_on": "2026-02-10"})
    assert nameless.status_code == 422
    assert 'id="member-name-error">' in nameless.get_data(as_text=True)
    assert 'value="NAV Vestby"' in nameless.get_data(as_text=True)
    added = browser.post(f"{url}/members", {"version": version_of(html), "organisation": "NAV Vestby",
                                            "role": "Veileder", "name": "Nina Nav", "joined_on": "2026-02-10"})
    assert added.status_code == 303 and added.headers["Location"].endswith("#members-heading")
    html = browser.get(url).get_data(as_text=True)
    assert "Nina Nav, Veileder (NAV Vestby)" in text(browser.get(url))
    member = part_id(html, "members")
    edit = f"{url}/members/{member}/edit"
    fields = {"organisation": "NAV Vestby", "role": "Veileder", "name": "Nina Nav", "contact": "",
              "joined_on": "2026-02-10"}
    early = browser.post(edit, {**fields, "version": form_version(html, f"/members/{member}/edit"),
                                "ended_on": "2026-02-01"})
    assert early.status_code == 422
    assert re.search(r'id="member-1-ended_on-error">must not be before joined_on', early.get_data(as_text=True))
    assert "<details open>" in early.get_data(as_text=True), "the refused change form is open"
    emptied = browser.post(edit, {**fields, "name": "", "version": form_version(html, f"/members/{member}/edit")})
    assert emptied.status_code == 422 and 'id="member-1-name-error">must not be empty' in emptied.get_data(as_text=True)
    stale = browser.post(edit, {**fields, "version": "0", "ended_on": "2026-03-01"})
    assert stale.status_code == 412 and "Changed by someone else" in text(stale)
    assert 'value="2026-03-01"' in stale.get_data(as_text=True)
    ended = browser.post(edit, {**fields, "version": form_version(html, f"/members/{member}/edit"),
                                "ended_on": "2026-03-01"})
    assert ended.status_code == 303
    assert "left 2026-03-01" in text(browser.get(url))

    # Goals: one refused without its life area, added, marked achieved.
    html = browser.last_html
    no_area = browser.post(f"{url}/goals", {"version": version_of(html), "area": "", "text": "Egen bolig",
                                            "status": "open"})
    assert no_area.status_code == 422 and 'id="goal-area-error">' in no_area.get_data(as_text=True)
    assert "Egen bolig" in no_area.get_data(as_text=True)
    assert browser.post(f"{url}/goals", {"version": version_of(html), "area": "housing", "text": "Egen bolig",
                                         "target_on": "2026-12-31", "status": "open"}).status_code == 303
    html = browser.get(url).get_data(as_text=True)
    goal = part_id(html, "goals")
    assert browser.post(f"{url}/goals/{goal}/edit", {
        "version": form_version(html, f"/goals/{goal}/edit"), "area": "housing", "text": "Egen bolig med støtte",
        "target_on": "", "status": "achieved"}).status_code == 303
    page = text(browser.get(url))
    assert "Housing: Egen bolig med støtte (Achieved)" in page, "the target date cleared"

    # Measures: for the goal, and completed.
    html = browser.last_html
    assert browser.post(f"{url}/measures", {
        "version": version_of(html), "goal_id": goal, "description": "Boveiledning", "extent": "2 timer per uke",
        "responsible_organisation": "Psykisk helseteam", "responsible_name": "", "starts_on": "2026-03-01",
        "ends_on": "2026-02-01", "status": "ongoing"}).status_code == 422
    assert 'id="measure-ends_on-error">must not be before starts_on' in browser.last_html
    assert browser.post(f"{url}/measures", {
        "version": version_of(html), "goal_id": goal, "description": "Boveiledning", "extent": "2 timer per uke",
        "responsible_organisation": "Psykisk helseteam", "starts_on": "2026-03-01", "status": "ongoing"},
    ).status_code == 303
    html = browser.get(url).get_data(as_text=True)
    assert "Serves the goal: Egen bolig med støtte" in text(browser.get(url))
    measure = part_id(html, "measures")
    assert browser.post(f"{url}/measures/{measure}/edit", {
        "version": form_version(html, f"/measures/{measure}/edit"), "goal_id": "", "description": "Boveiledning",
        "extent": "2 timer per uke", "responsible_organisation": "Psykisk helseteam", "responsible_name": "Kari",
        "starts_on": "2026-03-01", "ends_on": "", "status": "completed"}).status_code == 303
    page = text(browser.get(url))
    assert "Boveiledning, Psykisk helseteam (Kari), 2 timer per uke (Completed" in page
    assert "Serves the goal" not in page, "the link to the goal cleared"

    # Closing: the reason is required; then the plan is closed and its person no longer the coordinator's.
    html = browser.last_html
    short = browser.post(f"{url}/close", {"version": version_of(html), "closed_on": "2026-03-02", "reason": ""})
    assert short.status_code == 422 and 'id="close-reason-error">' in short.get_data(as_text=True)
    assert 'id="close-closed_on" name="closed_on" value="2026-03-02"' in short.get_data(as_text=True)
    assert browser.post(f"{url}/close", {"version": version_of(html), "closed_on": "2026-03-02",
                                         "reason": "Målene er nådd"}).status_code == 303
    page = text(browser.get(url))
    assert "Closed 2026-03-02: Målene er nådd" in page and "Add a member" not in page
    listing = text(browser.get("/app/plans"))
    assert "Per Planlagt" not in listing and "Not shown to you" in listing, \
        "a closed plan stays the coordinator's, its person does not"


def test_the_person_declines_the_plan_keeping_the_coordinator(app, env, town, web_user):
    officer = web_user("case_officer")
    plan = requested_plan(env, town, web_user("coordinator").user_id)
    url = f"/app/plans/{plan['plan']}"
    browser = Browser(app)
    assert browser.log_in(officer).status_code == 303
    html = browser.get(url).get_data(as_text=True)
    early = browser.post(f"{url}/decline", {"version": version_of(html), "declined_on": "2026-01-01",
                                            "reason": "Vil ikke", "coordinator_only": "y"})
    assert early.status_code == 422
    assert 'id="decline-declined_on-error">must not be before the request' in early.get_data(as_text=True)
    assert 'id="decline-coordinator_only" name="coordinator_only" value="y" checked' in early.get_data(as_text=True)
    stale = browser.post(f"{url}/decline", {"version": "1", "declined_on": "2026-03-01", "coordinator_only": "y"})
    assert stale.status_code == 412
    assert browser.post(f"{url}/decline", {"version": version_of(html), "declined_on": "2026-03-01",
                                           "reason": "Vil ikke ha plan", "coordinator_only": "y"}).status_code == 303
    page = text(browser.get(url))
    assert "Declined 2026-03-01 (keeps the coordinator): Vil ikke ha plan" in page
    assert "Close the plan" in page and "The person declines the plan" not in page


PLAN_ACTIONS = ("appoint-coordinator", "decline", "close", "members", "members/{member}/edit", "goals",
                "goals/{goal}/edit", "measures", "measures/{measure}/edit")


def _plan_with_parts(app, env, town, web_user) -> tuple[Browser, str, dict]:
    """A plan in preparation whose coordinator (logged in, the Browser) added a member, a goal and a measure."""
    coordinator = web_user("coordinator")
    plan = prepared_plan(env, town, coordinator.user_id, serial=62)
    url = f"/app/plans/{plan['plan']}"
    owner = Browser(app)
    assert owner.log_in(coordinator).status_code == 303
    for kind, body in (("members", {"organisation": "NAV", "role": "Veileder", "name": "Nina Nav",
                                    "joined_on": "2026-02-10"}),
                       ("goals", {"area": "housing", "text": "Egen bolig"}),
                       ("measures", {"description": "Boveiledning", "responsible_organisation": "Psykisk helseteam",
                                     "starts_on": "2026-03-01"})):
        html = owner.get(url).get_data(as_text=True)
        assert owner.post(f"{url}/{kind}", {"version": version_of(html), **body}).status_code == 303
    html = owner.get(url).get_data(as_text=True)
    return owner, url, {kind: part_id(html, f"{kind}s") for kind in ("member", "goal", "measure")}


# action, a body the service refuses (the field, the message's id) and what must be kept, a version
# that is stale (the plan's: 3 after request, appointment and consent; a part's: 1 after its creation),
# and what makes the body one the API's schema takes (a stale version is the service's answer to that)
REFUSALS = (
    ("appoint-coordinator", {"name": "Kari Koordinator", "appointed_on": "2026-03-04"},
     "coordinator-appointed_on", "Kari Koordinator", "2", {"appointed_on": "2026-03-02"}),
    ("decline", {"declined_on": "2026-03-04", "reason": "Ønsker ikke plan"}, "decline-declined_on",
     "Ønsker ikke plan", "2", {"declined_on": "2026-03-02"}),
    ("close", {"closed_on": "2026-03-04", "reason": "Flyttet fra kommunen"}, "close-closed_on",
     "Flyttet fra kommunen", "2", {"closed_on": "2026-03-02"}),
    ("members", {"organisation": "NAV", "role": "", "name": "Nora Ny"}, "member-role", "Nora Ny", "2",
     {"role": "Veileder"}),
    ("members/{member}/edit", {"organisation": "NAV", "role": "Veileder", "name": "Nina Nyttnavn",
                               "joined_on": "2026-02-10", "ended_on": "2026-01-01"},
     "member-1-ended_on", "Nina Nyttnavn", "0", {"ended_on": "2026-03-01"}),
    ("goals", {"area": "work_activity", "text": "", "target_on": "2026-11-30"}, "goal-text", "2026-11-30", "2",
     {"text": "Arbeid"}),
    ("goals/{goal}/edit", {"area": "housing", "text": "", "target_on": "2026-10-31", "status": "open"},
     "goal-1-text", "2026-10-31", "0", {"text": "Egen bolig"}),
    ("measures", {"description": "", "extent": "2 timer per uke", "responsible_organisation": "NAV"},
     "measure-description", "2 timer per uke", "2", {"description": "Dagsenter"}),
    ("measures/{measure}/edit", {"description": "Boveiledning endret", "responsible_organisation": "NAV",
                                 "starts_on": "2026-03-01", "ends_on": "2026-02-01", "status": "ongoing"},
     "measure-1-ends_on", "Boveiledning endret", "0", {"ends_on": "2026-04-01"}),
)


@pytest.mark.parametrize(("action", "body", "field", "typed", "stale", "fix"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_each_action_says_a_refusal_beside_its_field_and_a_stale_form_as_changed_by_someone_else(
        app, env, town, web_user, action, body, field, typed, stale, fix):
    owner, url, ids = _plan_with_parts(app, env, town, web_user)
    path = f"{url}/{action.format(**ids)}"
    html = owner.get(url).get_data(as_text=True)
    current = form_version(html, action.format(**ids))
    refused = owner.post(path, {"version": current, **body})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert f'id="{field}-error">' in page and typed in page
    old = owner.post(path, {"version": stale, **body, **fix})  # what the schema takes: the version is checked
    assert old.status_code == 412 and "Changed by someone else" in text(old)
    assert typed in old.get_data(as_text=True), "what was typed is kept"
    assert form_version(old.get_data(as_text=True), action.format(**ids)) == current, \
        "the form again carries the version as it is now"


def test_each_new_action_is_refused_to_a_role_without_it_and_hidden_in_another_municipality(app, env, town, web_user):
    owner, url, ids = _plan_with_parts(app, env, town, web_user)
    actions = [f"{url}/{action.format(**ids)}" for action in PLAN_ACTIONS]

    housing = Browser(app, "192.0.2.11")
    assert housing.log_in(web_user("housing_officer")).status_code == 303
    for action in actions:
        assert housing.post(action, {"version": "1"}).status_code == 403, action

    elsewhere = Browser(app, "192.0.2.12")
    assert elsewhere.log_in(web_user("coordinator", municipality=env.municipality(name="Annenby"))).status_code == 303
    for action in actions:
        response = elsewhere.post(action, {"version": "1"})
        assert response.status_code == 404, action
        assert "Per Planlagt" not in text(response)
    assert "Nina Nav" in text(owner.get(url)), "nothing was changed"
