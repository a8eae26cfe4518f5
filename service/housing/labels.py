"""Labels of the housing codes (units, needs, offers, tenancies, matching rules and score
terms) (the pattern: docs/architecture.md, "Labels")."""

from service.common.i18n import NP_

DOMAINS = {
    "risk_class": {
        "green": NP_("risk_class", "Green"),
        "yellow": NP_("risk_class", "Yellow"),
        "red": NP_("risk_class", "Red"),
    },
    "unit_type": {
        "ordinary_rental": NP_("unit_type", "Ordinary rental flat"),
        "care_home": NP_("unit_type", "Care home"),
        "staffed_complex": NP_("unit_type", "Staffed housing complex"),
        "training_flat": NP_("unit_type", "Training flat"),
        "aftercare_flat": NP_("unit_type", "Aftercare flat"),
        "temporary": NP_("unit_type", "Temporary accommodation"),
    },
    "staffing": {
        "none": NP_("staffing", "No staffing"),
        "supervision": NP_("staffing", "Supervision"),
        "staff_base": NP_("staffing", "Staff base"),
        "round_the_clock": NP_("staffing", "Round-the-clock staffing"),
    },
    "unit_owner": {
        "municipality": NP_("unit_owner", "Municipality"),
        "housing_foundation": NP_("unit_owner", "Housing foundation"),
        "private_lease": NP_("unit_owner", "Leased from a private owner"),
    },
    "unit_status": {
        "available": NP_("unit_status", "Available"),
        "reserved": NP_("unit_status", "Reserved"),
        "occupied": NP_("unit_status", "Occupied"),
        "unavailable": NP_("unit_status", "Unavailable"),
    },
    "unavailable_reason": {
        "damage": NP_("unavailable_reason", "Damage"),
        "renovation": NP_("unavailable_reason", "Renovation"),
        "other": NP_("unavailable_reason", "Other"),
    },
    "inspection_result": {
        "approved": NP_("inspection_result", "Approved"),
        "deficiencies": NP_("inspection_result", "Deficiencies found"),
    },
    "need_category": {
        "ordinary": NP_("need_category", "Ordinary housing"),
        "care_home_staffed": NP_("need_category", "Staffed care home"),
        "robust_supervised": NP_("need_category", "Robust housing with supervision"),
        "robust_staff_base": NP_("need_category", "Robust housing with staff base"),
        "training_flat": NP_("need_category", "Training flat"),
        "aftercare": NP_("need_category", "Aftercare housing"),
    },
    "housing_situation": {
        "temporary_accommodation": NP_("housing_situation", "Temporary accommodation"),
        "with_friends_family": NP_("housing_situation", "Staying with friends or family"),
        "institution_release": NP_("housing_situation", "Leaving an institution without a home"),
        "sleeping_rough": NP_("housing_situation", "Sleeping rough"),
        "housed_insecure": NP_("housing_situation", "Insecure housing"),
        "housed": NP_("housing_situation", "Housed"),
    },
    "need_urgency": {
        "normal": NP_("need_urgency", "Normal"),
        "high": NP_("need_urgency", "High"),
        "acute": NP_("need_urgency", "Acute"),
    },
    "need_status": {
        "waiting": NP_("need_status", "Waiting"),
        "offered": NP_("need_status", "Offered"),
        "housed": NP_("need_status", "Housed"),
        "withdrawn": NP_("need_status", "Withdrawn"),
        "parked": NP_("need_status", "On hold"),
    },
    "offer_status": {
        "pending": NP_("offer_status", "Awaiting reply"),
        "accepted": NP_("offer_status", "Accepted"),
        "declined": NP_("offer_status", "Declined"),
        "expired": NP_("offer_status", "Expired"),
        "withdrawn": NP_("offer_status", "Withdrawn"),
    },
    "tenancy_end_reason": {
        "moved_to_own_home": NP_("tenancy_end_reason", "Moved to own home"),
        "evicted": NP_("tenancy_end_reason", "Evicted"),
        "institution": NP_("tenancy_end_reason", "Moved to an institution"),
        "deceased": NP_("tenancy_end_reason", "Deceased"),
        "other": NP_("tenancy_end_reason", "Other"),
    },
    "exclusion_rule": {
        "not_available": NP_("exclusion_rule", "Unit not available"),
        "class_too_low": NP_("exclusion_rule", "Risk class too low"),
        "staffing_too_low": NP_("exclusion_rule", "Staffing too low"),
        "unit_type_unsuitable": NP_("exclusion_rule", "Unit type unsuitable"),
        "substance_free_required": NP_("exclusion_rule", "Needs a substance-free unit"),
        "substance_free_unit": NP_("exclusion_rule", "Substance-free unit, but active substance use"),
        "co_location_conflict": NP_("exclusion_rule", "A person to avoid lives in the same complex"),
        "no_capacity": NP_("exclusion_rule", "No capacity left"),
    },
    "score_term": {
        "urgency": NP_("score_term", "Urgency"),
        "days_waiting": NP_("score_term", "Days waiting"),
        "homelessness": NP_("score_term", "Homelessness category"),
        "needed_by": NP_("score_term", "Time to the needed-by date"),
        "class_fit": NP_("score_term", "Risk class fit"),
        "preferred_area": NP_("score_term", "Preferred area"),
    },
}
