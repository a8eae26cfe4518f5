"""Protected addresses (fortrolig / strengt fortrolig adresse, kode 7 / kode 6): where a marked
person lives or is offered to live is hidden from every role the access matrix does not name.

The cells are read from the matrix (``Resource.location``): for every location field, every role
that reads its rows and each marking, the field as that role sees it. The world (seeded once for
the module): three persons, unmarked, ``confidential`` and ``strictly_confidential``, each with a
case the provider's unit serves and the coordinator coordinates (so every role that reads a
resource reads their rows), a housing need preferring the district they live in, an accepted
offer and a tenancy in a unit with an address; and a fourth, strictly confidential, still waiting.
"""

from __future__ import annotations

import datetime as dt

import pytest

from service.auth import matrix
from service.auth.roles import ALL_ROLES
from service.common.clock import set_clock
from tests.conftest import DEFAULT_NOW, Env
from tests.helpers import OK_OR_CREATED, CaseRows, assert_problem, etag, ok

API = "/api/v1"
DISTRICT = "Sentrum"
LEVELS = (matrix.UNPROTECTED, matrix.CONFIDENTIAL, matrix.STRICTLY_CONFIDENTIAL)
pytestmark = pytest.mark.usefixtures("pristine")


class World:
    def __init__(self, env: Env):
        self.town = env.municipality()
        self.callers = {role: env.caller(role, self.town) for role in ALL_ROLES}
        officer, housing = self.callers["case_officer"], self.callers["housing_officer"]
        self.rows = CaseRows(env, self.town, self.callers)
        self.ids: dict[str, dict] = {}
        for number, level in enumerate(LEVELS):
            person = self.rows.person(f"Person {level}", dt.date(1970 + number, 1, 2), district=DISTRICT)
            ids = self.rows.case(person, coordinator=self.callers["coordinator"], tenancy=False).ids
            need = housing.get(f"{API}/housing/needs/{ids['need']}")
            ok(housing.patch(f"{API}/housing/needs/{ids['need']}", json={"preferred_areas": [DISTRICT]},
                             headers={"If-Match": etag(need)}))
            ids["unit"] = self.rows.unit()
            unit = housing.get(f"{API}/housing/units/{ids['unit']}")
            ids["unit_label"] = unit.get_json()["label"]
            ok(housing.patch(f"{API}/housing/units/{ids['unit']}", json={"address": f"Skjultveien {number + 1}"},
                             headers={"If-Match": etag(unit)}))
            ids["offer"] = ok(housing.post(f"{API}/housing/offers", json={
                "unit_id": ids["unit"], "need_id": ids["need"], "offered_on": "2026-03-02",
                "respond_by": "2026-03-17"}), OK_OR_CREATED)["id"]
            ids["tenancy"] = ok(housing.post(f"{API}/housing/offers/{ids['offer']}/accept",
                                             json={"start_on": "2026-03-03"}), OK_OR_CREATED)["tenancy_id"]
            if level != matrix.UNPROTECTED:
                ok(officer.post(f"{API}/persons/{person['id']}/address-protection",
                                json={"address_protection": level, "reason": "Folkeregisteret 2026-02-01"}))
            self.ids[level] = ids
        # A strictly confidential person still waiting, and a free unit with an address: a proposal pairs them.
        self.waiting = self.rows.person("Venter Skjult", dt.date(1985, 5, 5), district=DISTRICT)
        self.waiting_need = ok(housing.post(f"{API}/housing/needs", json={
            "person_id": self.waiting["id"], "category": "ordinary", "housing_situation": "sleeping_rough",
            "registered_on": "2026-03-01", "preferred_areas": [DISTRICT]}), OK_OR_CREATED)["id"]
        ok(officer.post(f"{API}/persons/{self.waiting['id']}/address-protection",
                        json={"address_protection": matrix.STRICTLY_CONFIDENTIAL, "reason": "Folkeregisteret"}))
        self.free_unit = self.rows.unit()
        free = housing.get(f"{API}/housing/units/{self.free_unit}")
        ok(housing.patch(f"{API}/housing/units/{self.free_unit}", json={"address": "Ledigveien 1"},
                         headers={"If-Match": etag(free)}))

    def url(self, name: str, level: str) -> str:
        ids = self.ids[level]
        return {
            matrix.PERSON: f"/persons/{ids['person']}",
            matrix.HOUSING_NEED: f"/housing/needs/{ids['need']}",
            matrix.HOUSING_OFFER: f"/housing/offers/{ids['offer']}",
            matrix.HOUSING_TENANCY: f"/housing/tenancies/{ids['tenancy']}",
            matrix.HOUSING_MATCH: f"/housing/needs/{ids['need']}/candidates",
        }[name]

    def value(self, name: str, field_name: str, level: str):
        """What a reader allowed the field sees: the value the row was made with."""
        ids = self.ids[level]
        return {"district": DISTRICT, "preferred_areas": [DISTRICT], "unit_id": ids["unit"],
                "unit_label": ids["unit_label"]}[field_name]


