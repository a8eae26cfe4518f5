"""The worklist flags referrals raise (docs/worklist.md): their conditions as set-based SQL.

* ``referral_reply_due`` — open, no preliminary reply, ``answer_due_on`` within
  ``REFERRAL_REPLY_DUE_WITHIN_DAYS`` (7) or passed (``Referral.reply_due_clause``, the rule the
  answers' ``reply_overdue`` uses too); due on ``answer_due_on``.
* ``referral_overdue`` — open, a preliminary reply sent, and its ``expected_by`` has passed;
  due on ``expected_by``.

Both go to the referral's assignee, or to the allocation office when none is named or the
assignee is disabled; deciding, withdrawing or forwarding the referral, or a (new)
preliminary reply, resolves them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app

from service.auth import matrix
from service.auth.roles import CASE_OFFICER
from service.catalogue.models import ServiceType
from service.common.contributions import FlagKind, FlagScope
from service.common.i18n import N_, NP_, _
from service.extensions import db
from service.referrals.models import OPEN_STATUSES, Referral
from service.worklist.flags import assignee, in_sentence


def _columns(due_on) -> tuple:
    return (Referral.id.label("subject_id"), Referral.person_id.label("person_id"), due_on.label("due_on"),
            assignee(Referral.assigned_to).label("assigned_to"), sa.cast(sa.null(), sa.String).label("cause"))


def reply_due_rows(scope: FlagScope) -> sa.Select:
    within = int(current_app.config["REFERRAL_REPLY_DUE_WITHIN_DAYS"])
    return sa.select(*_columns(Referral.answer_due_on)).where(
        Referral.municipality_id == scope.municipality_id,
        Referral.reply_due_clause(scope.on + dt.timedelta(days=within)))


def overdue_rows(scope: FlagScope) -> sa.Select:
    return sa.select(*_columns(Referral.preliminary_reply_expected_by)).where(
        Referral.municipality_id == scope.municipality_id, Referral.status.in_(OPEN_STATUSES),
        Referral.preliminary_reply_sent_on.is_not(None), Referral.preliminary_reply_expected_by < scope.on)


def describe(ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """A referral by the services it asks for ("psykisk helsehjelp, rusoppfølging")."""
    requested = dict(db.session.execute(sa.select(Referral.id, Referral.requested_services)
                                        .where(Referral.id.in_(list(ids)))).all())
    codes = sorted({code for services in requested.values() for code in services or []})
    names = dict(db.session.execute(sa.select(ServiceType.code, ServiceType.name_nb)
                                    .where(ServiceType.code.in_(codes))).all()) if codes else {}
    return {referral_id: ", ".join(in_sentence(names.get(code, code)) for code in services or [])
            or _("no service named") for referral_id, services in requested.items()}


FLAG_KINDS = (
    FlagKind(
        kind="referral_reply_due", label=NP_("flag_kind", "Referral to be answered"),
        subject_type="referral", subject_model=Referral, subject_resource=matrix.REFERRAL,
        rows=reply_due_rows, role=CASE_OFFICER, office="case_office", describe=describe,
        texts={None: N_("Referral (%(subject)s) must be answered by %(date)s – decide or send a preliminary "
                        "reply")}),
    FlagKind(
        kind="referral_overdue", label=NP_("flag_kind", "Referral answer overdue"),
        subject_type="referral", subject_model=Referral, subject_resource=matrix.REFERRAL,
        rows=overdue_rows, role=CASE_OFFICER, office="case_office", describe=describe,
        texts={None: N_("Referral (%(subject)s): the answer promised by %(date)s has not been given – decide "
                        "or send a new preliminary reply")}),
)
