"""``GET /persons/{id}/overview``: one person and what the features hold about them.

A read model composed by explicit calls: each feature answers plain rows through
a query function that applies its own row-level need-to-know (decisions a
provider's unit delivers, plans a coordinator coordinates, …), and
``schemas.py`` dumps them. A section is shown only when the caller may list
the same rows through the API (the route in ``SECTION_ROUTES``, looked up in
the policy table); otherwise it is ``None``. Every row shown is audited as a
read with the detail "overview", in the request's transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from service.audit.services import record_many
from service.auth.identity import current_user
from service.auth.policy import API, may
from service.decisions import appeals as decision_appeals
from service.decisions import services as decisions
from service.decisions.models import Appeal, Decision
from service.housing import needs as housing_needs
from service.housing import offers as housing_offers
from service.housing.models import HousingNeed, HousingOffer, Tenancy
from service.persons import services as persons
from service.persons.models import Person
from service.plans import services as plans
from service.plans.models import IndividualPlan
from service.referrals import services as referrals
from service.referrals.models import Referral

DETAIL = "overview"

# A section is visible iff the caller may GET the route listing the same rows.
SECTION_ROUTES = {
    "referrals": f"{API}/referrals",
    "decisions": f"{API}/decisions",
    "appeals": f"{API}/decisions/<uuid:decision_id>/appeals",
    "housing_needs": f"{API}/housing/needs",
    "housing_offers": f"{API}/housing/offers",
    "housing_tenancies": f"{API}/housing/tenancies",
    "plan": f"{API}/plans",
}


@dataclass(frozen=True)
class PersonOverview:
    """The sections are ``None`` when the caller's role may not see that kind of row."""

    person: Person
    referrals: list[Referral] | None
    decisions: dict[str, list[Decision]] | None  # by derived state, in order of first appearance
    appeals: list[Appeal] | None
    housing_needs: list[HousingNeed] | None
    housing_offers: list[HousingOffer] | None
    housing_tenancies: list[Tenancy] | None
    plan: IndividualPlan | None  # the open plan, else the latest; None also when there is none


def _may_see(section: str) -> bool:
    user = current_user()
    return user is None or may(user.role, "GET", SECTION_ROUTES[section])  # no user: CLI and jobs


def _shown(object_type: str, rows: list) -> list:
    record_many("read", object_type, [(row.id, row.person_id) for row in rows], detail=DETAIL)
    return rows


def _by_state(rows: list[Decision]) -> dict[str, list[Decision]]:
    grouped: dict[str, list[Decision]] = {}
    for decision in rows:
        grouped.setdefault(decision.state, []).append(decision)
    return grouped


def person_overview(person_id: uuid.UUID) -> PersonOverview:
    person = persons.get_person(person_id)  # 404 unless the caller may see the person; audited
    rows = {}
    for section, object_type, query in (
        ("referrals", "referral", referrals.open_referrals_of),
        ("decisions", "decision", decisions.decisions_of),
        ("appeals", "appeal", decision_appeals.appeals_of),
        ("housing_needs", "housing_need", housing_needs.needs_of_person),
        ("housing_offers", "housing_offer", housing_offers.offers_of_person),
        ("housing_tenancies", "housing_tenancy", housing_offers.tenancies_of_person),
    ):
        rows[section] = _shown(object_type, query(person.id)) if _may_see(section) else None
    plan = plans.plan_of(person.id) if _may_see("plan") else None
    if plan is not None:
        _shown(plans.OBJECT_PLAN, [plan])
    decided = rows.pop("decisions")
    return PersonOverview(person=person, decisions=None if decided is None else _by_state(decided),
                          plan=plan, **rows)
