"""A small allocation office whose February 2026 makes real report tables with shown and hidden
cells, registered through the API as the office would (shared by the report page and browser tests).

Every decision is decided in December 2025 and runs through 2026, so each person is served
during February and on its last day: 7 persons in home-based services only, 6 in activity
services, 5 in home-based and substance-use services both, and 2 in substance-use services only
(a small count: hidden, with whatever it could be worked out from).
"""

from __future__ import annotations

import datetime as dt

from service.persons.national_id import generate_synthetic_national_id
from tests.helpers import OK_OR_CREATED, ok

_API = "/api/v1"
SERVED = ((("psykisk-helse-oppfolging",), 7), (("aktivitetstilbud",), 6),
          (("psykisk-helse-oppfolging", "rus-oppfolging"), 5), (("rus-oppfolging",), 6), (("bo-og-veiledning",), 2))
SERVED_TOTAL = sum(count for _services, count in SERVED)  # 26 persons


def served_office(env, town, serial: int = 60) -> None:
    officer = env.caller("case_officer", town)
    env.provider_unit(town, "Psykisk helseteam")
    number = serial
    for services, persons in SERVED:
        for i in range(persons):
            number += 1
            person = ok(officer.post(f"{_API}/persons", json={
                "name": f"Person {number}", "sex": "female" if i % 2 else "male", "has_minor_children": "no",
                "national_id": generate_synthetic_national_id(dt.date(1970 + i * 5, 3, 9), number)}), OK_OR_CREATED)
            for service_code in services:
                ok(officer.post(f"{_API}/decisions", json={
                    "person_id": person["id"], "service_code": service_code, "hours_per_week": 2 + i,
                    "valid_from": "2026-01-01", "valid_to": "2026-12-31", "provider_unit": "Psykisk helseteam",
                    "decided_on": "2025-12-15"}), OK_OR_CREATED)
