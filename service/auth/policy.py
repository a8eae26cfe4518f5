"""Who may call what: the single role × route table (deny by default).

Keys are ``(METHOD, rule)`` exactly as Flask registers the rule. A route that is
missing here is refused to everyone, and ``tests/security/test_policy.py`` fails
until it is added, so a new endpoint cannot ship without a decision about it.
The role sets of the resources that carry data come from the access matrix
(``service/auth/matrix.py``), which also says which rows and fields each role sees
(a coordinator's own plans, a provider's own unit, masked national ids); the services
and the answers apply those rules on top of this table.
"""

from __future__ import annotations

from service.auth import matrix
from service.auth.roles import ADMIN, ALL_ROLES, CASE_OFFICER, COORDINATOR, HOUSING_OFFICER, PLANNER, PROVIDER

# The role sets of the resources of the access matrix come from it (service/auth/matrix.py):
# who may read a resource's rows may list and read them here, who writes them may write here.
EVERYONE = frozenset(ALL_ROLES)
PERSON_READERS = matrix.readers(matrix.PERSON)
PERSON_WRITERS = matrix.writers(matrix.PERSON)
AUDIT_READERS = matrix.readers(matrix.AUDIT_LOG)
PLAN_READERS = matrix.readers(matrix.PLAN)
PLAN_WRITERS = matrix.writers(matrix.PLAN)
# Action by action within a plan: the coordinator runs it, the allocation office requests it.
COORDINATORS = frozenset({COORDINATOR})
CASE_OFFICERS = frozenset({CASE_OFFICER})
HOUSING_UNIT_WRITERS = matrix.writers(matrix.HOUSING_UNIT)
HOUSING_UNIT_READERS = matrix.readers(matrix.HOUSING_UNIT)
HOUSING_NEED_READERS = matrix.readers(matrix.HOUSING_NEED)
# The allocation office registers housing needs too (docs/housing.md, "Roles"); changing,
# parking and withdrawing them is the housing office's.
HOUSING_NEED_REGISTRARS = matrix.writers(matrix.HOUSING_NEED)
HOUSING_NEED_WRITERS = frozenset({HOUSING_OFFICER})
HOUSING_OFFER_READERS = matrix.readers(matrix.HOUSING_OFFER)
HOUSING_OFFER_WRITERS = matrix.writers(matrix.HOUSING_OFFER)
HOUSING_TENANCY_READERS = matrix.readers(matrix.HOUSING_TENANCY)
HOUSING_TENANCY_WRITERS = matrix.writers(matrix.HOUSING_TENANCY)
HOUSING_MATCHERS = matrix.readers(matrix.HOUSING_MATCH)
CATALOGUE_READERS = matrix.readers(matrix.SERVICE_CATALOGUE)
CATALOGUE_WRITERS = matrix.writers(matrix.SERVICE_CATALOGUE)
REFERRAL_READERS = matrix.readers(matrix.REFERRAL)
REFERRAL_WRITERS = matrix.writers(matrix.REFERRAL)
# Row-level rules (a provider's unit, a coordinator's plans, the housing group) are the
# matrix's row rules, applied by the services (service.decisions.loading).
DECISION_READERS = matrix.readers(matrix.DECISION)
DECISION_WRITERS = matrix.writers(matrix.DECISION)
APPEAL_READERS = matrix.readers(matrix.APPEAL)
APPEAL_WRITERS = matrix.writers(matrix.APPEAL)
# Colleagues' names and roles (to assign a referral, appoint a coordinator); no person data.
USER_READERS = matrix.readers(matrix.USER)
# Creating and disabling users, their passwords, second factors and API tokens: the administrator's.
USER_ADMINS = frozenset({ADMIN})
# The register of provider units: whoever reads decisions (which name a unit), planners
# (reports count by unit) and the administrator, who keeps it.
PROVIDER_UNIT_READERS = matrix.readers(matrix.PROVIDER_UNIT)
PROVIDER_UNIT_WRITERS = matrix.writers(matrix.PROVIDER_UNIT)
# Per-person blocks: the allocation office records and lifts them, the auditor reads them.
BLOCK_READERS = matrix.readers(matrix.PERSON_BLOCK)
BLOCK_WRITERS = matrix.writers(matrix.PERSON_BLOCK)
# Protected addresses and emergency access ("break the glass"): docs/security.md.
ADDRESS_PROTECTION_MARKERS = matrix.ADDRESS_PROTECTION_MARKERS
EMERGENCY_ACCESS_ROLES = matrix.EMERGENCY_ACCESS_ROLES
# The worklist (docs/worklist.md): its readers see their own flags (the matrix's worklist rule) and
# acknowledge them. An absent officer's work is handed over by the allocation office or the
# administrator (who sees no person data: the answer is counts only).
WORKLIST_READERS = matrix.readers(matrix.FLAG)
WORKLIST_WRITERS = matrix.writers(matrix.FLAG)
WORKLIST_HANDOVER = frozenset({CASE_OFFICER, ADMIN})
# Jobs (schedule, runs, a manual run) are the administrator's: no person data.
JOB_ADMINS = frozenset({ADMIN})
# Report tables are aggregates with small counts suppressed: the planner's, and the administrator's
# (who runs the monthly job). Each read is an audited export.
REPORT_READERS = frozenset({PLANNER, ADMIN})