@pytest.fixture(scope="module")
def world(app, module_connection):
    with app.app_context():
        set_clock(app, DEFAULT_NOW)
    return World(Env(app))


# --- the matrix ----------------------------------------------------------------------------------

def test_every_location_field_is_ruled_for_readers_only_and_a_named_level():
    for name, res in matrix.MATRIX.items():
        for field_name, seen in res.location.items():
            assert set(seen) <= set(res.rows), f"{name}.{field_name}: a rule for a role that reads no rows"
            assert set(seen.values()) <= set(matrix.ADDRESS_PROTECTIONS)
            assert res.person_rows, f"{name}: a location field on rows about no person"


def test_an_unknown_marking_hides_every_location_field():
    """Fail closed: an answer whose marking is missing or unknown shows no location field."""
    for name, res in matrix.MATRIX.items():
        for field_name in res.location:
            for role in res.rows:
                assert matrix.field_level(role, name, field_name, None) == matrix.HIDDEN
                assert matrix.field_level(role, name, field_name, "kode 6") == matrix.HIDDEN
                data = {field_name: "x"}
                assert matrix.shown(role, name, data)[field_name] is None


# --- every cell ----------------------------------------------------------------------------------

LOCATION_CELLS = [(name, field_name, role, level) for name, res in matrix.MATRIX.items()
                  for field_name in res.location for role in ALL_ROLES if role in res.rows for level in LEVELS]


def _holders(name: str, body) -> list[dict]:
    """The parts of an answer that carry the resource's fields (a matching answer: every entry)."""
    if name == matrix.HOUSING_MATCH:
        entries = body["candidates"] + body["excluded"]
        assert entries, "the candidates answer lists no unit"
        return entries
    return [body]


@pytest.mark.parametrize("name, field_name, role, level", LOCATION_CELLS,
                         ids=[f"{n}.{f}-{r}-{lv}" for n, f, r, lv in LOCATION_CELLS])
def test_location_cell(name, field_name, role, level, world):
    body = ok(world.callers[role].get(f"{API}{world.url(name, level)}"))
    shown = level in matrix.protections_seen(role, name, field_name)
    assert matrix.field_level(role, name, field_name, level) == (matrix.FULL if shown else matrix.HIDDEN)
    for holder in _holders(name, body):
        assert holder["address_protection"] == level
        assert field_name in holder
        if not shown:
            assert holder[field_name] is None, holder
        elif name == matrix.HOUSING_MATCH:
            assert holder[field_name] is not None, holder  # every unit of the answer has an id, label, address
    if shown and name != matrix.HOUSING_MATCH:
        assert body[field_name] == world.value(name, field_name, level)
    if shown and name == matrix.HOUSING_MATCH and field_name != "unit_address":
        assert world.value(name, field_name, level) in {h[field_name] for h in _holders(name, body)}


def test_a_location_field_some_role_may_not_see_is_nullable_in_the_openapi_document(world):
    from tests.security.test_matrix import need_to_know_components

    spec = ok(world.callers["planner"].get(f"{API}/openapi.json"))["components"]["schemas"]
    checked = 0
    for component, schema, cls in need_to_know_components(spec):
        location = matrix.resource(cls.RESOURCE).location
        if location:
            assert "address_protection" in schema["properties"], f"{component} does not say the marking"
        for field_name in location:
            prop = schema["properties"].get(field_name)
            if prop is not None:
                checked += 1
                assert prop.get("nullable"), (component, field_name)
    assert checked >= 6


# --- the answers that gather rows: overview, lists, proposals -------------------------------------

