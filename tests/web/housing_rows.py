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
