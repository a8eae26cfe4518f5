"""Another municipality's id is answered exactly as an id that does not exist, on every route.

Generated from the route table, not listed: every route of the API (``policy.POLICY``) and of the
web application (``policy.WEB_POLICY``) that takes an id in its path is called by a user of the
home municipality, as a role the route allows, once with the other municipality's id in one path
parameter (the home municipality's ids in the others) and once with a random id there. Both
answers must be the same: status, problem type and title, detail and field errors (the ids
themselves read as ``<id>``); for a page, status, redirect and title. Anything else tells a caller
that the id exists elsewhere. The same for the id fields of request bodies (``person_id``,
``decision_id``, …) that a write route's OpenAPI schema declares, and, on the pages, for those
fields in a posted form. The bodies are made from the OpenAPI schema (the required fields, plus
the id field under test), so a new route is covered without an entry here.

Mass assignment: no write route of the API takes ``municipality_id``, ``version``, ``status``,
``created_by`` or ``id`` from its body (422, "Unknown field."), unless its schema declares the
field as part of what the action means (``DECLARED`` lists those, and must stay exactly so).

The two municipalities are seeded once for the module (tests/helpers.py, ``CaseRows``); each test
starts from them (``pristine``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
import uuid

import pytest

from service.auth import policy
from service.auth.roles import ALL_ROLES
from service.common.clock import set_clock
from service.persons.national_id import generate_synthetic_national_id
from tests.conftest import DEFAULT_NOW, Env
from tests.helpers import GREEN, HOUSING_SERVICE, OK_OR_CREATED, UNIT, CaseRows, ok, openapi_path
from tests.web.client import Browser, csrf_token, make_web_user

API = "/api/v1"
_PARAM = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
# Path parameters that are not rows of a municipality (a job's name, a report period and its table
# and file format, a static file), with a value each.
NOT_IDS = {"name": "deadlines", "period": "2026-02", "table": "T1", "fmt": "xlsx", "filename": "app.css"}
# Body fields that name another row (the brief of issue 18, and the lists of ids).
BODY_IDS = ("person_id", "decision_id", "unit_id", "need_id", "plan_id", "goal_id", "referral_id", "user_id",
            "supersedes_id", "provider_unit_id", "from_user_id", "to_user_id", "need_ids", "unit_ids",
            "avoid_person_ids")
MASS_ASSIGNED = ("municipality_id", "version", "status", "created_by", "id")
# Write routes whose schema takes one of MASS_ASSIGNED because the action is about it.
DECLARED = {
    ("POST", f"{API}/decisions/<uuid:decision_id>/appeals/<uuid:appeal_id>/status", "status"),
    ("POST", f"{API}/plans/<uuid:plan_id>/goals", "status"),
    ("PATCH", f"{API}/plans/<uuid:plan_id>/goals/<uuid:item_id>", "status"),
    ("POST", f"{API}/plans/<uuid:plan_id>/measures", "status"),
    ("PATCH", f"{API}/plans/<uuid:plan_id>/measures/<uuid:item_id>", "status"),
}
ROLE_ORDER = ("case_officer", "housing_officer", "coordinator", "auditor", "admin", "provider", "planner")
pytestmark = pytest.mark.usefixtures("pristine")


def _params(rule: str) -> list[tuple[str, str]]:
    return [(m.group("converter") or "default", m.group("name")) for m in _PARAM.finditer(rule)]


def _role_for(rule: str, allowed) -> str:
    """A role the route allows, the one whose work the route is where there is a choice."""
    for area, role in (("/plans", "coordinator"), ("/housing", "housing_officer")):
        if area in rule and role in allowed:
            return role
    return next(role for role in ROLE_ORDER if role in allowed)


def _routes(table, *, methods=("GET", "POST", "PATCH", "PUT", "DELETE")) -> list[tuple[str, str]]:
    return sorted((method, rule) for method, rule in table
                  if method in methods and any(name not in NOT_IDS for _c, name in _params(rule)))


API_ID_ROUTES = _routes(policy.POLICY)
WEB_ID_ROUTES = _routes(policy.WEB_POLICY)
API_WRITES = sorted(route for route in policy.POLICY if route[0] in ("POST", "PATCH"))
WEB_POSTS = sorted(route for route in policy.WEB_POLICY if route[0] == "POST" and not route[1].endswith("/logout"))


@dataclasses.dataclass
class Town:
    number: str
    callers: dict
    ids: dict  # path parameter and body field names -> this town's id
    items: dict  # plan part ("members", "goals", …) -> its id
    codes: dict  # "service-catalogue" / "legal-bases" -> a code only this town has


def _town(env: Env, name: str, serial: int) -> Town:
    number = env.municipality(name=name)
    env.provider_unit(number, UNIT)
    callers = {role: env.caller(role, number) for role in ALL_ROLES}
    rows = CaseRows(env, number, callers)
    person = rows.person(f"{name} Person", dt.date(1970 + serial, 5, 6))
    case = rows.case(person, coordinator=callers["coordinator"]).ids
    officer, coordinator, admin = callers["case_officer"], callers["coordinator"], callers["admin"]
    plan = f"{API}/plans/{case['plan']}"
    member = ok(coordinator.post(f"{plan}/members", json={"organisation": "NAV", "role": "veileder",
                                                          "name": "Nina Nav"}), OK_OR_CREATED)["id"]
    evaluation = ok(coordinator.post(f"{plan}/evaluations", json={
        "evaluated_on": "2026-03-02", "summary": "God fremgang", "next_evaluation_on": "2026-06-01"}),
        OK_OR_CREATED)["id"]
    block = rows.block(officer, callers["housing_officer"], person)
    code = f"lokal-{name.lower()}-{serial}"
    ok(admin.post(f"{API}/service-catalogue", json={"code": code, "name_nb": f"Lokal {name}", "hour_based": True,
                                                    "report_group": "home_based"}), OK_OR_CREATED)
    basis = f"lokal-heimel-{name.lower()}-{serial}"
    ok(admin.post(f"{API}/service-catalogue/legal-bases", json={
        "code": basis, "name_nb": f"Lokal heimel {name}", "law_reference": "hol. § 3-1", "appeal_body": "Statsforvalteren",
        "appeal_period_days": 21, "appeal_rule": "fvl. § 29"}), OK_OR_CREATED)
    result = env.app.test_cli_runner().invoke(args=["jobs", "run", "deadlines", "--municipality", number])
    assert result.exit_code == 0, result.output
    flags = ok(officer.get(f"{API}/worklist?page_size=1"))
    ids = {"person_id": person["id"], "referral_id": case["referral"], "decision_id": case["decision"],
           "supersedes_id": case["decision"], "appeal_id": case["appeal"], "plan_id": case["plan"],
           "goal_id": case["goal"], "unit_id": case["unit"], "need_id": case["need"], "offer_id": case["offer"],
           "tenancy_id": case["tenancy"], "block_id": block, "provider_unit_id": env.provider_unit(number, UNIT),
           "user_id": str(coordinator.user_id), "from_user_id": str(officer.user_id),
           "to_user_id": str(officer.user_id), "flag_id": flags[0]["id"] if flags else None}
    for many in ("need", "unit", "person"):
        ids[f"{many}_ids"] = [ids[f"{many}_id"]]
    ids["avoid_person_ids"] = [person["id"]]
    items = {"members": member, "goals": case["goal"], "measures": case["measure"], "evaluations": evaluation}
    return Town(number, callers, ids, items, {"service-catalogue": code, "legal-bases": basis})


@dataclasses.dataclass
class World:
    home: Town
    other: Town
    spec: dict
    browsers: dict
    connection: object


@pytest.fixture(scope="module")
def world(app, module_connection) -> World:
    with app.app_context():
        set_clock(app, DEFAULT_NOW)
    env = Env(app)
    home, other = _town(env, "Heim", 1), _town(env, "Borte", 2)
    assert all(home.ids.values()) and all(other.ids.values()), "a kind of row is missing from the seeding"
    spec = env.anonymous().get(f"{API}/openapi.json").get_json()
    browsers = {}
    for role in {_role_for(rule, roles) for (_m, rule), roles in policy.WEB_POLICY.items()}:
        browser = Browser(app)
        assert browser.log_in(make_web_user(app, env, home.number, role)).status_code == 303
        browsers[role] = (browser, csrf_token(browser.last_html))
    return World(home, other, spec, browsers, module_connection)


# --- path values and bodies ---

def _path_value(town: Town, rule: str, name: str):
    if name == "item_id":
        return town.items[rule.split("/<uuid:item_id>")[0].rsplit("/", 1)[-1]]
    if name == "code":
        return town.codes["legal-bases" if "/legal-bases/" in rule else "service-catalogue"]
    return town.ids[name]


def _url(world: World, rule: str, replace: str | None = None, value=None) -> str:
    def fill(match):
        name = match.group("name")
        if name in NOT_IDS:
            return NOT_IDS[name]
        return str(value) if name == replace else str(_path_value(world.home, rule, name))
    return _PARAM.sub(fill, rule)


def _random_like(value):
    if isinstance(value, list):
        return [str(uuid.uuid4())]
    try:
        uuid.UUID(str(value))
    except ValueError:
        return f"ukjent-{uuid.uuid4().hex[:8]}"  # a code no municipality has
    return str(uuid.uuid4())


def _schema(spec: dict, method: str, rule: str) -> dict:
    operation = spec["paths"].get(openapi_path(rule), {}).get(method.lower(), {})
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    return _resolve(spec, body)


def _resolve(spec: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in schema:
        merged: dict = {}
        for part in schema["allOf"]:
            merged.update(_resolve(spec, part))
        return merged
    return schema


_SERIALS = iter(range(1, 10_000))


def _value(spec: dict, town: Town, name: str, prop: dict):
    """A value the field accepts, the town's row for an id field."""
    if name in town.ids:
        return town.ids[name]
    special = {"national_id": lambda: generate_synthetic_national_id(dt.date(1990, 1, 1), next(_SERIALS)),
               "service_code": lambda: HOUSING_SERVICE, "requested_services": lambda: [HOUSING_SERVICE],
               "features": lambda: list(GREEN), "period": lambda: "2026-02",
               "code": lambda: f"ny-{uuid.uuid4().hex[:8]}"}
    if name in special:
        return special[name]()
    prop = _resolve(spec, prop)
    if prop.get("enum"):
        return prop["enum"][0]
    kind, fmt = prop.get("type"), prop.get("format")
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return max(1, prop.get("minimum", 1))
    if kind == "array":
        item = _resolve(spec, prop.get("items", {}))
        return [item["enum"][0]] if item.get("enum") else []
    if fmt == "date":
        return "2026-03-02"
    if fmt == "date-time":
        return "2026-03-02T10:00:00+01:00"
    if fmt == "uuid":
        return str(uuid.uuid4())
    return "Test"


