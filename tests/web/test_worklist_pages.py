"""Arbeidsliste: the case officer's flags as a page, overdue first, filtered, acknowledged, handed
over; the menu's count; another municipality's flag; the start page that is the worklist."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.extensions import db
from tests.web.client import Browser, text
from tests.web.worklist_rows import case_desk

NORWEGIAN = {"Accept-Language": "nb-NO,nb;q=0.9"}


@pytest.fixture
def desk(app, env, town):
    return case_desk(app, env, town)


def logged_in(app, user) -> Browser:
    browser = Browser(app)
    assert browser.log_in(user).status_code == 303
    return browser



def rows(response) -> list[str]:
    """The worklist table's rows, as words."""
    html = response.get_data(as_text=True)
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)] if body else []


def badge(response) -> str | None:
    """The number on the menu's worklist item, if any."""
    match = re.search(r'href="/app/worklist"[^>]*>[^<]*<span class="ds-badge"[^>]*data-count="(\d+)"',
                      response.get_data(as_text=True))
    return match.group(1) if match else None


def test_the_list_shows_what_is_due_overdue_first_with_days_in_words_and_links_to_act(app, desk):
    browser = logged_in(app, desk.officer)
    page = browser.get("/app/worklist")
    assert page.status_code == 200
    shown = rows(page)
    assert len(shown) == 3
    assert shown[0].startswith("2026-02-20 11 days overdue") and "Kari Frist" in shown[0]
    assert shown[1].startswith("2026-03-20 in 17 days") and "Ola Utløp" in shown[1] and "Kai Kollega" in shown[1]
    assert shown[2].startswith("2026-04-01 in 29 days") and "Kari Frist" in shown[2]
    assert "psykisk helsetjeneste – oppfølging og samtaler" in shown[2], "the subject's label"
    html = page.get_data(as_text=True)
    assert f'href="/app/cases/decisions/{desk.decisions["mine"]}"' in html, "an expiring decision: its page (renew)"
    assert f'href="/app/cases/referrals/{desk.referral}"' in html, "a reply due: the referral (preliminary reply)"
    nb = rows(browser.get("/app/worklist", headers=NORWEGIAN))
    assert re.match(r"20\.02\.2026 11 (days overdue|dager på overtid)", nb[0]), "dates as dd.mm.åååå in bokmål"
    assert re.match(r"01\.04\.2026 (in|om) 29 (days|dager)", nb[2])


def test_reading_the_list_is_audited_as_the_apis_read(app, desk):
    def reads() -> list[tuple[str, str]]:
        with app.app_context():
            return sorted((kind, str(object_id)) for kind, object_id in db.session.execute(
                sa.select(AuditEvent.object_type, AuditEvent.object_id).where(
                    AuditEvent.actor_id == desk.officer.user_id, AuditEvent.detail == "worklist")).all())

    browser = logged_in(app, desk.officer)  # lands on the start page: the worklist, read once
    expected = sorted([("decision", desk.decisions["mine"]), ("decision", desk.decisions["colleagues"]),
                       ("referral", desk.referral)])
    assert reads() == expected
    browser.get("/app/worklist?kind=referral_reply_due")
    assert reads() == sorted([*expected, ("referral", desk.referral)]), "each row shown is a read, each time"


def test_filters_by_kind_and_mine_work_as_a_plain_get_form(app, desk):
    browser = logged_in(app, desk.officer)
    expiring = browser.get("/app/worklist?kind=decision_expiring")
    assert [row[:10] for row in rows(expiring)] == ["2026-03-20", "2026-04-01"]
    assert re.search(r'<option value="decision_expiring" selected>[^<]*\(2\)</option>',
                     expiring.get_data(as_text=True)), "the kind chosen, with its count"
    mine = browser.get("/app/worklist?mine=true")
    assert [row[:10] for row in rows(mine)] == ["2026-02-20", "2026-04-01"], "the colleague's item is not mine"
    both = browser.get("/app/worklist?mine=true&kind=decision_expiring")
    assert [row[:10] for row in rows(both)] == ["2026-04-01"]
    stale_link = browser.get("/app/worklist?kind=no_such_kind&mine=perhaps")
    assert stale_link.status_code == 200 and len(rows(stale_link)) == 3, "an unknown filter is left out"


def test_the_menu_counts_new_items_and_acknowledging_one_takes_it_off_the_count(app, desk):
    browser = logged_in(app, desk.officer)
    page = browser.get("/app/persons")
    assert badge(page) == "3" and "(3 new)" in page.get_data(as_text=True)
    listed = browser.get("/app/worklist?kind=decision_expiring")
    html = listed.get_data(as_text=True)
    action = re.search(r'action="(/app/worklist/[^"]+/acknowledge)"', html).group(1)
    done = browser.post(action, {"version": "1", "kind": "decision_expiring"})
    assert done.status_code == 303 and done.headers["Location"] == "/app/worklist?kind=decision_expiring"
    after = browser.get(done.headers["Location"])
    assert badge(after) == "2"
    first = rows(after)[0]
    assert re.search(r"Acknowledged|Sett", first) and "2026-03-03" in first, "still on the list, as seen"
    assert len(re.findall(r"/acknowledge", after.get_data(as_text=True))) == 1, "no button for the one seen"


def test_a_stale_or_repeated_acknowledgement_is_refused_on_the_page(app, desk):
    browser = logged_in(app, desk.officer)
    html = browser.get("/app/worklist").get_data(as_text=True)
    action = re.search(r'action="(/app/worklist/[^"]+/acknowledge)"', html).group(1)
    stale = browser.post(action, {"version": "7"})
    assert stale.status_code == 412 and re.search(r"Changed by someone else|Endret av en annen", text(stale))
    assert browser.post(action, {"version": "1"}).status_code == 303
    browser.get("/app/worklist")
    again = browser.post(action, {"version": "2"})
    assert again.status_code == 409 and len(rows(again)) == 3


