"""Labels of the reports' own codes (GET /labels); the tables' rows and columns are labelled by
the features that contribute them."""

from service.common.i18n import NP_

DOMAINS = {
    "report_build_status": {
        "stored": NP_("report_build_status", "Stored as a new version"),
        "unchanged": NP_("report_build_status", "Unchanged: nothing stored"),
    },
    "report_unit": {
        "persons": NP_("report_unit", "Persons"),
        "decisions": NP_("report_unit", "Decisions"),
        "referrals": NP_("report_unit", "Referrals"),
        "appeals": NP_("report_unit", "Appeals"),
        "hours": NP_("report_unit", "Hours per week"),
        "days": NP_("report_unit", "Days"),
        "percent": NP_("report_unit", "Percent"),
        "units": NP_("report_unit", "Housing units"),
        "needs": NP_("report_unit", "Housing needs"),
        "offers": NP_("report_unit", "Offers"),
    },
}
