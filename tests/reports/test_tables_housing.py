"""Report tables T8 (housing stock) and T9 (housing needs), computed by hand.

The units, needs, offers and tenancies are made through the API with the clock moved to the day of
each change, so that the units' and needs' history is written by the real code paths (the offices
register their older needs on 1 September with the day they were really registered). The tables
are built for October 2026 in December, after November's changes, and must give October's numbers.
"""

from __future__ import annotations

import decimal

import pytest

from service.housing.models import HOMELESS_SITUATIONS, NEED_CATEGORIES
from service.housing.reports import REPORT_RELATIONS as HOUSING_CROSS_RELATIONS
from tests.helpers import at, ok
from tests.reports.table_checks import assert_relations_hold, assert_well_formed, compute_tables, grid

U = "/api/v1/housing/units"
N = "/api/v1/housing/needs"
O = "/api/v1/housing/offers"
T = "/api/v1/housing/tenancies"
GREEN = ["smoke_detector", "fire_extinguisher"]
YELLOW = GREEN + ["enhanced_fire_safety", "water_leak_protection", "stove_guard", "systematic_supervision"]
RED = YELLOW + ["direct_fire_alarm", "robust_materials", "reinforced_windows_doors", "concealed_installations",
                "external_technical_room"]
BUILT_ON = "2026-12-05"


@pytest.fixture(autouse=True)
def first_of_september(frozen_clock):
    """The callers are made (and their 90-day tokens issued) on 1 September 2026."""
    frozen_clock.set(at("2026-09-01"))


class Office:
    """The housing office's steps; ``office(day)`` moves the clock to the day they are taken on."""

    def __init__(self, officer, clock):
        self.officer, self.clock, self.day = officer, clock, None

    def __call__(self, day: str) -> Office:
        self.day = day
        self.clock.set(at(day))
        return self

    def unit(self, label: str, features: list[str], unit_type: str = "ordinary_rental", **fields) -> dict:
        return ok(self.officer.post(U, json={"label": label, "unit_type": unit_type, "features": features,
                                             **fields}), 201)

    def need(self, person: dict, registered_on: str, category: str, situation: str) -> dict:
        return ok(self.officer.post(N, json={"person_id": person["id"], "registered_on": registered_on,
                                             "category": category, "housing_situation": situation}), 201)

    def offer(self, unit: dict, need: dict, respond_by: str, **fields) -> dict:
        return ok(self.officer.post(O, json={"unit_id": unit["id"], "need_id": need["id"], "offered_on": self.day,
                                             "respond_by": respond_by, **fields}), 201)

    def accept(self, offer: dict) -> str:
        return ok(self.officer.post(f"{O}/{offer['id']}/accept", json={"start_on": self.day}))["tenancy_id"]

    def decline(self, offer: dict) -> None:
        ok(self.officer.post(f"{O}/{offer['id']}/decline", json={"reason": "Vil bo nærmere familien",
                                                                 "responded_on": self.day}))


@pytest.fixture
def office(housing_officer, frozen_clock) -> Office:
    return Office(housing_officer, frozen_clock)


def _t9_row(**cells) -> dict:
    row = {column: 0 for column in (*NEED_CATEGORIES, "total_waiting", "parked",
                                    *(f"homeless_{s}" for s in HOMELESS_SITUATIONS), "waiting_over_90_days",
                                    "available_units", "offers_made", "offers_declined", "placements",
                                    "class_mismatches")}
    row["median_days_waiting"] = None
    row.update(cells)
    row["gap"] = row["total_waiting"] - row["available_units"]
    return row


