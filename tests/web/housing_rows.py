"""A small housing office, built through the API as the office would: a green, a red and an
unclassified unit, and two waiting needs (shared by the housing page and browser tests)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from service.persons.national_id import generate_synthetic_national_id
from tests.helpers import GREEN, OK_OR_CREATED, ok

_API = "/api/v1"
RED = GREEN + ["enhanced_fire_safety", "water_leak_protection", "stove_guard", "systematic_supervision",
               "direct_fire_alarm", "robust_materials", "reinforced_windows_doors", "concealed_installations",
               "external_technical_room"]


@dataclasses.dataclass
class Office:
    units: dict
    needs: dict
    persons: dict


def housing_office(env, town, serial: int = 40) -> Office:
    officer, housing = env.caller("case_officer", town), env.caller("housing_officer", town)

    def unit(label, unit_type, features, **fields):
        return ok(housing.post(f"{_API}/housing/units", json={"label": label, "unit_type": unit_type,
                                                              "features": features, **fields}), OK_OR_CREATED)["id"]

    def person(name, number):
        return ok(officer.post(f"{_API}/persons", json={
            "name": name, "national_id": generate_synthetic_national_id(dt.date(1977, 5, 6), number),
            "sex": "female", "has_minor_children": "no", "district": "Sentrum"}), OK_OR_CREATED)["id"]

    units = {"green": unit("Grønnvegen 1", "ordinary_rental", GREEN, complex="Grønnvegen"),
             "red": unit("Robusthuset 2", "staffed_complex", RED, staffing="supervision", complex="Robusthuset"),
             "unclassified": unit("Uklar 3", "ordinary_rental", ["smoke_detector"])}
    persons = {"kari": person("Kari Venter", serial), "ola": person("Ola Robust", serial + 1)}
    needs = {
        # 20 (high) + 30 days × 0,1 + 30 (sleeping rough) + 10 (exact class) = 63 points for the green unit
        "kari": ok(housing.post(f"{_API}/housing/needs", json={
            "person_id": persons["kari"], "category": "ordinary", "housing_situation": "sleeping_rough",
            "urgency": "high", "registered_on": "2026-02-01"}), OK_OR_CREATED)["id"],
        # needs red with supervision: excluded from the green unit
        "ola": ok(housing.post(f"{_API}/housing/needs", json={
            "person_id": persons["ola"], "category": "robust_supervised", "housing_situation": "housed_insecure",
            "registered_on": "2026-01-01"}), OK_OR_CREATED)["id"],
    }
    return Office(units, needs, persons)


@dataclasses.dataclass
class Settled:
    """What the office has going on beside the waiting list: a unit let to a tenant, a pending
    offer, and a need that only a unit below its class could take now."""

    tenancy: str
    offer: str
    unit: str
    needs: dict
    persons: dict


def settled_office(env, town, office: Office, serial: int = 50) -> Settled:
    """Beside ``housing_office``: Tora Leier lives in Leilighet 4 (offered and accepted through the
    API), Ola Robust has a pending offer of Robusthuset 2, and Per Gul needs a yellow unit (the
    green one is below it: an offer needs a written reason)."""
    officer, housing = env.caller("case_officer", town), env.caller("housing_officer", town)

    def person(name, number):
        return ok(officer.post(f"{_API}/persons", json={
            "name": name, "national_id": generate_synthetic_national_id(dt.date(1980, 8, 9), number),
            "sex": "male", "has_minor_children": "no"}), OK_OR_CREATED)["id"]

    def need(person_id, **fields):
        return ok(housing.post(f"{_API}/housing/needs", json={
            "person_id": person_id, "category": "ordinary", "housing_situation": "with_friends_family",
            "registered_on": "2026-02-10", **fields}), OK_OR_CREATED)["id"]

    def offer(unit_id, need_id):
        return ok(housing.post(f"{_API}/housing/offers", json={
            "unit_id": unit_id, "need_id": need_id, "offered_on": "2026-03-01", "respond_by": "2026-03-20"}),
            OK_OR_CREATED)["id"]

    persons = {"tora": person("Tora Leier", serial), "per": person("Per Gul", serial + 1)}
    needs = {"tora": need(persons["tora"]), "per": need(persons["per"], required_risk_class="yellow")}
    unit = ok(housing.post(f"{_API}/housing/units", json={"label": "Leilighet 4", "unit_type": "ordinary_rental",
                                                          "features": GREEN}), OK_OR_CREATED)["id"]
    let = offer(unit, needs["tora"])
    accepted = ok(housing.post(f"{_API}/housing/offers/{let}/accept", json={"start_on": "2026-03-02",
                                                                             "responded_on": "2026-03-02"}))
    pending = offer(office.units["red"], office.needs["ola"])
    return Settled(accepted["tenancy_id"], pending, unit, needs, persons)
