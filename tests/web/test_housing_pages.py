"""Bolig: the stock, a unit, the matching board, offers and their answers, as the housing office sees them."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.extensions import db
from service.web import CONTENT_SECURITY_POLICY
from tests.web.client import Browser, logged_in, text
from tests.web.housing_rows import housing_office, settled_office

NORWEGIAN = {"Accept-Language": "nb-NO,nb;q=0.9"}


@pytest.fixture
def office(env, town):
    return housing_office(env, town)



def test_the_stock_counts_units_by_class_and_status_and_each_count_lists_its_units(app, web_user, office):
    browser, _user = logged_in(app, web_user, "housing_officer")
    page = browser.get("/app/housing")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    cells = dict((href, count) for href, count in re.findall(r'<a class="ds-link" href="([^"]+)"[^>]*>(\d+)</a>', html))
    assert cells == {"/app/housing?status=available&amp;risk_class=green": "1",
                     "/app/housing?status=available&amp;risk_class=red": "1",
                     "/app/housing?status=available&amp;unclassified=true": "1"}, "one link per count above zero"
    assert "All units: 3" in text(page)
    green = browser.get("/app/housing?status=available&risk_class=green")
    assert "Units shown: 1" in text(green) and "Grønnvegen 1" in text(green) and "Uklar 3" not in text(green)
    assert 'href="/app/housing"' in browser.get("/app/").get_data(as_text=True), "the menu offers Bolig"


def test_a_units_page_shows_its_checklist_and_why_it_has_no_class(app, web_user, office):
    browser, _user = logged_in(app, web_user, "housing_officer")
    page = text(browser.get(f"/app/housing/units/{office.units['unclassified']}"))
    assert "Not classified" in page
    assert "In place Smoke detector" in page and "Missing Fire extinguisher" in page
    assert "No inspections recorded." in page and "Find candidates for the unit" in page


def test_the_board_ranks_candidates_with_each_term_and_says_why_others_are_excluded(app, web_user, office):
    browser, user = logged_in(app, web_user, "housing_officer")
    response = browser.get(f"/app/housing/units/{office.units['green']}/candidates", headers=NORWEGIAN)
    page = text(response)
    assert response.status_code == 200
    assert "Kari Venter 20 3 30 0 10 0 63 " in page, "urgency, days waiting, homelessness, needed-by, class, area; total"
    assert "Ola Robust" in page and "Boligen er grønn; behovet krever rød" in page.replace("«", "").replace("»", "")
    with app.app_context():
        reads = db.session.scalars(sa.select(AuditEvent.detail).where(
            AuditEvent.actor_id == user.user_id, AuditEvent.object_type == "housing_need")).all()
    assert len(reads) == 2, "each need shown on the board is an audited read"


def test_an_offer_from_a_row_keeps_the_date_typed_and_is_answered_with_the_offers_version(app, web_user, office):
    browser, _user = logged_in(app, web_user, "housing_officer")
    board = f"/app/housing/units/{office.units['green']}/candidates"
    browser.get(board)
    refused = browser.post("/app/housing/offers", {"unit_id": office.units["green"], "need_id": office.needs["kari"],
                                                   "respond_by": "17.03.2026", "from": "unit"})
    assert refused.status_code == 422
    assert 'id="respond_by-error">Not a valid date: use the format YYYY-MM-DD' in refused.get_data(as_text=True)
    assert 'value="17.03.2026"' in refused.get_data(as_text=True), "what was typed is kept"

    made = browser.post("/app/housing/offers", {"unit_id": office.units["green"], "need_id": office.needs["kari"],
                                                "respond_by": "2026-03-17", "from": "unit"})
    assert made.status_code == 303, re.findall(r'role="alert">(.*?)</div>', made.get_data(as_text=True), re.S)
    offer_url = made.headers["Location"]
    page = browser.get(offer_url)
    assert "Awaiting reply" in text(page) and "2026-03-17" in text(page)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page.get_data(as_text=True)).group(1)

    stale = browser.post(f"{offer_url}/accept", {"version": str(int(version) + 1), "start_on": "2026-03-05",
                                                 "responded_on": "2026-03-03"})
    assert stale.status_code == 412
    assert "Changed by someone else" in text(stale) and 'value="2026-03-05"' in stale.get_data(as_text=True)

    accepted = browser.post(f"{offer_url}/accept", {"version": version, "start_on": "2026-03-05",
                                                    "responded_on": "2026-03-03"})
    assert accepted.status_code == 303
    assert "The offer is accepted" in text(browser.get(offer_url))
    assert "Current tenancies: 1." in text(browser.get("/app/housing/tenancies"))
    assert "Occupied" in text(browser.get(f"/app/housing/units/{office.units['green']}"))
    again = browser.post("/app/housing/offers", {"unit_id": office.units["green"], "need_id": office.needs["kari"],
                                                 "respond_by": "2026-03-17", "from": "unit"})
    assert again.status_code == 409 and "only a waiting need can" in text(again)


def test_declining_needs_a_reason_said_beside_the_field(app, web_user, office):
    browser, _user = logged_in(app, web_user, "housing_officer")
    browser.get(f"/app/housing/needs/{office.needs['kari']}")
    made = browser.post("/app/housing/offers", {"unit_id": office.units["green"], "need_id": office.needs["kari"],
                                                "respond_by": "2026-03-17", "from": "need"})
    assert made.status_code == 303
    page = browser.get(made.headers["Location"]).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    refused = browser.post(f"{made.headers['Location']}/decline", {"version": version, "reason": ""})
    assert refused.status_code == 422 and 'id="reason-error">Missing data for required field.' in refused.get_data(
        as_text=True)
    declined = browser.post(f"{made.headers['Location']}/decline", {"version": version, "reason": "Vil bo nær familien"})
    assert declined.status_code == 303
    assert "Vil bo nær familien" in text(browser.get(made.headers["Location"]))
    assert "Waiting" in text(browser.get("/app/housing/needs"))


def test_a_planner_reads_the_stock_but_not_the_board_and_a_post_needs_the_csrf_token(app, web_user, office):
    planner, _user = logged_in(app, web_user, "planner")
    stock = planner.get("/app/housing")
    assert stock.status_code == 200 and "Waiting list" not in text(stock)
    assert "Find candidates" not in text(planner.get(f"/app/housing/units/{office.units['green']}"))
    assert planner.get(f"/app/housing/units/{office.units['green']}/candidates").status_code == 403
    officer, _user = logged_in(app, web_user, "housing_officer")
    forged = officer.post("/app/housing/offers", {"unit_id": office.units["green"], "need_id": office.needs["kari"],
                                                  "respond_by": "2026-03-17"}, token=False)
    assert forged.status_code == 400


def test_every_housing_page_carries_the_csp_and_no_inline_code(app, web_user, office):
    browser, _user = logged_in(app, web_user, "housing_officer")
    for url in ("/app/housing", f"/app/housing/units/{office.units['red']}",
                f"/app/housing/units/{office.units['green']}/candidates", "/app/housing/needs",
                f"/app/housing/needs/{office.needs['ola']}", "/app/housing/offers", "/app/housing/tenancies",
                "/app/housing/proposal?run=1", f"/app/housing/needs/new?person_id={office.persons['kari']}"):
        response = browser.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
        page = response.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=", page), url


# --- the allocation proposal, a need's steps, the office's withdrawal, a tenancy's end ----------

@pytest.fixture
def settled(env, town, office):
    return settled_office(env, town, office)


def version_of(html: str, action: str) -> str:
    """The version the form posting to ``action`` carries."""
    form = html[html.index(f'action="{action}"'):]
    return re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)


def stranger(app, env, web_user, role: str = "housing_officer") -> Browser:
    """A user of another municipality, to whom this one's ids are ids that do not exist."""
    browser = Browser(app)
    assert browser.log_in(web_user(role, municipality=env.municipality())).status_code == 303
    return browser


