"""Logging in through an OpenID Connect provider (a local stub, tests/web/oidc_stub.py): the
button only when one is configured, the round trip with PKCE and a nonce, the session it opens
(the same as after a password and a code), and every answer that must open nothing."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from joserfc.jwk import RSAKey

from config import ConfigError, ProductionConfig
from service.auth import services as auth_services
from service.extensions import db
from service.web import CONTENT_SECURITY_POLICY
from tests.browser import serving
from tests.conftest import DEFAULT_NOW
from tests.web.oidc_stub import CLIENT_ID, CLIENT_SECRET, OidcStub, new_key
from tests.web.test_login import login_events

PROVIDER = "Test-ID"
NOT_VERIFIED = re.compile("could not be verified|kunne ikke bekreftes")


@pytest.fixture(scope="module")
def provider():
    stub = OidcStub(now=lambda: DEFAULT_NOW)
    with serving(stub.app, dispose=False) as url:
        stub.url = url
        yield stub


@pytest.fixture
def oidc(app, provider, monkeypatch):
    """The session's app with the stub as its provider (and back without one after the test)."""
    provider.reset()
    settings = {"OIDC_ISSUER": provider.url, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
                "OIDC_PROVIDER_NAME": PROVIDER}
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)
    for forget in ("oidc_client", "oidc_discovery_failed_at"):
        app.extensions.pop(forget, None)
    yield provider
    for forget in ("oidc_client", "oidc_discovery_failed_at"):
        app.extensions.pop(forget, None)


