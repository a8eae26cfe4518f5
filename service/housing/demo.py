"""Demo housing stock and waiting list shaped like Kragerø (plan section 6.1).

Kragerø has two care homes with staff around the clock (nine flats and one
acute place in all), ordinary municipal rentals owned by the housing
foundation (Kragerø kommunale Boligstiftelse), and no red unit — while about
ten people need one. The waiting list carries the plan's four groups of unmet
need: staffed care homes for older users in active use with cognitive
impairment (6-8), robust red units with supervision (3-4), robust red units
with a staff base (6-8), and substance-free training flats after treatment or
prison. Everything goes through the same service functions as the API.
"""

from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa

from service.common import clock
from service.extensions import db
from service.housing import needs as needs_service
from service.housing import offers as offers_service
from service.housing import units as units_service
from service.housing.models import HOMELESS_SITUATIONS
from service.persons.models import Person

GREEN = ["smoke_detector", "fire_extinguisher"]
YELLOW = GREEN + ["enhanced_fire_safety", "water_leak_protection", "stove_guard", "systematic_supervision"]


def seed_housing(rng: random.Random, districts) -> None:
    today = clock.today()
    units = _seed_units(rng, districts, today)
    people = list(db.session.scalars(sa.select(Person).order_by(Person.national_id)).all())
    rng.shuffle(people)
    people = iter(people)
    _seed_tenancies(rng, units, people, today)
    _seed_waiting_list(rng, units, people, districts, today)


def _unit(**fields):
    return units_service.create_unit(fields)


def _seed_units(rng, districts, today) -> dict[str, list]:
    units: dict[str, list] = {"complex": [], "ordinary": [], "training": [], "aftercare": [], "temporary": []}
    for name, count, district in (("Tangen omsorgsboliger", 5, "Kragerø sentrum"),
                                  ("Sannidal bofellesskap", 4, "Sannidal")):
        for n in range(1, count + 1):
            units["complex"].append(_unit(
                label=f"{name.split()[0]} {n}", complex=name, district=district, unit_type="staffed_complex",
                features=YELLOW, staffing="round_the_clock", owner="municipality",
                next_inspection_on=today + dt.timedelta(days=rng.randint(10, 300))))
    units["temporary"].append(_unit(
        label="Sannidal akuttplass", complex="Sannidal bofellesskap", district="Sannidal", unit_type="temporary",
        features=YELLOW, staffing="round_the_clock", max_stay_months=3, owner="municipality"))
    for n in range(1, 19):
        units["ordinary"].append(_unit(
            label=f"Boligstiftelsen {n:02d}", address=f"Storgata {n * 2}", district=rng.choice(districts),
            unit_type="ordinary_rental", features=YELLOW if n % 4 == 0 else GREEN, owner="housing_foundation",
            next_inspection_on=today + dt.timedelta(days=rng.randint(-20, 365))))
    for n in (1, 2):
        units["training"].append(_unit(
            label=f"Treningsleilighet {n}", district="Kragerø sentrum", unit_type="training_flat", features=GREEN,
            substance_free=True, max_stay_months=24, owner="municipality"))
        units["aftercare"].append(_unit(
            label=f"Ettervern {n}", district="Helle", unit_type="aftercare_flat", features=GREEN,
            owner="private_lease", max_stay_months=12))
    # One flat out of use after water damage, one never inspected (no extinguisher recorded: no class).
    units_service.mark_unavailable(units["ordinary"][-1].id, {"reason": "damage", "note": "Vannskade, bad"})
    _unit(label="Boligstiftelsen 19", district="Levangsheia", unit_type="ordinary_rental",
          features=["smoke_detector"], owner="housing_foundation")
    return units


def _house(person, unit, today, need_fields, days_ago):
    need = needs_service.create_need({"person_id": person.id, "registered_on": today - dt.timedelta(days=days_ago + 60),
                                      **need_fields})
    offered_on = today - dt.timedelta(days=days_ago)
    offer = offers_service.create_offer({"unit_id": unit.id, "need_id": need.id, "offered_on": offered_on,
                                         "respond_by": today})
    offers_service.accept_offer(offer.id, {"start_on": offered_on + dt.timedelta(days=3)})


