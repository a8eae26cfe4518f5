"""Administrasjon: users and their credentials, provider units, the service catalogue, legal bases
and the jobs, as the administrator uses them; what a case officer meets there (403)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from service.audit.models import AuditEvent
from service.auth.models import User
from service.extensions import db
from tests.web.client import Browser, text

NEW_PASSWORD = "a long enough new password"



def html(response) -> str:
    return response.get_data(as_text=True)


def version_of(response) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', html(response)).group(1)


@pytest.fixture
def admin(app, web_user):
    """A logged-in administrator's browser, and the administrator."""
    user = web_user("admin")
    browser = Browser(app)
    assert browser.log_in(user).status_code == 303
    return browser, user


def user_row(app, user_id) -> User:
    with app.app_context():
        row = db.session.get(User, user_id)
        db.session.expunge(row)
        return row


def user_events(app, user_id) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            sa.select(AuditEvent.action, AuditEvent.role, AuditEvent.detail)
            .where(AuditEvent.object_type == "user", AuditEvent.object_id == str(user_id))
            .order_by(AuditEvent.at, AuditEvent.seq))]


def create_user(browser, **fields):
    browser.get("/app/admin/users")
    return browser.post("/app/admin/users", {"username": "", "display_name": "", "role": "case_officer",
                                             "provider_unit": "", **fields})


# --- the area and who may open it ---------------------------------------------------------------

def test_the_menu_offers_administration_to_the_admin_and_its_start_page_the_sections(admin):
    browser, _user = admin
    assert 'href="/app/admin"' in html(browser.get(browser.get("/app/").headers["Location"]))
    start = browser.get("/app/admin")
    assert start.status_code == 200
    for href in ("/app/admin/users", "/app/admin/provider-units", "/app/admin/services", "/app/admin/legal-bases",
                 "/app/admin/jobs"):
        assert f'href="{href}"' in html(start)
    assert 'href="/app/persons"' not in html(start), "a technical role: no person pages"


@pytest.mark.parametrize(("method", "url"), [
    ("GET", "/app/admin"), ("GET", "/app/admin/users"), ("POST", "/app/admin/users"),
    ("GET", "/app/admin/provider-units"), ("POST", "/app/admin/services"), ("GET", "/app/admin/legal-bases"),
    ("GET", "/app/admin/jobs"), ("POST", "/app/admin/jobs/deadlines/run")])
def test_a_case_officer_is_refused_every_administration_page(app, web_user, method, url):
    browser = Browser(app)
    assert browser.log_in(web_user("case_officer")).status_code == 303
    assert 'href="/app/admin"' not in html(browser.get("/app/")), "not offered in the menu"
    response = browser.get(url) if method == "GET" else browser.post(url, {"username": "someone",
                                                                           "role": "admin"})
    assert response.status_code == 403 and response.mimetype == "text/html"
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.username == "someone")) is None


# --- users ------------------------------------------------------------------------------------------

def test_the_user_list_says_role_activity_second_factor_and_tokens(app, env, town, admin):
    browser, _user = admin
    env.caller("housing_officer", town, username="hanne.bolig", display_name="Hanne Bolig")
    page = text(browser.get("/app/admin/users"))
    assert "hanne.bolig Hanne Bolig Housing officer Yes No 1" in page, "active, no second factor, one token"
    env.caller("case_officer", env.municipality(), username="elsewhere")
    assert "elsewhere" not in text(browser.get("/app/admin/users")), "only the admin's own municipality"


def test_creating_a_user_says_what_is_wrong_beside_the_field_and_keeps_what_was_typed(app, admin):
    browser, _user = admin
    refused = create_user(browser, username="Kari Nordmann", display_name="Kari Nordmann")
    assert refused.status_code == 422
    assert re.search(r'id="username-error">[^<]*lower-case letters', html(refused))
    assert 'value="Kari Nordmann"' in html(refused)

    provider = create_user(browser, username="kari.n", role="provider")
    assert provider.status_code == 422
    assert 'id="provider_unit-error">a provider must belong to a provider unit' in html(provider)