def _body(world: World, method: str, rule: str, extra=()) -> dict:
    schema = _schema(world.spec, method, rule)
    props = schema.get("properties", {})
    names = [*schema.get("required", []), *(name for name in extra if name in props)]
    return {name: _value(world.spec, world.home, name, props[name]) for name in dict.fromkeys(names)}


# --- answers ---

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _same_ids(text, ids) -> str:
    """The ids under test read as ``<id>``, and any other UUID (one the server just made) as ``<new>``."""
    text = text if isinstance(text, str) else repr(text)
    for value in ids:
        text = text.replace(str(value), "<id>")
    return _UUID.sub("<new>", text)


def _api_answer(response, ids) -> tuple:
    body = response.get_json(silent=True) or {}
    if not isinstance(body, dict) or response.status_code < 400:
        return response.status_code, "a success", _same_ids(response.get_data(as_text=True)[:300], ids)
    return (response.status_code, body.get("type"), body.get("title"), _same_ids(body.get("detail"), ids),
            _same_ids(body.get("errors"), ids))


_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_ALERTS = re.compile(r'class="[^"]*(?:ds-alert|error|ds-validation-message)[^"]*"[^>]*>(.*?)</', re.S)


def _page_answer(response, ids) -> tuple:
    text = response.get_data(as_text=True)
    title = _TITLE.search(text)
    return (response.status_code, _same_ids(response.headers.get("Location", ""), ids),
            html.unescape(title.group(1).strip()) if title else None,
            _same_ids(sorted(html.unescape(m.strip()) for m in _ALERTS.findall(text)), ids))


