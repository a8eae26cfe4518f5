"""Labels of the audit actions (the pattern: docs/architecture.md, "Labels")."""

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
}
