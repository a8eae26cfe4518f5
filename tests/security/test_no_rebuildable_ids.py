"""No answer lets a role rebuild a national id it may not read (issue 11, finding 1).

A fødselsnummer is ddmmyy + five digits: ``"******02604"`` beside ``"birth_date": "1980-03-04"``
was the whole number. The rule (docs/security.md, "Masks that cannot be undone"): a role that
may not read the number sees none of its digits and not the birth date, only the year.

Two walks over the OpenAPI document (``/api/v1/openapi.json``):

- statically, every response schema: a property that names an identity piece (national id,
  birth date, …) is one the access matrix rules over, so no answer carries one unnoticed;
- as a property test, for generated persons (birth date and individual number drawn by
  Hypothesis) with a row of every kind about them: every operation that reads, and the
  reads done with POST (search, allocation proposal), called as every role. For each role
  not allowed the number in full, no answer may hold the number, its last five digits, its
  first six, the birth date's ddmmyy, or the birth date written out. The case officer's
  answers are the control: they do hold the number and the date.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, assume, given, settings

from service.auth import matrix
from service.auth.roles import ALL_ROLES
from service.common.clock import set_clock
from service.persons.national_id import generate_synthetic_national_id
from tests.conftest import DEFAULT_NOW, Env
from tests.helpers import HOUSING_SERVICE, OK_OR_CREATED, CaseRows

API = "/api/v1"
ALLOWED = frozenset(role for role in ALL_ROLES
                    if matrix.field_level(role, matrix.PERSON, "national_id") == matrix.FULL)
# Server-made tokens (UUIDs, request ids, audit hashes) may hold digit runs by chance.
SERVER_TOKENS = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
                           r"|(?<![0-9a-zA-Z])(?:[0-9a-f]{64}|[0-9a-f]{32})(?![0-9a-zA-Z])")
IDENTITY_NAME = re.compile(r"national|birth|f(o|ø)dsel|fnr|personn|ssn|d_number", re.IGNORECASE)
# Reads that are POSTs: what each sends.
POST_READS = {"/api/v1/persons/search": lambda case: {"national_id": case["national_id"]},
              "/api/v1/housing/allocation-proposal": lambda case: {}}


def _refs(node, found: set[str]) -> None:
    if isinstance(node, dict):
        if "$ref" in node:
            found.add(node["$ref"].rsplit("/", 1)[-1])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def response_schemas(spec: dict) -> set[str]:
    """Every component schema an answer can contain (following references from the responses)."""
    found: set[str] = set()
    for item in spec["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                _refs(operation.get("responses", {}), found)
    schemas, todo = spec["components"]["schemas"], list(found)
    while todo:
        nested: set[str] = set()
        _refs(schemas.get(todo.pop(), {}), nested)
        todo += sorted(nested - found)
        found |= nested
    return found


def test_every_identity_piece_an_answer_can_carry_is_ruled_by_the_matrix(app):
    spec = app.test_client().get(f"{API}/openapi.json").get_json()
    ruled = {field_name for res in matrix.MATRIX.values() for field_name in res.fields}
    pieces = {}
    for name in sorted(response_schemas(spec)):
        schema = spec["components"]["schemas"].get(name, {})
        for prop in schema.get("properties", {}):
            if IDENTITY_NAME.search(prop) and prop != "national_id_missing_reason":
                pieces.setdefault(prop, []).append(name)
    assert pieces, "the walk found no identity field at all"
    assert set(pieces) <= ruled, f"identity fields no field rule covers: {set(pieces) - ruled} in {pieces}"


# --- the property test ---------------------------------------------------------------------

class World:
    def __init__(self, env: Env):
        self.town = env.municipality()
        self.callers = {role: env.caller(role, self.town) for role in ALL_ROLES}
        self.spare = env.caller("housing_officer", self.town)  # the user the blocks bar
        self.rows = CaseRows(env, self.town, self.callers)
        self.provider_unit_id = env.provider_unit(self.town, "Psykisk helseteam")
        spec = self.callers["planner"].get(f"{API}/openapi.json").get_json()
        self.operations = [(path, method.upper(), operation) for path, item in sorted(spec["paths"].items())
                           for method, operation in sorted(item.items())
                           if isinstance(operation, dict) and (method == "get" or path in POST_READS)]
        assert len(self.operations) > 40


@pytest.fixture(scope="module")
def world(app, module_connection):
    with app.app_context():
        set_clock(app, DEFAULT_NOW)
    return World(Env(app))


def _fill(path: str, ids: dict) -> str:
    def value(match):
        name = match.group(1)
        if name == "item_id":
            kind = path.rstrip("/").split("/")[-2]
            return ids.get({"goals": "goal", "measures": "measure"}.get(kind, ""), str(uuid.uuid4()))
        if name == "code":
            return "pbrl-2-1a" if "/legal-bases/" in path else HOUSING_SERVICE
        return ids.get(name.removesuffix("_id"), ids.get(name, str(uuid.uuid4())))
    return re.sub(r"\{(\w+)\}", value, path)


def _query(operation: dict, case: dict) -> dict:
    names = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
    query = {"page_size": 200} if "page_size" in names else {}
    if "person_id" in names:
        query["person_id"] = case["id"]
    elif "name" in names:
        query["name"] = case["name"]
    return query


def pieces(national_id: str, born: dt.date) -> dict[str, re.Pattern]:
    """What would rebuild the number (or is it): each as a pattern on the answer's text."""
    def run(digits: str) -> re.Pattern:
        return re.compile(rf"(?<!\d){digits}(?!\d)")
    return {"the national id": run(national_id), "its last five digits": run(national_id[-5:]),
            "its first six digits": run(national_id[:6]), "the birth date as ddmmyy": run(born.strftime("%d%m%y")),
            "the birth date": re.compile(re.escape(born.isoformat())),
            "the birth date (dd.mm.yyyy)": re.compile(re.escape(born.strftime("%d.%m.%Y")))}


