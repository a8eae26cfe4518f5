"""If-Match behaves the same on every update and every action (docs/architecture.md).

- An update (``PATCH``) needs ``If-Match``: 428 without it.
- An action (``POST /…/{id}/<verb>``, including the creates under a resource such as
  ``/plans/{id}/members``) takes it optionally.
- Either way, an ETag that is not the resource's current one is 412 and changes
  nothing; the current one is accepted.

The routes are walked from the application's URL map: a new update or action fails
``test_every_update_and_action_has_a_row`` until it gets a row below (so it is tested too).
One municipality is seeded once for the module with a row in the state each action
needs; every test starts from those rows (a savepoint each).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import subprocess
import sys
from pathlib import Path

import pytest

from service.auth import policy
from service.common.clock import set_clock
from service.persons.national_id import generate_synthetic_national_id
from tests.conftest import DEFAULT_NOW, Env
from tests.helpers import OK_OR_CREATED, assert_problem, ok

API = "/api/v1"
TODAY = DEFAULT_NOW.date().isoformat()
ROLE_ORDER = ("case_officer", "housing_officer", "coordinator", "admin")
ROOT = Path(__file__).resolve().parents[2]
# The world is seeded once (``module_connection``); each test meets its rows as seeded.
pytestmark = pytest.mark.usefixtures("pristine")


@dataclasses.dataclass(frozen=True)
class Row:
    """How to call one route: the URL (``{name}`` = a seeded row's id) and a body that is valid there."""

    url: str
    body: dict | None = None


UPDATE, ACTION = "PATCH", "POST"
P, R = f"{API}/persons/<uuid:person_id>", f"{API}/referrals/<uuid:referral_id>"
D, PL, H = f"{API}/decisions/<uuid:decision_id>", f"{API}/plans/<uuid:plan_id>", f"{API}/housing"
ROWS: dict[tuple[str, str], Row] = {
    (UPDATE, P): Row("/persons/{person}", {"district": "Nord"}),
    (ACTION, f"{P}/blocks"): Row("/persons/{person}/blocks", {"user_id": "{coordinator_user}", "reason": "related"}),
    (ACTION, f"{P}/blocks/<uuid:block_id>/lift"): Row("/persons/{blocked_person}/blocks/{block}/lift",
                                                      {"reason": "Ikke lenger i slekt"}),
    (ACTION, f"{P}/address-protection"): Row("/persons/{person}/address-protection",
                                             {"address_protection": "confidential", "reason": "Folkeregisteret"}),
    (ACTION, f"{P}/emergency-access"): Row("/persons/{person}/emergency-access", {"reason": "Akutt, må se vedtak"}),
    (UPDATE, R): Row("/referrals/{referral}", {"summary": "Rettet"}),
    (ACTION, f"{R}/start-assessment"): Row("/referrals/{referral}/start-assessment", {"on": TODAY}),
    (ACTION, f"{R}/assign"): Row("/referrals/{referral}/assign", {"user_id": "{case_officer_user}"}),
    (ACTION, f"{R}/preliminary-reply"): Row("/referrals/{referral}/preliminary-reply",
                                            {"sent_on": TODAY, "reason": "Venter på epikrise",
                                             "expected_by": "2026-04-01"}),
    (ACTION, f"{R}/withdraw"): Row("/referrals/{referral}/withdraw", {"on": TODAY, "reason": "Trukket"}),
    (ACTION, f"{R}/forward"): Row("/referrals/{referral}/forward", {"on": TODAY, "to": "DPS"}),
    (UPDATE, D): Row("/decisions/{draft}", {"reasoning": "Rettet"}),
    (ACTION, f"{D}/decide"): Row("/decisions/{draft}/decide", {"decided_on": "2026-03-01"}),
    (ACTION, f"{D}/discard"): Row("/decisions/{draft}/discard", {"reason": "Feilregistrert"}),
    (ACTION, f"{D}/notify"): Row("/decisions/{decision}/notify", {"notified_on": "2026-01-05"}),
    (ACTION, f"{D}/end"): Row("/decisions/{decision}/end", {"ended_on": "2026-03-01", "end_reason": "Flyttet"}),
    (ACTION, f"{D}/renew"): Row("/decisions/{decision}/renew", {}),
    (ACTION, f"{D}/appeals"): Row("/decisions/{decision}/appeals", {"received_on": "2026-01-12"}),
    (UPDATE, f"{D}/appeals/<uuid:appeal_id>"): Row("/decisions/{decision}/appeals/{appeal}", {"summary": "Rettet"}),
    (ACTION, f"{D}/appeals/<uuid:appeal_id>/status"): Row("/decisions/{decision}/appeals/{appeal}/status",
                                                          {"status": "reassessing", "on": TODAY}),
    (UPDATE, PL): Row("/plans/{requested_plan}", {"needs": "Bolig og arbeid"}),
    (ACTION, f"{PL}/consent"): Row("/plans/{requested_plan}/consent", {"given_on": TODAY, "scope": "Individuell plan"}),
    (ACTION, f"{PL}/appoint-coordinator"): Row("/plans/{requested_plan}/appoint-coordinator",
                                               {"name": "Kari Koordinator", "appointed_on": TODAY}),
    (ACTION, f"{PL}/decline"): Row("/plans/{requested_plan}/decline",
                                   {"declined_on": TODAY, "coordinator_only": False}),
    (ACTION, f"{PL}/activate"): Row("/plans/{prepared_plan}/activate", {"activated_on": TODAY}),
    (ACTION, f"{PL}/close"): Row("/plans/{active_plan}/close", {"closed_on": TODAY, "reason": "Mål nådd"}),
    (ACTION, f"{PL}/members"): Row("/plans/{active_plan}/members",
                                   {"organisation": "NAV", "role": "veileder", "name": "Nils Nav", "joined_on": TODAY}),
    (ACTION, f"{PL}/goals"): Row("/plans/{active_plan}/goals", {"area": "work_activity", "text": "Arbeidstrening"}),
    (ACTION, f"{PL}/measures"): Row("/plans/{active_plan}/measures",
                                    {"description": "Boveiledning", "responsible_organisation": "Psykisk helseteam"}),
    (ACTION, f"{PL}/evaluations"): Row("/plans/{active_plan}/evaluations", {
        "evaluated_on": TODAY, "summary": "Fremgang", "next_evaluation_on": "2026-09-01"}),
    (UPDATE, f"{PL}/members/<uuid:item_id>"): Row("/plans/{active_plan}/members/{member}",
                                                  {"contact": "nav@example.org"}),
    (UPDATE, f"{PL}/goals/<uuid:item_id>"): Row("/plans/{active_plan}/goals/{goal}", {"text": "Egen leilighet"}),
    (UPDATE, f"{PL}/measures/<uuid:item_id>"): Row("/plans/{active_plan}/measures/{measure}", {"extent": "3 timer"}),
    (UPDATE, f"{API}/service-catalogue/<string:code>"): Row("/service-catalogue/psykisk-helse-oppfolging",
                                                            {"name_nb": "Psykisk helsehjelp"}),
    (UPDATE, f"{API}/service-catalogue/legal-bases/<string:code>"): Row(
        "/service-catalogue/legal-bases/pbrl-2-1a", {"appeal_body": "Statsforvalteren i Vestland"}),
    (UPDATE, f"{API}/provider-units/<uuid:provider_unit_id>"): Row("/provider-units/{provider_unit}",
                                                                   {"name": "Rusteamet"}),
    (UPDATE, f"{H}/units/<uuid:unit_id>"): Row("/housing/units/{unit}", {"address": "Storgata 1"}),
    (ACTION, f"{H}/units/<uuid:unit_id>/inspections"): Row("/housing/units/{unit}/inspections", {
        "inspected_on": TODAY, "features": ["smoke_detector", "fire_extinguisher"]}),
    (ACTION, f"{H}/units/<uuid:unit_id>/unavailable"): Row("/housing/units/{unit}/unavailable", {"reason": "damage"}),
    (ACTION, f"{H}/units/<uuid:unit_id>/available"): Row("/housing/units/{unavailable_unit}/available", {}),
    (UPDATE, f"{H}/needs/<uuid:need_id>"): Row("/housing/needs/{need}", {"urgency": "high"}),
    (ACTION, f"{H}/needs/<uuid:need_id>/park"): Row("/housing/needs/{need}/park",
                                                    {"until": "2026-05-01", "reason": "Innlagt"}),
    (ACTION, f"{H}/needs/<uuid:need_id>/resume"): Row("/housing/needs/{parked_need}/resume", {}),
    (ACTION, f"{H}/needs/<uuid:need_id>/withdraw"): Row("/housing/needs/{need}/withdraw",
                                                        {"withdrawn_on": TODAY, "reason": "Fikk bolig selv"}),
    (ACTION, f"{H}/offers/<uuid:offer_id>/accept"): Row("/housing/offers/{offer}/accept", {"start_on": TODAY}),
    (ACTION, f"{H}/offers/<uuid:offer_id>/decline"): Row("/housing/offers/{offer}/decline",
                                                         {"reason": "For langt unna"}),
    (ACTION, f"{H}/offers/<uuid:offer_id>/withdraw"): Row("/housing/offers/{offer}/withdraw", {}),
    (ACTION, f"{H}/tenancies/<uuid:tenancy_id>/end"): Row("/housing/tenancies/{tenancy}/end",
                                                          {"ended_on": TODAY, "reason": "moved_to_own_home"}),
    (ACTION, f"{API}/worklist/<uuid:flag_id>/acknowledge"): Row("/worklist/{flag}/acknowledge", {}),
}
# POSTs on a path with a name that change no versioned row: running a job replays a day (its
# ledger records each run as a new attempt), so there is no version to name in If-Match.
NOT_VERSIONED = {(ACTION, f"{API}/jobs/<string:name>/run")}


def updates_and_actions(app) -> set[tuple[str, str]]:
    """Every PATCH, and every POST on a path with an id (an action), of the API in the URL map.

    The web pages post forms whose hidden ``version`` is the same check; tests/web test them."""
    from service.auth.policy import is_web

    found = set()
    for rule in app.url_map.iter_rules():
        if is_web(rule.rule):
            continue
        for method in rule.methods or ():
            if method == UPDATE or (method == ACTION and rule.arguments):
                found.add((method, rule.rule))
    return found - NOT_VERSIONED


class World:
    """One municipality with a caller per role and a row in the state every action needs."""

    def __init__(self, env: Env):
        serials = itertools.count(1)
        town = env.municipality()
        self.callers = {role: env.caller(role, town) for role in ROLE_ORDER}
        officer, housing = self.callers["case_officer"], self.callers["housing_officer"]
        coordinator, admin = self.callers["coordinator"], self.callers["admin"]

        def person(name):
            return ok(officer.post(f"{API}/persons", json={
                "name": name, "national_id": generate_synthetic_national_id(dt.date(1980, 5, 17), next(serials)),
                "sex": "male", "has_minor_children": "no"}), OK_OR_CREATED)["id"]

        people = [person(f"Ola Nummer{n}") for n in range(5)]
        ids = {"person": people[0], "case_officer_user": str(officer.user_id),
               "coordinator_user": str(coordinator.user_id), "blocked_person": people[4]}
        ids["block"] = ok(officer.post(f"{API}/persons/{people[4]}/blocks", json={
            "user_id": str(housing.user_id), "reason": "related"}), OK_OR_CREATED)["id"]
        ids["provider_unit"] = ok(admin.post(f"{API}/provider-units", json={"name": "Psykisk helseteam"}),
                                  OK_OR_CREATED)["id"]
        ids["referral"] = ok(officer.post(f"{API}/referrals", json={
            "person_id": people[0], "received_on": "2026-02-10", "source": "gp", "channel": "letter",
            "requested_services": ["psykisk-helse-oppfolging"]}), OK_OR_CREATED)["id"]
        decision = {"person_id": people[0], "service_code": "psykisk-helse-oppfolging", "hours_per_week": 2,
                    "valid_from": "2026-01-01", "valid_to": "2026-12-31", "provider_unit": "Psykisk helseteam"}
        ids["draft"] = ok(officer.post(f"{API}/decisions", json=decision), OK_OR_CREATED)["id"]
        ids["decision"] = ok(officer.post(f"{API}/decisions", json={**decision, "decided_on": "2025-12-15"}),
                             OK_OR_CREATED)["id"]
        ids["appeal"] = ok(officer.post(f"{API}/decisions/{ids['decision']}/appeals",
                                        json={"received_on": "2026-01-10"}), OK_OR_CREATED)["id"]

        def plan(person_id, *steps):
            plan_id = ok(officer.post(f"{API}/plans", json={"person_id": person_id, "requested_on": "2026-01-15"}),
                         OK_OR_CREATED)["id"]
            ok(officer.post(f"{API}/plans/{plan_id}/appoint-coordinator", json={
                "user_id": str(coordinator.user_id), "appointed_on": "2026-02-01"}), OK_OR_CREATED)
            if "consent" in steps:
                ok(coordinator.post(f"{API}/plans/{plan_id}/consent",
                                    json={"given_on": "2026-02-02", "scope": "Individuell plan"}), OK_OR_CREATED)
            if "activate" in steps:
                ok(coordinator.post(f"{API}/plans/{plan_id}/activate", json={"activated_on": "2026-02-10"}),
                   OK_OR_CREATED)
            return plan_id

        ids["requested_plan"] = plan(people[0])
        ids["prepared_plan"] = plan(people[1], "consent")
        ids["active_plan"] = active = plan(people[2], "consent", "activate")
        ids["member"] = ok(coordinator.post(f"{API}/plans/{active}/members", json={
            "organisation": "NAV", "role": "veileder", "name": "Nina Nav", "joined_on": "2026-02-12"}),
            OK_OR_CREATED)["id"]
        ids["goal"] = ok(coordinator.post(f"{API}/plans/{active}/goals",
                                          json={"area": "housing", "text": "Egen bolig"}), OK_OR_CREATED)["id"]
        ids["measure"] = ok(coordinator.post(f"{API}/plans/{active}/measures", json={
            "description": "Boveiledning", "responsible_organisation": "Psykisk helseteam"}), OK_OR_CREATED)["id"]

        def unit(label):
            return ok(housing.post(f"{API}/housing/units", json={
                "label": label, "unit_type": "ordinary_rental", "features": ["smoke_detector", "fire_extinguisher"]}),
                OK_OR_CREATED)

        def need(person_id):
            return ok(housing.post(f"{API}/housing/needs", json={
                "person_id": person_id, "registered_on": "2026-01-20", "category": "ordinary",
                "housing_situation": "housed_insecure"}), OK_OR_CREATED)["id"]

        ids["unit"] = unit("Presis 1")["id"]
        ids["unavailable_unit"] = unit("Presis 2")["id"]
        ok(housing.post(f"{API}/housing/units/{ids['unavailable_unit']}/unavailable", json={"reason": "renovation"}),
           OK_OR_CREATED)
        ids["need"] = need(people[0])
        ids["parked_need"] = need(people[1])
        ok(housing.post(f"{API}/housing/needs/{ids['parked_need']}/park",
                        json={"until": "2026-06-01", "reason": "Innlagt"}), OK_OR_CREATED)
        offered, let = unit("Presis 3")["id"], unit("Presis 4")["id"]
        ids["offer"] = ok(housing.post(f"{API}/housing/offers", json={
            "unit_id": offered, "need_id": need(people[2]), "offered_on": TODAY, "respond_by": "2026-03-17"}),
            OK_OR_CREATED)["id"]
        accepted = ok(housing.post(f"{API}/housing/offers", json={
            "unit_id": let, "need_id": need(people[3]), "offered_on": TODAY, "respond_by": "2026-03-17"}),
            OK_OR_CREATED)["id"]
        ids["tenancy"] = ok(housing.post(f"{API}/housing/offers/{accepted}/accept",
                                         json={"start_on": TODAY}), OK_OR_CREATED)["tenancy_id"]
        ids["flag"] = self._flag(env, town)
        self.ids = ids

    @staticmethod
    def _flag(env: Env, town: str) -> str:
        """A worklist flag of the town: the deadlines job raises one for the referral (due 10.03)."""
        import sqlalchemy as sa

        from service.auth.services import get_municipality_by_number
        from service.extensions import db
        from service.jobs import tasks
        from service.worklist.models import Flag

        with env.app.app_context():
            municipality_id = get_municipality_by_number(town).id
            tasks.run_deadlines(DEFAULT_NOW.date(), [municipality_id])
            return str(db.session.scalar(sa.select(Flag.id).where(
                Flag.municipality_id == municipality_id, Flag.kind == "referral_reply_due")))

    def caller(self, method: str, rule: str):
        allowed = policy.allowed_roles(method, rule) or frozenset()
        return self.callers[next(role for role in ROLE_ORDER if role in allowed)]

    def fill(self, value):
        if isinstance(value, str):
            return value.format(**self.ids)
        if isinstance(value, dict):
            return {key: self.fill(item) for key, item in value.items()}
        return value


@pytest.fixture(scope="module")
def world(app, module_connection):
    with app.app_context():
        set_clock(app, DEFAULT_NOW)
    return World(Env(app))


def _resource(method: str, url: str) -> str:
    """The resource whose ETag If-Match names: the URL itself for an update, without the verb for an action."""
    return url if method == UPDATE else url.rsplit("/", 1)[0]


def _snapshot(caller, url: str, method: str, app) -> tuple:
    """What a user sees of the resource (and, for a create under it, of the list the action adds to)."""
    resource = caller.get(f"{API}{_resource(method, url)}")
    assert resource.status_code == 200, (resource.status_code, resource.get_json())
    adapter = app.url_map.bind("localhost")
    listed = None
    try:
        adapter.match(f"{API}{url}", method="GET")
        listed = caller.get(f"{API}{url}").get_json()
    except Exception:  # noqa: BLE001 - the action's URL has no list behind it
        pass
    return resource.headers["ETag"], resource.get_json(), listed


def send(caller, method: str, url: str, body: dict, headers: dict | None = None):
    return caller.client.open(url, method=method, json=body, headers=caller._headers(headers))


def _version(etag: str) -> int:
    return int(etag.strip('"').removeprefix("v"))


ROUTES = sorted(ROWS)
UPDATES = [key for key in ROUTES if key[0] == UPDATE]


def test_every_update_and_action_has_a_row(app):
    routes = updates_and_actions(app)
    assert routes - set(ROWS) == set(), "add a row to ROWS for each new update or action"
    assert set(ROWS) - routes == set(), "rows for routes that do not exist"


@pytest.mark.parametrize("method, rule", ROUTES, ids=[f"{m} {r.removeprefix(API)}" for m, r in ROUTES])
def test_a_stale_if_match_is_412_and_changes_nothing(method, rule, world, app):
    if (method, rule) not in updates_and_actions(app):
        pytest.fail(f"{method} {rule} is not a route of the application")
    row, caller = ROWS[(method, rule)], world.caller(method, rule)
    url, body = world.fill(row.url), world.fill(row.body or {})
    before = _snapshot(caller, url, method, app)
    stale = f'"v{_version(before[0]) + 1}"'

    response = send(caller, method, f"{API}{url}", body, {"If-Match": stale})

    problem = assert_problem(response, 412)
    assert problem["type"].endswith(":precondition_failed")
    assert _snapshot(caller, url, method, app) == before
    # The same request with the ETag just read goes through: the body was fine, only the version was not.
    response = send(caller, method, f"{API}{url}", body, {"If-Match": before[0]})
    assert response.status_code < 400, (response.status_code, response.get_json())


@pytest.mark.parametrize("method, rule", UPDATES, ids=[r.removeprefix(API) for _, r in UPDATES])
def test_an_update_without_if_match_is_428_and_changes_nothing(method, rule, world, app):
    row, caller = ROWS[(method, rule)], world.caller(method, rule)
    url, body = world.fill(row.url), world.fill(row.body or {})
    before = _snapshot(caller, url, method, app)

    response = send(caller, method, f"{API}{url}", body)

    assert_problem(response, 428)
    assert _snapshot(caller, url, method, app) == before


@pytest.mark.parametrize("if_match", ['v1', '"1"', '"v01"', '"abc"', '""', 'W/v1', '"v1" "v2"', '"v1", "v2"'])
def test_a_malformed_if_match_is_412(if_match, world, app):
    caller = world.callers["case_officer"]
    url = f"/persons/{world.ids['person']}"
    before = _snapshot(caller, url, UPDATE, app)

    response = caller.patch(f"{API}{url}", json={"district": "Nord"}, headers={"If-Match": if_match})

    assert_problem(response, 412)
    assert _snapshot(caller, url, UPDATE, app) == before


@pytest.mark.parametrize("if_match", ["{etag}", "W/{etag}", "*", "{etag}, {etag}"])
def test_the_current_etag_weak_or_strong_or_a_star_is_accepted(if_match, world):
    caller = world.callers["housing_officer"]
    url = f"{API}/housing/needs/{world.ids['need']}"
    etag = caller.get(url).headers["ETag"]

    response = caller.post(f"{url}/park", json={"until": "2026-05-01", "reason": "Innlagt"},
                           headers={"If-Match": if_match.format(etag=etag)})

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "parked"
    assert _version(response.headers["ETag"]) == _version(etag) + 1


def test_an_action_without_if_match_is_not_refused(world):
    caller = world.callers["housing_officer"]
    response = caller.post(f"{API}/housing/needs/{world.ids['need']}/park",
                           json={"until": "2026-05-01", "reason": "Innlagt"})
    assert response.status_code == 200, response.get_json()


def test_the_openapi_document_describes_if_match(world, app):
    document = app.test_client().get(f"{API}/openapi.json").get_json()
    update = document["paths"]["/api/v1/persons/{person_id}"]["patch"]
    action = document["paths"]["/api/v1/housing/needs/{need_id}/park"]["post"]
    def if_match(operation):
        return next(p for p in operation["parameters"] if p["in"] == "header" and p["name"] == "If-Match")

    assert if_match(update)["required"] is True and if_match(action)["required"] is False
    assert {"412", "428"} <= set(update["responses"])
    assert "412" in action["responses"] and "428" not in action["responses"]


def test_services_never_read_the_request():
    """The lint rule (pyproject.toml, ruff TID251): only routes and the HTTP plumbing import flask.request."""
    ruff = Path(sys.executable).with_name("ruff")
    assert ruff.exists(), "ruff is a dev dependency: pip install -e '.[dev]'"
    result = subprocess.run([str(ruff), "check", "--select", "TID251", "service"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