@pytest.mark.parametrize("level", LEVELS)
def test_the_person_overview_follows_the_marking_section_by_section(world, level):
    pid = world.ids[level]["person"]
    officer = ok(world.callers["case_officer"].get(f"{API}/persons/{pid}/overview"))
    housing = ok(world.callers["housing_officer"].get(f"{API}/persons/{pid}/overview"))
    provider = ok(world.callers["provider"].get(f"{API}/persons/{pid}/overview"))
    protected = level != matrix.UNPROTECTED

    assert officer["person"]["district"] == (None if protected else DISTRICT)
    assert officer["housing_needs"][0]["preferred_areas"] == (None if protected else [DISTRICT])
    assert housing["person"]["district"] == DISTRICT
    assert housing["housing_needs"][0]["preferred_areas"] == [DISTRICT]
    assert housing["housing_offers"][0]["unit_label"] == world.ids[level]["unit_label"]
    assert housing["housing_tenancies"][0]["unit_id"] == world.ids[level]["unit"]
    kode6 = level == matrix.STRICTLY_CONFIDENTIAL
    assert provider["person"]["district"] == (None if kode6 else DISTRICT)
    assert provider["housing_tenancies"][0]["unit_label"] == (None if kode6 else world.ids[level]["unit_label"])
    assert provider["housing_tenancies"][0]["address_protection"] == level


def test_a_filter_on_a_location_field_does_not_find_a_person_it_hides(world):
    names = {level: f"Person {level}" for level in LEVELS}
    found = {role: {p["name"] for p in ok(world.callers[role].get(f"{API}/persons", query_string={
        "district": DISTRICT, "page_size": 200}))} for role in ("case_officer", "housing_officer", "provider")}
    assert names[matrix.UNPROTECTED] in found["case_officer"]
    assert not {names[matrix.CONFIDENTIAL], names[matrix.STRICTLY_CONFIDENTIAL]} & found["case_officer"]
    assert set(names.values()) <= found["housing_officer"]
    assert names[matrix.CONFIDENTIAL] in found["provider"]
    assert names[matrix.STRICTLY_CONFIDENTIAL] not in found["provider"]

    provider = world.callers["provider"]
    for level in LEVELS:
        ids = world.ids[level]
        listed = ok(provider.get(f"{API}/housing/tenancies", query_string={"unit_id": ids["unit"]}))
        assert [t["id"] for t in listed] == ([] if level == matrix.STRICTLY_CONFIDENTIAL else [ids["tenancy"]])
        # Without the filter the tenancy is listed (the row rule), its unit hidden.
        everything = {t["id"]: t for t in ok(provider.get(f"{API}/housing/tenancies", query_string={"page_size": 200}))}
        assert ids["tenancy"] in everything


def test_lists_hide_the_location_of_each_marked_row(world):
    provider = {t["id"]: t for t in ok(world.callers["provider"].get(f"{API}/housing/tenancies",
                                                                     query_string={"page_size": 200}))}
    officer = {n["id"]: n for n in ok(world.callers["case_officer"].get(f"{API}/housing/needs",
                                                                        query_string={"page_size": 200}))}
    for level in LEVELS:
        ids = world.ids[level]
        assert provider[ids["tenancy"]]["unit_id"] == (None if level == matrix.STRICTLY_CONFIDENTIAL else ids["unit"])
        assert officer[ids["need"]]["preferred_areas"] == (None if level != matrix.UNPROTECTED else [DISTRICT])


def test_matching_still_pairs_a_protected_person_and_the_housing_office_sees_the_unit(world):
    housing = world.callers["housing_officer"]
    proposal = ok(housing.post(f"{API}/housing/allocation-proposal", json={}))
    pair = next(p for p in proposal["pairs"] if p["need_id"] == world.waiting_need)
    assert pair["address_protection"] == matrix.STRICTLY_CONFIDENTIAL
    assert (pair["unit_id"], pair["unit_address"]) == (world.free_unit, "Ledigveien 1")
    candidates = ok(housing.get(f"{API}/housing/units/{world.free_unit}/candidates"))
    entry = next(c for c in candidates["candidates"] if c["need_id"] == world.waiting_need)
    assert (entry["person_name"], entry["unit_address"]) == ("Venter Skjult", "Ledigveien 1")


