"""Who may call what: the single role × route table (deny by default).

Keys are ``(METHOD, rule)`` exactly as Flask registers the rule. A route that is
missing here is refused to everyone, and ``tests/security/test_policy.py`` fails
until it is added, so a new endpoint cannot ship without a decision about it.
Row-level need-to-know (a coordinator's own plans, a provider's own unit) is
applied by the services on top of this table.
"""

from __future__ import annotations

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

EVERYONE = frozenset(ALL_ROLES)
PERSON_READERS = frozenset({CASE_OFFICER, HOUSING_OFFICER, COORDINATOR, PROVIDER, ADMIN})
PERSON_WRITERS = frozenset({CASE_OFFICER, HOUSING_OFFICER, ADMIN})
AUDIT_READERS = frozenset({AUDITOR})
PLAN_READERS = frozenset({CASE_OFFICER, COORDINATOR, PROVIDER})
PLAN_WRITERS = frozenset({CASE_OFFICER, COORDINATOR})
COORDINATORS = frozenset({COORDINATOR})
CASE_OFFICERS = frozenset({CASE_OFFICER})
HOUSING_WRITERS = frozenset({HOUSING_OFFICER})
HOUSING_UNIT_READERS = frozenset({HOUSING_OFFICER, CASE_OFFICER, PLANNER})
HOUSING_NEED_READERS = frozenset({HOUSING_OFFICER, CASE_OFFICER})
HOUSING_TENANCY_READERS = frozenset({HOUSING_OFFICER, PROVIDER})
# The allocation office registers housing needs too (docs/housing.md, "Roles").
HOUSING_NEED_REGISTRARS = HOUSING_NEED_READERS
CATALOGUE_READERS = PERSON_READERS | frozenset({PLANNER})
CATALOGUE_WRITERS = frozenset({ADMIN})
CASE_WRITERS = frozenset({CASE_OFFICER, ADMIN})
REFERRAL_READERS = frozenset({CASE_OFFICER, ADMIN})
# Providers see their own unit's decisions, coordinators and housing officers those of
# persons they may see (row-level rules in service.decisions.loading).
DECISION_READERS = PERSON_READERS
APPEAL_READERS = frozenset({CASE_OFFICER, ADMIN})
# Colleagues' names and roles (to assign a referral, appoint a coordinator); no person data.
USER_READERS = frozenset({CASE_OFFICER, ADMIN})
# The register of provider units: whoever reads decisions (which name a unit), and planners
# (reports count by unit); the administrator keeps it.
PROVIDER_UNIT_READERS = DECISION_READERS | frozenset({PLANNER})
PROVIDER_UNIT_WRITERS = frozenset({ADMIN})

API = "/api/v1"
_REFERRAL = f"{API}/referrals/<uuid:referral_id>"
_DECISION = f"{API}/decisions/<uuid:decision_id>"

# Reachable without a token.
PUBLIC: frozenset[tuple[str, str]] = frozenset({
    ("GET", "/"),
    ("GET", API),
    ("GET", f"{API}/"),
    ("GET", f"{API}/health"),
    ("GET", f"{API}/openapi.json"),
    ("GET", f"{API}/docs"),
    ("GET", f"{API}/docs/static/<path:filename>"),
})

