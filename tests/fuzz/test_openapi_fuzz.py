"""No request the OpenAPI document describes makes the service fail.

Schemathesis reads ``/api/v1/openapi.json`` from the app (WSGI, in-process) and,
for every operation in it, generates requests that fit the schema and requests
that break it (wrong types, missing or unknown fields, out-of-range numbers and
dates, odd strings and headers). Hypothesis drives the generation, derandomised,
so a run is the same on every machine; ``FUZZ_MAX_EXAMPLES`` (default below) and
``FUZZ_RANDOM=1`` widen a local hunt, ``FUZZ_STATS=1 pytest -s`` prints the
statuses each operation met.

Each request carries the bearer token of a role: mostly one the policy table
allows on the route (drawn per example), so it gets past authorisation into
validation and the services, and one time in four any role at all, which must be
refused cleanly (403) or served within its need-to-know. One municipality is seeded with a row of every kind in a live state
(person, referral, decision with an appeal, active plan with member, goal, measure
and evaluation, units, needs, a pending offer and a tenancy). About half the
examples aim path ids, id fields in bodies and queries, codes, Idempotency-Keys,
national ids (seeded or fresh synthetic) and ISO dates (near today) at real values,
the rest keep the generated ones (mostly 404/422). One request in five gets a
hostile value in one body field, beyond what the schema's own generation tries:
JSON nested a thousand deep, a lone UTF-16 surrogate in text, a fraction where a
whole number belongs, a number past any column. PATCH requests carry
``If-Match: *``. Every operation starts from the seeded rows (a savepoint per test;
all of it is rolled back at the end of the module).

For every response:
- the status is below 500;
- it conforms to the response schema the document gives for its status;
- an error (>= 400) is ``application/problem+json`` with its status and the request id;
- any run of eleven digits in the body was sent by some request, and a national id
  (seeded or sent) is shown only to a role allowed to see it in full.
"""

from __future__ import annotations

import collections
import datetime as dt
import itertools
import json
import os
import re
from urllib.parse import unquote

import hypothesis.strategies as st
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import response_schema_conformance

from service.auth import matrix, policy
from service.auth.roles import ALL_ROLES
from service.common.clock import set_clock
from service.common.fields import EARLIEST, LATEST
from service.persons.national_id import generate_synthetic_national_id
from tests.conftest import DEFAULT_NOW, Env
from tests.helpers import OK_OR_CREATED, PROBLEM, ok, openapi_path

API = "/api/v1"
ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{11}(?!\d)")
# Server-made tokens (UUIDs, hex request ids, the audit chain's SHA-256 hashes) may hold
# digit runs by chance; they are not national ids.
SERVER_TOKENS = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
                           r"|(?<![0-9a-zA-Z])(?:[0-9a-f]{64}|[0-9a-f]{32})(?![0-9a-zA-Z])")
ROLE_PREFERENCE = ("admin", "case_officer", "housing_officer", "coordinator", "auditor", "provider", "planner")
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "20"))
# The world is seeded once (``module_connection``); each operation meets its rows as seeded.
pytestmark = pytest.mark.usefixtures("pristine", "as_the_application")


# (METHOD, OpenAPI path) -> allowed roles in preference order.
ROLES = {(method, openapi_path(rule)): tuple(r for r in ROLE_PREFERENCE if r in roles)
         for (method, rule), roles in policy.POLICY.items()}
# Every operation of the document: the policed routes and the public ones (not the docs UI).
OPERATIONS = sorted(set(ROLES) | {(method, openapi_path(rule)) for method, rule in policy.PUBLIC
                                  if rule.startswith(f"{API}/health")})


@pytest.fixture(scope="module")
def openapi_schema(app):
    return schemathesis.openapi.from_wsgi(f"{API}/openapi.json", app)


