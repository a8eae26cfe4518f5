"""Demo plans for ``demo seed``, built through the same service functions as the API.

Deterministic (the caller's ``random.Random``), relative to ``clock.today()``:
active plans with responsibility group, goals, measures and evaluations (one
with its evaluation overdue), plans in preparation and requested, one person
who declined the plan but kept the coordinator, and one closed plan.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

import sqlalchemy as sa

from service.auth.models import User
from service.common import clock
from service.extensions import db
from service.persons.models import Person
from service.plans import consent, evaluations, goals, members
from service.plans import services as plans

GOALS = (
    ("housing", "Egen bolig med oppfølging"),
    ("work_activity", "Delta i arbeidstrening to dager i uka"),
    ("finances", "Oversikt over økonomi og nedbetalingsplan"),
    ("physical_health", "Fast time hos fastlege og tannlege"),
    ("mental_health", "Færre innleggelser og en kriseplan"),
    ("substance_use", "Redusert rusbruk"),
    ("social_network", "Gjenoppta kontakt med familie"),
)
MEMBERS = (
    ("NAV Kragerø", "veileder", "Nina Nav"),
    ("Fastlegekontoret", "fastlege", "Dr. Lege"),
    ("DPS Kragerø", "behandler", "Per Poliklinikk"),
    ("Pårørende", "søster", "Eva Pårørende"),
    ("Boligkontoret", "saksbehandler", "Bo Bolig"),
)
MEASURES = (
    ("Boveiledning", "2 timer per uke", "Psykisk helse- og rustjenesten"),
    ("Samtaler med psykiatrisk sykepleier", "1 time per uke", "Psykisk helse- og rustjenesten"),
    ("Arbeidstrening", "2 dager per uke", "NAV Kragerø"),
    ("Økonomisk rådgivning", "ved behov", "NAV Kragerø"),
)


def _days_ago(days: int) -> dt.date:
    return clock.today() - dt.timedelta(days=days)


def _prepare(person: Person, coordinator: User, requested_days_ago: int) -> uuid.UUID:
    plan = plans.create_plan({"person_id": person.id, "requested_on": _days_ago(requested_days_ago),
                              "needs": "Langvarige og koordinerte tjenester fra flere aktører"})
    plans.appoint_coordinator(plan.id, {"user_id": coordinator.id,
                                        "appointed_on": _days_ago(requested_days_ago - 5)})
    consent.give_consent(plan.id, {"given_on": _days_ago(requested_days_ago - 10),
                                   "scope": "Individuell plan, ansvarsgruppe og informasjonsdeling",
                                   "information_sharing": True})
    return plan.id


def _fill(plan_id, rng: random.Random) -> None:
    for organisation, role, name in rng.sample(MEMBERS, 3):
        members.add_member(plan_id, {"organisation": organisation, "role": role, "name": name,
                                     "joined_on": _days_ago(200)})
    goal_ids = []
    for area, text in rng.sample(GOALS, 3):
        goal = goals.add_goal(plan_id, {"area": area, "text": text,
                                        "target_on": clock.today() + dt.timedelta(days=rng.randint(60, 300))})
        goal_ids.append(goal.id)
    for goal_id, (description, extent, organisation) in zip(goal_ids, rng.sample(MEASURES, 2), strict=False):
        goals.add_measure(plan_id, {"goal_id": goal_id, "description": description, "extent": extent,
                                    "responsible_organisation": organisation, "starts_on": _days_ago(150)})


def seed_plans(rng: random.Random) -> None:
    """Call inside ``tenant_scope(municipality.id)`` after persons and users exist."""
    coordinator = db.session.scalar(sa.select(User).where(User.username == "demo-coordinator"))
    people = list(db.session.scalars(sa.select(Person).order_by(Person.national_id)).all())
    chosen = rng.sample(people, 12)

    # Five active plans with goals and evaluations; the first one's evaluation is overdue.
    for index, person in enumerate(chosen[:5]):
        plan_id = _prepare(person, coordinator, 300)
        _fill(plan_id, rng)
        plans.activate(plan_id, {"activated_on": _days_ago(270), "next_evaluation_on": _days_ago(90)})
        if index == 0:
            evaluations.add_evaluation(plan_id, {"evaluated_on": _days_ago(180),
                                                 "summary": "Delvis fremgang; boligsøknad sendt.",
                                                 "next_evaluation_on": _days_ago(20)})
            continue
        evaluations.add_evaluation(plan_id, {"evaluated_on": _days_ago(90), "summary": "Fremgang på flere mål.",
                                             "next_evaluation_on": _days_ago(10)
                                             + dt.timedelta(days=rng.randint(40, 170))})
    # Two in preparation (one still without a coordinator: on the worklist), two requested (one
    # of them waiting for a coordinator).
    plan_id = _prepare(chosen[5], coordinator, 40)
    _fill(plan_id, rng)
    waiting = plans.create_plan({"person_id": chosen[6].id, "requested_on": _days_ago(40),
                                 "needs": "Koordinerte tjenester etter utskrivning"})
    consent.give_consent(waiting.id, {"given_on": _days_ago(30), "scope": "Individuell plan og ansvarsgruppe",
                                      "information_sharing": True})
    plans.create_plan({"person_id": chosen[7].id, "requested_on": _days_ago(12)})
    requested = plans.create_plan({"person_id": chosen[8].id, "requested_on": _days_ago(25)})
    plans.appoint_coordinator(requested.id, {"user_id": coordinator.id, "appointed_on": _days_ago(20)})
    # Declined the plan, kept the coordinator (helse- og omsorgstjenesteloven § 7-2).
    declined = plans.create_plan({"person_id": chosen[9].id, "requested_on": _days_ago(60)})
    plans.appoint_coordinator(declined.id, {"user_id": coordinator.id, "appointed_on": _days_ago(55)})
    plans.decline(declined.id, {"declined_on": _days_ago(50), "coordinator_only": True,
                                "reason": "Ønsker ikke individuell plan nå, men vil ha en fast kontaktperson"})
    # Declined outright, and a closed plan.
    plans.decline(plans.create_plan({"person_id": chosen[10].id, "requested_on": _days_ago(100)}).id,
                  {"declined_on": _days_ago(90), "coordinator_only": False, "reason": "Ønsker ikke plan"})
    closed_id = _prepare(chosen[11], coordinator, 500)
    plans.activate(closed_id, {"activated_on": _days_ago(480)})
    plans.close(closed_id, {"closed_on": _days_ago(30), "reason": "Mål nådd; tjenestene avsluttet"})