POLICY: dict[tuple[str, str], frozenset[str]] = {
    ("GET", f"{API}/me"): EVERYONE,
    ("GET", f"{API}/labels"): EVERYONE,
    ("GET", f"{API}/users"): USER_READERS,
    # persons
    ("GET", f"{API}/persons"): PERSON_READERS,
    ("POST", f"{API}/persons"): PERSON_WRITERS,
    ("POST", f"{API}/persons/search"): PERSON_READERS,
    ("GET", f"{API}/persons/<uuid:person_id>"): PERSON_READERS,
    ("PATCH", f"{API}/persons/<uuid:person_id>"): PERSON_WRITERS,
    ("GET", f"{API}/persons/<uuid:person_id>/overview"): PERSON_READERS,
    ("GET", f"{API}/persons/<uuid:person_id>/access-log"): AUDIT_READERS,
    # audit
    ("GET", f"{API}/audit"): AUDIT_READERS,
    # --- cases: service catalogue, referrals, decisions, appeals ---
    ("GET", f"{API}/service-catalogue"): CATALOGUE_READERS,
    ("POST", f"{API}/service-catalogue"): CATALOGUE_WRITERS,
    ("GET", f"{API}/service-catalogue/<string:code>"): CATALOGUE_READERS,
    ("PATCH", f"{API}/service-catalogue/<string:code>"): CATALOGUE_WRITERS,
    ("GET", f"{API}/service-catalogue/legal-bases"): CATALOGUE_READERS,
    ("POST", f"{API}/service-catalogue/legal-bases"): CATALOGUE_WRITERS,
    ("GET", f"{API}/service-catalogue/legal-bases/<string:code>"): CATALOGUE_READERS,
    ("PATCH", f"{API}/service-catalogue/legal-bases/<string:code>"): CATALOGUE_WRITERS,
    ("GET", f"{API}/provider-units"): PROVIDER_UNIT_READERS,
    ("POST", f"{API}/provider-units"): PROVIDER_UNIT_WRITERS,
    ("GET", f"{API}/provider-units/<uuid:provider_unit_id>"): PROVIDER_UNIT_READERS,
    ("PATCH", f"{API}/provider-units/<uuid:provider_unit_id>"): PROVIDER_UNIT_WRITERS,
    ("GET", f"{API}/referrals"): REFERRAL_READERS,
    ("POST", f"{API}/referrals"): CASE_WRITERS,
    ("GET", _REFERRAL): REFERRAL_READERS,
    ("PATCH", _REFERRAL): CASE_WRITERS,
    ("POST", f"{_REFERRAL}/start-assessment"): CASE_WRITERS,
    ("POST", f"{_REFERRAL}/assign"): CASE_WRITERS,
    ("POST", f"{_REFERRAL}/preliminary-reply"): CASE_WRITERS,
    ("POST", f"{_REFERRAL}/withdraw"): CASE_WRITERS,
    ("POST", f"{_REFERRAL}/forward"): CASE_WRITERS,
    ("GET", f"{API}/decisions"): DECISION_READERS,
    ("POST", f"{API}/decisions"): CASE_WRITERS,
    ("GET", _DECISION): DECISION_READERS,
    ("PATCH", _DECISION): CASE_WRITERS,
    ("POST", f"{_DECISION}/decide"): CASE_WRITERS,
    ("POST", f"{_DECISION}/notify"): CASE_WRITERS,
    ("POST", f"{_DECISION}/end"): CASE_WRITERS,
    ("POST", f"{_DECISION}/renew"): CASE_WRITERS,
    ("POST", f"{_DECISION}/discard"): CASE_WRITERS,
    ("GET", f"{_DECISION}/appeals"): APPEAL_READERS,
    ("POST", f"{_DECISION}/appeals"): CASE_WRITERS,
    ("GET", f"{_DECISION}/appeals/<uuid:appeal_id>"): APPEAL_READERS,
    ("PATCH", f"{_DECISION}/appeals/<uuid:appeal_id>"): CASE_WRITERS,
    ("POST", f"{_DECISION}/appeals/<uuid:appeal_id>/status"): CASE_WRITERS,
    # --- plans (individual plans and coordinators) ---
    # Row-level need-to-know in service/plans/services.py: a coordinator only its own
    # plans, a provider the plans of the persons it serves, a case officer edits only requests.
    ("GET", f"{API}/plans"): PLAN_READERS,
    ("POST", f"{API}/plans"): CASE_OFFICERS,
    ("GET", f"{API}/plans/<uuid:plan_id>"): PLAN_READERS,
    ("PATCH", f"{API}/plans/<uuid:plan_id>"): PLAN_WRITERS,
    ("POST", f"{API}/plans/<uuid:plan_id>/consent"): PLAN_WRITERS,
    ("POST", f"{API}/plans/<uuid:plan_id>/appoint-coordinator"): PLAN_WRITERS,
    ("POST", f"{API}/plans/<uuid:plan_id>/activate"): COORDINATORS,
    ("POST", f"{API}/plans/<uuid:plan_id>/decline"): PLAN_WRITERS,
    ("POST", f"{API}/plans/<uuid:plan_id>/close"): PLAN_WRITERS,
    ("GET", f"{API}/plans/<uuid:plan_id>/members"): PLAN_READERS,
    ("POST", f"{API}/plans/<uuid:plan_id>/members"): COORDINATORS,
    ("GET", f"{API}/plans/<uuid:plan_id>/members/<uuid:item_id>"): PLAN_READERS,
    ("PATCH", f"{API}/plans/<uuid:plan_id>/members/<uuid:item_id>"): COORDINATORS,
    ("GET", f"{API}/plans/<uuid:plan_id>/goals"): PLAN_READERS,
    ("POST", f"{API}/plans/<uuid:plan_id>/goals"): COORDINATORS,
    ("GET", f"{API}/plans/<uuid:plan_id>/goals/<uuid:item_id>"): PLAN_READERS,
    ("PATCH", f"{API}/plans/<uuid:plan_id>/goals/<uuid:item_id>"): COORDINATORS,
    ("GET", f"{API}/plans/<uuid:plan_id>/measures"): PLAN_READERS,
    ("POST", f"{API}/plans/<uuid:plan_id>/measures"): COORDINATORS,
    ("GET", f"{API}/plans/<uuid:plan_id>/measures/<uuid:item_id>"): PLAN_READERS,
    ("PATCH", f"{API}/plans/<uuid:plan_id>/measures/<uuid:item_id>"): COORDINATORS,
    ("GET", f"{API}/plans/<uuid:plan_id>/evaluations"): PLAN_READERS,
    ("POST", f"{API}/plans/<uuid:plan_id>/evaluations"): COORDINATORS,
    ("GET", f"{API}/plans/<uuid:plan_id>/evaluations/<uuid:item_id>"): PLAN_READERS,
    # --- end plans ---
    # --- housing ---
    # Units carry no person data: planners may read the stock. Needs are read by the
    # allocation office too, which may register them; offers and matching are the
    # housing office's; a provider reads tenancies of the persons it serves (rows
    # filtered in service.housing.offers).
    ("GET", f"{API}/housing/units"): HOUSING_UNIT_READERS,
    ("POST", f"{API}/housing/units"): HOUSING_WRITERS,
    ("GET", f"{API}/housing/units/<uuid:unit_id>"): HOUSING_UNIT_READERS,
    ("PATCH", f"{API}/housing/units/<uuid:unit_id>"): HOUSING_WRITERS,
    ("GET", f"{API}/housing/units/<uuid:unit_id>/inspections"): HOUSING_UNIT_READERS,
    ("POST", f"{API}/housing/units/<uuid:unit_id>/inspections"): HOUSING_WRITERS,
    ("POST", f"{API}/housing/units/<uuid:unit_id>/unavailable"): HOUSING_WRITERS,
    ("POST", f"{API}/housing/units/<uuid:unit_id>/available"): HOUSING_WRITERS,
    ("GET", f"{API}/housing/units/<uuid:unit_id>/candidates"): HOUSING_WRITERS,
    ("GET", f"{API}/housing/needs"): HOUSING_NEED_READERS,
    ("POST", f"{API}/housing/needs"): HOUSING_NEED_REGISTRARS,
    ("GET", f"{API}/housing/needs/<uuid:need_id>"): HOUSING_NEED_READERS,
    ("PATCH", f"{API}/housing/needs/<uuid:need_id>"): HOUSING_WRITERS,
    ("POST", f"{API}/housing/needs/<uuid:need_id>/park"): HOUSING_WRITERS,
    ("POST", f"{API}/housing/needs/<uuid:need_id>/resume"): HOUSING_WRITERS,
    ("POST", f"{API}/housing/needs/<uuid:need_id>/withdraw"): HOUSING_WRITERS,
    ("GET", f"{API}/housing/needs/<uuid:need_id>/candidates"): HOUSING_WRITERS,
    ("POST", f"{API}/housing/allocation-proposal"): HOUSING_WRITERS,
    ("GET", f"{API}/housing/offers"): HOUSING_WRITERS,
    ("POST", f"{API}/housing/offers"): HOUSING_WRITERS,
    ("GET", f"{API}/housing/offers/<uuid:offer_id>"): HOUSING_WRITERS,
    ("POST", f"{API}/housing/offers/<uuid:offer_id>/accept"): HOUSING_WRITERS,
    ("POST", f"{API}/housing/offers/<uuid:offer_id>/decline"): HOUSING_WRITERS,
    ("POST", f"{API}/housing/offers/<uuid:offer_id>/withdraw"): HOUSING_WRITERS,
    ("GET", f"{API}/housing/tenancies"): HOUSING_TENANCY_READERS,
    ("GET", f"{API}/housing/tenancies/<uuid:tenancy_id>"): HOUSING_TENANCY_READERS,
    ("POST", f"{API}/housing/tenancies/<uuid:tenancy_id>/end"): HOUSING_WRITERS,
}

