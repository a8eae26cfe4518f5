"""Labels of the individual plan codes (the pattern: docs/architecture.md, "Labels")."""

from service.common.i18n import NP_

DOMAINS = {
    "plan_status": {
        "requested": NP_("plan_status", "Requested"),
        "in_preparation": NP_("plan_status", "In preparation"),
        "active": NP_("plan_status", "Active"),
        "closed": NP_("plan_status", "Closed"),
        "declined": NP_("plan_status", "Declined"),
    },
    "goal_area": {
        "housing": NP_("goal_area", "Housing"),
        "work_activity": NP_("goal_area", "Work and activity"),
        "finances": NP_("goal_area", "Finances"),
        "physical_health": NP_("goal_area", "Physical health"),
        "mental_health": NP_("goal_area", "Mental health"),
        "substance_use": NP_("goal_area", "Substance use"),
        "social_network": NP_("goal_area", "Social network"),
    },
    "goal_status": {
        "open": NP_("goal_status", "Open"),
        "achieved": NP_("goal_status", "Achieved"),
        "not_achieved": NP_("goal_status", "Not achieved"),
        "discontinued": NP_("goal_status", "Discontinued"),
    },
    "measure_status": {
        "planned": NP_("measure_status", "Planned"),
        "ongoing": NP_("measure_status", "Ongoing"),
        "completed": NP_("measure_status", "Completed"),
        "discontinued": NP_("measure_status", "Discontinued"),
    },
}
