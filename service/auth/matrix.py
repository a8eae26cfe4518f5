"""The access matrix: which rows and which fields each role may read and write (need-to-know).

The one place that says, resource by resource, who reads which rows (the *row rule*), who
writes them, and which fields a reader sees otherwise than in full (the *field rules*):

* the role × route table (``policy.py``) takes its role sets for these resources from here;
* the services apply the row rules through ``service.persons.access.rows_clause`` (the rule
  named here, the clause contributed by the feature that owns the data it needs, blocks on
  top); a feature never tests a role itself;
* the answers apply the field rules when they are serialised (``service.auth.fields``: every
  schema of a resource here derives from ``NeedToKnow``), and a field a role may not read it
  may not write or filter by either (``require_writable``, ``require_readable``).

``docs/security.md`` shows the same tables, rendered by ``markdown()``
(``python -m service.auth.matrix``); ``tests/security/test_matrix.py`` fails when they differ,
and tests every cell from the matrix itself. Protected addresses, emergency access and the
auditor's sample review will add their rules here (a field level for address fields, a row
rule for an opened person), so they too are documented and tested cell by cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from service.auth.roles import (
    ADMIN,
    ALL_ROLES,
    AUDITOR,
    CASE_OFFICER,
    COORDINATOR,
    HOUSING_OFFICER,
    PLANNER,
    PROVIDER,
)

# --- row rules ----------------------------------------------------------------------------
# A rule other than ALL is a name; the feature that owns the data it needs contributes its
# clause (``contributions.add_row_rule``), except OF_VISIBLE_PERSONS, which follows the
# person rule. A role a resource does not name reads none of its rows (and the route refuses it).
ALL = "all"
SERVED = "served"
COORDINATED = "coordinated"
OWN_PLANS = "own_plans"
PLAN_LINKED = "plan_linked"
HOUSING_RELATED = "housing_related"
OF_VISIBLE_PERSONS = "of_visible_persons"

ROW_RULES: dict[str, str] = {
    ALL: "every row of the municipality",
    SERVED: ("persons with a decision delivered by the user's provider unit that is decided, not refused, "
             "and upcoming, running or ended at most `PROVIDER_ACCESS_AFTER_END_DAYS` (default 90) days ago; "
             "for decisions: those decisions"),
    COORDINATED: "persons in an open plan the user coordinates",
    OWN_PLANS: "the plans the user coordinates (closed ones too), with their parts",
    PLAN_LINKED: "decisions an open plan the user coordinates points at (the plan's decision or a measure's)",
    HOUSING_RELATED: ("decisions on a service of the housing group (report group `housing_support`) "
                      "or that a housing need rests on"),
    OF_VISIBLE_PERSONS: "rows about the persons the user may see (the person rule)",
}
# What holds beside every row rule (``service.persons.access.rows_clause``, ``decisions.loading``).
ROW_RULES_ALWAYS = (
    "a user barred from a person (a per-person block) sees no row about them: the answer a random id gets",
    "a role that does not write decisions sees only decided ones (no drafts, no discarded drafts)",
)

# --- field rules --------------------------------------------------------------------------
FULL = "full"
MASKED = "masked"  # the national id: "***********", not one digit of it
HIDDEN = "hidden"  # null
FIELD_LEVELS = (FULL, MASKED, HIDDEN)
NATIONAL_ID_MASK = "*" * 11

# --- write rules --------------------------------------------------------------------------
WRITE = "write"          # given on create and changed later
ON_CREATE = "on create"  # given when the row is created (nothing is revealed), never changed
NO_WRITE = "no"
WRITE_LEVELS = (WRITE, ON_CREATE, NO_WRITE)


@dataclass(frozen=True)
class Resource:
    """A kind of row an answer carries.

    ``rows``: role → row rule (a role not named reads nothing). ``writers``: roles that
    create or change rows (each also reads them). ``fields``: field → role → level for the
    fields a reader may see otherwise than in full (a reader not named: ``FULL``).
    ``writes``: field → role → write level for a writer that may not write every field it
    sends (a writer not named: ``WRITE``); ``read_only``: fields derived for the answer, never
    written. ``person_rows``: rows about one person, to which
    per-person blocks apply.
    """

    name: str
    what: str
    rows: Mapping[str, str]
    writers: frozenset[str] = frozenset()
    fields: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    writes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    read_only: frozenset[str] = frozenset()
    person_rows: bool = True


PERSON = "person"
REFERRAL = "referral"
DECISION = "decision"
APPEAL = "appeal"
PLAN = "plan"
HOUSING_NEED = "housing_need"
HOUSING_OFFER = "housing_offer"
HOUSING_TENANCY = "housing_tenancy"
HOUSING_MATCH = "housing_match"
PERSON_BLOCK = "person_block"
HOUSING_UNIT = "housing_unit"
SERVICE_CATALOGUE = "service_catalogue"
PROVIDER_UNIT = "provider_unit"
USER = "user"
AUDIT_LOG = "audit_log"

_IDENTITY_HIDDEN = {HOUSING_OFFICER: MASKED, COORDINATOR: MASKED, PROVIDER: MASKED}
_BIRTH_DATE_HIDDEN = {HOUSING_OFFICER: HIDDEN, COORDINATOR: HIDDEN, PROVIDER: HIDDEN}
_IDENTITY_ON_CREATE = {HOUSING_OFFICER: ON_CREATE}

_RESOURCES = (
    Resource(
        PERSON, "persons (also the overview's `person`)",
        rows={CASE_OFFICER: ALL, HOUSING_OFFICER: ALL, COORDINATOR: COORDINATED, PROVIDER: SERVED},
        writers=frozenset({CASE_OFFICER, HOUSING_OFFICER}),
        fields={
            "national_id": {CASE_OFFICER: FULL, **_IDENTITY_HIDDEN},
            "birth_date": {CASE_OFFICER: FULL, **_BIRTH_DATE_HIDDEN},
            "birth_year": {CASE_OFFICER: FULL, HOUSING_OFFICER: FULL, COORDINATOR: FULL, PROVIDER: FULL},
        },
        writes={
            "national_id": _IDENTITY_ON_CREATE,
            "national_id_missing_reason": _IDENTITY_ON_CREATE,
            "birth_date": _IDENTITY_ON_CREATE,
        },
        read_only=frozenset({"birth_year"})),
    Resource(
        REFERRAL, "referrals (also the overview's `referrals`)",
        rows={CASE_OFFICER: ALL}, writers=frozenset({CASE_OFFICER})),
    Resource(
        DECISION, "decisions (also the overview's `decisions`)",
        rows={CASE_OFFICER: ALL, PROVIDER: SERVED, COORDINATOR: PLAN_LINKED, HOUSING_OFFICER: HOUSING_RELATED},
        writers=frozenset({CASE_OFFICER}),
        fields={"reasoning": {CASE_OFFICER: FULL, PROVIDER: FULL, HOUSING_OFFICER: FULL, COORDINATOR: HIDDEN}}),
    Resource(
        APPEAL, "appeals (also the overview's `appeals`)",
        rows={CASE_OFFICER: ALL}, writers=frozenset({CASE_OFFICER})),
    Resource(
        PLAN, "individual plans and their members, goals, measures, evaluations (also the overview's `plan`)",
        rows={CASE_OFFICER: ALL, COORDINATOR: OWN_PLANS, PROVIDER: OF_VISIBLE_PERSONS},
        writers=frozenset({CASE_OFFICER, COORDINATOR})),
    Resource(
        HOUSING_NEED, "housing needs (the waiting list; also the overview's `housing_needs`)",
        rows={HOUSING_OFFICER: ALL, CASE_OFFICER: ALL}, writers=frozenset({HOUSING_OFFICER, CASE_OFFICER})),
    Resource(
        HOUSING_OFFER, "housing offers (also the overview's `housing_offers`)",
        rows={HOUSING_OFFICER: ALL}, writers=frozenset({HOUSING_OFFICER})),
    Resource(
        HOUSING_TENANCY, "tenancies (also the overview's `housing_tenancies`)",
        rows={HOUSING_OFFICER: ALL, PROVIDER: OF_VISIBLE_PERSONS}, writers=frozenset({HOUSING_OFFICER})),
    Resource(
        HOUSING_MATCH, "matching answers: candidates and the allocation proposal",
        rows={HOUSING_OFFICER: ALL},
        fields={"person_name": {HOUSING_OFFICER: FULL}}),
    Resource(
        PERSON_BLOCK, "per-person blocks (a user barred from a person)",
        rows={CASE_OFFICER: OF_VISIBLE_PERSONS, AUDITOR: ALL}, writers=frozenset({CASE_OFFICER})),
    Resource(
        HOUSING_UNIT, "housing units and inspections (no person data)",
        rows={HOUSING_OFFICER: ALL, CASE_OFFICER: ALL, PLANNER: ALL}, writers=frozenset({HOUSING_OFFICER}),
        person_rows=False),
    Resource(
        SERVICE_CATALOGUE, "service catalogue and legal bases (no person data)",
        rows={role: ALL for role in (CASE_OFFICER, HOUSING_OFFICER, COORDINATOR, PROVIDER, PLANNER, ADMIN)},
        writers=frozenset({ADMIN}), person_rows=False),
    Resource(
        PROVIDER_UNIT, "the register of provider units (no person data)",
        rows={role: ALL for role in (CASE_OFFICER, HOUSING_OFFICER, COORDINATOR, PROVIDER, PLANNER, ADMIN)},
        writers=frozenset({ADMIN}), person_rows=False),
    Resource(
        USER, "colleagues' names and roles (no person data; users are created with the CLI)",
        rows={CASE_OFFICER: ALL, ADMIN: ALL}, person_rows=False),
    Resource(
        AUDIT_LOG, "the audit trail and per-person access logs",
        rows={AUDITOR: ALL}, person_rows=False),
)

MATRIX: dict[str, Resource] = {resource.name: resource for resource in _RESOURCES}


def resource(name: str) -> Resource:
    try:
        return MATRIX[name]
    except KeyError:
        raise LookupError(f"{name!r} is not a resource of the access matrix") from None


def row_rule(role: str, name: str) -> str | None:
    """The role's row rule for the resource; None: it reads none of its rows."""
    return resource(name).rows.get(role)


