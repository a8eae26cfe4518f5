"""The units and needs matching works on, loaded as arrays (docs/housing.md, "Matching").

One SQL select loads the units (with the places taken), one the needs (categorical
codes computed by the database), one the current residents of each complex. Classes
and staffing levels are ranked by ``rules.py`` (``class_rank``, ``CLASS_RANK``,
``STAFFING_RANK``), the units' in Python and the needs' by the database.
"""

from __future__ import annotations

import dataclasses
import json
import uuid

import numpy as np
import sqlalchemy as sa

from service.extensions import db
from service.housing.models import (
    HOUSING_SITUATIONS,
    NEED_CATEGORIES,
    UNIT_TYPES,
    URGENCIES,
    HousingNeed,
    HousingOffer,
    HousingUnit,
    Tenancy,
)
from service.housing.rules import CLASS_RANK, STAFFING_RANK, class_rank
from service.persons.models import Person


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
    needed_by: np.ndarray  # day numbers, NO_DATE when not set
    preferred_areas: list
    avoid: list  # list[set[str]]
    protections: list = dataclasses.field(default_factory=list)  # the persons' address protection
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


TYPE_CODE = {t: i for i, t in enumerate(UNIT_TYPES)}
CATEGORY_CODE = {c: i for i, c in enumerate(NEED_CATEGORIES)}
_SITUATION_CODE = {s: i for i, s in enumerate(HOUSING_SITUATIONS)}  # index into HOUSING_SITUATIONS
_URGENCY_CODE = {u: i for i, u in enumerate(URGENCIES)}  # index into URGENCIES


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
        class_rank=np.array([class_rank(r.risk_class) for r in rows], dtype=np.int8),
        staffing_rank=np.array([STAFFING_RANK[r.staffing] for r in rows], dtype=np.int8),
        type_code=np.array([TYPE_CODE[r.unit_type] for r in rows], dtype=np.int8),
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


NO_DATE = -(2 ** 40)
_NOBODY: frozenset = frozenset()


def _ordinals(dates) -> np.ndarray:
    """Dates as day numbers (date.toordinal); a missing date is a large negative sentinel."""
    return np.fromiter((d.toordinal() if d is not None else NO_DATE for d in dates), dtype=np.int64,
                       count=len(dates))


def in_waiting_order(needs: NeedFrame, indices) -> list[int]:
    """Indices sorted longest waiting first, then by id (the database returns them unordered)."""
    indices = np.asarray(indices, dtype=np.int64)
    if not len(indices):
        return []
    id_key = np.fromiter((needs.ids[j].int >> 65 for j in indices.tolist()), dtype=np.int64, count=len(indices))
    return indices[np.lexsort((id_key, needs.registered_on[indices]))].tolist()


def _code(column, codes: dict):
    """``codes[value]`` (-1 for any other value), computed by the database (small ints load fast)."""
    return sa.case(codes, value=column, else_=-1)


def load_needs(*conditions, names: bool = False) -> NeedFrame:
    """The needs as arrays, with the persons' address protection (the answers hide the units beside
    a protected person from a role the access matrix does not name); ``names`` adds the persons'
    names. Both are joined in the same select."""
    stmt = (
        sa.select(HousingNeed.id, HousingNeed.person_id, HousingNeed.registered_on, HousingNeed.needed_by,
                  _code(HousingNeed.category, CATEGORY_CODE),
                  _code(HousingNeed.required_risk_class, CLASS_RANK),
                  _code(HousingNeed.required_staffing, STAFFING_RANK),
                  HousingNeed.active_substance_use, HousingNeed.requires_substance_free,
                  _code(HousingNeed.housing_situation, _SITUATION_CODE),
                  _code(HousingNeed.urgency, _URGENCY_CODE),
                  sa.cast(HousingNeed.preferred_areas, sa.Text), sa.cast(HousingNeed.avoid_person_ids, sa.Text),
                  Person.address_protection)
        .outerjoin(Person, Person.id == HousingNeed.person_id)
        .where(*conditions))
    if names:
        stmt = stmt.add_columns(Person.name)
    rows = db.session.execute(stmt).all()
    cols = list(zip(*rows, strict=False)) if rows else [()] * (15 if names else 14)
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
        protections=list(cols[13]),
        person_names=list(cols[14]) if names else None,
    )


def _in_complexes(complex_keys) -> sa.ColumnElement[bool]:
    """The units whose ``_complex_key`` is one of ``complex_keys``, as SQL."""
    names = [key[2:] for key in complex_keys if key.startswith("c:")]
    unit_ids = [uuid.UUID(key[2:]) for key in complex_keys if key.startswith("u:")]
    return sa.or_(HousingUnit.complex.in_(names),
                  sa.and_(sa.func.coalesce(HousingUnit.complex, "") == "", HousingUnit.id.in_(unit_ids)))


def load_residents(complex_keys=None) -> dict[str, tuple[set, set]]:
    """Per complex: who lives there or holds a pending offer, and whom those people avoid.

    With ``complex_keys``, only those complexes, chosen by the database: the candidates for one
    unit read its complex's residents, not every tenancy and pending offer in the municipality
    with their avoid lists (1,948 JSON lists parsed per request on ``large``, all but a few
    thrown away)."""
    residents: dict[str, tuple[set, set]] = {}
    where = [] if complex_keys is None else [_in_complexes(complex_keys)]
    queries = (
        sa.select(HousingUnit.id, HousingUnit.complex, Tenancy.person_id, HousingNeed.avoid_person_ids)
        .join(Tenancy, Tenancy.unit_id == HousingUnit.id)
        .outerjoin(HousingNeed, HousingNeed.id == Tenancy.need_id)
        .where(Tenancy.ended_on.is_(None), *where),
        sa.select(HousingUnit.id, HousingUnit.complex, HousingOffer.person_id, HousingNeed.avoid_person_ids)
        .join(HousingOffer, HousingOffer.unit_id == HousingUnit.id)
        .join(HousingNeed, HousingNeed.id == HousingOffer.need_id)
        .where(HousingOffer.status == "pending", *where),
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