def allowed_roles(method: str, rule: str) -> frozenset[str] | None:
    """Roles allowed on a route; None when the route has no entry (deny)."""
    return POLICY.get((method, rule))


def is_public(method: str, rule: str) -> bool:
    return (method, rule) in PUBLIC


def roles_for(method: str, rule: str) -> frozenset[str]:
    """Roles allowed on a route of the table; a view tied to a route the table lacks is a bug."""
    try:
        return POLICY[(method, rule)]
    except KeyError:
        raise LookupError(f"{method} {rule} is not in the policy table") from None


def may(role: str, method: str, rule: str) -> bool:
    """Whether ``role`` may call the route: how a view shown elsewhere (the person overview)
    follows the route that lists the same rows."""
    return role in roles_for(method, rule)


# --- row-level need-to-know, derived from the table above --------------------------------
# The services apply these on top of the route check; each follows the route that makes the
# role work across the whole municipality, so changing that route changes every view.

# Who registers persons works the municipality's caseload and sees every person; other roles
# see only the persons a feature's scope gives them (service.persons.access).
SEES_EVERY_PERSON = roles_for("POST", f"{API}/persons")
# Who writes decisions sees every decision; a provider its unit's decided ones, other
# readers those of the persons they may see (service.decisions.loading).
SEES_EVERY_DECISION = roles_for("POST", f"{API}/decisions")
# Who requests plans sees every plan; a coordinator the plans it coordinates, a provider
# those of the persons it serves (service.plans.services).
SEES_EVERY_PLAN = roles_for("POST", f"{API}/plans")
# A referral is assigned to a user who may work on it.
REFERRAL_ASSIGNEES = roles_for("POST", f"{_REFERRAL}/start-assessment")
# A plan's coordinator (as a user) is one who may run the plan.
PLAN_COORDINATOR_ROLES = roles_for("POST", f"{API}/plans/<uuid:plan_id>/activate")
# Who requests plans but does not run them edits a plan only while it is a request: the
# content of a plan in preparation or active is the coordinator's (service.plans.services).
EDITS_ONLY_REQUESTED_PLANS = SEES_EVERY_PLAN - PLAN_COORDINATOR_ROLES
