"""Housing matching against the raw SQL that loads its inputs.

* ``GET /api/v1/housing/units/{id}/candidates``: every waiting need of the dataset ranked
  for one unit (``large``: 5,000 needs), through the app under gunicorn (token auth,
  policy, tenant scoping, an audit event for each need shown, committed);
  baseline: the SQL that loads the unit, the waiting needs with their persons' names and
  the residents of the complexes, on one psycopg connection.
* ``POST /api/v1/housing/allocation-proposal`` for up to 1,000 units (the available ones,
  by label) × every waiting need; baseline: the SQL that loads those units, the places
  taken, the needs and the residents.

Measured and baseline requests alternate, one after the other, several rounds.
"""

from __future__ import annotations

import json
import time

from bench.harness.api import Server, request
from bench.harness.scratch import BenchError, Dataset, ScratchDatabase
from bench.harness.stats import Figure

PROPOSAL_UNITS = 1000
# Waiting now, as housing.needs.waiting_clause says (the municipality's date).
WAITING = ("(n.status = 'waiting' OR (n.status = 'parked' "
           "AND n.parked_until <= (now() AT TIME ZONE 'Europe/Oslo')::date))")
UNITS_SQL = ("SELECT id, label, address, status, risk_class, staffing, unit_type, substance_free, complex, "
             "district, capacity FROM housing_units WHERE municipality_id = %s AND id = ANY(%s) ORDER BY label, id")
TAKEN_SQL = ("SELECT unit_id, count(*) FROM housing_offers WHERE municipality_id = %s AND status = 'pending' "
             "GROUP BY unit_id UNION ALL SELECT unit_id, count(*) FROM housing_tenancies "
             "WHERE municipality_id = %s AND ended_on IS NULL GROUP BY unit_id")
NEEDS_SQL = ("SELECT n.id, n.person_id, n.registered_on, n.needed_by, n.category, n.required_risk_class, "
             "n.required_staffing, n.active_substance_use, n.requires_substance_free, n.housing_situation, "
             "n.urgency, n.preferred_areas::text, n.avoid_person_ids::text, p.name FROM housing_needs n "
             f"LEFT JOIN persons p ON p.id = n.person_id WHERE n.municipality_id = %s AND {WAITING}")
RESIDENTS_SQL = (
    "SELECT u.id, u.complex, t.person_id, n.avoid_person_ids::text FROM housing_units u "
    "JOIN housing_tenancies t ON t.unit_id = u.id LEFT JOIN housing_needs n ON n.id = t.need_id "
    "WHERE u.municipality_id = %s AND t.ended_on IS NULL "
    "UNION ALL SELECT u.id, u.complex, o.person_id, n.avoid_person_ids::text FROM housing_units u "
    "JOIN housing_offers o ON o.unit_id = u.id JOIN housing_needs n ON n.id = o.need_id "
    "WHERE u.municipality_id = %s AND o.status = 'pending'")


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def run(app: Server, database: ScratchDatabase, dataset: Dataset, *, candidate_rounds: int, proposal_rounds: int,
        log=print) -> dict:
    mid = dataset.municipality_id
    token = dataset.housing_officer_token
    unit_id = dataset.unit_ids[0]
    proposal_units = dataset.unit_ids[:PROPOSAL_UNITS]
    proposal_body = json.dumps({"unit_ids": proposal_units})
    needs = dataset.waiting_needs
    if not needs:
        raise BenchError("the dataset has no waiting housing need to rank")

    def http(method, path, body=None) -> dict:
        status, answer = request(app, method, path, token, body)
        if status != 200:
            raise BenchError(f"{method} {path} answered {status}: {answer[:500]!r}")
        return json.loads(answer)

    def candidates():
        answer = http("GET", f"/api/v1/housing/units/{unit_id}/candidates")
        shown = answer["candidate_count"] + answer["excluded_count"]
        if shown != needs:
            raise BenchError(f"candidates ranked {shown} needs, the dataset has {needs} waiting")

    def proposal():
        return http("POST", "/api/v1/housing/allocation-proposal", proposal_body)

    with database.connect() as conn:
        def load_candidate_inputs():
            conn.execute(UNITS_SQL, (mid, [unit_id])).fetchall()
            conn.execute(NEEDS_SQL, (mid,)).fetchall()
            conn.execute(RESIDENTS_SQL, (mid, mid)).fetchall()
            conn.rollback()

        def load_proposal_inputs():
            conn.execute(UNITS_SQL, (mid, proposal_units)).fetchall()
            conn.execute(TAKEN_SQL, (mid, mid)).fetchall()
            conn.execute(NEEDS_SQL, (mid,)).fetchall()
            conn.execute(RESIDENTS_SQL, (mid, mid)).fetchall()
            conn.rollback()

        rows = len(conn.execute(NEEDS_SQL, (mid,)).fetchall())
        conn.rollback()
        if rows != needs:
            raise BenchError(f"the baseline SQL loads {rows} needs, the dataset has {needs} waiting")

        cand = Figure(f"GET /housing/units/{{id}}/candidates among {needs:,} waiting needs",
                      "raw SQL loading the unit, the waiting needs (with names) and the residents",
                      target="< 100 ms")
        prop = Figure(f"POST /housing/allocation-proposal, {len(proposal_units):,} units × {needs:,} needs",
                      "raw SQL loading those units, the places taken, the needs and the residents",
                      target="< 3,000 ms")
        for fn in (load_candidate_inputs, candidates, load_proposal_inputs):
            fn()  # warm up
        answer = proposal()
        for round_number in range(candidate_rounds):
            cand.baseline_ms.append(_timed(load_candidate_inputs))
            cand.samples_ms.append(_timed(candidates))
            if round_number < proposal_rounds:
                prop.baseline_ms.append(_timed(load_proposal_inputs))
                prop.samples_ms.append(_timed(proposal))
        log(f"  candidates: {cand.samples_ms[-1]:.0f} ms (raw SQL {cand.baseline_ms[-1]:.0f} ms); "
            f"proposal: {prop.samples_ms[-1]:.0f} ms (raw SQL {prop.baseline_ms[-1]:.0f} ms)")
    prop.note = (f"{len(answer['pairs']):,} pairs, {len(answer['unassigned_unit_ids']):,} units without a feasible "
                 f"need, total score {answer['total_score']:,.2f}")
    return {"figures": [cand, prop], "unit_id": unit_id, "needs": needs, "proposal_units": len(proposal_units)}
