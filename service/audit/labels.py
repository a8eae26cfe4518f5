"""Labels of the audit codes: actions, object types, outcomes and the role an event was
recorded under (the pattern: docs/architecture.md, "Labels").

The codes are ``service/audit/models.py``'s ``ACTIONS``, ``OBJECT_TYPES``, ``OUTCOMES`` and
``ACTOR_ROLES``; ``tests/audit`` checks that each domain labels exactly those.
"""

from service.common.i18n import NP_

DOMAINS = {
    "audit_action": {
        "read": NP_("audit_action", "Read"),
        "create": NP_("audit_action", "Created"),
        "update": NP_("audit_action", "Updated"),
        "delete": NP_("audit_action", "Deleted"),
        "export": NP_("audit_action", "Exported"),
        "login": NP_("audit_action", "Logged in"),
        "denied": NP_("audit_action", "Access denied"),
    },
    "audit_object_type": {
        "person": NP_("audit_object_type", "Person"),
        "person_search": NP_("audit_object_type", "Person search"),
        "person_block": NP_("audit_object_type", "Per-person block"),
        "address_protection": NP_("audit_object_type", "Protected address"),
        "emergency_access": NP_("audit_object_type", "Emergency access"),
        "referral": NP_("audit_object_type", "Referral"),
        "decision": NP_("audit_object_type", "Decision"),
        "appeal": NP_("audit_object_type", "Appeal"),
        "individual_plan": NP_("audit_object_type", "Individual plan"),
        "plan_member": NP_("audit_object_type", "Plan member"),
        "plan_goal": NP_("audit_object_type", "Plan goal"),
        "plan_measure": NP_("audit_object_type", "Plan measure"),
        "plan_evaluation": NP_("audit_object_type", "Plan evaluation"),
        "housing_unit": NP_("audit_object_type", "Housing unit"),
        "housing_inspection": NP_("audit_object_type", "Housing unit inspection"),
        "housing_need": NP_("audit_object_type", "Housing need"),
        "housing_offer": NP_("audit_object_type", "Housing offer"),
        "housing_tenancy": NP_("audit_object_type", "Tenancy"),
        "housing_event": NP_("audit_object_type", "Housing event"),
        "housing_allocation_proposal": NP_("audit_object_type", "Housing allocation proposal"),
        "provider_unit": NP_("audit_object_type", "Provider unit"),
        "service_type": NP_("audit_object_type", "Service type"),
        "legal_basis": NP_("audit_object_type", "Legal basis"),
        "route": NP_("audit_object_type", "API operation"),
        "access_log": NP_("audit_object_type", "Access log"),
        "audit_log": NP_("audit_object_type", "Audit trail"),
        "audit_review": NP_("audit_object_type", "Audit review"),
        "idempotent_replay": NP_("audit_object_type", "Repeated request"),
        "report_snapshot": NP_("audit_object_type", "Report snapshot"),
        "report_live": NP_("audit_object_type", "Report computed live"),
    },
    # The auditor's finding on a reviewed event (service/audit/review_models.py).
    "audit_review_finding": {
        "ok": NP_("audit_review_finding", "No remark"),
        "follow_up": NP_("audit_review_finding", "To be followed up"),
    },
    "audit_outcome": {
        "ok": NP_("audit_outcome", "Done"),
        "denied": NP_("audit_outcome", "Denied"),
        "no_match": NP_("audit_outcome", "No match"),
    },
    # The user roles (as the "role" domain of service/auth labels them) and "system": jobs,
    # the CLI and seeding, with no user behind them.
    "audit_role": {
        "case_officer": NP_("audit_role", "Case officer"),
        "housing_officer": NP_("audit_role", "Housing officer"),
        "coordinator": NP_("audit_role", "Coordinator"),
        "provider": NP_("audit_role", "Service provider"),
        "planner": NP_("audit_role", "Planner"),
        "auditor": NP_("audit_role", "Auditor"),
        "admin": NP_("audit_role", "Administrator"),
        "system": NP_("audit_role", "System"),
    },
}
