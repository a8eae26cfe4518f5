"""The access matrix (service/auth/matrix.py): docs/security.md holds it, and every cell holds.

The cells are read from the matrix itself, not listed here: for every role and resource the
row rule (the role reads exactly the rows its rule gives, or is refused the routes), for every
field rule the field as that role sees it, and for every write rule whether the role may give
the field on create and on change. A rule the world below has no rows for fails the test that
meets it, so a new cell cannot go untested.

On PostgreSQL every cell is checked as the role the application logs in as in production, so
row-level security binds each request too (``as_the_application``, tests/conftest.py).

The world (seeded once for the module; each test starts from it): persons *in* and *out*
of every row rule. ``in`` has a housing-related decision delivered by the provider's unit,
pointed at by a measure of the active plan the coordinator runs; ``out`` has a mental-health
decision of another unit and a plan another coordinator runs; both have a referral, an
appeal, a housing need, an accepted offer and a tenancy. A third person, ``hidden``, is one
the case officer is barred from (a block), with another user's block on them too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from service.auth import matrix, policy
from service.auth.fields import NeedToKnow
from service.auth.roles import ALL_ROLES
from service.common.clock import set_clock
from service.persons.national_id import generate_synthetic_national_id
from tests.conftest import DEFAULT_NOW, Env
from tests.helpers import HEALTH_SERVICE, OK_OR_CREATED, OTHER_UNIT, CaseRows, assert_problem, etag, ok

API = "/api/v1"
ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.usefixtures("pristine", "as_the_application")


@dataclasses.dataclass(frozen=True)
class Row:
    """Where a row is read: its own URL and the list that shows it (``id``: how the list names it)."""

    item: str | None
    listing: str | None
    id: str | None = None


class World:
    def __init__(self, env: Env):
        town = env.municipality()
        self.callers = {role: env.caller(role, town) for role in ALL_ROLES}
        other_coordinator = env.caller("coordinator", town)
        colleague = env.caller("case_officer", town)
        barred = env.caller("housing_officer", town)
        rows = CaseRows(env, town, self.callers)
        persons = {"in": rows.person("Inger Innenfor", dt.date(1980, 3, 4)),
                   "out": rows.person("Oskar Utenfor", dt.date(1975, 11, 23)),
                   "hidden": rows.person("Hilde Skjult", dt.date(1990, 7, 1))}
        self.person = persons["in"]
        cases = {"in": rows.case(persons["in"], coordinator=self.callers["coordinator"]).ids,
                 "out": rows.case(persons["out"], coordinator=other_coordinator, unit=OTHER_UNIT,
                                  service=HEALTH_SERVICE).ids}
        self.reasoning = cases["in"]["reasoning"]
        blocks = {"in": rows.block(colleague, barred, persons["in"]),
                  "out": rows.block(colleague, barred, persons["hidden"])}
        rows.block(colleague, self.callers["case_officer"], persons["hidden"])
        hidden_referral = ok(colleague.post(f"{API}/referrals", json={
            "person_id": persons["hidden"]["id"], "received_on": "2026-02-10", "source": "gp",
            "channel": "letter"}), OK_OR_CREATED)["id"]
        units = {"in": cases["in"]["unit"], "out": cases["out"]["unit"]}
        unit_id = env.provider_unit(town, OTHER_UNIT)

        def each(make) -> dict[str, Row]:
            return {key: make(key, cases[key]) for key in ("in", "out")}

        self.rows: dict[str, dict[str, Row]] = {
            matrix.PERSON: each(lambda k, c: Row(f"/persons/{c['person']}", "/persons", c["person"])),
            matrix.REFERRAL: each(lambda k, c: Row(f"/referrals/{c['referral']}", "/referrals", c["referral"])),
            matrix.DECISION: each(lambda k, c: Row(f"/decisions/{c['decision']}", "/decisions", c["decision"])),
            matrix.APPEAL: each(lambda k, c: Row(f"/decisions/{c['decision']}/appeals/{c['appeal']}",
                                                 f"/decisions/{c['decision']}/appeals", c["appeal"])),
            matrix.PLAN: each(lambda k, c: Row(f"/plans/{c['plan']}", "/plans", c["plan"])),
            matrix.HOUSING_NEED: each(lambda k, c: Row(f"/housing/needs/{c['need']}", "/housing/needs", c["need"])),
            matrix.HOUSING_OFFER: each(lambda k, c: Row(f"/housing/offers/{c['offer']}", "/housing/offers",
                                                        c["offer"])),
            matrix.HOUSING_TENANCY: each(lambda k, c: Row(f"/housing/tenancies/{c['tenancy']}", "/housing/tenancies",
                                                          c["tenancy"])),
            matrix.HOUSING_MATCH: each(lambda k, c: Row(f"/housing/needs/{c['need']}/candidates", None)),
            matrix.PERSON_BLOCK: {key: Row(f"/persons/{persons[key if key == 'in' else 'hidden']['id']}/blocks/{bid}",
                                           "/person-blocks", bid) for key, bid in blocks.items()},
            matrix.HOUSING_UNIT: {key: Row(f"/housing/units/{uid}", "/housing/units", uid)
                                  for key, uid in units.items()},
            matrix.SERVICE_CATALOGUE: {"in": Row(f"/service-catalogue/{HEALTH_SERVICE}", "/service-catalogue")},
            matrix.PROVIDER_UNIT: {"in": Row(f"/provider-units/{unit_id}", "/provider-units", unit_id)},
            matrix.USER: {"in": Row(None, "/users", str(barred.user_id))},
            matrix.AUDIT_LOG: {"in": Row(f"/persons/{persons['in']['id']}/access-log", "/audit")},
        }
        # The worklist: each role's flags differ, so its rows in and out of the rule are its own.
        self.role_rows = {matrix.FLAG: self._flags(env, town, cases, hidden_referral)}
        # What a reader allowed the field in full sees: the values the rows were made with.
        self.full_values = {
            (matrix.PERSON, "national_id"): self.person["national_id"],
            (matrix.PERSON, "birth_date"): self.person["birth_date"],
            (matrix.PERSON, "birth_year"): int(self.person["birth_date"][:4]),
            (matrix.DECISION, "reasoning"): self.reasoning,
            (matrix.HOUSING_MATCH, "person_name"): self.person["name"],
        }


    def _flags(self, env: Env, town: str, cases: dict, hidden_referral: str) -> dict[str, dict[str, Row]]:
        """Flags of every kind the roles act on, raised by the deadlines job as on 15.11.2026 (the
        decisions expire 31.12, the plans' first evaluations were due 10.08, the referrals 10.03)."""
        import datetime as dt

        import sqlalchemy as sa

        from service.auth.services import get_municipality_by_number
        from service.extensions import db
        from service.jobs import tasks
        from service.worklist.models import Flag

        housing = self.callers["housing_officer"]
        unit_url = f"{API}/housing/units/{cases['in']['unit']}"
        ok(housing.patch(unit_url, json={"next_inspection_on": "2026-11-20"},
                         headers={"If-Match": etag(housing.get(unit_url))}))
        with env.app.app_context():
            municipality_id = get_municipality_by_number(town).id
            tasks.run_deadlines(dt.date(2026, 11, 15), [municipality_id])
            flags = {(kind, str(subject)): str(flag_id) for flag_id, kind, subject in db.session.execute(
                sa.select(Flag.id, Flag.kind, Flag.subject_id).where(Flag.municipality_id == municipality_id))}

        def row(kind: str, subject: str) -> Row:
            flag_id = flags[(kind, subject)]
            return Row(f"/worklist/{flag_id}", "/worklist", flag_id)

        return {
            "case_officer": {"in": row("referral_reply_due", cases["in"]["referral"]),
                             "out": row("referral_reply_due", hidden_referral)},
            "coordinator": {"in": row("plan_evaluation_due", cases["in"]["plan"]),
                            "out": row("plan_evaluation_due", cases["out"]["plan"])},
            "housing_officer": {"in": row("unit_inspection_due", cases["in"]["unit"]),
                                "out": row("referral_reply_due", cases["in"]["referral"])},
            "provider": {"in": row("unit_decision_changed", cases["in"]["decision"]),
                         "out": row("unit_decision_changed", cases["out"]["decision"])},
        }

    def rows_for(self, name: str, role: str) -> dict[str, Row]:
        by_role = self.role_rows.get(name)
        if by_role is None:
            return self.rows[name]
        return by_role.get(role) or next(iter(by_role.values()))


@pytest.fixture(scope="module")
def world(app, module_connection):
    with app.app_context():
        set_clock(app, DEFAULT_NOW)
    return World(Env(app))


def _ids(body) -> set[str]:
    return {str(entry.get("id")) for entry in body} if isinstance(body, list) else set()


def _expected(rule: str, rows: dict[str, Row]) -> tuple[set[str], set[str]]:
    """Which rows the rule shows: ``all`` every row (less any barred to the user: none here but
    the blocks), any other rule the ``in`` row and not the ``out`` row."""
    if rule == matrix.ALL:
        return set(rows), set()
    if set(rows) != {"in", "out"}:
        pytest.fail(f"the world has no rows in and out of the rule {rule!r}: add them")
    return {"in"}, {"out"}


# --- the document -----------------------------------------------------------------------------

def test_docs_security_md_holds_the_matrix():
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    assert matrix.BEGIN_MARKER in text and matrix.END_MARKER in text, "docs/security.md lost the matrix markers"
    shown = text[text.index(matrix.BEGIN_MARKER):text.index(matrix.END_MARKER) + len(matrix.END_MARKER)]
    assert shown == matrix.markdown(), (
        "docs/security.md differs from service/auth/matrix.py: paste the output of "
        "`.venv/bin/python -m service.auth.matrix` between the markers")


# --- the matrix is coherent ----------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(matrix.MATRIX))
def test_each_resource_is_coherent(name):
    res = matrix.resource(name)
    assert set(res.rows) <= set(ALL_ROLES) and set(res.rows.values()) <= set(matrix.ROW_RULES)
    assert res.writers <= set(res.rows), "a role writes only rows it reads"
    for field_name, levels in res.fields.items():
        assert set(levels) <= set(res.rows), f"{name}.{field_name}: a field rule for a role that reads no rows"
        assert set(levels.values()) <= set(matrix.FIELD_LEVELS)
    for field_name, levels in res.writes.items():
        assert set(levels) <= res.writers, f"{name}.{field_name}: a write rule for a role that writes no rows"
        assert set(levels.values()) <= set(matrix.WRITE_LEVELS)
        for role in levels:
            if matrix.field_level(role, name, field_name) != matrix.FULL:
                assert matrix.write_level(role, name, field_name) != matrix.WRITE, \
                    f"{role} may change {name}.{field_name}, which it may not read"
    for role, rule in res.rows.items():
        if rule == matrix.OF_VISIBLE_PERSONS:
            assert matrix.row_rule(role, matrix.PERSON) is not None, f"{role} has no person rule to follow"


@pytest.mark.parametrize("role", ["admin", "planner", "auditor"])
def test_the_technical_and_oversight_roles_read_no_health_data(role):
    """The admin (users, tokens, catalogue, units, jobs) and the planner (aggregates) read no row
    about a person; the auditor only the audit trail and the blocks it oversees."""
    person_rows = {name for name, res in matrix.MATRIX.items() if res.person_rows and role in res.rows}
    assert person_rows == ({matrix.PERSON_BLOCK} if role == "auditor" else set())


@pytest.mark.parametrize("role", ALL_ROLES)
def test_no_role_sees_the_birth_date_without_the_national_id(role):
    """The mask cannot be undone: a national id is ddmmyy + five digits, so a role that may not
    read the number sees none of its digits and not the full birth date (its year only)."""
    if matrix.row_rule(role, matrix.PERSON) is None:
        return
    number = matrix.field_level(role, matrix.PERSON, "national_id")
    born = matrix.field_level(role, matrix.PERSON, "birth_date")
    assert (number, born) in {(matrix.FULL, matrix.FULL), (matrix.MASKED, matrix.HIDDEN)}
    assert matrix.field_level(role, matrix.PERSON, "birth_year") == matrix.FULL
    assert set(matrix.NATIONAL_ID_MASK) == {"*"}


# The route that lists each resource's rows (a resource without one is read through others).
LIST_ROUTES = {
    matrix.PERSON: "/persons", matrix.REFERRAL: "/referrals", matrix.DECISION: "/decisions",
    matrix.APPEAL: "/decisions/<uuid:decision_id>/appeals", matrix.PLAN: "/plans",
    matrix.HOUSING_NEED: "/housing/needs", matrix.HOUSING_OFFER: "/housing/offers",
    matrix.HOUSING_TENANCY: "/housing/tenancies", matrix.HOUSING_MATCH: "/housing/needs/<uuid:need_id>/candidates",
    matrix.PERSON_BLOCK: "/person-blocks", matrix.HOUSING_UNIT: "/housing/units",
    matrix.SERVICE_CATALOGUE: "/service-catalogue", matrix.PROVIDER_UNIT: "/provider-units",
    matrix.USER: "/users", matrix.AUDIT_LOG: "/audit", matrix.FLAG: "/worklist",
}


def test_the_route_table_follows_the_matrix():
    assert set(LIST_ROUTES) == set(matrix.MATRIX)
    for name, route in LIST_ROUTES.items():
        assert policy.roles_for("GET", f"{API}{route}") == matrix.readers(name), name


def _need_to_know_schemas():
    def walk(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)
    return list(walk(NeedToKnow))


def need_to_know_components(spec_schemas: dict):
    """``(component name, its OpenAPI schema, its NeedToKnow class)`` for each answer schema of
    the matrix that the OpenAPI document lists."""
    by_name = {cls.__name__.removesuffix("Schema"): cls for cls in _need_to_know_schemas()}
    for component, schema in spec_schemas.items():
        if component in by_name:
            yield component, schema, by_name[component]


def test_every_field_rule_names_a_field_some_answer_has():
    schemas = _need_to_know_schemas()
    assert {cls.RESOURCE for cls in schemas} <= set(matrix.MATRIX)
    for name, res in matrix.MATRIX.items():
        fields = set().union(set(), *(cls._declared_fields for cls in schemas if cls.RESOURCE == name))
        assert set(res.fields) <= fields, f"{name}: rules for fields no schema has: {set(res.fields) - fields}"


def test_a_field_some_role_sees_hidden_is_nullable_in_the_openapi_document(world):
    spec = ok(world.callers["planner"].get(f"{API}/openapi.json"))["components"]["schemas"]
    checked = 0
    for component, schema, cls in need_to_know_components(spec):
        for field_name, levels in matrix.resource(cls.RESOURCE).fields.items():
            if matrix.HIDDEN in levels.values() or matrix.MASKED in levels.values():
                prop = schema["properties"].get(field_name)
                if prop is not None:
                    checked += 1
                    assert prop.get("nullable") or matrix.HIDDEN not in levels.values(), (component, field_name)
    assert checked >= 3  # person.national_id, person.birth_date, decision.reasoning at least


# --- every cell --------------------------------------------------------------------------------

ROW_CELLS = [(role, name) for name in matrix.MATRIX for role in ALL_ROLES]


@pytest.mark.parametrize("role, name", ROW_CELLS, ids=[f"{n}-{r}" for r, n in ROW_CELLS])
def test_row_cell(role, name, world):
    caller, rows, rule = world.callers[role], world.rows_for(name, role), matrix.row_rule(role, name)
    if rule is None:
        for row in rows.values():
            for url in (row.item, row.listing):
                if url:
                    assert_problem(caller.get(f"{API}{url}"), 403)
        return
    seen, unseen = _expected(rule, rows)
    for key, row in rows.items():
        if row.item:
            status = caller.get(f"{API}{row.item}").status_code
            assert status == (200 if key in seen else 404), (key, row.item, status)
        if row.listing:
            listed = caller.get(f"{API}{row.listing}", query_string={"page_size": 200})
            if listed.status_code == 422:  # a list without pages
                listed = caller.get(f"{API}{row.listing}")
            listed = ok(listed)
            if row.id is not None:
                assert (row.id in _ids(listed)) == (key in seen), (key, row.listing)


FIELD_CELLS = [(name, field_name, role) for name, res in matrix.MATRIX.items() for field_name in res.fields
               for role in ALL_ROLES if role in res.rows]
# Where a field of a resource is found in its row's answer (a matching answer names the
# person in each candidate and each excluded pair).
FIELD_HOLDERS = {matrix.HOUSING_MATCH: lambda body: (body["candidates"] + body["excluded"])[0]}


@pytest.mark.parametrize("name, field_name, role", FIELD_CELLS,
                         ids=[f"{n}.{f}-{r}" for n, f, r in FIELD_CELLS])
def test_field_cell(name, field_name, role, world):
    body = ok(world.callers[role].get(f"{API}{world.rows[name]['in'].item}"))
    holder = FIELD_HOLDERS.get(name, lambda answer: answer)(body)
    assert field_name in holder
    level = matrix.field_level(role, name, field_name)
    expected = {matrix.FULL: world.full_values[(name, field_name)], matrix.MASKED: matrix.NATIONAL_ID_MASK,
                matrix.HIDDEN: None}[level]
    assert holder[field_name] == expected


def _fresh_id(born: dt.date) -> str:
    _fresh_id.serial = getattr(_fresh_id, "serial", 100) + 1
    return generate_synthetic_national_id(born, _fresh_id.serial)


# What a writer sends to give each field of a write rule, on create and on change (a person
# born 1990-05-05; the change is sent to a person the case officer registered just before).
WRITE_SAMPLES = {
    (matrix.PERSON, "national_id"): lambda: {"national_id": _fresh_id(dt.date(1990, 5, 5))},
    (matrix.PERSON, "national_id_missing_reason"): lambda: {
        "national_id": None, "national_id_missing_reason": "Venter på D-nummer", "birth_date": "1990-05-05"},
    (matrix.PERSON, "birth_date"): lambda: {"national_id": _fresh_id(dt.date(1990, 5, 5)), "birth_date": "1990-05-05"},
}
WRITE_CELLS = [(name, field_name, role) for name, res in matrix.MATRIX.items() for field_name in res.writes
               for role in sorted(res.writers)]


@pytest.mark.parametrize("name, field_name, role", WRITE_CELLS, ids=[f"{n}.{f}-{r}" for n, f, r in WRITE_CELLS])
def test_write_cell(name, field_name, role, world):
    if name != matrix.PERSON or (name, field_name) not in WRITE_SAMPLES:
        pytest.fail(f"no write sample for {name}.{field_name}: add one")
    caller, officer = world.callers[role], world.callers["case_officer"]
    level = matrix.write_level(role, name, field_name)

    created = caller.post(f"{API}/persons", json={"name": "Skriv Prøve", **WRITE_SAMPLES[(name, field_name)]()})
    assert created.status_code == (201 if level in (matrix.WRITE, matrix.ON_CREATE) else 403), created.get_json()

    target = ok(officer.post(f"{API}/persons", json={
        "name": "Endre Prøve", "national_id": _fresh_id(dt.date(1990, 5, 5))}), OK_OR_CREATED)
    read = officer.get(f"{API}/persons/{target['id']}")
    changed = caller.patch(f"{API}/persons/{target['id']}", json=WRITE_SAMPLES[(name, field_name)](),
                           headers={"If-Match": etag(read)})
    if level == matrix.WRITE:
        assert changed.status_code == 200, changed.get_json()
    else:
        body = assert_problem(changed, 403)
        assert field_name in body["fields"]
        assert ok(officer.get(f"{API}/persons/{target['id']}")) == read.get_json(), "a refused write changed nothing"
