"""The worklist flags decisions and appeals raise (docs/worklist.md): their conditions as set-based SQL.

The decision kinds reuse the derived state (``state.state_expression``: superseded, ended,
expired, upcoming and expiring exactly as the answers show them), each with a condition on an
indexed date column beside it so the database reads only the rows near the window:

* ``decision_expiring`` — state ``expiring`` (running, ``valid_to`` within
  ``DECISION_EXPIRING_WINDOW_DAYS``, no decided renewal); due on ``valid_to``;
* ``decision_evaluation_due`` — state ``active`` or ``expiring`` and ``evaluate_by`` within
  ``DECISION_EVALUATION_DUE_WITHIN_DAYS`` (14) or passed; due on ``evaluate_by``;
* ``decision_untimed`` — state ``active`` without ``valid_to`` (a granted decision without an
  end); due on ``valid_from``;
* ``appeal_pending`` — an appeal received or in reassessment and not forwarded or decided
  ``APPEAL_PENDING_AFTER_DAYS`` (28: four weeks) after it was received; due on that day;
* ``unit_decision_changed`` — for the provider unit that delivers it: a decision decided in the
  last ``WORKLIST_PROVIDER_NEWS_DAYS`` (14) days (due on ``valid_from``), one that is expiring
  (due on ``valid_to``), or one that ended or expired in the last 14 days (due on its first day
  without the service).

The allocation office's kinds go to the officer who decided the decision (for an appeal, the
decision appealed), or to the office when none is named or that user is disabled; the provider's
kind to the unit. Deciding a renewal or correction, ending the decision, or moving the appeal
on resolves them at once; the ``deadlines`` job does so for what time alone changes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app

from service.auth import matrix
from service.auth.roles import CASE_OFFICER, PROVIDER
from service.catalogue.models import ServiceType
from service.common.contributions import FlagKind, FlagScope
from service.common.i18n import N_, NP_
from service.common.sqldates import plus_days
from service.decisions.models import Appeal, Decision
from service.decisions.state import state_expression
from service.extensions import db
from service.worklist.flags import assignee, in_sentence

_NO_CAUSE = sa.cast(sa.null(), sa.String)


def _window() -> int:
    return int(current_app.config["DECISION_EXPIRING_WINDOW_DAYS"])


def _state(scope: FlagScope):
    return state_expression(scope.on, _window())


def _decision_columns(due_on, assigned_to, cause=_NO_CAUSE) -> tuple:
    return (Decision.id.label("subject_id"), Decision.person_id.label("person_id"), due_on.label("due_on"),
            assigned_to.label("assigned_to"), cause.label("cause"))


def _office_columns(due_on) -> tuple:
    return _decision_columns(due_on, assignee(Decision.decided_by))


def _in(scope: FlagScope):
    return Decision.municipality_id == scope.municipality_id


def expiring_rows(scope: FlagScope) -> sa.Select:
    horizon = scope.on + dt.timedelta(days=_window())
    return sa.select(*_office_columns(Decision.valid_to)).where(
        _in(scope), Decision.valid_to.between(scope.on, horizon), _state(scope) == "expiring")


def evaluation_due_rows(scope: FlagScope) -> sa.Select:
    horizon = scope.on + dt.timedelta(days=int(current_app.config["DECISION_EVALUATION_DUE_WITHIN_DAYS"]))
    return sa.select(*_office_columns(Decision.evaluate_by)).where(
        _in(scope), Decision.evaluate_by <= horizon, _state(scope).in_(("active", "expiring")))


def untimed_rows(scope: FlagScope) -> sa.Select:
    return sa.select(*_office_columns(Decision.valid_from)).where(
        _in(scope), Decision.valid_to.is_(None), _state(scope) == "active")


def appeal_pending_rows(scope: FlagScope) -> sa.Select:
    after = int(current_app.config["APPEAL_PENDING_AFTER_DAYS"])
    return (sa.select(Appeal.id.label("subject_id"), Appeal.person_id.label("person_id"),
                      plus_days(Appeal.received_on, after).label("due_on"),
                      assignee(Decision.decided_by).label("assigned_to"), _NO_CAUSE.label("cause"))
            .join(Decision, Decision.id == Appeal.decision_id)
            .where(Appeal.municipality_id == scope.municipality_id, Appeal.status.in_(("received", "reassessing")),
                   Appeal.received_on <= scope.on - dt.timedelta(days=after)))


def unit_news_rows(scope: FlagScope) -> sa.CompoundSelect:
    """What a provider unit should know about the decisions it delivers, one row per change."""
    since = scope.on - dt.timedelta(days=int(current_app.config["WORKLIST_PROVIDER_NEWS_DAYS"]) - 1)
    to_unit = sa.cast(sa.null(), sa.Uuid)
    delivered = sa.and_(_in(scope), Decision.provider_unit_id.is_not(None))
    decided = sa.select(*_decision_columns(Decision.valid_from, to_unit, sa.literal("decided", sa.String))).where(
        delivered, Decision.decided_on.between(since, scope.on), Decision.discarded_at.is_(None),
        Decision.outcome != "refused")
    expiring = sa.select(*_decision_columns(Decision.valid_to, to_unit, sa.literal("expiring", sa.String))).where(
        delivered, Decision.valid_to.between(scope.on, scope.on + dt.timedelta(days=_window())),
        _state(scope) == "expiring")
    first_day_without = sa.func.coalesce(Decision.ended_on, plus_days(Decision.valid_to, 1))
    ended = sa.select(*_decision_columns(first_day_without, to_unit, sa.literal("ended", sa.String))).where(
        delivered,
        sa.or_(Decision.ended_on.between(since, scope.on),
               Decision.valid_to.between(since - dt.timedelta(days=1), scope.on - dt.timedelta(days=1))),
        _state(scope).in_(("ended", "expired")), first_day_without.between(since, scope.on))
    return sa.union_all(decided, expiring, ended)


def describe_decisions(ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """A decision by its service ("praktisk bistand og opplæring")."""
    rows = db.session.execute(
        sa.select(Decision.id, ServiceType.name_nb)
        .join(ServiceType, sa.and_(ServiceType.code == Decision.service_code,
                                   ServiceType.municipality_id == Decision.municipality_id))
        .where(Decision.id.in_(list(ids)))).all()
    return {decision_id: in_sentence(name) for decision_id, name in rows}


def describe_appeals(ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """An appeal by the service of the decision appealed."""
    appealed = dict(db.session.execute(sa.select(Appeal.id, Appeal.decision_id).where(Appeal.id.in_(list(ids)))).all())
    services = describe_decisions(set(appealed.values()))
    return {appeal_id: services.get(decision_id, "") for appeal_id, decision_id in appealed.items()}


def _decision_kind(kind: str, label: str, rows, text: str) -> FlagKind:
    return FlagKind(kind=kind, label=label, subject_type="decision", subject_model=Decision,
                    subject_resource=matrix.DECISION, rows=rows, role=CASE_OFFICER, office="case_office",
                    describe=describe_decisions, texts={None: text})


FLAG_KINDS = (
    _decision_kind("decision_expiring", NP_("flag_kind", "Decision expiring"), expiring_rows,
                   N_("Decision on %(subject)s expires %(date)s – consider renewal")),
    _decision_kind("decision_evaluation_due", NP_("flag_kind", "Decision to be evaluated"), evaluation_due_rows,
                   N_("Decision on %(subject)s is to be evaluated by %(date)s")),
    _decision_kind("decision_untimed", NP_("flag_kind", "Decision without end date"), untimed_rows,
                   N_("Decision on %(subject)s has run without an end date since %(date)s – set a period or "
                      "end it")),
    FlagKind(
        kind="appeal_pending", label=NP_("flag_kind", "Appeal pending"), subject_type="appeal",
        subject_model=Appeal, subject_resource=matrix.APPEAL, rows=appeal_pending_rows, role=CASE_OFFICER,
        office="case_office", describe=describe_appeals,
        texts={None: N_("Appeal against the decision on %(subject)s has waited four weeks (%(date)s) – "
                        "reverse the decision or forward the appeal")}),
    FlagKind(
        kind="unit_decision_changed", label=NP_("flag_kind", "Decision for the unit changed"),
        subject_type="decision", subject_model=Decision, subject_resource=matrix.DECISION, rows=unit_news_rows,
        role=PROVIDER, office="provider_unit", describe=describe_decisions,
        texts={"decided": N_("New decision on %(subject)s from %(date)s"),
               "expiring": N_("Decision on %(subject)s expires %(date)s"),
               "ended": N_("Decision on %(subject)s no longer runs from %(date)s")}),
)