def readers(name: str) -> frozenset[str]:
    return frozenset(resource(name).rows)


def writers(name: str) -> frozenset[str]:
    return resource(name).writers


def field_level(role: str | None, name: str, field_name: str) -> str:
    """How ``role`` sees the field (None: the system — CLI, jobs — sees everything)."""
    if role is None:
        return FULL
    res = resource(name)
    if role not in res.rows:
        return HIDDEN
    return res.fields.get(field_name, {}).get(role, FULL)


def write_level(role: str | None, name: str, field_name: str) -> str:
    if role is None:
        return WRITE
    res = resource(name)
    if role not in res.writers or field_name in res.read_only:
        return NO_WRITE
    return res.writes.get(field_name, {}).get(role, WRITE)


def shown(role: str | None, name: str, data: dict) -> dict:
    """A dumped row as ``role`` may see it: masked and hidden fields replaced (in place)."""
    if role is None:
        return data
    for field_name in resource(name).fields:
        if field_name not in data or data[field_name] is None:
            continue
        level = field_level(role, name, field_name)
        if level == MASKED:
            data[field_name] = NATIONAL_ID_MASK
        elif level == HIDDEN:
            data[field_name] = None
    return data


def refused_reads(role: str | None, name: str, fields: Iterable[str]) -> list[str]:
    """The fields (of those given) ``role`` may not read in full: it may not filter by them either."""
    return sorted(f for f in set(fields) if field_level(role, name, f) != FULL)


