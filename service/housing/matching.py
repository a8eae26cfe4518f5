"""Matching units to needs (DESIGN §5): hard rules, an explained soft score, and an optimal proposal.

Everything is computed on arrays: one SQL select loads the units, one the
waiting needs, one the current residents of each complex; numpy evaluates the
hard rules and the score terms for every (unit, need) pair at once. The global
proposal is an assignment problem solved by ``scipy.optimize.linear_sum_assignment``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid

import numpy as np
import sqlalchemy as sa
from flask import current_app
from scipy.optimize import linear_sum_assignment

from service.audit.services import record, record_many
from service.auth.identity import current_user
from service.auth.policy import API, may
from service.common import clock
from service.common.errors import NotFound
from service.common.i18n import N_, _
from service.extensions import db
from service.housing.models import (
    HOUSING_SITUATIONS,
    NEED_CATEGORIES,
    RISK_CLASSES,
    STAFFING_LEVELS,
    UNIT_TYPES,
    URGENCIES,
    HousingNeed,
    HousingOffer,
    HousingUnit,
    Tenancy,
)
from service.housing.needs import waiting_clause
from service.housing.rules import CLASS_RANK, STAFFING_RANK
from service.persons.models import Person

# Rule codes in the order they are reported (DESIGN §5).
RULES = ("not_available", "class_too_low", "staffing_too_low", "unit_type_unsuitable",
         "substance_free_required", "substance_free_unit", "co_location_conflict", "no_capacity")
TERMS = ("urgency", "days_waiting", "homelessness", "needed_by", "class_fit", "preferred_area")


@dataclasses.dataclass
class UnitFrame:
    ids: list
    labels: list
    addresses: list
    risk_classes: list  # codes, None when unclassified
    unavailable: np.ndarray
    class_rank: np.ndarray
    staffing_rank: np.ndarray
    type_code: np.ndarray
    substance_free: np.ndarray
    complex_keys: list
    districts: list
    free_slots: np.ndarray

    def __len__(self):
        return len(self.ids)


@dataclasses.dataclass
class NeedFrame:
    ids: list
    person_uuids: list
    registered_on: np.ndarray  # day numbers (date.toordinal)
    class_rank: np.ndarray
    staffing_rank: np.ndarray
    category_code: np.ndarray
    active_use: np.ndarray
    requires_sf: np.ndarray
    situation_code: np.ndarray
    urgency_code: np.ndarray
    needed_by: np.ndarray  # day numbers, _NO_DATE when not set
    preferred_areas: list
    avoid: list  # list[set[str]]
    person_names: list | None = None  # loaded only when the answer shows them
    _person_strs: np.ndarray | None = None

    @property
    def person_ids(self) -> np.ndarray:
        """Person ids as strings (avoid lists hold strings); built only when co-location needs them."""
        if self._person_strs is None:
            self._person_strs = np.array([str(p) for p in self.person_uuids], dtype=object)
        return self._person_strs

    def __len__(self):
        return len(self.ids)


def _complex_key(unit_id, complex_name) -> str:
    return f"c:{complex_name}" if complex_name else f"u:{unit_id}"


_TYPE_CODE = {t: i for i, t in enumerate(UNIT_TYPES)}
_CATEGORY_CODE = {c: i for i, c in enumerate(NEED_CATEGORIES)}


def load_units(*conditions) -> UnitFrame:
    rows = db.session.execute(
        sa.select(HousingUnit.id, HousingUnit.label, HousingUnit.address, HousingUnit.status, HousingUnit.risk_class,
                  HousingUnit.staffing, HousingUnit.unit_type, HousingUnit.substance_free,
                  HousingUnit.complex, HousingUnit.district, HousingUnit.capacity)
        .where(*conditions).order_by(HousingUnit.label, HousingUnit.id)).all()
    taken = _taken_by_unit([r.id for r in rows]) if len(rows) < 500 else _taken_by_unit(None)
    return UnitFrame(
        ids=[r.id for r in rows],
        labels=[r.label for r in rows],
        addresses=[r.address for r in rows],
        risk_classes=[r.risk_class for r in rows],
        unavailable=np.array([r.status == "unavailable" for r in rows], dtype=bool),
        class_rank=np.array([CLASS_RANK.get(r.risk_class, -1) if r.risk_class else -1 for r in rows], dtype=np.int8),
        staffing_rank=np.array([STAFFING_RANK[r.staffing] for r in rows], dtype=np.int8),
        type_code=np.array([_TYPE_CODE[r.unit_type] for r in rows], dtype=np.int8),
        substance_free=np.array([bool(r.substance_free) for r in rows], dtype=bool),
        complex_keys=[_complex_key(r.id, r.complex) for r in rows],
        districts=[r.district for r in rows],
        free_slots=np.array([r.capacity - taken.get(r.id, 0) for r in rows], dtype=np.int32),
    )


def _taken_by_unit(unit_ids) -> dict:
    offers = sa.select(HousingOffer.unit_id, sa.func.count()).where(HousingOffer.status == "pending")
    tenancies = sa.select(Tenancy.unit_id, sa.func.count()).where(Tenancy.ended_on.is_(None))
    if unit_ids is not None:
        offers = offers.where(HousingOffer.unit_id.in_(unit_ids))
        tenancies = tenancies.where(Tenancy.unit_id.in_(unit_ids))
    taken: dict = {}
    for stmt in (offers.group_by(HousingOffer.unit_id), tenancies.group_by(Tenancy.unit_id)):
        for unit_id, count in db.session.execute(stmt):
            taken[unit_id] = taken.get(unit_id, 0) + count
    return taken


def _json_lists(texts) -> list[list]:
    """JSON lists arrive as text; most are empty or repeat, so each distinct text is parsed once."""
    parsed: dict = {None: [], "[]": []}
    out = []
    for text in texts:
        value = parsed.get(text)
        if value is None:
            value = parsed[text] = json.loads(text) or []
        out.append(value)
    return out


_NO_DATE = -(2 ** 40)
_NOBODY: frozenset = frozenset()


def _ordinals(dates) -> np.ndarray:
    """Dates as day numbers (date.toordinal); a missing date is a large negative sentinel."""
    return np.fromiter((d.toordinal() if d is not None else _NO_DATE for d in dates), dtype=np.int64,
                       count=len(dates))


def _in_waiting_order(needs: NeedFrame, indices) -> list[int]:
    """Indices sorted longest waiting first, then by id (the database returns them unordered)."""
    indices = np.asarray(indices, dtype=np.int64)
    if not len(indices):
        return []
    id_key = np.fromiter((needs.ids[j].int >> 65 for j in indices.tolist()), dtype=np.int64, count=len(indices))
    return indices[np.lexsort((id_key, needs.registered_on[indices]))].tolist()


def _code(column, values):
    """The value's index in ``values``, computed by the database (small ints load fast)."""
    return sa.case({value: index for index, value in enumerate(values)}, value=column, else_=-1)


