"""Logging in through an OpenID Connect provider in a real browser: the login page with the
provider's button, the trip to the provider (a local stub that approves at once, on a port of
its own) and back to the start page. Checked as every page is (CSP, axe-core) and photographed."""

from __future__ import annotations

import re

import pytest

from tests.browser import Visit, fresh_app, requires_browser, serving
from tests.conftest import DEFAULT_NOW
from tests.web.client import make_web_user
from tests.web.oidc_stub import CLIENT_ID, CLIENT_SECRET, OidcStub

pytestmark = requires_browser


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A server of its own app, whose provider is the stub on another port."""
    app, env = fresh_app(tmp_path_factory, "oidc-browser")
    town = env.municipality(name="Innloggingsby")
    user = make_web_user(app, env, town, "case_officer", enrolled=False)
    stub = OidcStub(now=lambda: DEFAULT_NOW)
    stub.claims = {"preferred_username": user.username, "name": "Kari Saksbehandler"}
    with serving(stub.app, dispose=False) as provider_url:
        app.config.update({"OIDC_ISSUER": provider_url, "OIDC_CLIENT_ID": CLIENT_ID,
                           "OIDC_CLIENT_SECRET": CLIENT_SECRET, "OIDC_PROVIDER_NAME": "Test-ID"})
        with serving(app) as url:
            yield {"url": url, "user": user, "stub": stub, "provider_url": provider_url}


class ProviderVisit(Visit):
    """A tab whose trip leaves the service for the provider: the provider's own answers carry no
    CSP of ours, and the login page's CSP names the provider in ``form-action`` (browsers hold
    the posted button to it through the redirect), otherwise the same policy as every page."""

    def __init__(self, browser, base_url: str, provider_url: str):
        super().__init__(browser, base_url)
        self.base_url = base_url
        self.with_provider = self.policy.replace("form-action 'self'", f"form-action 'self' {provider_url}")

    def _response(self, response):
        if not response.url.startswith(self.base_url):
            return
        if response.request.resource_type == "document" and "/app/login" in response.url \
                and response.headers.get("content-security-policy") == self.with_provider:
            return
        super()._response(response)


@pytest.fixture
def tab(chromium, live):
    tab = ProviderVisit(chromium, live["url"], live["provider_url"])
    yield tab
    tab.close()


def test_a_user_logs_in_with_the_providers_button_and_lands_on_the_start_page(tab, live):
    page = tab.page
    page.goto("/app/login")
    tab.check("auth-oidc-01-login")
    page.get_by_role("button", name=re.compile("Log in with Test-ID|Logg inn med Test-ID")).click()
    page.wait_for_url(f"{live['url']}/app/")
    assert page.get_by_role("navigation", name="Hovedmeny").is_visible()
    tab.check("auth-oidc-02-start")
    assert live["stub"].authorize_requests[0]["code_challenge_method"] == "S256"
