"""Per-person blocks: a user barred from a person gets what a random id gets, everywhere.

The world (seeded once for the module; each test starts from it): a person ``Berit Barred``
with a row of every kind (referral, decision of the provider's unit on a housing service with
an appeal, an active plan the coordinator runs with a goal and a measure, an accepted offer
and a tenancy, and a second, waiting housing need that matching ranks), and ``Andre Annen``
with the same, whom nobody is barred from. The roles that read persons are read from the
access matrix, so every one of them is tried.
"""

from __future__ import annotations

import uuid

import pytest

from service.auth import matrix, policy
from service.auth.roles import ALL_ROLES
from service.common.clock import set_clock
from tests.conftest import DEFAULT_NOW, Env
from tests.helpers import OK_OR_CREATED, CaseRows, assert_problem, ok, pagination_total

API = "/api/v1"
PERSON_ROLES = sorted(matrix.readers(matrix.PERSON))
pytestmark = pytest.mark.usefixtures("pristine")


class World:
    def __init__(self, env: Env):
        self.town = env.municipality()
        self.callers = {role: env.caller(role, self.town) for role in ALL_ROLES}
        self.colleague = env.caller("case_officer", self.town)  # records and lifts the blocks
        rows = CaseRows(env, self.town, self.callers)
        self.rows = rows
        self.person = rows.person("Berit Barred")
        self.other = rows.person("Andre Annen")
        self.ids = rows.case(self.person, coordinator=self.callers["coordinator"]).ids
        self.other_ids = rows.case(self.other, coordinator=self.callers["coordinator"]).ids
        housing = self.callers["housing_officer"]
        for ids, who in ((self.ids, self.person), (self.other_ids, self.other)):
            ids["waiting_need"] = ok(housing.post(f"{API}/housing/needs", json={
                "person_id": who["id"], "category": "ordinary", "housing_situation": "sleeping_rough",
                "registered_on": "2026-03-02"}), OK_OR_CREATED)["id"]
        self.free_unit = rows.unit()

    def block(self, role: str, person: dict | None = None) -> str:
        return self.rows.block(self.colleague, self.callers[role], person or self.person)

    def item_urls(self, ids: dict) -> list[tuple[str, str]]:
        """(route, url) of every read about the person of ``ids``."""
        return [
            ("/persons/<uuid:person_id>", f"/persons/{ids['person']}"),
            ("/persons/<uuid:person_id>/overview", f"/persons/{ids['person']}/overview"),
            ("/referrals/<uuid:referral_id>", f"/referrals/{ids['referral']}"),
            ("/decisions/<uuid:decision_id>", f"/decisions/{ids['decision']}"),
            ("/decisions/<uuid:decision_id>/appeals", f"/decisions/{ids['decision']}/appeals"),
            ("/decisions/<uuid:decision_id>/appeals/<uuid:appeal_id>",
             f"/decisions/{ids['decision']}/appeals/{ids['appeal']}"),
            ("/plans/<uuid:plan_id>", f"/plans/{ids['plan']}"),
            ("/plans/<uuid:plan_id>/goals", f"/plans/{ids['plan']}/goals"),
            ("/plans/<uuid:plan_id>/measures/<uuid:item_id>", f"/plans/{ids['plan']}/measures/{ids['measure']}"),
            ("/housing/needs/<uuid:need_id>", f"/housing/needs/{ids['need']}"),
            ("/housing/needs/<uuid:need_id>/candidates", f"/housing/needs/{ids['waiting_need']}/candidates"),
            ("/housing/offers/<uuid:offer_id>", f"/housing/offers/{ids['offer']}"),
            ("/housing/tenancies/<uuid:tenancy_id>", f"/housing/tenancies/{ids['tenancy']}"),
        ]


@pytest.fixture(scope="module")
def world(app, module_connection):
    with app.app_context():
        set_clock(app, DEFAULT_NOW)
    return World(Env(app))


def _random_ids() -> dict:
    return {name: str(uuid.uuid4()) for name in ("person", "referral", "decision", "appeal", "plan", "measure",
                                                  "need", "waiting_need", "offer", "tenancy")}


def _same_problem(response, expected) -> dict:
    """The problem a random id gets: status, type, title and detail alike."""
    body = assert_problem(response, expected.status_code)
    other = expected.get_json()
    assert {k: body[k] for k in ("type", "title", "detail")} == {k: other[k] for k in ("type", "title", "detail")}
    assert body.get("errors") == other.get("errors")
    return body


# --- a blocked user gets what a random id gets ---------------------------------------------------

