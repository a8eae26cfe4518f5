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
and tests every cell from the matrix itself. Two rules depend on the row as well as the role:

* **protected addresses**: the fields of a resource that tell where a person lives or is offered
  to live (``Resource.location``) are hidden (null) when the person is marked ``confidential``
  (fortrolig adresse, kode 7) or ``strictly_confidential`` (strengt fortrolig adresse, kode 6),
  except from the roles the field names for that level;
* **emergency access** ("break the glass"): a user of a role in ``EMERGENCY_ACCESS_ROLES`` who
  opened a person, with a reason, reads for ``EMERGENCY_ACCESS_HOURS`` every row about them its
  role reads at all, as if its row rule gave them (``rows_clause``; reads only, never actions).
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
WORKLIST = "worklist"

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
    WORKLIST: ("flags of the kinds the user's role acts on, and those left to its office (no user named), "
               "each about a subject the user's own row rule for that subject shows (`docs/worklist.md`)"),
}
# What holds beside every row rule (``service.persons.access.rows_clause``, ``decisions.loading``).
ROW_RULES_ALWAYS = (
    "a user barred from a person (a per-person block) sees no row about them: the answer a random id gets",
    "a role that does not write decisions sees only decided ones (no drafts, no discarded drafts)",
    ("a user who opened a person with emergency access (a role of `EMERGENCY_ACCESS_ROLES`, with a reason) "
     "reads, for `EMERGENCY_ACCESS_HOURS` (default 8) hours, every row about them of the resources of their "
     "record (`EMERGENCY_OPENS`) its role reads at all, as if its row rule gave them: reads only (GET), never "
     "actions, fields as its role sees them, a block still wins; every request that reads the person in that "
     "time is audited with the reason"),
)

# --- emergency access ("break the glass") --------------------------------------------------
# The roles whose row rules are narrower than the municipality for some resource they read, and
# whose job can meet a person outside them in an emergency (DESIGN §1): the housing office
# (decisions outside the housing group), coordinators and providers. The allocation office reads
# every row it may read already (nothing to open); the planner, the auditor and the administrator
# read no person rows at all (there is nothing their job needs from one person).
EMERGENCY_ACCESS_ROLES = frozenset({HOUSING_OFFICER, COORDINATOR, PROVIDER})
# The resources an opening opens: the person's record (not work items such as worklist flags,
# which stay the work of whom they are for). Named after the resources below, by their names.
EMERGENCY_OPENS = frozenset({"person", "referral", "decision", "appeal", "plan", "housing_need",
                             "housing_offer", "housing_tenancy"})