def _call_api(world: World, method: str, rule: str, url: str, body: dict | None):
    caller = world.home.callers[_role_for(rule, policy.POLICY[(method, rule)])]
    headers = {"If-Match": "*"} if method == "PATCH" else None
    if method == "GET":
        return caller.get(url)
    return {"POST": caller.post, "PATCH": caller.patch, "PUT": caller.put}[method](url, json=body, headers=headers)


def _call_page(world: World, method: str, rule: str, url: str, form: dict | None):
    browser, token = world.browsers[_role_for(rule, policy.WEB_POLICY[(method, rule)])]
    return browser.get(url) if method == "GET" else browser.post(url, form or {}, token=token)


def _compare(call, world, method, rule, make) -> list[str]:
    """``make(value)`` -> (url, body) with ``value`` in the place under test; foreign vs random."""
    wrong = []
    for place, foreign in make.places:
        random_value = _random_like(foreign)
        ids = [*(foreign if isinstance(foreign, list) else [foreign]),
               *(random_value if isinstance(random_value, list) else [random_value])]
        answers = []
        for value in (foreign, random_value):
            url, body = make(place, value)
            # Each call meets the rows as seeded: a write that works (on a field it ignores) must
            # not change what the other call meets.
            savepoint = world.connection.begin_nested()
            try:
                answers.append(call(world, method, rule, url, body))
            finally:
                savepoint.rollback()
        seen = [(_api_answer if call is _call_api else _page_answer)(answer, ids) for answer in answers]
        if seen[0] != seen[1]:
            wrong.append(f"{method} {rule} [{place}]: another municipality's id -> {seen[0]}; "
                         f"a random id -> {seen[1]}")
    return wrong


