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
        "user": NP_("audit_object_type", "User"),
    },
    # The auditor's finding on a reviewed event (service/audit/review_models.py).
    "audit_review_finding": {
        "ok": NP_("audit_review_finding", "No remark"),
        "follow_up": NP_("audit_review_finding", "To be followed up"),
    },
    # What an event's ``detail`` says, where the feature that recorded it wrote a code (stored, so
    # never translated there): the whole detail ("list"), or its head before ": " ("fields: name,district",
    # "read in emergency access: <the reason>"). The pages show the label; a detail without one as it is
    # (service/web/audit/details.py reads the shapes with values in them).
    "audit_detail": {
        # reads
        "list": NP_("audit_detail", "Shown in a list"),
        "search": NP_("audit_detail", "Found by national id"),
        "overview": NP_("audit_detail", "Person page"),
        "worklist": NP_("audit_detail", "Worklist"),
        "candidates": NP_("audit_detail", "Matching: units for the need"),
        "candidates for unit": NP_("audit_detail", "Matching: candidates for a unit"),
        "allocation proposal": NP_("audit_detail", "Allocation proposal"),
        "allocation proposal, unassigned": NP_("audit_detail", "Allocation proposal: not assigned"),
        "access log search": NP_("audit_detail", "The auditor's search for an access log"),
        "audit listing": NP_("audit_detail", "Named in the auditor's follow-up"),
        "emergency access openings": NP_("audit_detail", "List of emergency openings"),
        "read in emergency access": NP_("audit_detail", "Read in emergency access"),
        # changes
        "fields": NP_("audit_detail", "Fields changed"),
        "start_assessment": NP_("audit_detail", "Assessment started"),
        "assign": NP_("audit_detail", "Assigned"),
        "preliminary_reply": NP_("audit_detail", "Preliminary reply sent"),
        "withdraw": NP_("audit_detail", "Withdrawn"),
        "forward": NP_("audit_detail", "Forwarded"),
        "decided": NP_("audit_detail", "Decided"),
        "handover": NP_("audit_detail", "Handed over to another officer"),
        "worklist handover": NP_("audit_detail", "Worklist handed over"),
        "decide": NP_("audit_detail", "Decision made"),
        "discard": NP_("audit_detail", "Draft discarded"),
        "end": NP_("audit_detail", "Ended"),
        "notify": NP_("audit_detail", "Notification recorded"),
        "notify corrected": NP_("audit_detail", "Notification corrected"),
        "supersedes": NP_("audit_detail", "Renewal of an earlier decision"),
        "superseded": NP_("audit_detail", "Superseded by a renewal"),
        "deadline recomputed: notification date changed": NP_(
            "audit_detail", "Appeal deadline recomputed: the notification date changed"),
        "received after the deadline": NP_("audit_detail", "Appeal received after the deadline"),
        "received more than one year after the decision (fvl § 31)": NP_(
            "audit_detail", "Appeal received more than one year after the decision (fvl § 31)"),
        "received after the deadline and more than one year after the decision (fvl § 31)": NP_(
            "audit_detail", "Appeal received after the deadline and more than one year after the decision (fvl § 31)"),
        "consent": NP_("audit_detail", "Consent recorded"),
        "coordinator appointed": NP_("audit_detail", "Coordinator appointed"),
        "requested by decision": NP_("audit_detail", "Requested by a decision"),
        "decision linked": NP_("audit_detail", "Decision linked"),
        "next evaluation set by evaluation": NP_("audit_detail", "Next evaluation set by an evaluation"),
        "accepted": NP_("audit_detail", "Offer accepted"),
        "declined": NP_("audit_detail", "Offer declined"),
        "withdrawn": NP_("audit_detail", "Withdrawn"),
        "expired": NP_("audit_detail", "Offer expired"),
        "need_class_mismatch": NP_("audit_detail", "Placed in a unit of a lower risk class than needed"),
        "ended": NP_("audit_detail", "Ended"),
        "parked": NP_("audit_detail", "Parked"),
        "resumed": NP_("audit_detail", "Resumed"),
        "lifted": NP_("audit_detail", "Block lifted"),
        "barred": NP_("audit_detail", "A user barred from the person"),
        "inspection": NP_("audit_detail", "Inspection recorded"),
        "available": NP_("audit_detail", "Available again"),
        "unavailable": NP_("audit_detail", "Unavailable"),
        "barred (per-person block)": NP_("audit_detail", "Refused: the user is barred from the person"),
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