def test_co_location_counts_a_protected_resident_by_id(world):
    """The rule works on ids: a need that avoids a kode 6 person is kept out of the complex they live in."""
    housing = world.callers["housing_officer"]
    kode6 = world.ids[matrix.STRICTLY_CONFIDENTIAL]
    unit = housing.get(f"{API}/housing/units/{kode6['unit']}")
    ok(housing.patch(f"{API}/housing/units/{kode6['unit']}", json={"complex": "Tunet"},
                     headers={"If-Match": etag(unit)}))
    free = housing.get(f"{API}/housing/units/{world.free_unit}")
    ok(housing.patch(f"{API}/housing/units/{world.free_unit}", json={"complex": "Tunet"},
                     headers={"If-Match": etag(free)}))
    other = world.rows.person("Unngår Noen", dt.date(1990, 1, 1))
    need = ok(housing.post(f"{API}/housing/needs", json={
        "person_id": other["id"], "category": "ordinary", "housing_situation": "sleeping_rough",
        "registered_on": "2026-03-01", "avoid_person_ids": [kode6["person"]]}), OK_OR_CREATED)
    answer = ok(housing.get(f"{API}/housing/needs/{need['id']}/candidates"))
    excluded = {e["unit_id"]: e["reasons"] for e in answer["excluded"]}
    assert "co_location_conflict" in excluded[world.free_unit]


# --- writing where a person lives ----------------------------------------------------------------

@pytest.mark.parametrize("role", sorted(matrix.writers(matrix.PERSON)))
@pytest.mark.parametrize("level", LEVELS)
def test_a_role_changes_the_district_only_where_it_may_see_it(world, role, level):
    caller, pid = world.callers[role], world.ids[level]["person"]
    read = world.callers["case_officer"].get(f"{API}/persons/{pid}")
    changed = caller.patch(f"{API}/persons/{pid}", json={"district": "Nord"}, headers={"If-Match": etag(read)})
    if level in matrix.protections_seen(role, matrix.PERSON, "district"):
        assert ok(changed)["district"] == "Nord"
    else:
        body = assert_problem(changed, 403)
        assert body["fields"] == ["district"]
        assert ok(world.callers["housing_officer"].get(f"{API}/persons/{pid}"))["district"] == DISTRICT
        # Other fields of a protected person it still corrects.
        assert ok(caller.patch(f"{API}/persons/{pid}", json={"sex": "other"},
                               headers={"If-Match": etag(read)}))["sex"] == "other"


# --- marking and unmarking -----------------------------------------------------------------------

def test_marking_and_unmarking_is_audited_with_the_reason(world):
    officer, auditor = world.callers["case_officer"], world.callers["auditor"]
    pid = world.ids[matrix.UNPROTECTED]["person"]
    marked = ok(officer.post(f"{API}/persons/{pid}/address-protection",
                             json={"address_protection": "confidential", "reason": "Melding fra Skatteetaten"}))
    assert (marked["address_protection"], marked["district"]) == ("confidential", None)
    cleared = ok(officer.post(f"{API}/persons/{pid}/address-protection",
                              json={"address_protection": "none", "reason": "Opphevet i folkeregisteret"}))
    assert (cleared["address_protection"], cleared["district"]) == ("none", DISTRICT)
    events = ok(auditor.get(f"{API}/persons/{pid}/access-log"))
    marks = [e["detail"] for e in events if e["object_type"] == "address_protection"]
    assert marks == ["confidential -> none: Opphevet i folkeregisteret",
                     "none -> confidential: Melding fra Skatteetaten"]
    assert all(e["action"] == "update" and e["actor_id"] == str(officer.user_id)
               for e in events if e["object_type"] == "address_protection")


def test_marking_to_the_same_level_is_refused_and_changes_nothing(world):
    officer = world.callers["case_officer"]
    pid = world.ids[matrix.CONFIDENTIAL]["person"]
    body = assert_problem(officer.post(f"{API}/persons/{pid}/address-protection",
                                       json={"address_protection": "confidential", "reason": "Igjen"}), 409)
    assert body["state"] == "confidential"


@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r not in matrix.ADDRESS_PROTECTION_MARKERS])
def test_only_the_markers_mark(world, role):
    pid = world.ids[matrix.UNPROTECTED]["person"]
    assert_problem(world.callers[role].post(f"{API}/persons/{pid}/address-protection",
                                            json={"address_protection": "confidential", "reason": "Prøver"}), 403)


def test_the_marking_is_not_a_field_of_a_correction(world):
    officer = world.callers["case_officer"]
    pid = world.ids[matrix.STRICTLY_CONFIDENTIAL]["person"]
    read = officer.get(f"{API}/persons/{pid}")
    assert_problem(officer.patch(f"{API}/persons/{pid}", json={"address_protection": "none"},
                                 headers={"If-Match": etag(read)}), 422)
    assert_problem(officer.post(f"{API}/persons/{pid}/address-protection",
                                json={"address_protection": "kode6", "reason": "Ukjent"}), 422)
    assert ok(officer.get(f"{API}/persons/{pid}"))["address_protection"] == matrix.STRICTLY_CONFIDENTIAL
