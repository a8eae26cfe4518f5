"""No form posted to the web application makes it fail.

Every unsafe route of the web application (``WEB_POLICY``: each POST) gets forms made up by
Hypothesis, sent with the session's CSRF token by a logged-in officer: mostly of a role the
policy table allows on the route, one time in four of any role. The fields are the names the
API's request schemas and the templates use (the pages load forms with the API's schemas), each
left out, empty, or given text, digits, a fraction, a huge number, a date, a NUL byte, a
thousand brackets or a long run of letters. Path ids point at the seeded rows of
tests/fuzz/test_openapi_fuzz.py's world now and then, else at random ids.

For every answer: the status is below 500, and it is a page (HTML) or a redirect — never a
trace, never the API's JSON. ``FUZZ_MAX_EXAMPLES`` and ``FUZZ_RANDOM=1`` widen a run as for the
API's fuzz (``scripts/fuzz``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, Phase, given, settings

from service.auth import policy
from service.auth.roles import ALL_ROLES
from tests.conftest import DEFAULT_NOW
from tests.fuzz.test_openapi_fuzz import MAX_EXAMPLES, world  # noqa: F401 (world: the seeded rows, a fixture)
from tests.web.client import Browser, csrf_token, make_web_user

pytestmark = pytest.mark.usefixtures("pristine", "as_the_application")

WEB = policy.WEB
ROUTES = sorted((rule, roles) for (method, rule), roles in policy.WEB_POLICY.items()
                if method == "POST" and rule != f"{WEB}/logout")
TEMPLATES = Path(__file__).resolve().parents[2] / "service" / "web" / "templates"
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
# Values for the path parameters that are not ids of seeded rows.
NAMED = {"period": ["2026-02", "2026", "2099-13", "x"], "name": ["deadlines", "offers", "nope"],
         "code": ["psykisk-helse-oppfolging", "pbrl-2-1a", "x"], "table": ["T1", "T9", "X"],
         "fmt": ["xlsx", "docx", "zip", "exe"]}
TEXTS = st.one_of(
    st.text(max_size=40), st.sampled_from(["", " ", "0", "-1", "1,5", "1.5", "1e308", "9" * 40, "2026-02-30",
                                           (DEFAULT_NOW.date() + dt.timedelta(days=3)).isoformat(), "\x00",
                                           "[" * 1000, "Ø" * 5000, "true", "on", "null"]))


@pytest.fixture(scope="module")
def field_names(app) -> list[str]:
    """The names the API's request bodies and the templates give to form fields."""
    names = set(re.findall(r'name="([a-z_]+)"', "".join(p.read_text() for p in TEMPLATES.rglob("*.html"))))
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    for schema in document.get("components", {}).get("schemas", {}).values():
        names.update(schema.get("properties", {}))
    names.discard("csrf_token")
    return sorted(names)


@pytest.fixture(scope="module")
def officers(app, world):  # noqa: F811
    """A logged-in browser per role, with the CSRF token of its session."""
    from tests.conftest import Env

    env = Env(app)
    browsers = {}
    for number, role in enumerate(sorted(ALL_ROLES)):
        browser = Browser(app, remote_addr=f"192.0.2.{100 + number}")
        done = browser.log_in(make_web_user(app, env, world.town, role))
        assert done.status_code == 303, (role, done.status_code)
        browsers[role] = (browser, csrf_token(browser.last_html))
    return browsers


def _path(rule: str, world, data) -> str:  # noqa: F811
    def value(match):
        name = match.group(2)
        if name in NAMED:
            return data.draw(st.sampled_from(NAMED[name]), label=name)
        real = world.real_value(rule, name) if name != "item_id" else None
        if real and data.draw(st.booleans(), label=f"real {name}"):
            return real
        return str(uuid.UUID(int=data.draw(st.integers(0, 2 ** 128 - 1)), version=4))

    return PARAMETER.sub(value, rule)


def test_every_post_of_the_web_application_is_fuzzed():
    assert len(ROUTES) >= 20, "the web application's forms are all here"


@pytest.mark.parametrize("rule, roles", ROUTES, ids=[rule for rule, _roles in ROUTES])
def test_no_form_makes_a_page_fail(rule, roles, world, officers, field_names):  # noqa: F811
    allowed = sorted(roles)

    @settings(max_examples=max(MAX_EXAMPLES // 2, 5), deadline=None, derandomize=not os.environ.get("FUZZ_RANDOM"),
              database=None, suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(data=st.data())
    def fuzz(data):
        if data.draw(st.integers(0, 3), label="any role") == 0:
            role = data.draw(st.sampled_from(sorted(ALL_ROLES)), label="role")
        else:
            role = data.draw(st.sampled_from(allowed), label="role")
        browser, token = officers[role]
        chosen = data.draw(st.lists(st.sampled_from(field_names), max_size=8, unique=True), label="fields")
        form = {name: data.draw(TEXTS, label=name) for name in chosen}
        if "version" not in form and data.draw(st.booleans(), label="version"):
            form["version"] = data.draw(st.sampled_from(["1", "2", "0", "x"]), label="version value")
        url = _path(rule, world, data)
        response = browser.post(url, form, token=token)
        where = f"POST {url} as {role} with {sorted(form)}"
        assert response.status_code < 500, f"{where} answered {response.status_code}"
        if response.status_code in (301, 302, 303):
            assert response.headers["Location"].startswith(("/app", "http://localhost/app")), where
        else:
            assert response.mimetype in ("text/html", "text/vnd.turbo-stream.html"), (
                f"{where} answered {response.status_code} as {response.mimetype}")

    fuzz()