API = "/api/v1"
_REFERRAL = f"{API}/referrals/<uuid:referral_id>"
_DECISION = f"{API}/decisions/<uuid:decision_id>"
# The officer web application (service/web): its pages are routes of this same table. They
# authenticate with the session cookie of a web login (service/auth/sessions.py), not a bearer
# token; a page shows what the API route it mirrors answers, so it takes that route's role set.
WEB = "/app"
# Every role has a start page and may log out; the navigation shows a role only the pages it may open.
WEB_USERS = EVERYONE

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
    # per-person blocks (a user barred from a person)
    ("GET", f"{API}/persons/<uuid:person_id>/blocks"): BLOCK_READERS,
    ("POST", f"{API}/persons/<uuid:person_id>/blocks"): BLOCK_WRITERS,
    ("GET", f"{API}/persons/<uuid:person_id>/blocks/<uuid:block_id>"): BLOCK_READERS,
    ("POST", f"{API}/persons/<uuid:person_id>/blocks/<uuid:block_id>/lift"): BLOCK_WRITERS,
    ("GET", f"{API}/person-blocks"): BLOCK_READERS,
    # protected addresses (kode 6/7) and emergency access ("break the glass")
    ("POST", f"{API}/persons/<uuid:person_id>/address-protection"): ADDRESS_PROTECTION_MARKERS,
    ("POST", f"{API}/persons/<uuid:person_id>/emergency-access"): EMERGENCY_ACCESS_ROLES,
    # audit, and its follow-up: emergency openings, the monthly sample, reviews
    ("GET", f"{API}/audit"): AUDIT_READERS,
    ("GET", f"{API}/audit/emergency-access"): AUDIT_READERS,
    ("GET", f"{API}/audit/sample"): AUDIT_READERS,
    ("POST", f"{API}/audit/reviews"): AUDIT_READERS,
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
    ("POST", f"{API}/referrals"): REFERRAL_WRITERS,
    ("GET", _REFERRAL): REFERRAL_READERS,
    ("PATCH", _REFERRAL): REFERRAL_WRITERS,
    ("POST", f"{_REFERRAL}/start-assessment"): REFERRAL_WRITERS,
    ("POST", f"{_REFERRAL}/assign"): REFERRAL_WRITERS,
    ("POST", f"{_REFERRAL}/preliminary-reply"): REFERRAL_WRITERS,
    ("POST", f"{_REFERRAL}/withdraw"): REFERRAL_WRITERS,
    ("POST", f"{_REFERRAL}/forward"): REFERRAL_WRITERS,
    ("GET", f"{API}/decisions"): DECISION_READERS,
    ("POST", f"{API}/decisions"): DECISION_WRITERS,
    ("GET", _DECISION): DECISION_READERS,
    ("PATCH", _DECISION): DECISION_WRITERS,
    ("POST", f"{_DECISION}/decide"): DECISION_WRITERS,
    ("POST", f"{_DECISION}/notify"): DECISION_WRITERS,
    ("POST", f"{_DECISION}/end"): DECISION_WRITERS,
    ("POST", f"{_DECISION}/renew"): DECISION_WRITERS,
    ("POST", f"{_DECISION}/discard"): DECISION_WRITERS,
    ("GET", f"{_DECISION}/appeals"): APPEAL_READERS,
    ("POST", f"{_DECISION}/appeals"): APPEAL_WRITERS,
    ("GET", f"{_DECISION}/appeals/<uuid:appeal_id>"): APPEAL_READERS,
    ("PATCH", f"{_DECISION}/appeals/<uuid:appeal_id>"): APPEAL_WRITERS,
    ("POST", f"{_DECISION}/appeals/<uuid:appeal_id>/status"): APPEAL_WRITERS,
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
    ("POST", f"{API}/housing/units"): HOUSING_UNIT_WRITERS,
    ("GET", f"{API}/housing/units/<uuid:unit_id>"): HOUSING_UNIT_READERS,
    ("PATCH", f"{API}/housing/units/<uuid:unit_id>"): HOUSING_UNIT_WRITERS,
    ("GET", f"{API}/housing/units/<uuid:unit_id>/inspections"): HOUSING_UNIT_READERS,
    ("POST", f"{API}/housing/units/<uuid:unit_id>/inspections"): HOUSING_UNIT_WRITERS,
    ("POST", f"{API}/housing/units/<uuid:unit_id>/unavailable"): HOUSING_UNIT_WRITERS,
    ("POST", f"{API}/housing/units/<uuid:unit_id>/available"): HOUSING_UNIT_WRITERS,
    ("GET", f"{API}/housing/units/<uuid:unit_id>/candidates"): HOUSING_MATCHERS,
    ("GET", f"{API}/housing/needs"): HOUSING_NEED_READERS,
    ("POST", f"{API}/housing/needs"): HOUSING_NEED_REGISTRARS,
    ("GET", f"{API}/housing/needs/<uuid:need_id>"): HOUSING_NEED_READERS,
    ("PATCH", f"{API}/housing/needs/<uuid:need_id>"): HOUSING_NEED_WRITERS,
    ("POST", f"{API}/housing/needs/<uuid:need_id>/park"): HOUSING_NEED_WRITERS,
    ("POST", f"{API}/housing/needs/<uuid:need_id>/resume"): HOUSING_NEED_WRITERS,
    ("POST", f"{API}/housing/needs/<uuid:need_id>/withdraw"): HOUSING_NEED_WRITERS,
    ("GET", f"{API}/housing/needs/<uuid:need_id>/candidates"): HOUSING_MATCHERS,
    ("POST", f"{API}/housing/allocation-proposal"): HOUSING_MATCHERS,
    ("GET", f"{API}/housing/offers"): HOUSING_OFFER_READERS,
    ("POST", f"{API}/housing/offers"): HOUSING_OFFER_WRITERS,
    ("GET", f"{API}/housing/offers/<uuid:offer_id>"): HOUSING_OFFER_READERS,
    ("POST", f"{API}/housing/offers/<uuid:offer_id>/accept"): HOUSING_OFFER_WRITERS,
    ("POST", f"{API}/housing/offers/<uuid:offer_id>/decline"): HOUSING_OFFER_WRITERS,
    ("POST", f"{API}/housing/offers/<uuid:offer_id>/withdraw"): HOUSING_OFFER_WRITERS,
    ("GET", f"{API}/housing/tenancies"): HOUSING_TENANCY_READERS,
    ("GET", f"{API}/housing/tenancies/<uuid:tenancy_id>"): HOUSING_TENANCY_READERS,
    ("POST", f"{API}/housing/tenancies/<uuid:tenancy_id>/end"): HOUSING_TENANCY_WRITERS,
    # --- worklist and jobs ---
    ("GET", f"{API}/worklist"): WORKLIST_READERS,
    ("GET", f"{API}/worklist/<uuid:flag_id>"): WORKLIST_READERS,
    ("POST", f"{API}/worklist/<uuid:flag_id>/acknowledge"): WORKLIST_WRITERS,
    ("POST", f"{API}/worklist/reassign"): WORKLIST_HANDOVER,
    ("GET", f"{API}/jobs"): JOB_ADMINS,
    ("POST", f"{API}/jobs/<string:name>/run"): JOB_ADMINS,
    # --- reports ---
    ("GET", f"{API}/reports/monthly"): REPORT_READERS,
    ("POST", f"{API}/reports/monthly"): REPORT_READERS,
    ("GET", f"{API}/reports/monthly/<string:period>"): REPORT_READERS,
    ("GET", f"{API}/reports/live"): REPORT_READERS,
}