def load_needs(*conditions, names: bool = False) -> NeedFrame:
    """The needs as arrays; ``names`` adds the persons' names (joined in the same select)."""
    stmt = (
        sa.select(HousingNeed.id, HousingNeed.person_id, HousingNeed.registered_on, HousingNeed.needed_by,
                  _code(HousingNeed.category, NEED_CATEGORIES),
                  _code(HousingNeed.required_risk_class, RISK_CLASSES),
                  _code(HousingNeed.required_staffing, STAFFING_LEVELS),
                  HousingNeed.active_substance_use, HousingNeed.requires_substance_free,
                  _code(HousingNeed.housing_situation, HOUSING_SITUATIONS),
                  _code(HousingNeed.urgency, URGENCIES),
                  sa.cast(HousingNeed.preferred_areas, sa.Text), sa.cast(HousingNeed.avoid_person_ids, sa.Text))
        .where(*conditions))
    if names:
        stmt = stmt.outerjoin(Person, Person.id == HousingNeed.person_id).add_columns(Person.name)
    rows = db.session.execute(stmt).all()
    cols = list(zip(*rows, strict=False)) if rows else [()] * (14 if names else 13)
    return NeedFrame(
        ids=list(cols[0]),
        person_uuids=list(cols[1]),
        registered_on=_ordinals(cols[2]),
        needed_by=_ordinals(cols[3]),
        category_code=np.array(cols[4], dtype=np.int8),
        class_rank=np.array(cols[5], dtype=np.int8),
        staffing_rank=np.array(cols[6], dtype=np.int8),
        active_use=np.array(cols[7], dtype=bool),
        requires_sf=np.array(cols[8], dtype=bool),
        situation_code=np.array(cols[9], dtype=np.int8),
        urgency_code=np.array(cols[10], dtype=np.int8),
        preferred_areas=_json_lists(cols[11]),
        avoid=[set(values) if values else _NOBODY for values in _json_lists(cols[12])],
        person_names=list(cols[13]) if names else None,
    )


