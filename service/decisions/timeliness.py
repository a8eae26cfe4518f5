"""When an appeal is in time: the appeal deadline, fvl § 30 and the one-year limit of fvl § 31.

Why a module of its own: the same rule must hold whichever date changes — the decision's
``notified_on`` (recorded or corrected after an appeal came in), or the appeal's
``received_on``/``sent_on`` — so every path that changes one of them calls
``apply_deadlines`` and nothing else computes these columns.

* The period runs from ``notified_on`` (fvl § 29 first paragraph: from when the
  notification reached the party) and is the legal basis' ``appeal_period_days``,
  counted by ``service.common.deadlines.statutory_period_end`` and moved past a
  weekend or public holiday when the basis' ``appeal_period_moves`` says so.
* An appeal is in time when it was posted or sent (``sent_on``) by the deadline, even
  if it arrives later (fvl § 30 first paragraph); without ``sent_on``, ``received_on``
  decides. Before the decision is notified the period has not started: in time.
* More than one year after the decision was made (``decided_on``) an appeal cannot be
  considered at all (fvl § 31 third paragraph): such an appeal is still registered,
  with ``beyond_absolute_limit`` set, so the officer sees it and answers it.
"""

from __future__ import annotations

import sqlalchemy as sa

from service.audit.services import record
from service.catalogue.models import LegalBasis
from service.decisions.models import Appeal, Decision
from service.decisions.periods import absolute_limit, appeal_deadline, deadline_met
from service.extensions import db


def _basis(decision: Decision) -> LegalBasis:
    return db.session.scalar(sa.select(LegalBasis).where(LegalBasis.code == decision.legal_basis))


def apply_deadlines(appeal: Appeal, decision: Decision, basis: LegalBasis | None = None) -> bool:
    """Set the appeal's computed columns from the decision and its legal basis; True if any changed."""
    basis = basis or _basis(decision)
    before = (appeal.appeal_period_days, appeal.deadline_on, appeal.deadline_met, appeal.absolute_limit_on,
              appeal.beyond_absolute_limit)
    # Copied when the appeal is registered, so a later catalogue edit does not change it.
    appeal.appeal_period_days = appeal.appeal_period_days or basis.appeal_period_days
    appeal.deadline_on = appeal_deadline(decision.notified_on, appeal.appeal_period_days, basis.appeal_period_moves)
    appeal.deadline_met = deadline_met(appeal.received_on, appeal.deadline_on, appeal.sent_on)
    appeal.absolute_limit_on = absolute_limit(decision.decided_on, basis.appeal_period_moves)
    appeal.beyond_absolute_limit = (appeal.sent_on or appeal.received_on) > appeal.absolute_limit_on
    after = (appeal.appeal_period_days, appeal.deadline_on, appeal.deadline_met, appeal.absolute_limit_on,
             appeal.beyond_absolute_limit)
    return before != after


def recompute_for_decision(decision: Decision) -> int:
    """After ``notified_on`` changed: every appeal against the decision; returns how many changed."""
    basis = _basis(decision)
    changed = 0
    for appeal in db.session.scalars(sa.select(Appeal).where(Appeal.decision_id == decision.id)):
        if apply_deadlines(appeal, decision, basis):
            changed += 1
            record("update", "appeal", object_id=appeal.id, person_id=appeal.person_id,
                   detail="deadline recomputed: notification date changed")
    db.session.flush()
    return changed