class World:
    """One municipality, a caller per role, and a row of every kind to aim requests at."""

    def __init__(self, env, synthetic_id, visible_roles):
        town = self.town = env.municipality()
        self.client = env.client
        self.callers = {role: env.caller(role, town) for role in ROLE_PREFERENCE}
        officer, housing = self.callers["case_officer"], self.callers["housing_officer"]
        coordinator = self.callers["coordinator"]
        self.national_ids: set[str] = set()
        # What every fuzzed request so far sent: lists and the audit trail show earlier input.
        self.sent: list[str] = []
        self.statuses: dict[str, list[int]] = collections.defaultdict(list)
        self.national_id_visible_to = frozenset(visible_roles)

        def person(name):
            national_id = synthetic_id()
            self.national_ids.add(national_id)
            return ok(officer.post(f"{API}/persons", json={
                "name": name, "national_id": national_id, "sex": "female", "has_minor_children": "no",
                "district": "Sentrum"}), OK_OR_CREATED)

        first, second = person("Fuzz Først"), person("Fuzz Andre")
        referral = ok(officer.post(f"{API}/referrals", json={
            "person_id": first["id"], "received_on": "2026-02-10", "source": "gp",
            "channel": "electronic_message", "requested_services": ["psykisk-helse-oppfolging"]}), OK_OR_CREATED)
        decision = ok(officer.post(f"{API}/decisions", json={
            "person_id": first["id"], "service_code": "psykisk-helse-oppfolging", "hours_per_week": 2,
            "valid_from": "2026-01-01", "valid_to": "2026-12-31", "provider_unit": "Psykisk helseteam",
            "decided_on": "2025-12-15"}), OK_OR_CREATED)
        appeal = ok(officer.post(f"{API}/decisions/{decision['id']}/appeals",
                                 json={"received_on": "2026-01-10"}), OK_OR_CREATED)
        plan = ok(officer.post(f"{API}/plans", json={"person_id": first["id"], "requested_on": "2026-01-15"}),
                  OK_OR_CREATED)
        plan_url = f"{API}/plans/{plan['id']}"
        ok(officer.post(f"{plan_url}/appoint-coordinator",
                        json={"user_id": str(coordinator.user_id), "appointed_on": "2026-02-01"}), OK_OR_CREATED)
        ok(coordinator.post(f"{plan_url}/consent", json={
            "given_on": "2026-02-02", "scope": "Individuell plan", "information_sharing": True}), OK_OR_CREATED)
        member = ok(coordinator.post(f"{plan_url}/members", json={
            "organisation": "NAV", "role": "veileder", "name": "Nina Nav", "contact": "nina@nav.example"}),
            OK_OR_CREATED)
        goal = ok(coordinator.post(f"{plan_url}/goals", json={"area": "housing", "text": "Egen bolig"}), OK_OR_CREATED)
        measure = ok(coordinator.post(f"{plan_url}/measures", json={
            "goal_id": goal["id"], "description": "Boveiledning", "extent": "2 timer per uke",
            "responsible_organisation": "Psykisk helseteam", "decision_id": decision["id"]}), OK_OR_CREATED)
        ok(coordinator.post(f"{plan_url}/activate", json={"activated_on": "2026-02-10"}), OK_OR_CREATED)
        evaluation = ok(coordinator.post(f"{plan_url}/evaluations", json={
            "evaluated_on": "2026-03-02", "summary": "God fremgang", "next_evaluation_on": "2026-06-01"}),
            OK_OR_CREATED)
        units = [ok(housing.post(f"{API}/housing/units", json={
            "label": f"Fuzz {n}", "unit_type": "ordinary_rental", "max_stay_months": stay,
            "features": ["smoke_detector", "fire_extinguisher"]}), OK_OR_CREATED)
            for n, stay in ((1, 600), (2, None))]
        needs = [ok(housing.post(f"{API}/housing/needs", json={
            "person_id": who["id"], "category": "ordinary", "housing_situation": "housed_insecure",
            "registered_on": "2026-03-01"}), OK_OR_CREATED)
            for who in (first, second)]
        offers = [ok(housing.post(f"{API}/housing/offers", json={
            "unit_id": unit["id"], "need_id": need["id"], "offered_on": "2026-03-02", "respond_by": "2026-03-17"}),
            OK_OR_CREATED)
            for unit, need in zip(units, needs, strict=False)]
        ok(housing.post(f"{API}/housing/offers/{offers[1]['id']}/accept", json={"start_on": "2026-03-03"}),
           OK_OR_CREATED)
        tenancy_id = ok(housing.get(f"{API}/housing/tenancies"), OK_OR_CREATED)[0]["id"]
        provider_unit_id = env.provider_unit(town, "Psykisk helseteam")
        block = ok(officer.post(f"{API}/persons/{second['id']}/blocks", json={
            "user_id": str(coordinator.user_id), "reason": "related"}), OK_OR_CREATED)
        self.ids = {
            "person_id": first["id"], "referral_id": referral["id"], "decision_id": decision["id"],
            "appeal_id": appeal["id"], "plan_id": plan["id"], "unit_id": units[0]["id"],
            "need_id": needs[0]["id"], "offer_id": offers[0]["id"], "tenancy_id": tenancy_id,
            "provider_unit_id": provider_unit_id, "block_id": block["id"],
        }
        self.items = {"members": member["id"], "goals": goal["id"], "measures": measure["id"],
                      "evaluations": evaluation["id"]}
        self.codes = {"service-catalogue": "psykisk-helse-oppfolging", "legal-bases": "pbrl-2-1a"}
        users = [str(caller.user_id) for caller in self.callers.values()]
        # Body and query fields that name other rows: real values to aim at (else random, 422/404).
        self.fields = {
            "person_id": [first["id"], second["id"]], "object_id": [first["id"]],
            "referral_id": [referral["id"]], "decision_id": [decision["id"]], "supersedes_id": [decision["id"]],
            "need_id": [n["id"] for n in needs], "unit_id": [u["id"] for u in units],
            "offer_id": [offers[0]["id"]], "goal_id": [goal["id"]], "provider_unit_id": [provider_unit_id],
            "provider_unit": ["Psykisk helseteam"],
            "user_id": [str(coordinator.user_id)], "assigned_to": users, "actor_id": users, "coordinator": users,
            "service_code": ["psykisk-helse-oppfolging", "bo-og-veiledning"], "legal_basis": ["pbrl-2-1a"],
            "national_id": sorted(self.national_ids),
        }
        for many in ("need", "unit", "person"):
            self.fields[f"{many}_ids"] = [[value] for value in self.fields[f"{many}_id"]]

    def real_value(self, path: str, name: str) -> str | None:
        if name in self.ids:
            return self.ids[name]
        if name == "item_id":
            return self.items[path.split("/")[-2]]
        if name == "code":
            return self.codes["legal-bases" if "/legal-bases/" in path else "service-catalogue"]
        return None