def test_an_admin_creates_a_user_who_logs_in_once_a_password_is_set(app, admin):
    browser, admin_user = admin
    created = create_user(browser, username="kari.n", display_name="Kari Nordmann", role="coordinator")
    assert created.status_code == 303
    page = browser.get(created.headers["Location"])
    assert "The user is created" in text(page) and "Coordinator" in text(page)
    assert "Not set: the user cannot log in yet" in text(page)
    user_id = re.search(r"/app/admin/users/([0-9a-f-]{36})", created.headers["Location"]).group(1)
    again = create_user(browser, username="kari.n", role="coordinator")
    assert again.status_code == 409 and "User kari.n already exists." in text(again)

    url = f"/app/admin/users/{user_id}/password"
    short = browser.post(url, {"password": "short", "password_again": "short"})
    assert short.status_code == 422 and 'id="password-error">must be at least 12 characters' in html(short)
    differ = browser.post(url, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "!"})
    assert differ.status_code == 422 and 'id="password_again-error">the two passwords are not the same' in html(differ)
    assert NEW_PASSWORD not in html(differ), "a password is never shown back"
    done = browser.post(url, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert done.status_code == 303 and "The password is set" in text(browser.get(done.headers["Location"]))

    newcomer = Browser(app, "192.0.2.20")
    newcomer.get("/app/login")
    step = newcomer.post("/app/login", {"username": "kari.n", "password": NEW_PASSWORD})
    assert step.status_code == 303 and step.headers["Location"] == "/app/login/enrol", "enrols the second factor"
    assert [(action, role) for action, role, _detail in user_events(app, user_id)] == [
        ("create", "admin"), ("update", "admin")]
    with app.app_context():
        actors = set(db.session.scalars(sa.select(AuditEvent.actor_id).where(AuditEvent.object_type == "user")))
    assert actors == {admin_user.user_id}


def test_resetting_the_second_factor_makes_the_user_enrol_again_and_ends_their_sessions(app, web_user, admin):
    browser, _user = admin
    colleague = web_user("housing_officer")
    their_browser = Browser(app, "192.0.2.30")
    assert their_browser.log_in(colleague).status_code == 303
    page = browser.get(f"/app/admin/users/{colleague.user_id}")
    assert "Set up" in text(page)
    done = browser.post(f"/app/admin/users/{colleague.user_id}/second-factor", {})
    assert done.status_code == 303
    assert "sets up a new one at the next login" in text(browser.get(done.headers["Location"]))
    assert user_row(app, colleague.user_id).totp_secret is None
    assert their_browser.get("/app/").status_code == 303, "their session has ended"
    again = Browser(app, "192.0.2.31").password_step(colleague)
    assert again.headers["Location"] == "/app/login/enrol"
    assert user_events(app, colleague.user_id)[-1] == ("update", "admin", "second factor reset")


def test_a_token_is_shown_once_works_and_is_revoked(app, env, town, admin):
    browser, _user = admin
    colleague = env.caller("planner", town)
    page_url = f"/app/admin/users/{colleague.user_id}"
    browser.get(page_url)
    refused = browser.post(f"{page_url}/tokens", {"ttl_days": "0"})
    assert refused.status_code == 422 and 'id="ttl_days-error">' in html(refused)

    issued = browser.post(f"{page_url}/tokens", {"ttl_days": "30"})
    assert issued.status_code == 200 and issued.headers["Cache-Control"] == "no-store"
    plain = re.search(r'id="token"[^>]*>(tsp_[A-Za-z0-9_-]{20,})<', html(issued)).group(1)
    assert "Copy the token now" in text(issued)
    assert env.client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 200

    again = browser.get(page_url)
    assert plain not in html(again), "never shown again"
    assert plain[:10] in html(again), "only its hint tells it apart"
    assert all(plain not in (detail or "") for _a, _r, detail in user_events(app, colleague.user_id))

    revoked = browser.post(f"{page_url}/tokens/revoke", {"hint": plain[:10]})
    assert revoked.status_code == 303
    assert env.client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 401
    assert colleague.get("/api/v1/me").status_code == 200, "the other token still works"
    browser.get(page_url)
    assert browser.post(f"{page_url}/tokens/revoke", {}).status_code == 303
    assert colleague.get("/api/v1/me").status_code == 401
    assert "The user has no API token." in text(browser.get(page_url))


def test_a_disabled_user_cannot_log_in_and_the_admin_cannot_disable_themselves(app, web_user, admin):
    browser, admin_user = admin
    colleague = web_user("case_officer")
    browser.get(f"/app/admin/users/{colleague.user_id}")
    assert browser.post(f"/app/admin/users/{colleague.user_id}/disable", {}).status_code == 303
    assert "No, disabled" in text(browser.get(f"/app/admin/users/{colleague.user_id}"))
    refused = Browser(app, "192.0.2.40").password_step(colleague)
    assert refused.status_code == 422 and "The username or the password is wrong." in text(refused)

    own = browser.post(f"/app/admin/users/{admin_user.user_id}/disable", {})
    assert own.status_code == 409 and "You cannot disable your own user." in text(own)
    assert user_row(app, admin_user.user_id).disabled_at is None


def test_another_municipalitys_user_is_not_found(app, env, admin):
    browser, _user = admin
    stranger = env.caller("case_officer", env.municipality())
    assert browser.get(f"/app/admin/users/{stranger.user_id}").status_code == 404
    browser.get("/app/admin/users")
    assert browser.post(f"/app/admin/users/{stranger.user_id}/disable", {}).status_code == 404
    assert user_row(app, stranger.user_id).disabled_at is None


# --- the registers --------------------------------------------------------------------------------

def test_provider_units_are_added_renamed_and_retired_with_the_version_read(app, admin):
    browser, _user = admin
    browser.get("/app/admin/provider-units")
    empty = browser.post("/app/admin/provider-units", {"name": ""})
    assert empty.status_code == 422 and 'id="name-error">' in html(empty)
    assert browser.post("/app/admin/provider-units", {"name": "Rusteamet"}).status_code == 303
    listing = browser.get("/app/admin/provider-units")
    assert "Rusteamet Yes" in text(listing)
    unit_url = re.search(r'href="(/app/admin/provider-units/[0-9a-f-]{36})"', html(listing)).group(1)
    page = browser.get(unit_url)
    version = version_of(page)
    stale = browser.post(unit_url, {"version": str(int(version) + 1), "name": "Rusteamet Sør", "active": "y"})
    assert stale.status_code == 412 and "Changed by someone else" in text(stale)
    assert 'value="Rusteamet Sør"' in html(stale)
    assert browser.post(unit_url, {"version": version, "name": "Rusteamet Sør"}).status_code == 303
    assert "Rusteamet Sør No, retired" in text(browser.get("/app/admin/provider-units"))


def test_a_service_is_added_and_retired(app, admin):
    browser, _user = admin
    browser.get("/app/admin/services")
    form = {"code": "Bad Code", "name_nb": "Ettervern", "kpr_code": "", "report_group": "other",
            "default_legal_basis": "", "hour_based": "y"}
    refused = browser.post("/app/admin/services", form)
    assert refused.status_code == 422 and 'id="code-error">' in html(refused)
    assert 'value="Ettervern"' in html(refused)
    assert browser.post("/app/admin/services", {**form, "code": "ettervern"}).status_code == 303
    assert "ettervern Ettervern" in text(browser.get("/app/admin/services"))

    page = browser.get("/app/admin/services/ettervern")
    done = browser.post("/app/admin/services/ettervern", {
        "version": version_of(page), "name_nb": "Ettervern etter rusbehandling", "kpr_code": "",
        "report_group": "substance_care", "default_legal_basis": "", "hour_based": "y"})
    assert done.status_code == 303
    row = text(browser.get("/app/admin/services"))
    assert "ettervern Ettervern etter rusbehandling Yes Substance use services No, retired" in row


def test_a_legal_basis_is_added_and_its_validity_checked_beside_the_field(app, admin):
    browser, _user = admin
    browser.get("/app/admin/legal-bases")
    form = {"code": "ny-lov-1", "name_nb": "Ny lov", "law_reference": "ny lov § 1", "appeal_period_days": "21",
            "appeal_rule": "forvaltningsloven § 29", "appeal_body": "Statsforvalteren", "appeal_period_moves": "y",
            "valid_from": "2027-01-01", "valid_to": "", "replaced_by": ""}
    assert browser.post("/app/admin/legal-bases", form).status_code == 303
    assert "ny-lov-1 Ny lov" in text(browser.get("/app/admin/legal-bases"))
    page = browser.get("/app/admin/legal-bases/ny-lov-1")
    refused = browser.post("/app/admin/legal-bases/ny-lov-1", {**form, "version": version_of(page),
                                                               "valid_to": "2026-12-31", "active": "y"})
    assert refused.status_code == 422 and 'id="valid_to-error">must not be before valid_from' in html(refused)
    cleared = browser.post("/app/admin/legal-bases/ny-lov-1", {**form, "version": version_of(page),
                                                               "valid_from": "", "active": "y"})
    assert cleared.status_code == 303
    assert "ny-lov-1 Ny lov ny lov § 1 21 days Always Yes" in text(browser.get("/app/admin/legal-bases"))


# --- jobs ---------------------------------------------------------------------------------------------

def test_the_jobs_page_shows_schedules_and_a_run_now_is_listed_with_what_it_did(app, admin):
    browser, admin_user = admin
    page = browser.get("/app/admin/jobs")
    assert page.status_code == 200
    assert "Every day at 06:00" in text(page) and "Every hour, 5 minutes past" in text(page)
    assert "On day 1 of every month at 02:00" in text(page)
    refused = browser.post("/app/admin/jobs/deadlines/run", {"as_of": "03.03.2026"})
    assert refused.status_code == 422 and 'id="deadlines-as_of-error">' in html(refused)
    assert 'value="03.03.2026"' in html(refused)

    ran = browser.post("/app/admin/jobs/deadlines/run", {"as_of": "2026-03-02"})
    assert ran.status_code == 303 and "#job-deadlines" in ran.headers["Location"]
    listed = text(browser.get(ran.headers["Location"]))
    assert re.search(r"Just run 2026-03-02 Manual Succeeded", listed)
    assert browser.post("/app/admin/jobs/no-such-job/run", {"as_of": ""}).status_code == 404