def via_provider(client, path: str = "/app/login"):
    """The browser's part: the login page, its provider button, the provider (which approves at
    once), and back; the service's last answer."""
    client.get(path)
    start = client.post("/app/login/oidc")
    assert start.status_code == 303, start.get_data(as_text=True)[:300]
    at_provider = requests.get(start.headers["Location"], allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302, at_provider.text[:300]
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == "/app/login/oidc/callback"
    return client.get(f"{back.path}?{back.query}")


def test_without_a_provider_there_is_no_button_and_no_callback(app, browser):
    client = browser()
    answer = client.get("/app/login")
    assert answer.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    page = answer.get_data(as_text=True)
    assert "/app/login/oidc" not in page and "Log in with" not in page
    assert client.post("/app/login/oidc").status_code == 404
    assert client.get("/app/login/oidc/callback?code=abc&state=def").status_code == 404


def test_the_button_is_a_posted_form_with_the_csrf_token(app, oidc, browser):
    client = browser()
    page = client.get("/app/login").get_data(as_text=True)
    form = re.search(r'<form method="post" action="/app/login/oidc".*?</form>', page, re.S)
    assert form and 'name="csrf_token"' in form.group(0)
    assert re.search(r"Log in with Test-ID|Logg inn med Test-ID", form.group(0))
    assert client.post("/app/login/oidc", token=False).status_code == 400, "no CSRF token, no trip to the provider"
    assert oidc.authorize_requests == []


def test_only_the_login_page_may_send_its_form_on_to_the_provider(app, oidc, browser):
    """Browsers hold a posted form to the page's CSP form-action through the redirect that follows."""
    client = browser()
    login_page = client.get("/app/login").headers["Content-Security-Policy"]
    assert login_page == CONTENT_SECURITY_POLICY.replace("form-action 'self'", f"form-action 'self' {oidc.url}")
    assert client.get("/app/").headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_a_known_user_logs_in_through_the_provider_and_lands_on_the_start_page(app, oidc, web_user, browser):
    user = web_user("case_officer", enrolled=False)  # the provider asks for the factors, not us
    oidc.claims = {"preferred_username": user.username.upper()}
    client = browser()
    client.get("/app/login")
    with client.client.session_transaction() as session:
        before_token = session["csrf_token"]
    done = via_provider(client)
    assert done.status_code == 303 and done.headers["Location"] == "/app/"
    start = client.get("/app/")
    assert start.status_code == 200 and 'href="/app/persons"' in start.get_data(as_text=True)
    with client.client.session_transaction() as session:
        assert session["csrf_token"] != before_token, "a new session, as after a password and a code"
        assert not [key for key in session if key.startswith("_state_")], "the provider's state is used up"
    asked = oidc.authorize_requests[0]
    assert asked["code_challenge_method"] == "S256" and len(asked["code_challenge"]) >= 43
    assert asked["nonce"] and asked["state"] and asked["redirect_uri"] == "http://localhost/app/login/oidc/callback"
    assert oidc.token_requests[0]["code_verifier"], "the code is exchanged with the PKCE verifier"
    assert login_events(app, user.username) == [("ok", f"web login (OpenID Connect): {user.username}")]


def test_the_page_asked_for_before_the_login_opens_after_it(app, oidc, web_user, browser):
    user = web_user("coordinator")
    oidc.claims = {"preferred_username": user.username}
    client = browser()
    asked = client.get("/app/persons?name=kari")
    done = via_provider(client, asked.headers["Location"])
    assert done.headers["Location"] == "/app/persons?name=kari"


def test_the_session_has_the_same_idle_limit(app, oidc, web_user, browser, frozen_clock):
    user = web_user("case_officer")
    oidc.claims = {"preferred_username": user.username}
    client = browser()
    assert via_provider(client).status_code == 303
    frozen_clock.set(DEFAULT_NOW + dt.timedelta(minutes=31))
    idle = client.get("/app/")
    assert idle.status_code == 303 and idle.headers["Location"].endswith("expired=idle")


def test_a_username_domain_is_taken_off_the_claim(app, oidc, web_user, browser, monkeypatch):
    user = web_user("case_officer")
    monkeypatch.setitem(app.config, "OIDC_USERNAME_DOMAIN", "kommune.example")
    oidc.claims = {"preferred_username": f"{user.username}@other.example"}
    assert via_provider(browser()).status_code == 403, "another domain's user of the same name is not ours"
    oidc.claims = {"preferred_username": f"{user.username}@Kommune.example"}
    assert via_provider(browser("192.0.2.11")).status_code == 303


@pytest.mark.parametrize("who", ["unknown", "disabled"])
def test_a_person_the_service_has_no_active_user_for_is_refused(app, oidc, web_user, browser, who, caplog):
    user = web_user("case_officer")
    username = "nobody-here" if who == "unknown" else user.username
    if who == "disabled":
        with app.app_context():
            auth_services.disable_user(user.username)
            db.session.commit()
    oidc.claims = {"preferred_username": username}
    client = browser()
    caplog.set_level(logging.INFO, logger="service.auth.login")
    refused = via_provider(client)
    assert refused.status_code == 403
    text = refused.get_data(as_text=True)
    assert username in text and re.search("no active user|ingen aktiv bruker", text)
    assert client.get("/app/").status_code == 303, "no session"
    assert "web login refused for an unknown or disabled username (web login (OpenID Connect): no active user " \
           "of that name)" in caplog.text


@pytest.mark.parametrize("tamper, why", [
    pytest.param({"nonce": "another-login-s-nonce"}, "InvalidClaimError: nonce", id="wrong-nonce"),
    pytest.param({"nonce": None}, "MissingClaimError: nonce", id="no-nonce"),
    pytest.param({"aud": "another-client"}, "InvalidClaimError: aud", id="wrong-audience"),
    pytest.param({"aud": ["another-client", CLIENT_ID], "azp": "another-client"}, "InvalidClaimError: azp",
                 id="another-authorised-party"),
    pytest.param({"iss": "https://evil.example"}, "InvalidClaimError: iss", id="wrong-issuer"),
    pytest.param({"exp": int(DEFAULT_NOW.timestamp()) - 61, "iat": int(DEFAULT_NOW.timestamp()) - 361},
                 "ExpiredTokenError: exp", id="expired-beyond-the-skew"),
    pytest.param({"iat": None}, "MissingClaimError: iat", id="no-issue-time"),
    pytest.param("foreign-key", "BadSignatureError", id="signed-with-another-key"),
])
def test_an_id_token_that_fails_a_check_opens_nothing(app, oidc, web_user, browser, tamper, why, caplog):
    user = web_user("case_officer")
    oidc.claims = {"preferred_username": user.username}
    if tamper == "foreign-key":
        oidc.sign_with = new_key("stub-1")  # the published key's id, another key
    else:
        oidc.tamper = tamper
    client = browser()
    caplog.set_level(logging.INFO, logger="service.auth.login")
    refused = via_provider(client)
    assert refused.status_code == 403
    assert NOT_VERIFIED.search(refused.get_data(as_text=True))
    assert client.get("/app/").status_code == 303, "no session"
    assert f"web login through OpenID Connect refused: the ID token was refused ({why})" in caplog.text
    assert login_events(app, user.username) == [], "nothing names the user: the token proved nothing"


def test_a_token_just_inside_the_clock_skew_is_accepted(app, oidc, web_user, browser):
    user = web_user("case_officer")
    oidc.claims = {"preferred_username": user.username}
    oidc.tamper = {"exp": int(DEFAULT_NOW.timestamp()) - 59, "iat": int(DEFAULT_NOW.timestamp()) - 359}
    assert via_provider(browser()).status_code == 303


def test_an_answer_is_used_once_and_only_by_the_session_that_asked(app, oidc, web_user, browser):
    user = web_user("case_officer")
    oidc.claims = {"preferred_username": user.username}
    client = browser()
    client.get("/app/login")
    start = client.post("/app/login/oidc")
    back = urlsplit(requests.get(start.headers["Location"], allow_redirects=False, timeout=5).headers["Location"])
    callback = f"{back.path}?{back.query}"
    other = browser("192.0.2.99")
    other.get("/app/login")
    assert other.get(callback).status_code == 403, "another browser cannot use this login's code"
    assert client.get(callback).status_code == 303
    client.get("/app/")
    client.post("/app/logout")
    assert client.get(callback).status_code == 403, "a replayed answer opens nothing"


def test_two_factors_are_required_when_configured(app, oidc, web_user, browser, monkeypatch):
    user = web_user("case_officer")
    monkeypatch.setitem(app.config, "OIDC_REQUIRED_AMR", ["mfa"])
    monkeypatch.setitem(app.config, "OIDC_ACR_VALUES", ["Level4"])
    oidc.claims = {"preferred_username": user.username, "amr": ["pwd"], "acr": "Level4"}
    assert via_provider(browser()).status_code == 403
    oidc.claims = {"preferred_username": user.username, "amr": ["pwd", "mfa"], "acr": "Level3"}
    assert via_provider(browser()).status_code == 403, "the acr asked for"
    oidc.claims = {"preferred_username": user.username, "amr": ["pwd", "mfa"], "acr": "Level4"}
    assert via_provider(browser()).status_code == 303
    assert all(asked["acr_values"] == "Level4" for asked in oidc.authorize_requests)


def test_refusals_count_in_the_login_throttle(app, oidc, web_user, browser):
    user = web_user("case_officer")
    oidc.claims = {"preferred_username": user.username}
    oidc.tamper = {"aud": "another-client"}
    client = browser("198.51.100.77")
    for _ in range(3):  # LOGIN_THROTTLE_FREE_ATTEMPTS
        assert via_provider(client).status_code == 403
    client.get("/app/login")
    throttled = client.post("/app/login/oidc")
    assert throttled.status_code == 429 and "Wait 2 seconds" in throttled.get_data(as_text=True)
    oidc.tamper = {}
    assert via_provider(browser("198.51.100.78")).status_code == 303, "another client is not slowed"


def test_a_cancelled_login_says_so_and_counts_nothing(app, oidc, browser):
    oidc.deny = "access_denied"
    client = browser("198.51.100.79")
    for _ in range(4):
        answer = via_provider(client)
        assert answer.status_code == 403
        assert re.search("was cancelled|ble avbrutt", answer.get_data(as_text=True))


def test_a_provider_that_does_not_answer_is_named_on_the_login_page(app, oidc, browser, monkeypatch):
    with serving(OidcStub(now=lambda: DEFAULT_NOW).app, dispose=False) as url:
        gone = url
    monkeypatch.setitem(app.config, "OIDC_ISSUER", gone)
    client = browser()
    client.get("/app/login")
    answer = client.post("/app/login/oidc")
    assert answer.status_code == 502
    assert re.search("Test-ID could not be reached|Test-ID kunne ikke nås", answer.get_data(as_text=True))
    again = client.get("/app/login")
    assert again.status_code == 200 and 'name="password"' in again.get_data(as_text=True), "the password still works"
    assert again.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, "no provider origin to name"


def test_production_refuses_a_provider_without_two_factors_or_https():
    base = {key: getattr(ProductionConfig, key) for key in dir(ProductionConfig) if key.isupper()}
    base.update({"SECRET_KEY": "x" * 40, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://db/x",
                 "AUDIT_HMAC_KEYS": {"k": "a-production-audit-key-of-enough-length"}, "AUDIT_HMAC_KEY_ID": "k",
                 "TOTP_ENCRYPTION_KEYS": ["cHJvZHVjdGlvbi1saWtlLXRvdHAta2V5LWZvci10ZXM="],
                 "OIDC_ISSUER": "https://login.example/tenant/v2.0", "OIDC_CLIENT_ID": "c", "OIDC_CLIENT_SECRET": "s"})
    with pytest.raises(ConfigError, match="two-factor requirement"):
        ProductionConfig.validate(base)
    ProductionConfig.validate({**base, "OIDC_REQUIRED_AMR": ["mfa"]})
    ProductionConfig.validate({**base, "OIDC_PROVIDER_ENFORCES_TWO_FACTORS": True})
    with pytest.raises(ConfigError, match="OIDC_ISSUER must be an https:// URL"):
        ProductionConfig.validate({**base, "OIDC_ACR_VALUES": ["x"], "OIDC_ISSUER": "http://login.example"})
    with pytest.raises(ConfigError, match="OIDC_CLIENT_SECRET"):
        ProductionConfig.validate({**base, "OIDC_ACR_VALUES": ["x"], "OIDC_CLIENT_SECRET": None})
    ProductionConfig.validate({**base, "OIDC_ACR_VALUES": ["x"], "OIDC_CLIENT_SECRET": None,
                               "OIDC_CLIENT_PRIVATE_KEY_FILE": "/etc/tjenestespor/oidc-client.jwk"})


@pytest.mark.parametrize("form", ["jwk", "pem"])
def test_the_client_can_prove_itself_with_its_private_key_instead_of_a_secret(
        app, oidc, web_user, browser, monkeypatch, tmp_path, form):
    """private_key_jwt (RFC 7523), as HelseID requires: no secret is sent, a short-lived assertion
    signed with the client's key, naming it by kid; the provider holds the public half."""
    key = new_key("client-2026")
    path = tmp_path / f"client-key.{form}"
    path.write_text(json.dumps(key.as_dict(private=True)) if form == "jwk" else key.as_pem(private=True).decode())
    oidc.client_key = RSAKey.import_key(key.as_dict(private=False))
    monkeypatch.setitem(app.config, "OIDC_CLIENT_SECRET", None)
    monkeypatch.setitem(app.config, "OIDC_CLIENT_PRIVATE_KEY_FILE", str(path))
    user = web_user("case_officer", enrolled=False)
    oidc.claims = {"preferred_username": user.username}
    done = via_provider(browser())
    assert done.status_code == 303 and done.headers["Location"] == "/app/"
    sent = oidc.token_requests[0]
    assert "client_secret" not in sent and sent["client_assertion_type"].endswith(":jwt-bearer")
    # A JWK names its key (the kid HelseID looks it up by); a PEM file has no kid to give.
    assert [(h["alg"], h.get("kid")) for h in oidc.assertion_headers] == [
        ("RS256", "client-2026" if form == "jwk" else None)]


def test_a_key_the_provider_does_not_hold_opens_nothing(app, oidc, web_user, browser, monkeypatch, tmp_path, caplog):
    path = tmp_path / "client-key.json"
    path.write_text(json.dumps(new_key("client-2026").as_dict(private=True)))
    oidc.client_key = RSAKey.import_key(new_key("registered").as_dict(private=False))
    monkeypatch.setitem(app.config, "OIDC_CLIENT_PRIVATE_KEY_FILE", str(path))
    user = web_user("case_officer", enrolled=False)
    oidc.claims = {"preferred_username": user.username}
    caplog.set_level(logging.INFO, logger="service.auth.login")
    refused = via_provider(browser())
    assert refused.status_code == 403 and NOT_VERIFIED.search(refused.get_data(as_text=True))
    assert "web login through OpenID Connect refused: the token request was refused (invalid_client)" in caplog.text


@pytest.mark.parametrize("content, complaint", [
    ('{"kty": "RSA", "n": "x"}', "is not an RSA or EC key"),
    ("not a key", "is not an RSA or EC key"),
    (None, "cannot be read"),
])
def test_a_client_key_that_cannot_sign_refuses_to_start(fresh_app, tmp_path, content, complaint):
    path = tmp_path / "client-key"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ConfigError, match=complaint):
        fresh_app("testing", {"OIDC_ISSUER": "https://login.example", "OIDC_CLIENT_ID": CLIENT_ID,
                              "OIDC_CLIENT_PRIVATE_KEY_FILE": str(path)})
    public = tmp_path / "public.json"
    public.write_text(json.dumps(new_key("k").as_dict(private=False)))
    with pytest.raises(ConfigError, match="holds a public key"):
        fresh_app("testing", {"OIDC_ISSUER": "https://login.example", "OIDC_CLIENT_ID": CLIENT_ID,
                              "OIDC_CLIENT_PRIVATE_KEY_FILE": str(public)})


def test_the_stub_checks_the_pkce_verifier(oidc):
    """The test's provider really checks PKCE, else the round trips above would prove nothing of it."""
    back = "http://localhost/app/login/oidc/callback"
    approved = requests.get(f"{oidc.url}/authorize", allow_redirects=False, timeout=5, params={
        "client_id": CLIENT_ID, "response_type": "code", "scope": "openid", "redirect_uri": back, "state": "s",
        "nonce": "n", "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256"})
    code = parse_qs(urlsplit(approved.headers["Location"]).query)["code"][0]
    answer = requests.post(f"{oidc.url}/token", auth=(CLIENT_ID, CLIENT_SECRET), timeout=5, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": back, "code_verifier": "not-the-verifier"})
    assert answer.status_code == 400 and answer.json()["error_description"] == "PKCE"
