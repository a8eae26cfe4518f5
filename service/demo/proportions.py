"""The shares and sizes ``demo generate`` builds from. Proportions, from the municipal plans:

* about 3 % of inhabitants receive mental-health or substance-use services;
* the service mix and the hours per week per user: Kristiansund kommune, "Plan for
  psykisk helse og rus", table 1 (users per type of service) and table 2 (decided hours
  per week), 2020 column;
* the housing stock and the waiting list: Kragerø kommune, "Delplan for psykisk helse og
  rus 2019-2040", sections 4.1.3 and 6 (two staffed complexes with staff round the clock,
  ordinary rentals of the housing foundation, few red units, and four groups of unmet
  need: staffed care homes, robust red units with supervision, robust red units with a
  staff base, substance-free training flats).
"""

from __future__ import annotations

import dataclasses

# About 3 % of inhabitants receive municipal mental-health or substance-use services
# (Kristiansund kommune, "Plan for psykisk helse og rus": 709 service users in 2020 in a
# municipality of about 24,000; Kragerø kommune, "Delplan for psykisk helse og rus
# 2019-2040": about 140 users of about 10,400 inhabitants, before rapid mental-health help).
SERVICE_USER_SHARE = 0.03


@dataclasses.dataclass(frozen=True)
class Scale:
    persons: int          # rows in persons (service users, applicants, people on the waiting list)
    service_users: int    # persons with at least one decision
    decisions: int        # target; the decision chains land near it
    units: int
    needs: int


SCALES = {
    # 25,000 inhabitants: 3 % = 750 service users; the persons table also holds applicants.
    "municipal": Scale(persons=1_000, service_users=750, decisions=2_600, units=90, needs=130),
    # Between the two, for the growth curve (docs/performance.md): a tenth of ``large``.
    "regional": Scale(persons=10_000, service_users=7_500, decisions=100_000, units=1_000, needs=500),
    "large": Scale(persons=100_000, service_users=75_000, decisions=1_000_000, units=10_000, needs=5_000),
    "tiny": Scale(persons=50, service_users=36, decisions=120, units=16, needs=12),
}

# Users per type of service: Kristiansund kommune, "Plan for psykisk helse og rus", table 1
# ("oversikt antall brukere som mottar tjenester fra enhet for psykisk helse og rus"), 2020.
KRISTIANSUND_USERS_2020 = {
    "home_based": 235,           # Hjemmebaserte tjenester
    "activity": 140,             # Aktiviseringstilbud
    "housing_support": 36,       # Bo og veiledning
    "substance_care": 101,       # Rustjeneste, rusomsorg
    "rapid_mental_health": 199,  # Annet (RPH)
}
# Decided hours per week per type of service: the same plan, table 2 ("vedtakstimer på
# mottatte tjenester pr. uke"), 2020. Rapid mental-health help gives a standard number of
# conversations; one hour a week is assumed for it.
KRISTIANSUND_HOURS_2020 = {
    "home_based": 374.0,
    "activity": 1651.0,
    "housing_support": 1521.0,
    "substance_care": 153.0,
    "rapid_mental_health": 199.0,
}
# The catalogue services (service.catalogue.seed_data) each report group is decided under,
# with their weights inside the group.
GROUP_SERVICES = {
    "home_based": (("psykisk-helse-oppfolging", 6), ("kpr-15", 2), ("kpr-1", 1)),
    "activity": (("aktivitetstilbud", 5), ("kpr-4", 2), ("kpr-9", 2)),
    "housing_support": (("bo-og-veiledning", 5), ("kpr-29", 1), ("boligsosial-bistand", 1)),
    "substance_care": (("rus-oppfolging", 4), ("rus-praktisk-bistand-opplaering", 2)),
    "rapid_mental_health": (("rask-psykisk-helsehjelp", 1),),
}
IP_SERVICE = "individuell-plan-koordinator"

# What each decision chain ends in on the generation date (the last decision; the earlier
# ones of a chain were renewed and are superseded). Shares are this generator's assumption.
FINAL_STATES = (
    ("active", 28), ("expiring", 16), ("untimed", 20), ("expired", 12), ("ended", 10),
    ("refused", 8), ("upcoming", 2), ("draft", 4),
)
# Running decisions with an evaluation date (evaluate_by), spread from EVALUATE_BY_DAYS[0] to
# [1] days around the generation date, so that some evaluations are due or overdue.
EVALUATED_SHARE = 0.6
EVALUATE_BY_DAYS = (-60, 120)
PERIOD_DAYS = (91, 182, 365, 365, 730)
SECOND_SERVICE_SHARE = 0.3   # users with a decision on a second type of service
APPEAL_SHARE_REFUSED = 0.15
APPEAL_SHARE_GRANTED = 0.01
PLAN_SHARE = 0.15            # service users with an individual plan
OPEN_REFERRAL_SHARE = 0.08   # of persons, referrals still being answered

# Housing stock per 100 units, shaped like Kragerø kommune, "Delplan for psykisk helse og rus
# 2019-2040", 4.1.3 and 6: Holt and Sjådamveien 37-39 (two complexes with staff round the
# clock, ten flats), ordinary rentals of the housing foundation, training and aftercare flats,
# an acute place, and few red units (the plan asks for more of them).
KRAGERO_STOCK_PER_100 = {
    "staffed_complex": 22, "ordinary_rental": 58, "training_flat": 5, "aftercare_flat": 5,
    "temporary": 3, "red": 7,
}
STAFFED_COMPLEXES = ("Holt omsorgsboliger", "Sjådamveien bofellesskap")
# The waiting list's four groups of unmet need in the same plan (6-8 staffed care home
# places, 3-4 red units with supervision, 6-8 red units with a staff base, training flats
# after treatment or prison), plus ordinary and aftercare needs: relative weights.
KRAGERO_NEED_GROUPS = (
    ("care_home_staffed", 7), ("robust_supervised", 4), ("robust_staff_base", 7), ("training_flat", 4),
    ("ordinary", 4), ("aftercare", 2),
)
NEED_ACCEPTS = {  # need category -> stock kinds above that can house it
    "care_home_staffed": ("staffed_complex",), "robust_supervised": ("red",), "robust_staff_base": ("red",),
    "training_flat": ("training_flat",), "ordinary": ("ordinary_rental",), "aftercare": ("aftercare_flat",),
}
HOUSED_SHARE = 0.35
GREEN = ["smoke_detector", "fire_extinguisher"]
YELLOW = GREEN + ["enhanced_fire_safety", "water_leak_protection", "stove_guard", "systematic_supervision"]
RED = YELLOW + ["direct_fire_alarm", "robust_materials", "reinforced_windows_doors", "concealed_installations",
                "external_technical_room"]
