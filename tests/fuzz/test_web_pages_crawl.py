"""Every page of the web application answers every role, and none fails.

Each GET route of the web application (``WEB_POLICY``), its path aimed at the seeded rows of
tests/fuzz/test_openapi_fuzz.py's world (and a report snapshot of February 2026 built here),
is opened by a logged-in officer of every role. A role the policy table allows gets the page,
or a 404 for a row outside its need-to-know, or a redirect within the application, and some
role it is for gets the page itself; any other role is refused (403). Never a failure, a trace
or the API's JSON. On PostgreSQL the requests reach the database as the application's
production login (``as_the_application``): every page also works with the database enforcing
tenancy.
"""

from __future__ import annotations

import re

import pytest

from service.auth import policy
from service.auth.roles import ALL_ROLES
from tests.fuzz.test_openapi_fuzz import world  # noqa: F401 (world: the seeded rows, a fixture)
from tests.fuzz.test_web_form_fuzz import officers  # noqa: F401 (a logged-in browser per role, a fixture)

pytestmark = pytest.mark.usefixtures("pristine", "as_the_application")

PAGES = sorted((rule, roles) for (method, rule), roles in policy.WEB_POLICY.items() if method == "GET")
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
# The path parameters that are not ids of seeded rows: a value that names something real.
NAMED = {"period": "2026-02", "table": "T1", "fmt": "xlsx"}
# The forms for a new row of a person take the person from the query.
PERSON_QUERY = {f"{policy.WEB}/cases/referrals/new", f"{policy.WEB}/cases/decisions/new", f"{policy.WEB}/housing/needs/new"}
# What a page answers besides HTML: the report's chart and its files.
NOT_HTML = {"png": "image/png", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _url(rule: str, world) -> str:  # noqa: F811
    def value(match):
        name = match.group(1)
        if name == "user_id":
            return str(world.callers["coordinator"].user_id)
        return NAMED.get(name) or world.real_value(rule, name)

    url = PARAMETER.sub(value, rule)
    return f"{url}?person_id={world.ids['person_id']}" if rule in PERSON_QUERY else url


@pytest.fixture(scope="module")
def february(app, world):  # noqa: F811
    """The town's tables of February 2026, built as the monthly job would (before any test)."""
    from service.auth.services import get_municipality_by_number
    from service.common.tenancy import tenant_scope
    from service.extensions import db
    from service.reports.services import build_snapshot

    with app.app_context(), tenant_scope(get_municipality_by_number(world.town).id):
        build_snapshot(NAMED["period"])
        db.session.commit()


def test_every_page_of_the_web_application_is_opened():
    assert len(PAGES) >= 40, "the web application's pages are all here"


@pytest.mark.parametrize("rule, roles", PAGES, ids=[rule for rule, _roles in PAGES])
def test_every_role_opens_the_page_or_is_refused(rule, roles, world, officers, february):  # noqa: F811
    url = _url(rule, world)
    answers = {}
    for role in sorted(ALL_ROLES):
        browser, _token = officers[role]
        response = browser.get(url)
        answers[role] = response.status_code
        where = f"GET {url} as {role}"
        assert response.status_code < 500, f"{where} answered {response.status_code}"
        if role not in roles:
            assert response.status_code == 403, f"{where} answered {response.status_code}, not a refusal"
        elif response.status_code in (301, 302, 303):
            assert response.headers["Location"].startswith(("/app", "http://localhost/app")), where
        else:
            assert response.status_code in (200, 404), f"{where} answered {response.status_code}"
            expected = NOT_HTML.get(re.split(r"[./]", url)[-1], "text/html")
            assert response.mimetype == (expected if response.status_code == 200 else "text/html"), (
                f"{where} answered {response.mimetype}")
    assert any(answers[role] == 200 for role in roles), f"no role the page is for opened it: {answers}"
