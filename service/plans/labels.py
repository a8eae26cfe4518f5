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
    # Report table T7 (``plans.reports``).
    "report_rows_T7": {
        "active": NP_("report_rows_T7", "Active plans"),
        "in_preparation": NP_("report_rows_T7", "Plans in preparation"),
        "requested": NP_("report_rows_T7", "Plans requested"),
        "with_coordinator": NP_("report_rows_T7", "Open plans with a coordinator"),
        "evaluation_overdue": NP_("report_rows_T7", "Active plans with the evaluation overdue"),
        "service_users": NP_("report_rows_T7", "Service users"),
        "service_users_with_active_plan": NP_("report_rows_T7", "Service users with an active plan"),
        "share_with_plan": NP_("report_rows_T7", "Share of service users with an active plan (%)"),
    },
    "report_columns_T7": {
        "on_last_day": NP_("report_columns_T7", "On the last day"),
    },
}
