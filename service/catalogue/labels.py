"""Labels of the catalogue's report groups (the pattern: docs/architecture.md, "Labels")."""

from service.common.i18n import NP_

DOMAINS = {
    "report_group": {
        "home_based": NP_("report_group", "Home-based services"),
        "activity": NP_("report_group", "Activity services"),
        "housing_support": NP_("report_group", "Housing and guidance"),
        "substance_care": NP_("report_group", "Substance use services"),
        "rapid_mental_health": NP_("report_group", "Rapid mental health care"),
        "institution": NP_("report_group", "Stay in an institution"),
        "other": NP_("report_group", "Other"),
    },
}