def load_residents(complex_keys=None) -> dict[str, tuple[set, set]]:
    """Per complex: who lives there or holds a pending offer, and whom those people avoid."""
    residents: dict[str, tuple[set, set]] = {}
    queries = (
        sa.select(HousingUnit.id, HousingUnit.complex, Tenancy.person_id, HousingNeed.avoid_person_ids)
        .join(Tenancy, Tenancy.unit_id == HousingUnit.id)
        .outerjoin(HousingNeed, HousingNeed.id == Tenancy.need_id)
        .where(Tenancy.ended_on.is_(None)),
        sa.select(HousingUnit.id, HousingUnit.complex, HousingOffer.person_id, HousingNeed.avoid_person_ids)
        .join(HousingOffer, HousingOffer.unit_id == HousingUnit.id)
        .join(HousingNeed, HousingNeed.id == HousingOffer.need_id)
        .where(HousingOffer.status == "pending"),
    )
    for stmt in queries:
        for unit_id, complex_name, person_id, avoid in db.session.execute(stmt):
            key = _complex_key(unit_id, complex_name)
            if complex_keys is not None and key not in complex_keys:
                continue
            persons, avoided = residents.setdefault(key, (set(), set()))
            persons.add(str(person_id))
            avoided.update(avoid or ())
    return residents


def _acceptable_table() -> np.ndarray:
    table = np.zeros((len(NEED_CATEGORIES), len(UNIT_TYPES)), dtype=bool)
    for category, types in current_app.config["HOUSING_ACCEPTABLE_UNIT_TYPES"].items():
        for unit_type in types:
            table[_CATEGORY_CODE[category], _TYPE_CODE[unit_type]] = True
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
    has_date = needs.needed_by != _NO_DATE
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


# Names used inside the exclusion sentences: marked here, translated where shown.
CLASS_NAMES = {"green": N_("green"), "yellow": N_("yellow"), "red": N_("red")}
UNCLASSIFIED = N_("without a risk class")
STAFFING_NAMES = {"none": N_("no staffing"), "supervision": N_("supervision"), "staff_base": N_("a staff base"),
                  "round_the_clock": N_("round-the-clock staffing")}
UNIT_TYPE_NAMES = {"ordinary_rental": N_("an ordinary rental flat"), "care_home": N_("a care home"),
                   "staffed_complex": N_("a staffed housing complex"), "training_flat": N_("a training flat"),
                   "aftercare_flat": N_("an aftercare flat"), "temporary": N_("temporary accommodation")}
CATEGORY_NAMES = {"ordinary": N_("ordinary housing"), "care_home_staffed": N_("a staffed care home"),
                  "robust_supervised": N_("robust housing with supervision"),
                  "robust_staff_base": N_("robust housing with a staff base"),
                  "training_flat": N_("a training flat"), "aftercare": N_("aftercare housing")}