def test_the_proposal_pairs_free_places_with_waiting_needs_in_words_and_an_offer_shows_as_made(app, web_user,
                                                                                              office, settled):
    browser, _user = logged_in(app, web_user, "housing_officer")
    assert 'href="/app/housing/proposal"' in browser.get("/app/housing").get_data(as_text=True)
    form = browser.get("/app/housing/proposal")
    assert form.status_code == 200 and "Proposed pairs" not in text(form)
    assert "Kari Venter (ordinary" in text(form), "the needs to choose from, by name"
    page = text(browser.get("/app/housing/proposal?run=1"))
    # Ola's need has a pending offer and Tora is housed: one pair, Kari in the green unit; Per Gul
    # (needs yellow) has no place the rules allow.
    assert "Proposed pairs: 1" in page and "Total score: 63 points" in page
    assert re.search(r"Grønnvegen 1 Green Kari Venter Ordinary housing Green 63 "
                     r"Urgency high: 20 points Waiting since 2026-02-01: 3 points "
                     r"Sleeping rough: 30 points The unit's risk class is exactly the one required: 10 points", page)
    assert "Needs without a place in the proposal: 1" in page and "Per Gul" in page
    assert "Free places without a need in the proposal: 1" in page and "Uklar 3" in page

    refused = browser.post("/app/housing/offers", {"pair": f"{office.units['green']} {office.needs['kari']}",
                                                   "respond_by": "17.03.2026", "from": "proposal"})
    assert refused.status_code == 422
    assert 'id="respond_by-error">Not a valid date' in refused.get_data(as_text=True)
    assert 'value="17.03.2026"' in refused.get_data(as_text=True) and "Proposed pairs: 1" in text(refused)

    made = browser.post("/app/housing/offers", {"pair": f"{office.units['green']} {office.needs['kari']}",
                                                "respond_by": "2026-03-17", "from": "proposal"})
    assert made.status_code == 303 and "/app/housing/proposal?run=1" in made.headers["Location"]
    after = text(browser.get(made.headers["Location"]))
    assert "Offers made from the proposal: 1" in after
    assert "Grønnvegen 1 Kari Venter 2026-03-17 Awaiting reply" in after
    assert "Proposed pairs: 0" in after, "the pair offered is no longer proposed"