def refused_writes(role: str | None, name: str, fields: Iterable[str], *, creating: bool) -> list[str]:
    """The fields (of those given) ``role`` may not write: on create ``ON_CREATE`` is enough."""
    allowed = (WRITE, ON_CREATE) if creating else (WRITE,)
    return sorted(f for f in set(fields) if write_level(role, name, f) not in allowed)


# --- the tables in docs/security.md --------------------------------------------------------

BEGIN_MARKER = "<!-- access-matrix:begin (generated by `python -m service.auth.matrix`; do not edit) -->"
END_MARKER = "<!-- access-matrix:end -->"


def _row_cell(res: Resource, role: str) -> str:
    rule = res.rows.get(role)
    if rule is None:
        return "—"
    return f"{rule}, writes" if role in res.writers else rule


def _field_cell(res: Resource, field_name: str, role: str) -> str:
    if role not in res.rows:
        return "—"
    read = res.fields.get(field_name, {}).get(role, FULL)
    write = write_level(role, res.name, field_name)
    return read if write == NO_WRITE else f"{read}, writes" + ("" if write == WRITE else f" {write}")


def markdown() -> str:
    """The matrix as the Markdown tables of docs/security.md (between the markers)."""
    header = "| " + " | ".join(("resource", *(f"`{role}`" for role in ALL_ROLES))) + " |"
    rule = "|" + "---|" * (len(ALL_ROLES) + 1)
    lines = [BEGIN_MARKER, "", "**Rows** (the row rule; *writes*: also creates or changes them):", "",
             header, rule]
    for res in _RESOURCES:
        lines.append("| " + " | ".join((f"`{res.name}`: {res.what}", *(_row_cell(res, r) for r in ALL_ROLES)))
                     + " |")
    lines += ["", "Row rules:", ""]
    lines += [f"- `{name}`: {text}." for name, text in ROW_RULES.items()]
    lines += ["", "Beside every rule:", ""] + [f"- {text}." for text in ROW_RULES_ALWAYS]
    lines += ["", "**Fields** (a field not listed is shown in full to every role that reads the row; "
                  "*full*, *masked*: `\"" + NATIONAL_ID_MASK + "\"`, *hidden*: null; "
                  "*writes*: gives and changes it, *writes on create*: gives it when the row is created, "
                  "never changes it):", "",
              header.replace("resource", "field", 1), rule]
    for res in _RESOURCES:
        for field_name in sorted(set(res.fields) | set(res.writes)):
            lines.append("| " + " | ".join((f"`{res.name}.{field_name}`",
                                              *(_field_cell(res, field_name, r) for r in ALL_ROLES))) + " |")
    lines += ["", END_MARKER]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - prints the tables for docs/security.md
    print(markdown())