def test_another_municipalitys_flag_is_not_found(app, env, web_user, desk):
    html = logged_in(app, desk.officer).get("/app/worklist").get_data(as_text=True)
    action = re.search(r'action="(/app/worklist/[^"]+/acknowledge)"', html).group(1)
    elsewhere = env.municipality()
    stranger = logged_in(app, web_user("case_officer", municipality=elsewhere))
    page = stranger.get("/app/worklist")
    assert rows(page) == [] and "Kari Frist" not in text(page) and badge(page) is None
    assert stranger.post(action, {"version": "1"}).status_code == 404


def test_handover_is_refused_to_a_coordinator_and_done_for_a_case_officer(app, web_user, desk):
    coordinator = logged_in(app, web_user("coordinator"))
    coordinator_page = coordinator.get("/app/worklist")
    assert coordinator_page.status_code == 200 and "handover" not in coordinator_page.get_data(as_text=True)
    body = {"from_user_id": str(desk.colleague.user_id), "to_user_id": str(desk.officer.user_id), "from": "worklist"}
    assert coordinator.post("/app/worklist/handover", body).status_code == 403

    browser = logged_in(app, desk.officer)
    page = browser.get("/app/worklist")
    assert 'action="/app/worklist/handover"' in page.get_data(as_text=True)
    assert "Kai Kollega" in text(page), "the municipality's users to choose from"
    to_coordinator = browser.post("/app/worklist/handover", {**body, "to_user_id": str(coordinator_user(app, desk))})
    assert to_coordinator.status_code == 422
    assert 'id="handover-to_user_id-error"' in to_coordinator.get_data(as_text=True), "beside the field"
    assert len(rows(to_coordinator)) == 3, "refused on the worklist, the list still shown"
    done = browser.post("/app/worklist/handover", body)
    assert done.status_code == 303 and done.headers["Location"].endswith("referrals=0&flags=1&kept=0")
    result = text(browser.get(done.headers["Location"]))
    assert re.search(r"0 open referrals and 1 worklist items|0 åpne henvisninger og 1", result)
    mine = browser.get("/app/worklist?mine=true")
    assert len(rows(mine)) == 3, "the colleague's expiring decision is the officer's now"


def coordinator_user(app, desk):
    """The id of a user with another role than the one handing over (a coordinator of the town)."""
    from service.auth.models import User

    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.role == "coordinator").order_by(User.created_at.desc()))


def test_the_administrator_hands_over_from_a_page_of_its_own(app, web_user, desk):
    admin = logged_in(app, web_user("admin"))
    assert admin.get("/app/worklist").status_code == 403
    form = admin.get("/app/worklist/handover")
    assert form.status_code == 200 and "Kai Kollega" in text(form)
    refused = admin.post("/app/worklist/handover", {"from_user_id": str(desk.colleague.user_id), "to_user_id": ""})
    assert refused.status_code == 422 and 'id="handover-to_user_id-error"' in refused.get_data(as_text=True)
    done = admin.post("/app/worklist/handover", {"from_user_id": str(desk.colleague.user_id),
                                                 "to_user_id": str(desk.officer.user_id)})
    assert done.status_code == 303


def test_the_start_page_is_the_worklist_for_roles_that_have_one(app, web_user, desk):
    browser = logged_in(app, desk.officer)
    start = browser.get("/app/")
    assert start.status_code == 200 and len(rows(start)) == 3
    planner = logged_in(app, web_user("planner"))
    assert rows(planner.get("/app/")) == [] and "worklist" not in planner.get("/app/").get_data(as_text=True)


@pytest.mark.parametrize("role, landing", [("planner", "/app/reports"), ("auditor", "/app/audit/sample"),
                                           ("admin", "/app/admin")])
def test_a_role_without_a_worklist_starts_on_the_page_of_its_days_work(app, web_user, role, landing):
    browser = logged_in(app, web_user(role))
    start = browser.get("/app/")
    assert (start.status_code, start.headers["Location"]) == (303, landing)
    assert browser.get(landing).status_code == 200


def test_every_subject_type_leads_to_a_page_that_exists(app):
    from service.web.worklist.routes import SUBJECT_PAGES
    from service.worklist.models import SUBJECT_TYPES

    assert set(SUBJECT_PAGES) == set(SUBJECT_TYPES)
    for target in SUBJECT_PAGES.values():
        rules = [rule.rule for rule in app.url_map.iter_rules(target.endpoint)]
        assert rules and f"<uuid:{target.argument}>" in rules[0], target


def test_an_appeal_waiting_leads_to_its_decisions_page(app, env, town, desk):
    from tests.helpers import ok
    from tests.web.worklist_rows import run_deadlines

    decision = desk.decisions["colleagues"]
    ok(desk.colleague.post(f"/api/v1/decisions/{decision}/notify", json={"notified_on": "2025-12-22"}))
    ok(desk.colleague.post(f"/api/v1/decisions/{decision}/appeals", json={"received_on": "2026-01-20"}), 201)
    assert run_deadlines(app, town)["raised"] == {"appeal_pending": 1}
    page = logged_in(app, desk.officer).get("/app/worklist?kind=appeal_pending")
    assert len(rows(page)) == 1 and "Ola Utløp" in rows(page)[0]
    assert f'<a class="ds-link" href="/app/cases/decisions/{decision}">' in page.get_data(as_text=True)