# --- the officer web application (service/web) -------------------------------------------
# The same decisions for the pages, kept beside the API's entries rather than among them: the
# API's lists above are also the OpenAPI document's operations (tests/fuzz), the pages are not.
# Reachable without a session: the static files, and the login's steps (each checks what the
# session holds itself).
WEB_PUBLIC: frozenset[tuple[str, str]] = frozenset({
    ("GET", f"{WEB}/static/<path:filename>"),
    ("GET", f"{WEB}/login"),
    ("POST", f"{WEB}/login"),
    ("GET", f"{WEB}/login/code"),
    ("POST", f"{WEB}/login/code"),
    ("GET", f"{WEB}/login/enrol"),
    ("POST", f"{WEB}/login/enrol"),
    ("POST", f"{WEB}/login/oidc"),  # to the OpenID Connect provider (404 when none is configured)
    ("GET", f"{WEB}/login/oidc/callback"),  # back from it, with its code and state
})

# A page takes the role set of the API route whose rows it shows.
WEB_POLICY: dict[tuple[str, str], frozenset[str]] = {
    ("GET", f"{WEB}/"): WEB_USERS,
    ("POST", f"{WEB}/logout"): WEB_USERS,
    ("GET", f"{WEB}/account/password"): WEB_USERS,  # the user's own password
    ("POST", f"{WEB}/account/password"): WEB_USERS,
    ("GET", f"{WEB}/persons"): PERSON_READERS,  # GET /persons?name=
    ("POST", f"{WEB}/persons/search"): PERSON_READERS,  # POST /persons/search
    ("GET", f"{WEB}/persons/<uuid:person_id>"): PERSON_READERS,  # GET /persons/{id}/overview
    ("GET", f"{WEB}/referrals"): REFERRAL_READERS,  # GET /referrals?open=true
    # Henvendelser og vedtak (service/web/cases): each page takes its API route's role set.
    ("GET", f"{WEB}/cases/referrals/new"): REFERRAL_WRITERS,  # form of POST /referrals
    ("POST", f"{WEB}/cases/referrals"): REFERRAL_WRITERS,  # POST /referrals
    ("GET", f"{WEB}/cases/referrals/<uuid:referral_id>"): REFERRAL_READERS,  # GET /referrals/{id}
    ("POST", f"{WEB}/cases/referrals/<uuid:referral_id>/preliminary-reply"): REFERRAL_WRITERS,
    ("GET", f"{WEB}/cases/decisions/new"): DECISION_WRITERS,  # form of POST /decisions
    ("POST", f"{WEB}/cases/decisions"): DECISION_WRITERS,  # POST /decisions
    ("GET", f"{WEB}/cases/decisions/<uuid:decision_id>"): DECISION_READERS,  # GET /decisions/{id}
    ("POST", f"{WEB}/cases/decisions/<uuid:decision_id>/edit"): DECISION_WRITERS,  # PATCH /decisions/{id}
    ("POST", f"{WEB}/cases/decisions/<uuid:decision_id>/decide"): DECISION_WRITERS,
    ("POST", f"{WEB}/cases/decisions/<uuid:decision_id>/discard"): DECISION_WRITERS,
    ("POST", f"{WEB}/cases/decisions/<uuid:decision_id>/notify"): DECISION_WRITERS,
    ("GET", f"{WEB}/cases/decisions/<uuid:decision_id>/renew"): DECISION_WRITERS,
    ("POST", f"{WEB}/cases/decisions/<uuid:decision_id>/renew"): DECISION_WRITERS,
    ("POST", f"{WEB}/cases/decisions/<uuid:decision_id>/appeals"): APPEAL_WRITERS,
    ("POST", f"{WEB}/cases/decisions/<uuid:decision_id>/appeals/<uuid:appeal_id>/status"): APPEAL_WRITERS,
    # Bolig (service/web/housing): each page takes its API route's role set.
    ("GET", f"{WEB}/housing"): HOUSING_UNIT_READERS,  # GET /housing/units (and the stock's counts)
    ("GET", f"{WEB}/housing/units/<uuid:unit_id>"): HOUSING_UNIT_READERS,  # GET /housing/units/{id}
    ("GET", f"{WEB}/housing/units/<uuid:unit_id>/candidates"): HOUSING_MATCHERS,  # GET /units/{id}/candidates
    ("GET", f"{WEB}/housing/needs"): HOUSING_NEED_READERS,  # GET /housing/needs
    ("GET", f"{WEB}/housing/needs/<uuid:need_id>"): HOUSING_MATCHERS,  # GET /needs/{id}/candidates
    ("GET", f"{WEB}/housing/offers"): HOUSING_OFFER_READERS,  # GET /housing/offers
    ("POST", f"{WEB}/housing/offers"): HOUSING_OFFER_WRITERS,  # POST /housing/offers
    ("GET", f"{WEB}/housing/offers/<uuid:offer_id>"): HOUSING_OFFER_READERS,  # GET /housing/offers/{id}
    ("POST", f"{WEB}/housing/offers/<uuid:offer_id>/accept"): HOUSING_OFFER_WRITERS,
    ("POST", f"{WEB}/housing/offers/<uuid:offer_id>/decline"): HOUSING_OFFER_WRITERS,
    ("GET", f"{WEB}/housing/tenancies"): HOUSING_TENANCY_READERS,  # GET /housing/tenancies
    # Individuell plan (service/web/plans)
    ("GET", f"{WEB}/plans"): PLAN_READERS,  # GET /plans
    ("GET", f"{WEB}/plans/<uuid:plan_id>"): PLAN_READERS,  # GET /plans/{id} and its parts
    ("POST", f"{WEB}/plans/<uuid:plan_id>/consent"): PLAN_WRITERS,  # POST /plans/{id}/consent
    ("POST", f"{WEB}/plans/<uuid:plan_id>/activate"): COORDINATORS,  # POST /plans/{id}/activate
    ("POST", f"{WEB}/plans/<uuid:plan_id>/evaluations"): COORDINATORS,  # POST /plans/{id}/evaluations
    # --- plans: members, goals, measures, coordinator (service/web/plans) ---
    ("POST", f"{WEB}/plans/<uuid:plan_id>/appoint-coordinator"): PLAN_WRITERS,  # POST /plans/{id}/appoint-coordinator
    ("POST", f"{WEB}/plans/<uuid:plan_id>/decline"): PLAN_WRITERS,  # POST /plans/{id}/decline
    ("POST", f"{WEB}/plans/<uuid:plan_id>/close"): PLAN_WRITERS,  # POST /plans/{id}/close
    ("POST", f"{WEB}/plans/<uuid:plan_id>/members"): COORDINATORS,  # POST /plans/{id}/members
    ("POST", f"{WEB}/plans/<uuid:plan_id>/members/<uuid:item_id>/edit"): COORDINATORS,  # PATCH …/members/{id}
    ("POST", f"{WEB}/plans/<uuid:plan_id>/goals"): COORDINATORS,  # POST /plans/{id}/goals
    ("POST", f"{WEB}/plans/<uuid:plan_id>/goals/<uuid:item_id>/edit"): COORDINATORS,  # PATCH …/goals/{id}
    ("POST", f"{WEB}/plans/<uuid:plan_id>/measures"): COORDINATORS,  # POST /plans/{id}/measures
    ("POST", f"{WEB}/plans/<uuid:plan_id>/measures/<uuid:item_id>/edit"): COORDINATORS,  # PATCH …/measures/{id}
    # --- housing: proposal, needs, offers, tenancies (service/web/housing) ---
    ("GET", f"{WEB}/housing/proposal"): HOUSING_MATCHERS,  # POST /housing/allocation-proposal (changes nothing)
    ("GET", f"{WEB}/housing/needs/new"): HOUSING_NEED_REGISTRARS,  # form of POST /housing/needs
    ("POST", f"{WEB}/housing/needs"): HOUSING_NEED_REGISTRARS,  # POST /housing/needs
    ("POST", f"{WEB}/housing/needs/<uuid:need_id>/park"): HOUSING_NEED_WRITERS,
    ("POST", f"{WEB}/housing/needs/<uuid:need_id>/resume"): HOUSING_NEED_WRITERS,
    ("POST", f"{WEB}/housing/needs/<uuid:need_id>/withdraw"): HOUSING_NEED_WRITERS,
    ("POST", f"{WEB}/housing/offers/<uuid:offer_id>/withdraw"): HOUSING_OFFER_WRITERS,
    ("GET", f"{WEB}/housing/tenancies/<uuid:tenancy_id>"): HOUSING_TENANCY_READERS,  # GET /tenancies/{id}
    ("POST", f"{WEB}/housing/tenancies/<uuid:tenancy_id>/end"): HOUSING_TENANCY_WRITERS,
    ("POST", f"{WEB}/housing/units/<uuid:unit_id>/unavailable"): HOUSING_UNIT_WRITERS,
    ("POST", f"{WEB}/housing/units/<uuid:unit_id>/available"): HOUSING_UNIT_WRITERS,
    ("POST", f"{WEB}/housing/units/<uuid:unit_id>/inspections"): HOUSING_UNIT_WRITERS,
    # --- login: OpenID Connect (service/web/auth) ---
    # (none: its start and callback are steps of the login, in WEB_PUBLIC above)
    # --- Arbeidsliste (service/web/worklist) ---
    ("GET", f"{WEB}/worklist"): WORKLIST_READERS,  # GET /worklist
    ("POST", f"{WEB}/worklist/<uuid:flag_id>/acknowledge"): WORKLIST_WRITERS,  # POST /worklist/{id}/acknowledge
    ("GET", f"{WEB}/worklist/handover"): WORKLIST_HANDOVER,  # the form of POST /worklist/reassign
    ("POST", f"{WEB}/worklist/handover"): WORKLIST_HANDOVER,  # POST /worklist/reassign
    # --- Rapporter (service/web/reports) ---
    ("GET", f"{WEB}/reports"): REPORT_READERS,  # GET /reports/monthly
    ("POST", f"{WEB}/reports"): REPORT_READERS,  # POST /reports/monthly
    ("GET", f"{WEB}/reports/<string:period>"): REPORT_READERS,  # GET /reports/monthly/{period}
    ("GET", f"{WEB}/reports/<string:period>/charts/<string:table>.png"): REPORT_READERS,  # its charts
    ("GET", f"{WEB}/reports/<string:period>/files/<string:fmt>"): REPORT_READERS,  # {period}.xlsx|docx|zip
    # --- Tilgangslogg (service/web/audit) ---
    ("GET", f"{WEB}/audit"): AUDIT_READERS,  # the look-up of whose access log (service/audit/lookup.py)
    ("POST", f"{WEB}/audit/persons"): AUDIT_READERS,  # by name or national id, posted
    ("GET", f"{WEB}/audit/persons/<uuid:person_id>"): AUDIT_READERS,  # GET /persons/{id}/access-log
    ("GET", f"{WEB}/audit/emergency-access"): AUDIT_READERS,  # GET /audit/emergency-access
    ("GET", f"{WEB}/audit/sample"): AUDIT_READERS,  # GET /audit/sample
    ("POST", f"{WEB}/audit/reviews"): AUDIT_READERS,  # POST /audit/reviews
    # --- Administrasjon (service/web/admin) ---
    # The area's start page: whoever keeps one of its registers.
    ("GET", f"{WEB}/admin"): USER_ADMINS | PROVIDER_UNIT_WRITERS | CATALOGUE_WRITERS | JOB_ADMINS,
    ("GET", f"{WEB}/admin/users"): USER_ADMINS,  # the users, with the form of `user create`
    ("POST", f"{WEB}/admin/users"): USER_ADMINS,  # `user create`
    ("GET", f"{WEB}/admin/users/<uuid:user_id>"): USER_ADMINS,
    ("POST", f"{WEB}/admin/users/<uuid:user_id>/disable"): USER_ADMINS,  # `user disable`
    ("POST", f"{WEB}/admin/users/<uuid:user_id>/password"): USER_ADMINS,  # `user set-password`
    ("POST", f"{WEB}/admin/users/<uuid:user_id>/second-factor"): USER_ADMINS,  # enrol again at the next login
    ("POST", f"{WEB}/admin/users/<uuid:user_id>/tokens"): USER_ADMINS,  # `token issue`
    ("POST", f"{WEB}/admin/users/<uuid:user_id>/tokens/revoke"): USER_ADMINS,  # `token revoke`
    # The registers' pages are the forms of their writes (POST, PATCH), so they take the writers' set.
    ("GET", f"{WEB}/admin/provider-units"): PROVIDER_UNIT_WRITERS,  # GET /provider-units, form of POST
    ("POST", f"{WEB}/admin/provider-units"): PROVIDER_UNIT_WRITERS,  # POST /provider-units
    ("GET", f"{WEB}/admin/provider-units/<uuid:provider_unit_id>"): PROVIDER_UNIT_WRITERS,  # form of PATCH
    ("POST", f"{WEB}/admin/provider-units/<uuid:provider_unit_id>"): PROVIDER_UNIT_WRITERS,  # PATCH
    ("GET", f"{WEB}/admin/services"): CATALOGUE_WRITERS,  # GET /service-catalogue, form of POST
    ("POST", f"{WEB}/admin/services"): CATALOGUE_WRITERS,  # POST /service-catalogue
    ("GET", f"{WEB}/admin/services/<string:code>"): CATALOGUE_WRITERS,  # form of PATCH
    ("POST", f"{WEB}/admin/services/<string:code>"): CATALOGUE_WRITERS,  # PATCH /service-catalogue/{code}
    ("GET", f"{WEB}/admin/legal-bases"): CATALOGUE_WRITERS,  # GET /service-catalogue/legal-bases, form of POST
    ("POST", f"{WEB}/admin/legal-bases"): CATALOGUE_WRITERS,  # POST /service-catalogue/legal-bases
    ("GET", f"{WEB}/admin/legal-bases/<string:code>"): CATALOGUE_WRITERS,  # form of PATCH
    ("POST", f"{WEB}/admin/legal-bases/<string:code>"): CATALOGUE_WRITERS,  # PATCH …/legal-bases/{code}
    ("GET", f"{WEB}/admin/jobs"): JOB_ADMINS,  # GET /jobs
    ("POST", f"{WEB}/admin/jobs/<string:name>/run"): JOB_ADMINS,  # POST /jobs/{name}/run
}