@pytest.mark.parametrize("role", PERSON_ROLES)
def test_every_read_about_the_person_answers_as_for_a_random_id(role, world):
    caller = world.callers[role]
    readable = [(route, url) for route, url in world.item_urls(world.ids)
                if policy.may(role, "GET", f"{API}{route}")]
    # Before the block the role reads some of them (the control).
    assert any(caller.get(f"{API}{url}").status_code == 200 for _, url in readable), role
    world.block(role)
    random_urls = dict(world.item_urls(_random_ids()))
    for route, url in readable:
        _same_problem(caller.get(f"{API}{url}"), caller.get(f"{API}{random_urls[route]}"))
    # ... and the other person, whom nobody barred, is still there.
    assert caller.get(f"{API}/persons/{world.other['id']}").status_code == 200


LISTS = ("/persons", "/referrals", "/decisions", "/plans", "/housing/needs", "/housing/offers", "/housing/tenancies")


@pytest.mark.parametrize("role", PERSON_ROLES)
def test_lists_and_their_counts_leave_the_person_out(role, world):
    caller = world.callers[role]
    lists = [url for url in LISTS if policy.may(role, "GET", f"{API}{url}")]

    def shown() -> dict[str, tuple[list, int]]:
        """Per list: whom each row is about, and the total the list reports."""
        answers = {url: caller.get(f"{API}{url}", query_string={"page_size": 200}) for url in lists}
        return {url: ([str(row.get("person_id", row["id"])) for row in ok(answer)], pagination_total(answer))
                for url, answer in answers.items()}

    before = shown()
    assert world.person["id"] in {pid for rows, _ in before.values() for pid in rows}
    world.block(role)
    after = shown()
    for url in lists:
        rows, total = after[url]
        assert world.person["id"] not in rows, url
        assert total == before[url][1] - before[url][0].count(world.person["id"]), url
    found = ok(caller.post(f"{API}/persons/search", json={"national_id": world.person["national_id"]}))
    assert found == []


def test_a_body_that_names_the_person_is_answered_as_for_a_random_id(world):
    officer, housing = world.callers["case_officer"], world.callers["housing_officer"]
    world.block("case_officer")
    world.block("housing_officer")
    for caller, url, body in (
        (officer, "/referrals", {"received_on": "2026-03-01", "source": "gp", "channel": "letter"}),
        (officer, "/decisions", {"service_code": "kpr-6", "valid_from": "2026-03-01"}),
        (officer, "/plans", {"requested_on": "2026-03-01"}),
        (housing, "/housing/needs", {"category": "ordinary", "housing_situation": "housed",
                                     "registered_on": "2026-03-01"}),
    ):
        barred = caller.post(f"{API}{url}", json={**body, "person_id": world.person["id"]})
        random = caller.post(f"{API}{url}", json={**body, "person_id": str(uuid.uuid4())})
        assert "person_id" in _same_problem(barred, random)["errors"]
    # A co-location conflict naming the person: "not registered", as for a random id.
    need = f"{API}/housing/needs/{world.other_ids['waiting_need']}"
    etag = housing.get(need).headers["ETag"]
    barred = housing.patch(need, json={"avoid_person_ids": [world.person["id"]]}, headers={"If-Match": etag})
    random = housing.patch(need, json={"avoid_person_ids": [str(uuid.uuid4())]}, headers={"If-Match": etag})
    _same_problem(barred, random)


def test_matching_leaves_the_persons_need_out(world):
    housing = world.callers["housing_officer"]
    url = f"{API}/housing/units/{world.free_unit}/candidates"

    def ranked(answer) -> set[str]:
        return {entry["need_id"] for entry in answer["candidates"] + answer["excluded"]}

    def proposed(answer) -> set[str]:
        return {p["need_id"] for p in answer["pairs"]} | set(answer["unassigned_need_ids"])

    assert world.ids["waiting_need"] in ranked(ok(housing.get(url)))
    assert world.ids["waiting_need"] in proposed(ok(housing.post(f"{API}/housing/allocation-proposal", json={})))
    world.block("housing_officer")
    candidates = ok(housing.get(url))
    assert world.ids["waiting_need"] not in ranked(candidates)
    assert world.other_ids["waiting_need"] in ranked(candidates)
    proposal = ok(housing.post(f"{API}/housing/allocation-proposal", json={}))
    assert world.ids["waiting_need"] not in proposed(proposal)
    assert "Berit" not in str(candidates) + str(proposal)


