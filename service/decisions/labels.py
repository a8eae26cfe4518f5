"""Labels of the decision and appeal codes (the pattern: docs/architecture.md, "Labels")."""

from service.common.i18n import NP_

DOMAINS = {
    "decision_state": {
        "draft": NP_("decision_state", "Draft"),
        "discarded": NP_("decision_state", "Discarded"),
        "refused": NP_("decision_state", "Refused"),
        "upcoming": NP_("decision_state", "Upcoming"),
        "active": NP_("decision_state", "Active"),
        "expiring": NP_("decision_state", "Expiring soon"),
        "expired": NP_("decision_state", "Expired"),
        "ended": NP_("decision_state", "Ended"),
        "superseded": NP_("decision_state", "Superseded"),
    },
    "decision_outcome": {
        "granted": NP_("decision_outcome", "Granted"),
        "partly_granted": NP_("decision_outcome", "Partly granted"),
        "refused": NP_("decision_outcome", "Refused"),
    },
    "notification_channel": {
        "letter": NP_("notification_channel", "Letter"),
        "digital_mailbox": NP_("notification_channel", "Digital mailbox"),
        "in_person": NP_("notification_channel", "In person"),
    },
    "appeal_status": {
        "received": NP_("appeal_status", "Received"),
        "reassessing": NP_("appeal_status", "Under reassessment"),
        "reversed": NP_("appeal_status", "Reversed"),
        "forwarded": NP_("appeal_status", "Forwarded to the appeals body"),
        "upheld": NP_("appeal_status", "Upheld"),
        "overturned": NP_("appeal_status", "Changed by the appeals body"),
        "returned": NP_("appeal_status", "Returned for new consideration"),
    },
}