def _named(table: dict, values: tuple, code: int) -> str:
    value = values[code] if 0 <= code < len(values) else None
    return _(table[value]) if value in table else (value or "?")


def _class_name(risk_class: str | None) -> str:
    return _(CLASS_NAMES[risk_class]) if risk_class in CLASS_NAMES else _(UNCLASSIFIED)


def explain(rule: str, units: UnitFrame, i: int, needs: NeedFrame, j: int) -> str:
    """One sentence, in the caller's language, saying why ``rule`` excludes the pair (unit i, need j)."""
    if rule == "not_available":
        return _("The unit is out of use")
    if rule == "class_too_low":
        need_rank = int(needs.class_rank[j])
        return _("The unit is %(unit_class)s; the need requires %(need_class)s",
                 unit_class=_class_name(units.risk_classes[i]),
                 need_class=_class_name(RISK_CLASSES[need_rank] if need_rank >= 0 else None))
    if rule == "staffing_too_low":
        return _("The unit has %(unit_staffing)s; the need requires %(need_staffing)s",
                 unit_staffing=_named(STAFFING_NAMES, STAFFING_LEVELS, int(units.staffing_rank[i])),
                 need_staffing=_named(STAFFING_NAMES, STAFFING_LEVELS, int(needs.staffing_rank[j])))
    if rule == "unit_type_unsuitable":
        return _("The unit is %(unit_type)s, which does not suit a need for %(category)s",
                 unit_type=_named(UNIT_TYPE_NAMES, UNIT_TYPES, int(units.type_code[i])),
                 category=_named(CATEGORY_NAMES, NEED_CATEGORIES, int(needs.category_code[j])))
    if rule == "substance_free_required":
        return _("The need requires a substance-free unit; this unit is not substance-free")
    if rule == "substance_free_unit":
        return _("The unit is substance-free; the person has an active substance use")
    if rule == "co_location_conflict":
        return _("The person should not live in the same place as someone who lives there or has been offered "
                 "a place there")
    if rule == "no_capacity":
        return _("The unit has no free place")
    raise LookupError(f"no explanation for rule {rule}")


def evaluate(units: UnitFrame, needs: NeedFrame, residents: dict, today: dt.date) -> Evaluation:
    return Evaluation(units, needs, violations(units, needs, residents), need_terms(needs, today),
                      pair_terms(units, needs))


def shows_persons() -> bool:
    """Whether the caller may see persons (follows the person route; no user: CLI and jobs)."""
    user = current_user()
    return user is None or may(user.role, "GET", f"{API}/persons/<uuid:person_id>")


def _unit_fields(units: UnitFrame, i: int) -> dict:
    return {"unit_id": str(units.ids[i]), "unit_label": units.labels[i], "unit_address": units.addresses[i],
            "risk_class": units.risk_classes[i]}


def _person_fields(needs: NeedFrame, j: int) -> dict:
    """The person behind need j, or nulls when the names were not loaded (caller may not see persons)."""
    if needs.person_names is None:
        return {"person_id": None, "person_name": None}
    return {"person_id": str(needs.person_uuids[j]), "person_name": needs.person_names[j]}


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
    needs = load_needs(waiting_clause(today), names=shows_persons())
    result = evaluate(units, needs, load_residents(set(units.complex_keys)), today)
    scores = np.round(result.score()[0], 2)
    feasible = result.feasible[0]
    by_waiting = np.array(_in_waiting_order(needs, np.nonzero(feasible)[0]), dtype=np.int64)
    ranked = by_waiting[np.argsort(-scores[by_waiting], kind="stable")].tolist() if len(by_waiting) else []
    excluded = _in_waiting_order(needs, np.nonzero(~feasible)[0])
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
    need_conditions = [waiting_clause(today)]
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
    unassigned_needs = [j for j in _in_waiting_order(needs, range(len(needs))) if j not in assigned_needs]
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