def leaks(text: str, patterns: dict[str, re.Pattern]) -> list[str]:
    text = SERVER_TOKENS.sub(" ", text)
    return [what for what, pattern in patterns.items() if pattern.search(text)]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                               HealthCheck.too_slow])
@given(born=st.dates(dt.date(1930, 1, 1), dt.date(2008, 12, 31)), serial=st.integers(0, 300))
def test_no_answer_lets_a_role_rebuild_a_national_id_it_may_not_read(world, module_connection, born, serial):
    savepoint = module_connection.begin_nested()  # each example starts from the world as seeded
    try:
        _walk(world, born, serial)
    finally:
        savepoint.rollback()


def _synthetic(born: dt.date, serial: int) -> str:
    try:
        return generate_synthetic_national_id(born, serial)
    except ValueError:  # fewer individual numbers in this century than the serial drawn
        assume(False)


def _walk(world, born: dt.date, serial: int) -> None:
    officer, housing = world.callers["case_officer"], world.callers["housing_officer"]
    national_id = _synthetic(born, serial)
    created = officer.post(f"{API}/persons", json={"name": "Gerd Generert", "national_id": national_id})
    assert created.status_code in OK_OR_CREATED, created.get_json()
    person = created.get_json()
    case = world.rows.case(person, coordinator=world.callers["coordinator"]).ids
    case["block"] = world.rows.block(officer, world.spare, person)
    case["provider_unit"] = world.provider_unit_id
    patterns = pieces(national_id, born)

    # The control: the case officer reads the number and the date, so the walk can see them.
    control = officer.get(f"{API}/persons/{person['id']}").get_data(as_text=True)
    assert set(leaks(control, patterns)) >= {"the national id", "the birth date"}

    found = []
    for path, method, operation in world.operations:
        url = _fill(path, case)
        for role, caller in world.callers.items():
            if role in ALLOWED:
                continue
            if method == "GET":
                response = caller.get(url, query_string=_query(operation, person))
            else:
                response = caller.post(url, json=POST_READS[path](person))
            found += [f"{method} {path} as {role}: {what}"
                      for what in leaks(response.get_data(as_text=True), patterns)]
    # A write's answer follows the same rules: the housing office registers a person.
    other = _synthetic(born, serial + 1)
    registered = housing.post(f"{API}/persons", json={"name": "Registrert Av Boligkontoret", "national_id": other})
    assert registered.status_code in OK_OR_CREATED, registered.get_json()
    found += [f"POST /persons as housing_officer: {what}"
              for what in leaks(registered.get_data(as_text=True), pieces(other, born))]
    assert found == [], "\n".join(found)