@pytest.fixture(scope="module")
def world(app, module_connection):
    serials = itertools.count(1)

    def synthetic_id():
        return generate_synthetic_national_id(dt.date(1985, 6, 15), next(serials))

    with app.app_context():
        set_clock(app, DEFAULT_NOW)
    visible = [role for role in ALL_ROLES if matrix.field_level(role, matrix.PERSON, "national_id") == matrix.FULL]
    world = World(Env(app), synthetic_id, visible)
    yield world
    if os.environ.get("FUZZ_STATS"):  # FUZZ_STATS=1 pytest -s: which statuses each operation met
        for operation, statuses in sorted(world.statuses.items()):
            print(operation, dict(sorted(collections.Counter(statuses).items())))


def _sent_text(request: dict) -> str:
    """Everything a request carried, as text (where a digit run could have come from)."""
    return unquote(json.dumps(request, default=repr, ensure_ascii=False))


def send(world, case, raw_body: str | None = None) -> tuple[dict, object]:
    """Send the case through Flask's test client, exactly as generated (plus our overrides);
    ``raw_body`` replaces the JSON body with text no encoder here would make (deep nesting).

    Not ``case.call()``: for a negative case that dropped a header, schemathesis also
    drops our Authorization header, and every such example would end in a 401.
    """
    request = case.as_transport_kwargs()
    if raw_body is not None:
        request.pop("json", None)
        request["data"] = raw_body
        request.setdefault("headers", {})["Content-Type"] = "application/json"
    return request, world.client.open(**request)


