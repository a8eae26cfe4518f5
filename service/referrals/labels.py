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
    # Report table T4 (``referrals.reports``).
    "report_rows_T4": {
        "gp": NP_("report_rows_T4", "General practitioner"),
        "dps": NP_("report_rows_T4", "DPS (district psychiatric centre)"),
        "specialist": NP_("report_rows_T4", "Specialist health service"),
        "self": NP_("report_rows_T4", "Self"),
        "nav": NP_("report_rows_T4", "NAV (labour and welfare office)"),
        "relative": NP_("report_rows_T4", "Relative"),
        "police": NP_("report_rows_T4", "Police"),
        "school": NP_("report_rows_T4", "School"),
        "other": NP_("report_rows_T4", "Other"),
        "total": NP_("report_rows_T4", "Total"),
    },
    "report_columns_T4": {
        "received": NP_("report_columns_T4", "Received"),
        "decided": NP_("report_columns_T4", "Decided"),
        "median_days_to_decision": NP_("report_columns_T4", "Median days from receipt to decision"),
        "decided_within_month": NP_("report_columns_T4", "Decided within one month"),
        "share_within_month": NP_("report_columns_T4", "Share decided within one month (%)"),
        "preliminary_replies": NP_("report_columns_T4", "Preliminary replies sent"),
        "overdue_on_last_day": NP_("report_columns_T4", "Answer overdue on the last day"),
    },
}