# --- protected addresses (fortrolig / strengt fortrolig adresse) ----------------------------
UNPROTECTED = "none"
CONFIDENTIAL = "confidential"                    # fortrolig adresse, kode 7
STRICTLY_CONFIDENTIAL = "strictly_confidential"  # strengt fortrolig adresse, kode 6
ADDRESS_PROTECTIONS = (UNPROTECTED, CONFIDENTIAL, STRICTLY_CONFIDENTIAL)  # weakest first
# Who marks and unmarks a person (a dedicated, audited action with a reason): the allocation office.
ADDRESS_PROTECTION_MARKERS = frozenset({CASE_OFFICER})
# A location field: role → the strictest protection under which the role still sees it (a role not
# named sees it only for a person without protection). The housing office houses the person and
# must know where, at both levels; a provider delivers services where the person lives and is
# told at kode 7 (fortrolig: disclosed to public services with a need), never at kode 6.
_LOCATION_SEEN = {HOUSING_OFFICER: STRICTLY_CONFIDENTIAL, PROVIDER: CONFIDENTIAL}
_HOUSING_OFFICE_SEES = {HOUSING_OFFICER: STRICTLY_CONFIDENTIAL}  # where the provider reads no rows

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
    per-person blocks apply. ``location``: field → role → the strictest address protection
    under which the role still sees the field (a role not named: only ``UNPROTECTED``); for a
    person marked more strictly the field is hidden, not written and not filtered by.
    """

    name: str
    what: str
    rows: Mapping[str, str]
    writers: frozenset[str] = frozenset()
    fields: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    writes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    read_only: frozenset[str] = frozenset()
    person_rows: bool = True
    location: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


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
FLAG = "flag"

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
        location={"district": _LOCATION_SEEN},
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
        rows={HOUSING_OFFICER: ALL, CASE_OFFICER: ALL}, writers=frozenset({HOUSING_OFFICER, CASE_OFFICER}),
        location={"preferred_areas": _HOUSING_OFFICE_SEES}),
    Resource(
        HOUSING_OFFER, "housing offers (also the overview's `housing_offers`)",
        rows={HOUSING_OFFICER: ALL}, writers=frozenset({HOUSING_OFFICER}),
        location={"unit_id": _HOUSING_OFFICE_SEES, "unit_label": _HOUSING_OFFICE_SEES}),
    Resource(
        HOUSING_TENANCY, "tenancies (also the overview's `housing_tenancies`)",
        rows={HOUSING_OFFICER: ALL, PROVIDER: OF_VISIBLE_PERSONS}, writers=frozenset({HOUSING_OFFICER}),
        location={"unit_id": _LOCATION_SEEN, "unit_label": _LOCATION_SEEN}),
    Resource(
        HOUSING_MATCH, "matching answers: candidates and the allocation proposal",
        rows={HOUSING_OFFICER: ALL},
        fields={"person_name": {HOUSING_OFFICER: FULL}},
        location={field_name: _HOUSING_OFFICE_SEES for field_name in ("unit_id", "unit_label", "unit_address")}),
    Resource(
        PERSON_BLOCK, "per-person blocks (a user barred from a person)",
        rows={CASE_OFFICER: OF_VISIBLE_PERSONS, AUDITOR: ALL}, writers=frozenset({CASE_OFFICER})),
    Resource(
        FLAG, "worklist flags: deadlines and expiries to act on, with the person's name (`/worklist`)",
        rows={CASE_OFFICER: WORKLIST, HOUSING_OFFICER: WORKLIST, COORDINATOR: WORKLIST, PROVIDER: WORKLIST},
        writers=frozenset({CASE_OFFICER, HOUSING_OFFICER, COORDINATOR, PROVIDER})),
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


def _strictness(protection: str | None) -> int:
    """How strict a marking is; an unknown one (not loaded, misspelt) counts as stricter than
    every level, so a location field is hidden rather than shown by mistake."""
    return ADDRESS_PROTECTIONS.index(protection) if protection in ADDRESS_PROTECTIONS else len(ADDRESS_PROTECTIONS)


def protections_seen(role: str | None, name: str, field_name: str) -> tuple[str, ...]:
    """The markings under which ``role`` sees the field (every one for a field that is not a
    location field, and for the system)."""
    seen = resource(name).location.get(field_name)
    if role is None or seen is None:
        return ADDRESS_PROTECTIONS
    limit = _strictness(seen.get(role, UNPROTECTED))
    return tuple(p for p in ADDRESS_PROTECTIONS if _strictness(p) <= limit)


def field_level(role: str | None, name: str, field_name: str, protection: str | None = UNPROTECTED) -> str:
    """How ``role`` sees the field of a row about a person marked ``protection`` (None: the
    system — CLI, jobs — sees everything)."""
    if role is None:
        return FULL
    res = resource(name)
    if role not in res.rows:
        return HIDDEN
    if protection not in protections_seen(role, name, field_name):
        return HIDDEN
    return res.fields.get(field_name, {}).get(role, FULL)


def write_level(role: str | None, name: str, field_name: str) -> str:
    if role is None:
        return WRITE
    res = resource(name)
    if role not in res.writers or field_name in res.read_only:
        return NO_WRITE
    return res.writes.get(field_name, {}).get(role, WRITE)


# The field of an answer that carries the person's marking (every schema of a resource with
# location fields dumps it; an answer without it hides them all: ``_strictness``).
PROTECTION_FIELD = "address_protection"


def shown(role: str | None, name: str, data: dict) -> dict:
    """A dumped row as ``role`` may see it: masked and hidden fields replaced (in place)."""
    if role is None:
        return data
    res = resource(name)
    protection = data.get(PROTECTION_FIELD) if res.location else UNPROTECTED
    for field_name in (*res.fields, *(f for f in res.location if f not in res.fields)):
        if field_name not in data or data[field_name] is None:
            continue
        level = field_level(role, name, field_name, protection)
        if level == MASKED:
            data[field_name] = NATIONAL_ID_MASK
        elif level == HIDDEN:
            data[field_name] = None
    return data


def refused_reads(role: str | None, name: str, fields: Iterable[str]) -> list[str]:
    """The fields (of those given) ``role`` may not read in full: it may not filter by them either."""
    return sorted(f for f in set(fields) if field_level(role, name, f) != FULL)


def refused_writes(role: str | None, name: str, fields: Iterable[str], *, creating: bool,
                   protection: str = UNPROTECTED) -> list[str]:
    """The fields (of those given) ``role`` may not write: on create ``ON_CREATE`` is enough; a
    location field of a person whose marking hides it from the role is not written either."""
    allowed = (WRITE, ON_CREATE) if creating else (WRITE,)
    return sorted(f for f in set(fields) if write_level(role, name, f) not in allowed
                  or protection not in protections_seen(role, name, f))


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
    lines += ["", "**Protected addresses** (the fields that tell where a person lives or is offered to live, "
                  "for a person marked `confidential`, *fortrolig adresse* (kode 7), or `strictly_confidential`, "
                  "*strengt fortrolig adresse* (kode 6); *hidden*: null, and a filter on the field does not find "
                  "the row; the field's other rules above still hold):", "",
              header.replace("resource", "field", 1), rule]
    for res in _RESOURCES:
        for field_name in sorted(res.location):
            lines.append("| " + " | ".join((f"`{res.name}.{field_name}`",
                                              *(_location_cell(res, field_name, r) for r in ALL_ROLES))) + " |")
    lines += ["", "**Emergency access** (\"break the glass\"): "
              + ", ".join(f"`{role}`" for role in ALL_ROLES if role in EMERGENCY_ACCESS_ROLES)
              + " (`EMERGENCY_ACCESS_ROLES`), opening "
              + ", ".join(f"`{res.name}`" for res in _RESOURCES if res.name in EMERGENCY_OPENS)
              + " (`EMERGENCY_OPENS`); **marking a protected address**: "
              + ", ".join(f"`{role}`" for role in ALL_ROLES if role in ADDRESS_PROTECTION_MARKERS) + ".",
              "", END_MARKER]
    return "\n".join(lines)


def _location_cell(res: Resource, field_name: str, role: str) -> str:
    if role not in res.rows:
        return "—"
    seen = protections_seen(role, res.name, field_name)
    return "; ".join(f"kode {code}: {'shown' if level in seen else 'hidden'}"
                     for code, level in (("7", CONFIDENTIAL), ("6", STRICTLY_CONFIDENTIAL)))


if __name__ == "__main__":  # pragma: no cover - prints the tables for docs/security.md
    print(markdown())
