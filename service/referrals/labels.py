"""Labels of the referral codes (the pattern: docs/architecture.md, "Labels")."""

from service.common.i18n import NP_

DOMAINS = {
    "referral_source": {
        "gp": NP_("referral_source", "General practitioner"),
        "dps": NP_("referral_source", "DPS (district psychiatric centre)"),
        "specialist": NP_("referral_source", "Specialist health service"),
        "self": NP_("referral_source", "Self"),
        "nav": NP_("referral_source", "NAV (labour and welfare office)"),
        "relative": NP_("referral_source", "Relative"),
        "police": NP_("referral_source", "Police"),
        "school": NP_("referral_source", "School"),
        "other": NP_("referral_source", "Other"),
    },
    "referral_channel": {
        "electronic_message": NP_("referral_channel", "Electronic message"),
        "form": NP_("referral_channel", "Form"),
        "letter": NP_("referral_channel", "Letter"),
        "phone": NP_("referral_channel", "Phone"),
        "in_person": NP_("referral_channel", "In person"),
    },
    "referral_urgency": {
        "routine": NP_("referral_urgency", "Routine"),
        "urgent": NP_("referral_urgency", "Urgent"),
    },
    "referral_status": {
        "received": NP_("referral_status", "Received"),
        "assessing": NP_("referral_status", "Under assessment"),
        "decided": NP_("referral_status", "Decided"),
        "withdrawn": NP_("referral_status", "Withdrawn"),
        "forwarded": NP_("referral_status", "Forwarded"),
    },
    "care_pathway": {
        "1": NP_("care_pathway", "Pathway 1: mild or short-term"),
        "2": NP_("care_pathway", "Pathway 2: serious and short-term, or mild and long-term"),
        "3": NP_("care_pathway", "Pathway 3: serious and long-term"),
    },
}
