"""Labels of the roles: code → English label, marked with its domain as context.

Contributed to ``GET /api/v1/labels`` in this feature's ``init_app``; the bokmål is in the
catalogue under the same context (``pgettext(domain, label)``)."""

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
