"""Labels of the audit actions: code → English label, marked with its domain as context.

Contributed to ``GET /api/v1/labels`` in this feature's ``init_app``; the bokmål is in the
catalogue under the same context (``pgettext(domain, label)``)."""

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