def test_actions_on_the_persons_rows_are_not_found(world):
    officer = world.callers["case_officer"]
    world.block("case_officer")
    person = officer.patch(f"{API}/persons/{world.person['id']}", json={"district": "Nord"},
                           headers={"If-Match": '"v1"'})
    assert_problem(person, 404)
    end = officer.post(f"{API}/decisions/{world.ids['decision']}/end",
                       json={"ended_on": "2026-03-01", "end_reason": "Flyttet"})
    assert_problem(end, 404)
    assert_problem(officer.post(f"{API}/decisions/{world.ids['decision']}/appeals",
                                json={"received_on": "2026-03-01"}), 404)


# --- the block itself -----------------------------------------------------------------------------

def test_a_case_officer_records_a_block_the_auditor_reads_and_a_colleague_lifts(world):
    colleague, auditor = world.colleague, world.callers["auditor"]
    housing = world.callers["housing_officer"]
    url = f"{API}/persons/{world.person['id']}/blocks"
    created = colleague.post(url, json={"user_id": str(housing.user_id), "reason": "disqualified",
                                        "note": "Inhabil etter fvl. § 6 første ledd bokstav b"})
    block = ok(created, 201)
    assert created.headers["ETag"] == '"v1"'
    assert {k: block[k] for k in ("person_id", "user_id", "user_role", "reason", "active", "blocked_by")} == {
        "person_id": world.person["id"], "user_id": str(housing.user_id), "user_role": "housing_officer",
        "reason": "disqualified", "active": True, "blocked_by": str(colleague.user_id)}
    assert housing.get(f"{API}/persons/{world.person['id']}").status_code == 404

    for reader in (colleague, auditor):
        assert [b["id"] for b in ok(reader.get(url))] == [block["id"]]
        listed = ok(reader.get(f"{API}/person-blocks", query_string={"user_id": str(housing.user_id)}))
        assert [b["id"] for b in listed] == [block["id"]]
    assert_problem(auditor.post(url, json={"user_id": str(housing.user_id), "reason": "related"}), 403)

    again = assert_problem(colleague.post(url, json={"user_id": str(housing.user_id), "reason": "related"}), 409)
    assert again["existing_id"] == block["id"]

    lift = f"{url}/{block['id']}/lift"
    assert "reason" in assert_problem(colleague.post(lift, json={}), 422)["errors"]
    lifted = ok(colleague.post(lift, json={"reason": "Saken er avsluttet"}))
    assert lifted["active"] is False and lifted["lifted_by"] == str(colleague.user_id)
    assert housing.get(f"{API}/persons/{world.person['id']}").status_code == 200
    assert_problem(colleague.post(lift, json={"reason": "To ganger"}), 409)
    assert ok(auditor.get(f"{API}/person-blocks", query_string={"active": "false"}))[0]["id"] == block["id"]

    # Recording, reading and lifting are in the person's access log.
    log = ok(auditor.get(f"{API}/persons/{world.person['id']}/access-log", query_string={"page_size": 200}))
    assert {(e["action"], e["detail"]) for e in log if e["object_type"] == "person_block"} >= {
        ("create", f"user {housing.user_id} barred: disqualified"), ("update", "lifted"), ("read", "list")}


def test_nobody_manages_a_block_on_themselves(world):
    officer = world.callers["case_officer"]
    url = f"{API}/persons/{world.person['id']}/blocks"
    own = assert_problem(officer.post(url, json={"user_id": str(officer.user_id), "reason": "related"}), 422)
    assert "user_id" in own["errors"]
    block_id = world.block("case_officer")
    # Barred, the officer sees neither the person nor the block: it cannot list or lift it.
    assert_problem(officer.get(url), 404)
    assert_problem(officer.post(f"{url}/{block_id}/lift", json={"reason": "Jeg er ikke inhabil"}), 404)
    assert block_id not in {b["id"] for b in ok(officer.get(f"{API}/person-blocks"))}
    assert block_id in {b["id"] for b in ok(world.callers["auditor"].get(f"{API}/person-blocks"))}


@pytest.mark.parametrize("role", sorted(set(ALL_ROLES) - matrix.readers(matrix.PERSON)))
def test_only_a_user_who_reads_persons_can_be_barred(role, world):
    url = f"{API}/persons/{world.person['id']}/blocks"
    refused = assert_problem(world.colleague.post(url, json={"user_id": str(world.callers[role].user_id),
                                                             "reason": "related"}), 422)
    assert "user_id" in refused["errors"]


def test_a_user_of_another_municipality_cannot_be_barred(world, app):
    env = Env(app)
    stranger = env.caller("housing_officer", env.municipality())
    refused = assert_problem(world.colleague.post(f"{API}/persons/{world.person['id']}/blocks", json={
        "user_id": str(stranger.user_id), "reason": "related"}), 422)
    assert "user_id" in refused["errors"]
