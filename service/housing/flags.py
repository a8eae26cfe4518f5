"""The worklist flags housing raises (docs/worklist.md): their conditions as set-based SQL.

All go to the housing office (an expired offer to the officer who made it, while that user may act):

* ``tenancy_limit_approaching`` — an active tenancy in a unit with ``max_stay_months`` whose
  ``planned_end_on`` is within ``HOUSING_TENANCY_LIMIT_WARNING_DAYS`` (90) or passed; due on
  ``planned_end_on``. Ending the tenancy resolves it.
* ``offer_expired`` — an offer the ``offers`` job expired (pending past ``respond_by``) while its
  need still waits; due on ``respond_by``. Only the ``offers`` job raises it; a new offer for the
  need, parking or withdrawing the need resolves it.
* ``unit_inspection_due`` — ``next_inspection_on`` within ``HOUSING_INSPECTION_DUE_DAYS`` (30) or
  passed; due on ``next_inspection_on`` (a unit without the date is not flagged). An inspection
  (or a corrected date) resolves it.
* ``need_class_mismatch`` — an active tenancy, started, in a unit of a lower risk class than its
  need requires (or without a class); due on the tenancy's start. Ending the tenancy, or an
  inspection that raises the unit's class, resolves it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app

from service.auth import matrix
from service.auth.roles import HOUSING_OFFICER
from service.common.contributions import FlagKind, FlagScope
from service.common.i18n import N_, NP_
from service.extensions import db
from service.housing.models import HousingNeed, HousingOffer, HousingUnit, Tenancy
from service.housing.needs import waiting_clause
from service.housing.rules import class_rank_sql
from service.worklist.flags import assignee

_NO_CAUSE = sa.cast(sa.null(), sa.String)
_OFFICE = sa.cast(sa.null(), sa.Uuid)


def _tenancy_columns(due_on) -> tuple:
    return (Tenancy.id.label("subject_id"), Tenancy.person_id.label("person_id"), due_on.label("due_on"),
            _OFFICE.label("assigned_to"), _NO_CAUSE.label("cause"))


def tenancy_limit_rows(scope: FlagScope) -> sa.Select:
    horizon = scope.on + dt.timedelta(days=int(current_app.config["HOUSING_TENANCY_LIMIT_WARNING_DAYS"]))
    return (sa.select(*_tenancy_columns(Tenancy.planned_end_on))
            .join(HousingUnit, HousingUnit.id == Tenancy.unit_id)
            .where(Tenancy.municipality_id == scope.municipality_id, Tenancy.ended_on.is_(None),
                   HousingUnit.max_stay_months.is_not(None), Tenancy.planned_end_on <= horizon))


def class_mismatch_rows(scope: FlagScope) -> sa.Select:
    return (sa.select(*_tenancy_columns(Tenancy.start_on))
            .join(HousingUnit, HousingUnit.id == Tenancy.unit_id)
            .join(HousingNeed, HousingNeed.id == Tenancy.need_id)
            .where(Tenancy.municipality_id == scope.municipality_id, Tenancy.ended_on.is_(None),
                   Tenancy.start_on <= scope.on,
                   class_rank_sql(HousingUnit.risk_class) < class_rank_sql(HousingNeed.required_risk_class)))


def offer_expired_rows(scope: FlagScope) -> sa.Select:
    return (sa.select(HousingOffer.id.label("subject_id"), HousingOffer.person_id.label("person_id"),
                      HousingOffer.respond_by.label("due_on"), assignee(HousingOffer.offered_by).label("assigned_to"),
                      _NO_CAUSE.label("cause"))
            .join(HousingNeed, HousingNeed.id == HousingOffer.need_id)
            .where(HousingOffer.municipality_id == scope.municipality_id, HousingOffer.status == "expired",
                   HousingOffer.respond_by < scope.on, waiting_clause(scope.on)))


def inspection_due_rows(scope: FlagScope) -> sa.Select:
    horizon = scope.on + dt.timedelta(days=int(current_app.config["HOUSING_INSPECTION_DUE_DAYS"]))
    return sa.select(HousingUnit.id.label("subject_id"), sa.cast(sa.null(), sa.Uuid).label("person_id"),
                     HousingUnit.next_inspection_on.label("due_on"), _OFFICE.label("assigned_to"),
                     _NO_CAUSE.label("cause")).where(
        HousingUnit.municipality_id == scope.municipality_id, HousingUnit.next_inspection_on <= horizon)


def _unit_labels(unit_ids: dict) -> dict:
    labels = dict(db.session.execute(sa.select(HousingUnit.id, HousingUnit.label)
                                     .where(HousingUnit.id.in_(set(unit_ids.values())))).all())
    return {subject_id: labels.get(unit_id, "") for subject_id, unit_id in unit_ids.items()}


def describe_units(ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    return _unit_labels({unit_id: unit_id for unit_id in ids})


def describe_tenancies(ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    return _unit_labels(dict(db.session.execute(
        sa.select(Tenancy.id, Tenancy.unit_id).where(Tenancy.id.in_(list(ids)))).all()))


def describe_offers(ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    return _unit_labels(dict(db.session.execute(
        sa.select(HousingOffer.id, HousingOffer.unit_id).where(HousingOffer.id.in_(list(ids)))).all()))


def _kind(kind: str, label: str, subject_type: str, model, resource: str, rows, describe, text: str,
          raised_by: str = "deadlines") -> FlagKind:
    return FlagKind(kind=kind, label=label, subject_type=subject_type, subject_model=model, subject_resource=resource,
                    rows=rows, role=HOUSING_OFFICER, office="housing_office", describe=describe, texts={None: text},
                    raised_by=raised_by)


FLAG_KINDS = (
    _kind("tenancy_limit_approaching", NP_("flag_kind", "Maximum stay approaching"), "housing_tenancy", Tenancy,
          matrix.HOUSING_TENANCY, tenancy_limit_rows, describe_tenancies,
          N_("The tenancy in %(subject)s reaches its maximum stay on %(date)s – plan the move")),
    _kind("offer_expired", NP_("flag_kind", "Offer expired"), "housing_offer", HousingOffer, matrix.HOUSING_OFFER,
          offer_expired_rows, describe_offers,
          N_("The offer of %(subject)s was not answered by %(date)s and has expired – make a new offer"),
          raised_by="offers"),
    _kind("unit_inspection_due", NP_("flag_kind", "Inspection due"), "housing_unit", HousingUnit,
          matrix.HOUSING_UNIT, inspection_due_rows, describe_units,
          N_("%(subject)s is to be inspected by %(date)s")),
    _kind("need_class_mismatch", NP_("flag_kind", "Unit below the need's class"), "housing_tenancy", Tenancy,
          matrix.HOUSING_TENANCY, class_mismatch_rows, describe_tenancies,
          N_("%(subject)s is of a lower risk class than the need of its tenant requires (since %(date)s)")),
)