def test_t8_and_t9_october_built_in_december(app, env, town, housing_officer, make_person, office):
    people = [make_person(name=f"Søker {i}") for i in range(12)]
    p = dict(enumerate(people))

    # 1 September: the stock, and the needs registered before (with the days they were registered).
    day = office("2026-09-01")
    units = {
        "U1": day.unit("Grønn 1", GREEN),
        "U2": day.unit("Grønn 2", GREEN),  # occupied 10 October, vacated 20 November
        "U3": day.unit("Gul 1", YELLOW),
        "U4": day.unit("Gul 2", YELLOW),  # out of use from 5 October
        "U5": day.unit("Rød 1", RED, staffing="supervision"),  # reserved on 31 October, let in November
        "U6": day.unit("Rød 2", RED, unit_type="staffed_complex", staffing="staff_base"),
        "U7": day.unit("Uklassifisert", []),  # no smoke detector: no class
        "U9": day.unit("Gul bemannet", YELLOW, unit_type="staffed_complex", staffing="staff_base"),
    }
    assert units["U7"]["risk_class"] is None and units["U5"]["risk_class"] == "red"
    needs = {
        "N10": day.need(p[10], "2026-04-01", "ordinary", "housed_insecure"),  # withdrawn 5 October
        "N8": day.need(p[8], "2026-05-01", "training_flat", "with_friends_family"),  # 183 days; ordinary in Nov.
        "N7": day.need(p[7], "2026-06-15", "ordinary", "temporary_accommodation"),  # parked 10 October
        "N2": day.need(p[2], "2026-07-01", "ordinary", "sleeping_rough"),  # 122 days; housed in November
        "N4": day.need(p[4], "2026-08-01", "robust_supervised", "with_friends_family"),  # 91 days, offered
        "N6": day.need(p[6], "2026-08-02", "care_home_staffed", "institution_release"),  # 90 days: not over 90
        "N1": day.need(p[1], "2026-09-01", "ordinary", "temporary_accommodation"),  # housed 10 October
    }
    needs["N5"] = office("2026-09-15").need(p[5], "2026-09-15", "robust_staff_base", "housed_insecure")
    # An offer made in September, declined in October: October's decline, September's offer.
    day = office("2026-09-28")
    september_offer = day.offer(units["U1"], needs["N2"], respond_by="2026-10-12")
    office("2026-10-02").decline(september_offer)
    day = office("2026-10-05")
    ok(housing_officer.post(f"{N}/{needs['N10']['id']}/withdraw", json={"reason": "Fått bolig privat",
                                                                        "withdrawn_on": "2026-10-05"}))
    ok(housing_officer.post(f"{U}/{units['U4']['id']}/unavailable", json={"reason": "renovation"}))
    made = office("2026-10-08").offer(units["U2"], needs["N1"], respond_by="2026-10-20")
    day = office("2026-10-10")
    n1_tenancy = day.accept(made)
    ok(housing_officer.post(f"{N}/{needs['N7']['id']}/park", json={"until": "2026-12-31", "reason": "I behandling"}))
    # A red need placed in a yellow unit (with the reason): a class mismatch on 15 October.
    made = office("2026-10-14").offer(units["U9"], needs["N5"], respond_by="2026-10-20",
                                      class_mismatch_reason="Ingen rød bolig ledig")
    office("2026-10-15").accept(made)
    needs["N3"] = office("2026-10-20").need(p[3], "2026-10-20", "aftercare", "housed_insecure")
    made = office("2026-10-22").offer(units["U1"], needs["N3"], respond_by="2026-11-05")
    office("2026-10-24").decline(made)
    n4_offer = office("2026-10-25").offer(units["U5"], needs["N4"], respond_by="2026-11-10")
    needs["N11"] = office("2026-10-30").need(p[11], "2026-10-30", "care_home_staffed", "housed_insecure")

    # November: what must not reach October's tables.
    needs["N9"] = office("2026-11-02").need(p[9], "2026-11-02", "ordinary", "sleeping_rough")
    office("2026-11-03").accept(n4_offer)
    n2_offer = office("2026-11-05").offer(units["U1"], needs["N2"], respond_by="2026-11-19")
    office("2026-11-06").accept(n2_offer)
    office("2026-11-10").unit("Grønn 3", GREEN)
    office("2026-11-12")
    ok(housing_officer.patch(f"{N}/{needs['N8']['id']}", json={"category": "ordinary"}, headers={"If-Match": "*"}))
    office("2026-11-20")
    ok(housing_officer.post(f"{T}/{n1_tenancy}/end", json={"ended_on": "2026-11-20", "reason": "moved_to_own_home"}))

    # Another municipality's unit and need are not counted.
    foreign_town = env.municipality()
    foreign_officer, foreign_housing = env.caller("case_officer", foreign_town), env.caller("housing_officer", foreign_town)
    stranger = ok(foreign_officer.post("/api/v1/persons", json={
        "name": "Annen Kommune", "national_id_missing_reason": "Ukjent", "birth_date": "1980-01-01"}), 201)
    ok(foreign_housing.post(U, json={"label": "Grønn", "unit_type": "ordinary_rental", "features": GREEN}), 201)
    ok(foreign_housing.post(N, json={"person_id": stranger["id"], "registered_on": "2026-10-01", "category": "ordinary",
                                     "housing_situation": "sleeping_rough"}), 201)

    office(BUILT_ON)  # no API call from here on
    results = compute_tables(app, town, "2026-10", "T8", "T9")

    def stock(available=0, reserved=0, occupied=0, unavailable=0):
        return {"available": available, "reserved": reserved, "occupied": occupied, "unavailable": unavailable,
                "total": available + reserved + occupied + unavailable}

    assert grid(results["T8"]) == {
        "green": stock(available=1, occupied=1),  # U1 (offered and declined in October), U2
        "yellow": stock(available=1, occupied=1, unavailable=1),  # U3, U9, U4
        "red": stock(available=1, reserved=1),  # U6, U5 (offer pending on 31 October)
        "unclassified": stock(available=1),  # U7
        "total": stock(available=4, reserved=1, occupied=2, unavailable=1),  # not November's unit
    }
    assert grid(results["T9"]) == {
        # N2 (122 days, sleeping rough), N3 (11), N8 (183, training flat then); N7 parked; N1 housed.
        "green": _t9_row(ordinary=1, training_flat=1, aftercare=1, total_waiting=3, parked=1,
                         homeless_with_friends_family=1, homeless_sleeping_rough=1, waiting_over_90_days=2,
                         median_days_waiting=122, available_units=1, offers_made=2, offers_declined=2,
                         placements=1),
        # N6 (90 days: not over 90) and N11 (1 day).
        "yellow": _t9_row(care_home_staffed=2, total_waiting=2, homeless_institution_release=1,
                          median_days_waiting=decimal.Decimal("45.5"), available_units=1),
        # N4 (91 days, offered on 31 October); N5 placed in the yellow unit.
        "red": _t9_row(robust_supervised=1, total_waiting=1, homeless_with_friends_family=1, waiting_over_90_days=1,
                       median_days_waiting=91, available_units=1, offers_made=2, placements=1, class_mismatches=1),
        # Days waiting: 1, 11, 90 | 91, 122, 183.
        "total": _t9_row(ordinary=1, care_home_staffed=2, robust_supervised=1, training_flat=1, aftercare=1,
                         total_waiting=6, parked=1, homeless_with_friends_family=2, homeless_institution_release=1,
                         homeless_sleeping_rough=1, waiting_over_90_days=3, median_days_waiting=decimal.Decimal("90.5"),
                         available_units=3, offers_made=4, offers_declined=2, placements=2, class_mismatches=1),
    }
    assert grid(results["T9"])["total"]["gap"] == 3
    for key, result in results.items():
        assert_well_formed(key, result)
    assert_relations_hold(results, [*results["T8"].relations, *results["T9"].relations,
                                    *HOUSING_CROSS_RELATIONS])

    # November, built the same day: the changes of November are November's.
    november = compute_tables(app, town, "2026-11", "T8", "T9")
    assert grid(november["T8"])["green"] == stock(available=2, occupied=1)  # U2 vacated, U1 let, the new unit
    assert grid(november["T8"])["red"] == stock(available=1, occupied=1)
    green = grid(november["T9"])["green"]
    assert (green["ordinary"], green["training_flat"], green["aftercare"], green["total_waiting"]) == (2, 0, 1, 3)
    assert (green["offers_made"], green["offers_declined"], green["placements"]) == (1, 0, 1)
    red = grid(november["T9"])["red"]
    assert (red["total_waiting"], red["median_days_waiting"], red["placements"], red["gap"]) == (0, None, 1, -1)
    assert_relations_hold(november, [*november["T8"].relations, *november["T9"].relations,
                                     *HOUSING_CROSS_RELATIONS])


def test_t8_and_t9_of_an_empty_register(app, town):
    results = compute_tables(app, town, "2026-10", "T8", "T9")
    assert all(value == 0 for value in results["T8"].values.values())
    assert grid(results["T9"])["total"] == _t9_row()
    assert_relations_hold(results, [*results["T8"].relations, *results["T9"].relations, *HOUSING_CROSS_RELATIONS])