class _PathCase:
    def __init__(self, world, method, rule, body_of):
        self.world, self.rule, self.body_of = world, rule, body_of
        self.places = [(name, _path_value(world.other, rule, name)) for _conv, name in _params(rule)
                       if name not in NOT_IDS]

    def __call__(self, place, value):
        return _url(self.world, self.rule, place, value), self.body_of()


class _BodyCase:
    def __init__(self, world, method, rule, fields, base):
        self.world, self.rule, self.base = world, rule, base
        self.url = _url(world, rule)
        self.places = [(name, world.other.ids[name]) for name in fields]

    def __call__(self, place, value):
        return self.url, {**self.base, place: value}


# --- the API ---

@pytest.mark.parametrize("method, rule", API_ID_ROUTES, ids=[f"{m} {r}" for m, r in API_ID_ROUTES])
def test_an_api_route_answers_another_municipalitys_path_id_as_a_random_one(world, method, rule):
    case = _PathCase(world, method, rule, lambda: _body(world, method, rule) if method != "GET" else None)
    assert case.places
    wrong = _compare(_call_api, world, method, rule, case)
    assert wrong == [], "\n".join(wrong)
    if method == "GET":  # a read of a row that is not there is a 404, whoever has it
        for place, foreign in case.places:
            response = _call_api(world, method, rule, _url(world, rule, place, foreign), None)
            assert response.status_code == 404, (place, response.status_code, response.get_json())


BODY_ID_ROUTES = [(method, rule) for method, rule in API_WRITES]


