"""Matching units to needs (docs/housing.md): hard rules, an explained soft score, and an optimal proposal.

Everything is computed on arrays (``frames.py`` loads them: one SQL select for the
units, one for the waiting needs, one for the current residents of each complex);
numpy evaluates the hard rules and the score terms for every (unit, need) pair at
once. Why a rule excludes a pair is worded by ``explanations.py``. The global
proposal is an assignment problem solved by ``scipy.optimize.linear_sum_assignment``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import numpy as np
from flask import current_app
from scipy.optimize import linear_sum_assignment

from service.audit.services import record, record_many
from service.auth import matrix
from service.auth.identity import current_user
from service.common import clock
from service.common.errors import NotFound
from service.common.i18n import _
from service.housing.explanations import explain
from service.housing.frames import (
    CATEGORY_CODE,
    NO_DATE,
    TYPE_CODE,
    NeedFrame,
    UnitFrame,
    in_waiting_order,
    load_needs,
    load_residents,
    load_units,
)
from service.housing.models import HOUSING_SITUATIONS, NEED_CATEGORIES, UNIT_TYPES, URGENCIES, HousingNeed, HousingUnit
from service.housing.needs import waiting_clause
from service.persons.access import rows_clause

# Rule codes in the order they are reported (docs/housing.md, "Matching").
RULES = ("not_available", "class_too_low", "staffing_too_low", "unit_type_unsuitable",
         "substance_free_required", "substance_free_unit", "co_location_conflict", "no_capacity")
TERMS = ("urgency", "days_waiting", "homelessness", "needed_by", "class_fit", "preferred_area")


def _acceptable_table() -> np.ndarray:
    table = np.zeros((len(NEED_CATEGORIES), len(UNIT_TYPES)), dtype=bool)
    for category, types in current_app.config["HOUSING_ACCEPTABLE_UNIT_TYPES"].items():
        for unit_type in types:
            table[CATEGORY_CODE[category], TYPE_CODE[unit_type]] = True
    return table


def violations(units: UnitFrame, needs: NeedFrame, residents: dict) -> np.ndarray:
    """Boolean array (rules × units × needs): True where the rule excludes the pair."""
    shape = (len(units), len(needs))
    out = np.zeros((len(RULES),) + shape, dtype=bool)
    out[0] = units.unavailable[:, None]
    out[1] = units.class_rank[:, None] < needs.class_rank[None, :]
    out[2] = units.staffing_rank[:, None] < needs.staffing_rank[None, :]
    out[3] = ~_acceptable_table()[needs.category_code[None, :], units.type_code[:, None]]
    out[4] = needs.requires_sf[None, :] & ~units.substance_free[:, None]
    out[5] = needs.active_use[None, :] & units.substance_free[:, None]
    out[6] = _co_location(units, needs, residents)
    out[7] = ((units.free_slots <= 0) & ~units.unavailable)[:, None]
    return out


def _co_location(units: UnitFrame, needs: NeedFrame, residents: dict) -> np.ndarray:
    conflict = np.zeros((len(units), len(needs)), dtype=bool)
    if not residents or not len(needs):
        return conflict
    rows_by_key: dict[str, list[int]] = {}
    for row, key in enumerate(units.complex_keys):
        if key in residents:
            rows_by_key.setdefault(key, []).append(row)
    avoiders = [j for j, avoid in enumerate(needs.avoid) if avoid]
    for key, rows in rows_by_key.items():
        persons, avoided = residents[key]
        cols = {j for j in avoiders if needs.avoid[j] & persons}
        if avoided:
            cols.update(np.nonzero(np.isin(needs.person_ids, list(avoided)))[0].tolist())
        if cols:
            conflict[np.ix_(rows, sorted(cols))] = True
    return conflict


def need_terms(needs: NeedFrame, today: dt.date) -> dict[str, np.ndarray]:
    """Terms that depend on the need alone (one value per need)."""
    weights = current_app.config["HOUSING_SCORE_WEIGHTS"]
    urgency_points = np.array([float(weights["urgency"].get(u, 0)) for u in URGENCIES])
    situation_points = np.array([float(weights["homelessness"].get(s, 0)) for s in HOUSING_SITUATIONS])
    today_number = today.toordinal()
    days = np.clip((today_number - needs.registered_on).astype(float), 0, weights["days_waiting_cap_days"])
    horizon, top = float(weights["needed_by_horizon_days"]), float(weights["needed_by_max"])
    has_date = needs.needed_by != NO_DATE
    until = np.where(has_date, (needs.needed_by - today_number).astype(float), 0.0)
    needed_by = np.where(has_date, top * np.clip(1.0 - until / horizon, 0.0, 1.0), 0.0)
    return {
        "urgency": urgency_points[needs.urgency_code],
        "days_waiting": days * float(weights["days_waiting_per_day"]),
        "homelessness": situation_points[needs.situation_code],
        "needed_by": needed_by,
    }


def pair_terms(units: UnitFrame, needs: NeedFrame) -> dict[str, np.ndarray]:
    """Terms that depend on the pair (units × needs)."""
    weights = current_app.config["HOUSING_SCORE_WEIGHTS"]
    over = units.class_rank[:, None].astype(float) - needs.class_rank[None, :]
    class_fit = np.where(over == 0, float(weights["class_fit_exact"]),
                         np.where(over > 0, float(weights["class_fit_per_step_over"]) * over, 0.0))
    district_code: dict[str, int] = {}
    for district in units.districts:
        if district and district not in district_code:
            district_code[district] = len(district_code)
    # membership[j, d]: need j prefers district d; the last column is "no district".
    membership = np.zeros((len(needs), len(district_code) + 1), dtype=bool)
    if district_code:
        for j, areas in enumerate(needs.preferred_areas):
            for a in areas:
                d = district_code.get(a)
                if d is not None:
                    membership[j, d] = True
    unit_codes = np.array([district_code.get(d, len(district_code)) if d else len(district_code)
                           for d in units.districts], dtype=np.int64)
    area = membership[:, unit_codes].T * float(weights["preferred_area"])
    return {"class_fit": class_fit, "preferred_area": area}


@dataclasses.dataclass
class Evaluation:
    units: UnitFrame
    needs: NeedFrame
    violated: np.ndarray  # rules × U × N
    need_terms: dict
    pair_terms: dict

    @property
    def feasible(self) -> np.ndarray:
        return ~self.violated.any(axis=0)

    def score(self) -> np.ndarray:
        total = self.pair_terms["class_fit"] + self.pair_terms["preferred_area"]
        for values in self.need_terms.values():
            total = total + values[None, :]
        return total

    def terms(self, i: int, j: int) -> dict:
        values = {name: self.need_terms[name][j] for name in self.need_terms}
        values.update({name: self.pair_terms[name][i, j] for name in self.pair_terms})
        return {name: round(float(values[name]), 2) for name in TERMS}

    def reasons(self, i: int, j: int) -> list[str]:
        return [RULES[r] for r in np.nonzero(self.violated[:, i, j])[0]]

    def explanations(self, i: int, j: int) -> list[dict]:
        return [{"rule": rule, "text": explain(rule, self.units, i, self.needs, j)} for rule in self.reasons(i, j)]


def evaluate(units: UnitFrame, needs: NeedFrame, residents: dict, today: dt.date) -> Evaluation:
    return Evaluation(units, needs, violations(units, needs, residents), need_terms(needs, today),
                      pair_terms(units, needs))


def shows_persons() -> bool:
    """Whether the answer names the persons (the access matrix's field rule; no user: CLI and jobs)."""
    user = current_user()
    return matrix.field_level(user.role if user else None, matrix.HOUSING_MATCH, "person_name") == matrix.FULL


def _visible_needs():
    """Need-to-know: the needs the caller's row rule gives, less any about a person barred to them
    (co-location still counts every resident: ``load_residents`` uses ids and shows none)."""
    return rows_clause(current_user(), matrix.HOUSING_MATCH, HousingNeed.person_id)


def _unit_fields(units: UnitFrame, i: int) -> dict:
    return {"unit_id": str(units.ids[i]), "unit_label": units.labels[i], "unit_address": units.addresses[i],
            "risk_class": units.risk_classes[i]}


def _person_fields(needs: NeedFrame, j: int) -> dict:
    """The person behind need j, or nulls when the names were not loaded (caller may not see persons).

    With the person's address protection: the answer's schema hides the unit beside a protected
    person from a role the access matrix does not name (an unknown marking hides it too)."""
    if needs.person_names is None:
        return {"person_id": None, "person_name": None, "address_protection": needs.protections[j]}
    return {"person_id": str(needs.person_uuids[j]), "person_name": needs.person_names[j],
            "address_protection": needs.protections[j]}


def _candidate(result: Evaluation, i: int, j: int, score: float) -> dict:
    return {"need_id": str(result.needs.ids[j]), **_person_fields(result.needs, j), **_unit_fields(result.units, i),
            "score": score, "score_terms": result.terms(i, j)}


def _excluded(result: Evaluation, i: int, j: int) -> dict:
    return {"need_id": str(result.needs.ids[j]), **_person_fields(result.needs, j), **_unit_fields(result.units, i),
            "reasons": result.reasons(i, j), "explanations": result.explanations(i, j)}


def _limit(requested: int | None) -> int:
    return requested or current_app.config["HOUSING_CANDIDATES_LIMIT"]


def candidates_for_unit(unit_id: uuid.UUID, limit: int | None = None) -> dict:
    """Waiting needs ranked for one unit, and the excluded ones with the rules that exclude them."""
    today = clock.today()
    units = load_units(HousingUnit.id == unit_id)
    if not len(units):
        raise NotFound(_("No such housing unit."))
    needs = load_needs(waiting_clause(today), _visible_needs(), names=shows_persons())
    result = evaluate(units, needs, load_residents(set(units.complex_keys)), today)
    scores = np.round(result.score()[0], 2)
    feasible = result.feasible[0]
    by_waiting = np.array(in_waiting_order(needs, np.nonzero(feasible)[0]), dtype=np.int64)
    ranked = by_waiting[np.argsort(-scores[by_waiting], kind="stable")].tolist() if len(by_waiting) else []
    excluded = in_waiting_order(needs, np.nonzero(~feasible)[0])
    limit = _limit(limit)
    answer = {
        "unit_id": str(unit_id),
        "candidates": [_candidate(result, 0, j, float(scores[j])) for j in ranked[:limit]],
        "excluded": [_excluded(result, 0, j) for j in excluded[:limit]],
        "candidate_count": len(ranked),
        "excluded_count": len(excluded),
    }
    shown = ranked[:limit] + excluded[:limit]
    record_many("read", "housing_need", [(needs.ids[j], needs.person_uuids[j]) for j in shown],
                detail=f"candidates for unit {unit_id}"[:200])
    return answer


def candidates_for_need(need: HousingNeed, limit: int | None = None) -> dict:
    """Units ranked for one need (any status), and the excluded ones with the rules that exclude them."""
    today = clock.today()
    needs = load_needs(HousingNeed.id == need.id, names=shows_persons())
    units = load_units()
    result = evaluate(units, needs, load_residents(), today)
    scores = np.round(result.score()[:, 0], 2)
    feasible = result.feasible[:, 0]
    ranked = sorted(np.nonzero(feasible)[0].tolist(), key=lambda i: (-scores[i], units.labels[i]))
    excluded = np.nonzero(~feasible)[0].tolist()
    limit = _limit(limit)
    record("read", "housing_need", object_id=need.id, person_id=need.person_id, detail="candidates")
    return {
        "need_id": str(need.id),
        "candidates": [_candidate(result, i, 0, float(scores[i])) for i in ranked[:limit]],
        "excluded": [_excluded(result, i, 0) for i in excluded[:limit]],
        "candidate_count": len(ranked),
        "excluded_count": len(excluded),
    }


def pair_check(unit_id: uuid.UUID, need_id: uuid.UUID) -> tuple[list[str], dict, float]:
    """The rules one (unit, need) pair breaks, its score terms and score (used by offers)."""
    today = clock.today()
    units = load_units(HousingUnit.id == unit_id)
    needs = load_needs(HousingNeed.id == need_id)
    result = evaluate(units, needs, load_residents(set(units.complex_keys)), today)
    return result.reasons(0, 0), result.terms(0, 0), round(float(result.score()[0, 0]), 2)


def allocation_proposal(unit_ids=None, need_ids=None) -> dict:
    """Assign available units to waiting needs: as many as the hard rules allow, best total score among those.

    One row per free place (a shared unit has several), one column per waiting
    need. Infeasible pairs get a penalty larger than any possible total score, so
    the solver first maximises the number of feasible pairs and then, among those
    assignments, the total score; penalised pairs are dropped from the answer.
    Nothing is changed: an officer acts on the proposal by making offers.
    """
    today = clock.today()
    unit_conditions = [HousingUnit.status != "unavailable"]
    if unit_ids:
        unit_conditions.append(HousingUnit.id.in_(unit_ids))
    need_conditions = [waiting_clause(today), _visible_needs()]
    if need_ids:
        need_conditions.append(HousingNeed.id.in_(need_ids))
    units = load_units(*unit_conditions)
    needs = load_needs(*need_conditions, names=shows_persons())
    result = evaluate(units, needs, load_residents(), today)
    feasible = result.feasible
    score = result.score()
    slots = np.clip(units.free_slots, 0, None)
    useful_units = np.nonzero(feasible.any(axis=1) & (slots > 0))[0]
    useful_needs = np.nonzero(feasible.any(axis=0))[0]
    pairs = []
    if len(useful_units) and len(useful_needs):
        row_units = np.repeat(useful_units, slots[useful_units])
        sub_feasible = feasible[np.ix_(row_units, useful_needs)]
        sub_score = score[np.ix_(row_units, useful_needs)]
        penalty = 1.0 + 2.0 * min(len(row_units), len(useful_needs)) * float(np.abs(sub_score).max(initial=0.0))
        matrix = np.where(sub_feasible, sub_score, -penalty)
        rows, cols = linear_sum_assignment(matrix, maximize=True)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=False):
            if sub_feasible[r, c]:
                i, j = int(row_units[r]), int(useful_needs[c])
                pairs.append((i, j, round(float(score[i, j]), 2)))
    pairs.sort(key=lambda p: (-p[2], int(needs.registered_on[p[1]])))
    assigned_units = {i for i, _, _ in pairs}
    assigned_needs = {j for _, j, _ in pairs}
    unassigned_needs = [j for j in in_waiting_order(needs, range(len(needs))) if j not in assigned_needs]
    unassigned_units = [i for i in range(len(units)) if i not in assigned_units and slots[i] > 0]
    answer = {
        "pairs": [_candidate(result, i, j, s) for i, j, s in pairs],
        "unassigned_need_ids": [str(needs.ids[j]) for j in unassigned_needs],
        "unassigned_unit_ids": [str(units.ids[i]) for i in unassigned_units],
        "unassigned_needs": [{"need_id": str(needs.ids[j]), **_person_fields(needs, j)} for j in unassigned_needs],
        "unassigned_units": [_unit_fields(units, i) for i in unassigned_units],
        "total_score": round(sum(s for _, _, s in pairs), 2),
    }
    # Each proposed pair discloses a person's scored need: one event per need. An unassigned
    # need shown with the person's name is a read of that person too; without names, the
    # unassigned list discloses only that a need is waiting (the summary event below).
    record_many("read", "housing_need", [(needs.ids[j], needs.person_uuids[j]) for _, j, _ in pairs],
                detail="allocation proposal")
    if needs.person_names is not None:
        record_many("read", "housing_need", [(needs.ids[j], needs.person_uuids[j]) for j in unassigned_needs],
                    detail="allocation proposal, unassigned")
    record("read", "housing_allocation_proposal",
           detail=f"{len(pairs)} pairs; {len(answer['unassigned_need_ids'])} needs unassigned")
    return answer
