"""Emergency access ("break the glass"): a user opens a person outside their row rule, with a reason.

The cells are read from the access matrix: for every role that may break the glass and every
resource an opening opens, the role's row rule decides what an opening changes (a named rule:
the ``out`` row becomes readable, until the opening expires; ``all``: nothing to open; no rule:
the route stays refused). The world (seeded once for the module) is test_matrix's: ``in`` inside
every row rule, ``out`` outside them (another unit's mental-health decision, another
coordinator's plan), each with a referral, a decision with an appeal, a plan, a need, an accepted
offer and a tenancy; ``hidden`` is a person a user of each of those roles is barred from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import pytest

from service.auth import matrix
from service.auth.roles import ALL_ROLES
from service.common.clock import set_clock
from tests.conftest import DEFAULT_NOW, Env
from tests.helpers import HEALTH_SERVICE, OTHER_UNIT, CaseRows, assert_problem, etag, ok

API = "/api/v1"
HOURS = 8
REASON = "Akutt innleggelse, pårørende ringer"
pytestmark = pytest.mark.usefixtures("pristine")


@dataclasses.dataclass(frozen=True)
class Row:
    item: str
    listing: str
    id: str


class World:
    def __init__(self, env: Env):
        town = env.municipality()
        self.callers = {role: env.caller(role, town) for role in ALL_ROLES}
        other_coordinator = env.caller("coordinator", town)
        self.colleague = env.caller("case_officer", town)
        self.barred = {role: env.caller(role, town) for role in sorted(matrix.EMERGENCY_ACCESS_ROLES)}
        self.rows = CaseRows(env, town, self.callers)
        self.persons = {"in": self.rows.person("Inger Innenfor", dt.date(1980, 3, 4)),
                        "out": self.rows.person("Oskar Utenfor", dt.date(1975, 11, 23)),
                        "hidden": self.rows.person("Hilde Skjult", dt.date(1990, 7, 1))}
        self.cases = {"in": self.rows.case(self.persons["in"], coordinator=self.callers["coordinator"]).ids,
                      "out": self.rows.case(self.persons["out"], coordinator=other_coordinator, unit=OTHER_UNIT,
                                            service=HEALTH_SERVICE).ids}
        for user in self.barred.values():
            self.rows.block(self.colleague, user, self.persons["hidden"])

    def row(self, name: str, key: str = "out") -> Row:
        c = self.cases[key]
        return {
            matrix.PERSON: Row(f"/persons/{c['person']}", "/persons", c["person"]),
            matrix.REFERRAL: Row(f"/referrals/{c['referral']}", "/referrals", c["referral"]),
            matrix.DECISION: Row(f"/decisions/{c['decision']}", "/decisions", c["decision"]),
            matrix.APPEAL: Row(f"/decisions/{c['decision']}/appeals/{c['appeal']}",
                               f"/decisions/{c['decision']}/appeals", c["appeal"]),
            matrix.PLAN: Row(f"/plans/{c['plan']}", "/plans", c["plan"]),
            matrix.HOUSING_NEED: Row(f"/housing/needs/{c['need']}", "/housing/needs", c["need"]),
            matrix.HOUSING_OFFER: Row(f"/housing/offers/{c['offer']}", "/housing/offers", c["offer"]),
            matrix.HOUSING_TENANCY: Row(f"/housing/tenancies/{c['tenancy']}", "/housing/tenancies", c["tenancy"]),
        }[name]

    def open(self, caller, key: str = "out", reason: str = REASON):
        return caller.post(f"{API}/persons/{self.persons[key]['id']}/emergency-access", json={"reason": reason})


@pytest.fixture(scope="module")
def world(app, module_connection):
    with app.app_context():
        set_clock(app, DEFAULT_NOW)
    return World(Env(app))


def _listed(caller, row: Row) -> bool:
    return row.id in {str(entry["id"]) for entry in ok(caller.get(f"{API}{row.listing}",
                                                                  query_string={"page_size": 200}))}


# --- the matrix --------------------------------------------------------------------------------

def test_the_roles_that_break_the_glass_have_something_to_open():
    """Each such role reads persons and has a row rule narrower than the municipality for some
    resource an opening opens; the roles left out read every row they read already, or none."""
    assert matrix.EMERGENCY_OPENS <= set(matrix.MATRIX)
    for role in ALL_ROLES:
        rules = {matrix.row_rule(role, name) for name in matrix.EMERGENCY_OPENS} - {None}
        narrower = rules - {matrix.ALL}
        if role in matrix.EMERGENCY_ACCESS_ROLES:
            assert matrix.row_rule(role, matrix.PERSON) is not None and narrower, role
        else:
            assert not narrower, f"{role} has rows it cannot see and no way to open them: decide"
    assert not {"planner", "auditor", "admin"} & matrix.EMERGENCY_ACCESS_ROLES


# --- every cell ----------------------------------------------------------------------------------

EMERGENCY_CELLS = [(role, name) for role in sorted(matrix.EMERGENCY_ACCESS_ROLES) for name in sorted(matrix.EMERGENCY_OPENS)]


@pytest.mark.parametrize("role, name", EMERGENCY_CELLS, ids=[f"{n}-{r}" for r, n in EMERGENCY_CELLS])
def test_emergency_cell(role, name, world, frozen_clock):
    caller, row, rule = world.callers[role], world.row(name), matrix.row_rule(role, name)
    before = caller.get(f"{API}{row.item}").status_code
    opening = ok(world.open(caller), 201)
    opened = dt.datetime.fromisoformat(opening["opened_at"])
    assert dt.datetime.fromisoformat(opening["expires_at"]) - opened == dt.timedelta(hours=HOURS)
    during = caller.get(f"{API}{row.item}").status_code

    if rule is None:  # the route table is not widened
        assert (before, during) == (403, 403)
        return
    if rule == matrix.ALL:
        assert (before, during) == (200, 200)
        return
    assert (before, during) == (404, 200)
    assert _listed(caller, row)
    frozen_clock.set(opened + dt.timedelta(hours=HOURS) - dt.timedelta(seconds=1))
    assert caller.get(f"{API}{row.item}").status_code == 200
    frozen_clock.set(opened + dt.timedelta(hours=HOURS))  # expired exactly then
    assert caller.get(f"{API}{row.item}").status_code == 404
    assert not _listed(caller, row)


@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r not in matrix.EMERGENCY_ACCESS_ROLES])
def test_the_other_roles_may_not_break_the_glass(role, world):
    assert_problem(world.open(world.callers[role]), 403)


# --- what an opening is ----------------------------------------------------------------------------

def test_the_hours_are_configured(app, world, frozen_clock, monkeypatch):
    monkeypatch.setitem(app.config, "EMERGENCY_ACCESS_HOURS", 2)
    provider = world.callers["provider"]
    opening = ok(world.open(provider), 201)
    opened = dt.datetime.fromisoformat(opening["opened_at"])
    assert opened == DEFAULT_NOW
    assert dt.datetime.fromisoformat(opening["expires_at"]) == DEFAULT_NOW + dt.timedelta(hours=2)
    frozen_clock.set(DEFAULT_NOW + dt.timedelta(hours=2))
    assert_problem(provider.get(f"{API}/persons/{world.persons['out']['id']}"), 404)


def test_an_opening_reads_but_never_acts(world):
    coordinator = world.callers["coordinator"]
    plan = world.row(matrix.PLAN)
    ok(world.open(coordinator), 201)
    read = coordinator.get(f"{API}{plan.item}")
    assert read.status_code == 200
    assert_problem(coordinator.patch(f"{API}{plan.item}", json={"next_evaluation_on": "2026-06-01"},
                                     headers={"If-Match": etag(read)}), 404)
    assert_problem(coordinator.post(f"{API}{plan.item}/goals", json={"area": "housing", "text": "Ny"}), 404)


def test_an_opening_keeps_the_field_rules(world):
    provider, coordinator = world.callers["provider"], world.callers["coordinator"]
    ok(world.open(provider), 201)
    ok(world.open(coordinator), 201)
    person = ok(provider.get(f"{API}{world.row(matrix.PERSON).item}"))
    assert (person["national_id"], person["birth_date"]) == (matrix.NATIONAL_ID_MASK, None)
    assert ok(coordinator.get(f"{API}{world.row(matrix.DECISION).item}"))["reasoning"] is None
    overview = ok(provider.get(f"{API}/persons/{world.persons['out']['id']}/overview"))
    assert [d["id"] for ds in overview["decisions"].values() for d in ds] == [world.cases["out"]["decision"]]


def test_every_read_in_an_opening_is_audited_with_the_reason(world, frozen_clock):
    provider, auditor = world.callers["provider"], world.callers["auditor"]
    opening = ok(world.open(provider), 201)
    out = world.persons["out"]["id"]
    ok(provider.get(f"{API}/decisions/{world.cases['out']['decision']}"))
    ok(provider.get(f"{API}/persons/{out}/overview"))
    ok(provider.get(f"{API}/decisions", query_string={"page_size": 200}))  # a list with the person in it
    ok(provider.get(f"{API}/persons/{world.persons['in']['id']}"))  # another person: no emergency event

    def emergency_events():
        return ok(auditor.get(f"{API}/audit", query_string={
            "actor_id": str(provider.user_id), "object_type": "emergency_access", "page_size": 200}))

    events = emergency_events()
    reads = [e for e in events if e["action"] == "read"]
    assert len(reads) == 3, events
    assert all(e["object_id"] == opening["id"] and e["person_id"] == out and REASON in e["detail"] for e in reads)
    created = [e for e in events if e["action"] == "create"]
    assert len(created) == 1 and created[0]["object_id"] == opening["id"] and REASON in created[0]["detail"]

    frozen_clock.set(DEFAULT_NOW + dt.timedelta(hours=HOURS))
    assert_problem(provider.get(f"{API}/decisions/{world.cases['out']['decision']}"), 404)
    assert len(emergency_events()) == 4, "a read after the opening expired is no read in it"


def test_a_barred_user_cannot_break_the_glass_and_the_attempt_is_audited(world):
    for role, barred in world.barred.items():
        hidden = world.persons["hidden"]["id"]
        refused = assert_problem(world.open(barred, "hidden"), 404)
        random = assert_problem(barred.post(f"{API}/persons/{uuid.uuid4()}/emergency-access",
                                            json={"reason": REASON}), 404)
        assert (refused["title"], refused["detail"]) == (random["title"], random["detail"]), role
        assert_problem(barred.get(f"{API}/persons/{hidden}"), 404)
        events = ok(world.callers["auditor"].get(f"{API}/audit", query_string={
            "actor_id": str(barred.user_id), "action": "denied"}))
        assert [(e["object_type"], e["person_id"], e["outcome"]) for e in events] == [
            ("person", hidden, "denied"), ("person", hidden, "denied")], role
        assert ok(world.callers["auditor"].get(f"{API}/audit/emergency-access",
                                               query_string={"user_id": str(barred.user_id)})) == []


def test_a_block_recorded_during_an_opening_wins(world):
    housing = world.callers["housing_officer"]
    decision = world.row(matrix.DECISION)
    ok(world.open(housing), 201)
    ok(housing.get(f"{API}{decision.item}"))
    world.rows.block(world.colleague, housing, world.persons["out"])
    assert_problem(housing.get(f"{API}{decision.item}"), 404)


def test_the_auditor_lists_every_opening(world, frozen_clock):
    auditor, provider, housing = world.callers["auditor"], world.callers["provider"], world.callers["housing_officer"]
    first = ok(world.open(provider), 201)
    ok(provider.get(f"{API}/decisions/{world.cases['out']['decision']}"))
    ok(provider.get(f"{API}/persons/{world.persons['out']['id']}"))
    frozen_clock.set(DEFAULT_NOW + dt.timedelta(hours=9))
    second = ok(world.open(housing, reason="Brann i bofellesskapet, trenger vedtak"), 201)

    listed = ok(auditor.get(f"{API}/audit/emergency-access"))
    assert [o["id"] for o in listed] == [second["id"], first["id"]]  # newest first
    by_id = {o["id"]: o for o in listed}
    assert (by_id[first["id"]]["reads"], by_id[first["id"]]["active"]) == (2, False)
    assert (by_id[second["id"]]["reads"], by_id[second["id"]]["active"]) == (0, True)
    assert by_id[first["id"]]["reason"] == REASON
    assert (by_id[first["id"]]["user_id"], by_id[first["id"]]["user_role"]) == (str(provider.user_id), "provider")
    assert by_id[first["id"]]["person_id"] == world.persons["out"]["id"]
    assert [o["id"] for o in ok(auditor.get(f"{API}/audit/emergency-access", query_string={"active": "true"}))] == [
        second["id"]]
    assert [o["id"] for o in ok(auditor.get(f"{API}/audit/emergency-access", query_string={
        "user_id": str(provider.user_id)}))] == [first["id"]]


def test_a_reason_is_required(world):
    body = assert_problem(world.callers["provider"].post(
        f"{API}/persons/{world.persons['out']['id']}/emergency-access", json={"reason": "fordi"}), 422)
    assert "reason" in body["errors"]
    assert_problem(world.callers["provider"].post(f"{API}/persons/{world.persons['out']['id']}/emergency-access",
                                                  json={}), 422)