@pytest.mark.parametrize("method, rule", BODY_ID_ROUTES, ids=[f"{m} {r}" for m, r in BODY_ID_ROUTES])
def test_an_api_write_answers_another_municipalitys_body_id_as_a_random_one(world, method, rule):
    props = _schema(world.spec, method, rule).get("properties", {})
    fields = [name for name in BODY_IDS if name in props]
    if not fields:
        pytest.skip("the body names no other row")
    base = _body(world, method, rule, extra=fields)
    wrong = _compare(_call_api, world, method, rule, _BodyCase(world, method, rule, fields, base))
    assert wrong == [], "\n".join(wrong)


def test_every_write_route_declares_its_body(world):
    """A write without a body schema would ignore what it is sent rather than refuse it."""
    without = sorted(rule for method, rule in API_WRITES if not _schema(world.spec, method, rule))
    assert without == [], without


@pytest.mark.parametrize("method, rule", API_WRITES, ids=[f"{m} {r}" for m, r in API_WRITES])
def test_an_api_write_refuses_fields_the_server_owns(world, method, rule, problem):
    props = _schema(world.spec, method, rule).get("properties", {})
    declared = {(method, rule, name) for name in MASS_ASSIGNED if name in props}
    assert declared <= DECLARED, f"the body takes a field the server owns: {declared - DECLARED}"
    values = {"municipality_id": str(uuid.uuid4()), "version": 7, "status": "closed",
              "created_by": world.home.ids["user_id"], "id": str(uuid.uuid4())}
    for name in MASS_ASSIGNED:
        if (method, rule, name) in DECLARED:
            continue
        body = {**_body(world, method, rule), name: values[name]}
        response = _call_api(world, method, rule, _url(world, rule), body)
        refused = problem(response, 422)
        assert refused["errors"].get(name) == ["Unknown field."], (name, refused)


def test_the_declared_exceptions_are_still_declared(world):
    still = {(method, rule, name) for method, rule, name in DECLARED
             if name in _schema(world.spec, method, rule).get("properties", {})}
    assert still == DECLARED


# --- the web application ---

@pytest.mark.parametrize("method, rule", WEB_ID_ROUTES, ids=[f"{m} {r}" for m, r in WEB_ID_ROUTES])
def test_a_page_answers_another_municipalitys_path_id_as_a_random_one(world, method, rule):
    case = _PathCase(world, method, rule, lambda: dict(PAGE_FORM))
    wrong = _compare(_call_page, world, method, rule, case)
    assert wrong == [], "\n".join(wrong)
    if method == "GET":
        for place, foreign in case.places:
            response = _call_page(world, method, rule, _url(world, rule, place, foreign), None)
            assert response.status_code == 404, (place, response.status_code)


# A page's form carries the version it showed (its If-Match): without it a change stops at 428.
PAGE_FORM = {"version": "1"}
WEB_FORM_IDS = ("person_id", "decision_id", "unit_id", "need_id", "plan_id", "goal_id", "referral_id", "user_id")


@pytest.mark.parametrize("method, rule", WEB_POSTS, ids=[f"{m} {r}" for m, r in WEB_POSTS])
def test_a_form_answers_another_municipalitys_id_field_as_a_random_one(world, method, rule):
    base = {**PAGE_FORM, **{name: world.home.ids[name] for name in WEB_FORM_IDS}}
    wrong = _compare(_call_page, world, method, rule, _BodyCase(world, method, rule, WEB_FORM_IDS, base))
    assert wrong == [], "\n".join(wrong)


def test_the_generated_routes_cover_the_tables():
    """Every id route of both tables is walked (a new kind of path id must be seeded above)."""
    assert len(API_ID_ROUTES) > 60 and len(WEB_ID_ROUTES) > 10
    names = {name for _m, rule in API_ID_ROUTES + WEB_ID_ROUTES for _c, name in _params(rule)} - set(NOT_IDS)
    known = {"item_id", "code", "person_id", "referral_id", "decision_id", "appeal_id", "plan_id", "unit_id",
             "need_id", "offer_id", "tenancy_id", "block_id", "provider_unit_id", "flag_id", "user_id"}
    assert names <= known, f"path ids this module does not seed: {names - known}"