# The pages a user whose password someone else set may open before choosing their own
# (``User.password_must_change``): every other page sends them to the first of these.
WHILE_PASSWORD_MUST_CHANGE: frozenset[tuple[str, str]] = frozenset({
    ("GET", f"{WEB}/account/password"),
    ("POST", f"{WEB}/account/password"),
    ("POST", f"{WEB}/logout"),
})


def allowed_roles(method: str, rule: str) -> frozenset[str] | None:
    """Roles allowed on a route (of the API or a page); None when the route has no entry (deny)."""
    return (WEB_POLICY if is_web(rule) else POLICY).get((method, rule))


def is_public(method: str, rule: str) -> bool:
    return (method, rule) in (WEB_PUBLIC if is_web(rule) else PUBLIC)


def is_web(rule: str) -> bool:
    """Whether a route is a page of the web application (session login) rather than the API (bearer token)."""
    return rule == WEB or rule.startswith(f"{WEB}/")


def roles_for(method: str, rule: str) -> frozenset[str]:
    """Roles allowed on a route of the table; a view tied to a route the table lacks is a bug."""
    try:
        return (WEB_POLICY if is_web(rule) else POLICY)[(method, rule)]
    except KeyError:
        raise LookupError(f"{method} {rule} is not in the policy table") from None


def may(role: str, method: str, rule: str) -> bool:
    """Whether ``role`` may call the route: how a view shown elsewhere (the person overview)
    follows the route that lists the same rows."""
    return role in roles_for(method, rule)


# --- who may be named where, derived from the table above ---------------------------------
# Row-level need-to-know is the access matrix's (service/auth/matrix.py), not these.

# A referral is assigned to a user who may work on it.
REFERRAL_ASSIGNEES = roles_for("POST", f"{_REFERRAL}/start-assessment")
# A plan's coordinator (as a user) is one who may run the plan.
PLAN_COORDINATOR_ROLES = roles_for("POST", f"{API}/plans/<uuid:plan_id>/activate")
# Who requests plans but does not run them edits a plan only while it is a request: the
# content of a plan in preparation or active is the coordinator's (service.plans.services).
EDITS_ONLY_REQUESTED_PLANS = roles_for("POST", f"{API}/plans") - PLAN_COORDINATOR_ROLES
# Whose worklist a flag left to an office (no user named) is on.
OFFICE_ROLES = {"case_office": CASE_OFFICER, "housing_office": HOUSING_OFFICER, "provider_unit": PROVIDER}