def test_only_the_housing_office_asks_for_a_proposal(app, web_user, office):
    for role in ("case_officer", "planner"):
        browser, _user = logged_in(app, web_user, role)
        assert browser.get("/app/housing/proposal?run=1").status_code == 403, role
        assert 'href="/app/housing/proposal"' not in browser.get("/app/housing").get_data(as_text=True), role


def test_a_need_is_parked_with_a_reason_resumed_and_withdrawn(app, web_user, office):
    browser, _user = logged_in(app, web_user, "housing_officer")
    url = f"/app/housing/needs/{office.needs['kari']}"
    html = browser.get(url).get_data(as_text=True)
    assert "Kari Venter" in html
    version = version_of(html, f"{url}/park")
    refused = browser.post(f"{url}/park", {"version": version, "until": "2026-03-01", "reason": "Innlagt på DPS"})
    assert refused.status_code == 422
    assert 'id="park-until-error">must be after today' in refused.get_data(as_text=True)
    assert "Innlagt på DPS</textarea>" in refused.get_data(as_text=True), "what was typed is kept"
    stale = browser.post(f"{url}/park", {"version": str(int(version) + 1), "until": "2026-04-01",
                                         "reason": "Innlagt på DPS"})
    assert stale.status_code == 412 and "Changed by someone else" in text(stale)

    parked = browser.post(f"{url}/park", {"version": version, "until": "2026-04-01", "reason": "Innlagt på DPS"})
    assert parked.status_code == 303
    page = browser.get(url)
    assert "On hold until 2026-04-01" in text(page) and "Innlagt på DPS" in text(page)
    assert "Nobody is waiting." not in text(browser.get("/app/housing/needs"))
    assert "Kari Venter" not in text(browser.get("/app/housing/needs")), "a parked need is off the waiting list"

    html = browser.get(url).get_data(as_text=True)
    resumed = browser.post(f"{url}/resume", {"version": version_of(html, f"{url}/resume")})
    assert resumed.status_code == 303 and "Status Waiting" in text(browser.get(url))
    again = browser.post(f"{url}/resume", {"version": version_of(browser.get(url).get_data(as_text=True),
                                                                 f"{url}/park")})
    assert again.status_code == 409 and "only a parked need can" in text(again)

    html = browser.get(url).get_data(as_text=True)
    refused = browser.post(f"{url}/withdraw", {"version": version_of(html, f"{url}/withdraw"), "reason": "",
                                               "withdrawn_on": "2026-03-02"})
    assert refused.status_code == 422 and 'id="withdraw-reason-error">Missing data' in refused.get_data(as_text=True)
    assert 'value="2026-03-02"' in refused.get_data(as_text=True)
    withdrawn = browser.post(f"{url}/withdraw", {"version": version_of(html, f"{url}/withdraw"),
                                                 "reason": "Flyttet til Kristiansund", "withdrawn_on": "2026-03-02"})
    assert withdrawn.status_code == 303
    page = text(browser.get(url))
    assert "Withdrawn 2026-03-02: Flyttet til Kristiansund" in page and "Put on hold" not in page