# Values no schema-driven generator aims at, each once a finding (issue "Robustness", 1, 2, 7).
DEPTH = 1000
HOSTILE = ("deep", "surrogate", "fraction", "huge", "negative huge")


def hostile_body(body: dict, data) -> str | None:
    """Now and then the JSON text of ``body`` with one hostile value in one field (raw text: the
    case itself keeps what schemathesis made, and only raw text carries a thousand levels)."""
    if not body or data.draw(st.integers(0, 4), label="hostile value") != 0:
        return None
    name = data.draw(st.sampled_from(sorted(body)), label="hostile field")
    kind = data.draw(st.sampled_from(HOSTILE), label="hostile kind")
    rest = {key: value for key, value in body.items() if key != name}
    if kind == "deep":
        value = "[" * DEPTH + "]" * DEPTH
    else:  # json.dumps writes a lone surrogate as the escape "\\ud83d", as a careless client would
        value = json.dumps({"surrogate": "a\ud83db", "fraction": 1.5, "huge": 10 ** 30,
                            "negative huge": -(10 ** 30)}[kind])
    text = json.dumps(rest)
    return text[:-1] + (", " if rest else "") + f"{json.dumps(name)}: {value}}}"


def check_response(case, request: dict, response, role, world) -> None:
    method, status = request["method"].upper(), response.status_code
    text = response.get_data(as_text=True)
    where = f"{method} {unquote(request['path'])} as {role}"
    world.sent.append(_sent_text(request))
    world.statuses[f"{method} {case.operation.path}"].append(status)
    if os.environ.get("FUZZ_DEBUG") and status in (400, 422):
        print(status, where, request.get("json"), text[:300])
    assert status < 500, f"{where} answered {status}: {text[:500]}\nrequest: {request!r}"
    # The answer is what the document promises for its status (the checks of statuses and
    # problem bodies follow; a refused role's 403 is a problem document too).
    case.validate_response(response, checks=[response_schema_conformance])
    if status >= 400:
        assert response.mimetype == PROBLEM, f"{where} answered {status} as {response.mimetype!r}"
        body = json.loads(text)
        assert body["status"] == status, f"{where}: problem status {body.get('status')} != {status}"
        assert body.get("request_id"), f"{where}: problem without request_id"
    for run in ELEVEN_DIGITS.findall(SERVER_TOKENS.sub(" ", text)):
        if run in world.national_ids:  # seeded or sent by the fuzz: shown only to roles that may see it
            assert role in world.national_id_visible_to, f"{where}: a national id was shown to {role}"
        else:
            assert any(run in sent for sent in world.sent), (
                f"{where}: the body holds an eleven-digit run no request sent")


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DAYS = ("near", "near", "earliest", "latest")  # mostly near today, now and then the calendar's ends
# Text lengths just past common column sizes (VARCHAR(n) refuses them on PostgreSQL only).
LONG = (13, 21, 31, 41, 61, 81, 121, 161, 201, 301, 501, 2001, 10001)


