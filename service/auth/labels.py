"""Labels of the roles (the pattern: docs/architecture.md, "Labels")."""

from service.common.i18n import NP_

DOMAINS = {
    "role": {
        "case_officer": NP_("role", "Case officer"),
        "housing_officer": NP_("role", "Housing officer"),
        "coordinator": NP_("role", "Coordinator"),
        "provider": NP_("role", "Service provider"),
        "planner": NP_("role", "Planner"),
        "auditor": NP_("role", "Auditor"),
        "admin": NP_("role", "Administrator"),
    },
}