def test_need_steps_are_the_housing_offices_and_another_municipalitys_need_is_not_found(app, env, web_user, office):
    url = f"/app/housing/needs/{office.needs['kari']}"
    officer, _user = logged_in(app, web_user, "case_officer")
    officer.get("/app/housing/needs")
    assert officer.post(f"{url}/park", {"until": "2026-04-01", "reason": "Innlagt"}).status_code == 403
    assert officer.post(f"{url}/withdraw", {"reason": "Flyttet", "withdrawn_on": "2026-03-02"}).status_code == 403
    other = stranger(app, env, web_user)
    assert other.get(url).status_code == 404
    assert other.post(f"{url}/park", {"until": "2026-04-01", "reason": "Innlagt"}).status_code == 404
    assert other.post(f"{url}/resume", {}).status_code == 404


def test_a_need_is_registered_from_the_persons_page(app, env, web_user, office, settled):
    browser, _user = logged_in(app, web_user, "housing_officer")
    per = settled.persons["per"]
    person_page = browser.get(f"/app/persons/{office.persons['kari']}").get_data(as_text=True)
    assert f'href="/app/housing/needs/new?person_id={office.persons["kari"]}">Register a housing need</a>' in person_page
    # Per Gul's need is withdrawn first: a person has one open need at a time.
    need_url = f"/app/housing/needs/{settled.needs['per']}"
    html = browser.get(need_url).get_data(as_text=True)
    assert browser.post(f"{need_url}/withdraw", {"version": version_of(html, f"{need_url}/withdraw"),
                                                 "reason": "Registrert feil", "withdrawn_on": "2026-03-03"}
                        ).status_code == 303

    form = browser.get(f"/app/housing/needs/new?person_id={per}")
    assert form.status_code == 200 and "For Per Gul." in text(form)
    refused = browser.post("/app/housing/needs", {"person_id": per, "registered_on": "2026-03-03",
                                                  "urgency": "high", "notes": "Bor hos søster"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert re.search(r'id="category-error">[^<]*required', html) and "Bor hos søster</textarea>" in html
    assert '<option value="high" selected>' in html, "what was chosen is kept"
    done = browser.post("/app/housing/needs", {"person_id": per, "registered_on": "2026-03-03", "urgency": "high",
                                               "category": "ordinary", "housing_situation": "with_friends_family",
                                               "notes": "Bor hos søster"})
    assert done.status_code == 303
    page = text(browser.get(done.headers["Location"]))
    assert "Housing need: Ordinary housing" in page and "Per Gul" in page and "Urgency High" in page
    twice = browser.post("/app/housing/needs", {"person_id": per, "registered_on": "2026-03-03",
                                                "category": "ordinary", "housing_situation": "with_friends_family"})
    assert twice.status_code == 409 and "already has an open housing need" in text(twice)


def test_registering_a_need_is_refused_a_planner_and_for_another_municipalitys_person(app, env, web_user, office):
    planner, _user = logged_in(app, web_user, "planner")
    assert planner.get(f"/app/housing/needs/new?person_id={office.persons['kari']}").status_code == 403
    other = stranger(app, env, web_user)
    assert other.get(f"/app/housing/needs/new?person_id={office.persons['kari']}").status_code == 404
    assert other.get("/app/housing/needs/new?person_id=nonsense").status_code == 404


def test_the_lists_name_their_persons(app, web_user, office, settled):
    browser, _user = logged_in(app, web_user, "housing_officer")
    waiting = text(browser.get("/app/housing/needs"))
    assert "Kari Venter 2026-02-01" in waiting and "Per Gul 2026-02-10" in waiting
    assert "Robusthuset 2 Ola Robust 2026-03-01 2026-03-20 Awaiting reply" in text(browser.get("/app/housing/offers"))
    assert "Tora Leier Leilighet 4 2026-03-02" in text(browser.get("/app/housing/tenancies"))
    assert "Tora Leier : From 2026-03-02" in text(browser.get(f"/app/housing/units/{settled.unit}"))
    case_officer, _user = logged_in(app, web_user, "case_officer")
    assert "Kari Venter" in text(case_officer.get("/app/housing/needs")), "the allocation office reads persons too"


def test_the_office_withdraws_a_pending_offer_and_the_need_waits_again(app, env, web_user, office, settled):
    browser, _user = logged_in(app, web_user, "housing_officer")
    url = f"/app/housing/offers/{settled.offer}"
    html = browser.get(url).get_data(as_text=True)
    assert "Ola Robust" in html
    version = version_of(html, f"{url}/withdraw")
    refused = browser.post(f"{url}/withdraw", {"version": version, "reason": "x" * 501})
    assert refused.status_code == 422 and 'id="withdraw-reason-error">' in refused.get_data(as_text=True)
    stale = browser.post(f"{url}/withdraw", {"version": str(int(version) + 1), "reason": "Boligen trengs til akutt"})
    assert stale.status_code == 412 and "Changed by someone else" in text(stale)
    assert "Boligen trengs til akutt</textarea>" in stale.get_data(as_text=True)
    done = browser.post(f"{url}/withdraw", {"version": version, "reason": "Boligen trengs til akutt"})
    assert done.status_code == 303
    page = text(browser.get(url))
    assert "Status Withdrawn" in page and "Why the offer was withdrawn Boligen trengs til akutt" in page
    assert "Ola Robust" in text(browser.get("/app/housing/needs")), "the need waits again"
    again = browser.post(f"{url}/withdraw", {})
    assert again.status_code == 409 and "only a pending offer can" in text(again)

    other = stranger(app, env, web_user)
    assert other.get(url).status_code == 404 and other.post(f"{url}/withdraw", {}).status_code == 404
    case_officer, _user = logged_in(app, web_user, "case_officer")
    assert case_officer.post(f"{url}/withdraw", {}).status_code == 403


def test_a_unit_below_the_required_class_is_offered_with_a_written_reason(app, web_user, office, settled):
    browser, _user = logged_in(app, web_user, "housing_officer")
    board = f"/app/housing/units/{office.units['green']}/candidates"
    html = browser.get(board).get_data(as_text=True)
    assert html.count('name="class_mismatch_reason"') == 1, "only Per Gul's row is excluded by the class alone"
    body = {"unit_id": office.units["green"], "need_id": settled.needs["per"], "from": "unit",
            "respond_by": "2026-03-17"}
    refused = browser.post("/app/housing/offers", {**body, "class_mismatch_reason": ""})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert re.search(r'id="mismatch-\d+-class_mismatch_reason-error">The unit&#39;s risk class is lower', page), \
        "the API's refusal beside the reason's field"
    short = browser.post("/app/housing/offers", {**body, "class_mismatch_reason": "ok", "respond_by": "2026-03-18"})
    page = short.get_data(as_text=True)
    assert short.status_code == 422 and re.search(r'class_mismatch_reason-error">Length must be between 3', page)
    assert 'value="2026-03-18"' in page and ">ok</textarea>" in page, "what was typed is kept, in its own row"
    made = browser.post("/app/housing/offers", {**body, "class_mismatch_reason": "Ingen gul bolig ledig; tett oppfølging"})
    assert made.status_code == 303
    assert "Why a lower risk class Ingen gul bolig ledig; tett oppfølging" in text(browser.get(made.headers["Location"]))


def test_a_tenancy_is_ended_on_its_page(app, env, web_user, office, settled):
    browser, _user = logged_in(app, web_user, "housing_officer")
    url = f"/app/housing/tenancies/{settled.tenancy}"
    assert f'href="{url}">Tora Leier</a>' in browser.get("/app/housing/tenancies").get_data(as_text=True)
    html = browser.get(url).get_data(as_text=True)
    version = version_of(html, f"{url}/end")
    refused = browser.post(f"{url}/end", {"version": version, "ended_on": "2026-03-01", "reason": "moved_to_own_home",
                                          "note": "Egen leilighet"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="ended_on-error">must not be before the tenancy started' in page
    assert '<option value="moved_to_own_home" selected>' in page and "Egen leilighet</textarea>" in page
    stale = browser.post(f"{url}/end", {"version": str(int(version) + 1), "ended_on": "2026-03-03",
                                        "reason": "moved_to_own_home"})
    assert stale.status_code == 412 and "Changed by someone else" in text(stale)
    done = browser.post(f"{url}/end", {"version": version, "ended_on": "2026-03-03", "reason": "moved_to_own_home",
                                       "note": "Egen leilighet"})
    assert done.status_code == 303
    page = text(browser.get(url))
    assert "Ended 2026-03-03: Moved to own home (Egen leilighet)" in page and "The tenancy has ended." in page
    assert "Available" in text(browser.get(f"/app/housing/units/{settled.unit}")), "the place is free again"

    other = stranger(app, env, web_user)
    assert other.get(url).status_code == 404 and other.post(f"{url}/end", {}).status_code == 404
    case_officer, _user = logged_in(app, web_user, "case_officer")
    assert case_officer.get(url).status_code == 403 and case_officer.post(f"{url}/end", {}).status_code == 403


def test_a_unit_is_taken_out_of_use_put_back_and_inspected(app, env, web_user, office):
    browser, _user = logged_in(app, web_user, "housing_officer")
    url = f"/app/housing/units/{office.units['unclassified']}"
    html = browser.get(url).get_data(as_text=True)
    version = version_of(html, f"{url}/unavailable")
    refused = browser.post(f"{url}/unavailable", {"version": version, "reason": "", "note": "Vannskade på badet"})
    assert refused.status_code == 422
    assert 'id="unavailable-reason-error">Missing data' in refused.get_data(as_text=True)
    assert "Vannskade på badet</textarea>" in refused.get_data(as_text=True)
    stale = browser.post(f"{url}/unavailable", {"version": str(int(version) + 1), "reason": "damage"})
    assert stale.status_code == 412
    done = browser.post(f"{url}/unavailable", {"version": version, "reason": "damage", "note": "Vannskade på badet"})
    assert done.status_code == 303
    page = text(browser.get(url))
    assert "Unavailable (damage)" in page and "Vannskade på badet" in page and "Find candidates" not in page
    html = browser.get(url).get_data(as_text=True)
    assert browser.post(f"{url}/available", {"version": version_of(html, f"{url}/available")}).status_code == 303
    assert "Status Available" in text(browser.get(url))

    html = browser.get(url).get_data(as_text=True)
    version = version_of(html, f"{url}/inspections")
    body = {"version": version, "inspected_on": "2026-03-10", "features": ["smoke_detector", "fire_extinguisher"],
            "notes": "Slukker montert"}
    refused = browser.post(f"{url}/inspections", body)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="inspected_on-error">' in page
    assert "Slukker montert</textarea>" in page and 'value="fire_extinguisher" checked' in page
    done = browser.post(f"{url}/inspections", {**body, "inspected_on": "2026-03-02"})
    assert done.status_code == 303
    page = text(browser.get(url))
    assert "2026-03-02 Approved Green Slukker montert 2027-03-02" in page, "the class derived from what was found"

    other = stranger(app, env, web_user)
    assert other.get(url).status_code == 404
    assert other.post(f"{url}/unavailable", {"reason": "damage"}).status_code == 404
    case_officer, _user = logged_in(app, web_user, "case_officer")
    assert "Record an inspection" not in text(case_officer.get(url))
    assert case_officer.post(f"{url}/inspections", body).status_code == 403