def _seed_tenancies(rng, units, people, today) -> None:
    for unit in units["complex"][:8]:
        _house(next(people), unit, today, {"category": "care_home_staffed", "housing_situation": "institution_release",
                                           "active_substance_use": rng.random() < 0.6}, rng.randint(30, 900))
    for unit in units["ordinary"][:12]:
        _house(next(people), unit, today, {"category": "ordinary", "housing_situation": "housed_insecure"},
               rng.randint(30, 1500))
    # the maximum stay (24 months) ends within 90 days: on the worklist
    _house(next(people), units["training"][0], today,
           {"category": "training_flat", "housing_situation": "institution_release"}, 680)
    # no red unit is free: a person who needs one is housed in a yellow staffed flat meanwhile (on the worklist)
    need = needs_service.create_need({"person_id": next(people).id, "category": "robust_supervised",
                                      "housing_situation": "sleeping_rough", "active_substance_use": True,
                                      "registered_on": today - dt.timedelta(days=120)})
    offer = offers_service.create_offer({"unit_id": units["complex"][8].id, "need_id": need.id,
                                         "offered_on": today - dt.timedelta(days=40), "respond_by": today,
                                         "class_mismatch_reason": "Akutt bostedsløs; ingen rød bolig ledig"})
    offers_service.accept_offer(offer.id, {"start_on": today - dt.timedelta(days=35),
                                           "responded_on": today - dt.timedelta(days=38)})


def _seed_waiting_list(rng, units, people, districts, today) -> None:
    groups = (
        # (count, category, extra fields)
        (7, "care_home_staffed", {"active_substance_use": True}),          # group 1
        (4, "robust_supervised", {"active_substance_use": True}),          # group 2 (red)
        (6, "robust_staff_base", {"active_substance_use": True, "urgency": "high"}),  # group 3 (red)
        (4, "training_flat", {"requires_substance_free": True}),           # group 4
        (4, "ordinary", {}),
        (2, "aftercare", {}),
    )
    created = []
    for count, category, extra in groups:
        for _ in range(count):
            situation = (rng.choice(HOMELESS_SITUATIONS + ("housed_insecure",)) if category != "ordinary"
                         else rng.choice(("housed_insecure", "with_friends_family")))
            need = needs_service.create_need({
                "person_id": next(people).id, "category": category, "housing_situation": situation,
                "registered_on": today - dt.timedelta(days=rng.randint(5, 420)),
                "urgency": extra.get("urgency", rng.choice(("normal", "normal", "high"))),
                "preferred_areas": rng.sample(list(districts), rng.randint(0, 2)),
                **{k: v for k, v in extra.items() if k != "urgency"},
            })
            created.append(need)
    # A co-location conflict: one red-need person must not live near a care-home resident.
    resident = db.session.scalar(sa.select(Person).join(
        offers_service.Tenancy, offers_service.Tenancy.person_id == Person.id).order_by(Person.national_id))
    conflicted = next(n for n in created if n.category == "care_home_staffed")
    conflicted.avoid_person_ids = [str(resident.id)]
    # One parked (in treatment), one with a pending offer.
    parked = next(n for n in created if n.category == "training_flat")
    needs_service.park_need(parked.id, {"until": today + dt.timedelta(days=45), "reason": "I behandling, utskrives snart"})
    ordinary = [n for n in created if n.category == "ordinary"]
    free = [u for u in units["ordinary"] if u.status == "available" and u.risk_class]
    offers_service.create_offer({"unit_id": free[0].id, "need_id": ordinary[0].id, "offered_on": today,
                                 "respond_by": today + dt.timedelta(days=14)})
    # an offer not answered in time: the offers job expires it and frees the unit (on the worklist)
    late = next(n for n in ordinary[1:] if n.registered_on <= today - dt.timedelta(days=20))
    offers_service.create_offer({"unit_id": free[1].id, "need_id": late.id,
                                 "offered_on": today - dt.timedelta(days=20), "respond_by": today - dt.timedelta(days=6)})