def aim_at_real_rows(container: dict, data, world) -> None:
    """Now and then swap a generated value for one that passes the existence and date rules.

    Random ids and dates far in the past or future are refused early (422/404); real
    ids, fresh valid national ids and dates near today (or at the ends of the accepted
    calendar) take requests into the services. One text in four requests gets long.
    """
    for name in sorted(container):
        value = container[name]
        if name in world.fields and data.draw(st.booleans(), label=f"real {name}"):
            if name == "national_id" and data.draw(st.booleans(), label="fresh national id"):
                born = dt.date(1950, 1, 1) + dt.timedelta(days=data.draw(st.integers(0, 20000)))
                container[name] = generate_synthetic_national_id(born, data.draw(st.integers(0, 300)))
                world.national_ids.add(container[name])
            else:
                container[name] = data.draw(st.sampled_from(world.fields[name]), label=name)
        elif isinstance(value, str) and ISO_DATE.match(value) and data.draw(st.booleans(), label=f"day {name}"):
            day = data.draw(st.sampled_from(DAYS), label=name)
            if day == "near":
                container[name] = (DEFAULT_NOW.date() + dt.timedelta(days=data.draw(st.integers(-400, 400)))).isoformat()
            else:
                container[name] = (EARLIEST if day == "earliest" else LATEST).isoformat()
    texts = [name for name in sorted(container) if isinstance(container[name], str)
             and name not in world.fields and not ISO_DATE.match(container[name])]
    if texts and data.draw(st.integers(0, 3), label="long text") == 0:
        name = data.draw(st.sampled_from(texts), label="long text field")
        container[name] = "Ø" * data.draw(st.sampled_from(LONG), label="length")


def test_every_operation_in_the_document_is_fuzzed(openapi_schema):
    documented = {(op.method.upper(), op.path) for op in
                  (result.ok() for result in openapi_schema.get_all_operations())}
    assert documented == set(OPERATIONS), (
        f"not fuzzed: {sorted(documented - set(OPERATIONS))}; gone: {sorted(set(OPERATIONS) - documented)}")


def _strategy(operation):
    modes = [operation.as_strategy(GenerationMode.POSITIVE)]
    try:
        modes.append(operation.as_strategy(GenerationMode.NEGATIVE))
    except Exception as error:  # noqa: BLE001 - an operation with nothing to break
        print(f"{operation.label}: no negative cases ({type(error).__name__})")
    return st.one_of(modes)


@pytest.mark.parametrize("method, path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_request_makes_the_service_fail(method, path, openapi_schema, world):
    operation = openapi_schema[path][method]
    roles = ROLES.get((method, path), ())

    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=not os.environ.get("FUZZ_RANDOM"),
              database=None, suppress_health_check=list(HealthCheck),
              phases=[Phase.explicit, Phase.generate, Phase.shrink])
    @given(case=_strategy(operation), data=st.data())
    def fuzz(case, data):
        if roles and data.draw(st.integers(0, 3), label="any role") == 0:
            role = data.draw(st.sampled_from(sorted(ALL_ROLES)), label="role")
        else:
            role = data.draw(st.sampled_from(roles), label="role") if roles else None
        if case.headers is None:
            case.headers = {}
        if role:  # also over a generated Authorization header: 401s are tested in tests/security
            case.headers["Authorization"] = f"Bearer {world.callers[role].token}"
        if method == "PATCH":
            case.headers["If-Match"] = "*"
        if "Idempotency-Key" in case.headers and data.draw(st.booleans(), label="valid Idempotency-Key"):
            # A few keys only, so some are replayed (same or another body).
            case.headers["Idempotency-Key"] = f"fuzz-key-{data.draw(st.integers(0, 3))}"
        seeded = data.draw(st.booleans(), label="seeded rows in the path")
        for name in sorted(case.path_parameters or {}):
            real = world.real_value(path, name)
            if real and (seeded or data.draw(st.booleans(), label=f"real {name}")):
                case.path_parameters[name] = real
        for container in (case.query, case.body):
            if isinstance(container, dict):
                aim_at_real_rows(container, data, world)
        raw = hostile_body(case.body, data) if isinstance(case.body, dict) else None
        request, response = send(world, case, raw)
        check_response(case, request, response, role, world)

    fuzz()
