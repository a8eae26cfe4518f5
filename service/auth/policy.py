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
HOUSING_WRITERS = frozenset({HOUSING_OFFICER})
HOUSING_UNIT_READERS = frozenset({HOUSING_OFFICER, CASE_OFFICER, PLANNER})
HOUSING_NEED_READERS = frozenset({HOUSING_OFFICER, CASE_OFFICER})
HOUSING_TENANCY_READERS = frozenset({HOUSING_OFFICER, PROVIDER})

API = "/api/v1"

# Reachable without a token.
PUBLIC: frozenset[tuple[str, str]] = frozenset({
    ("GET", f"{API}/health"),
    ("GET", f"{API}/openapi.json"),
    ("GET", f"{API}/docs"),
    ("GET", f"{API}/docs/static/<path:filename>"),
})

POLICY: dict[tuple[str, str], frozenset[str]] = {
    ("GET", f"{API}/me"): EVERYONE,
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
    ("POST", f"{API}/housing/needs"): HOUSING_NEED_READERS,
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
