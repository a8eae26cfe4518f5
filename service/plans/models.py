"""Individual plans (individuell plan, IP) and coordinators.

pasient- og brukerrettighetsloven § 2-5 and helse- og omsorgstjenesteloven
§§ 7-1, 7-2; the content follows forskrift om habilitering, rehabilitering,
individuell plan og koordinator (§§ 19-21). See docs/plans.md.

A plan (and each measure) may point at the decision (vedtak) that grants it.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from service.auth.models import User
from service.common.history import HistoryMixin
from service.common.models import EntityMixin, TenantMixin, sql_in
from service.extensions import db

REQUESTED = "requested"
IN_PREPARATION = "in_preparation"
ACTIVE = "active"
CLOSED = "closed"
DECLINED = "declined"
STATUSES = (REQUESTED, IN_PREPARATION, ACTIVE, CLOSED, DECLINED)

# Life areas of the goals (bolig, arbeid/aktivitet, økonomi, fysisk helse,
# psykisk helse, rus, nettverk).
GOAL_AREAS = ("housing", "work_activity", "finances", "physical_health", "mental_health",
              "substance_use", "social_network")
GOAL_STATUSES = ("open", "achieved", "not_achieved", "discontinued")
MEASURE_STATUSES = ("planned", "ongoing", "completed", "discontinued")

# A plan is *open* while it still occupies the person's one plan: requested,
# in preparation, active, or declined while the person keeps the coordinator
# (coordinator_only). Closed plans and plans declined outright are history.
# The partial unique index below and ``IndividualPlan.open_clause`` say the same.
OPEN_PREDICATE = (
    "status IN ('requested', 'in_preparation', 'active') "
    "OR (status = 'declined' AND coordinator_only)"
)


class IndividualPlan(EntityMixin, TenantMixin, db.Model):
    __tablename__ = "individual_plans"

    person_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("persons.id"), nullable=False, index=True)
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default=REQUESTED)
    requested_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    request_note: Mapped[str | None] = mapped_column(sa.Text)

    # Content (forskrift om habilitering, rehabilitering, IP og koordinator § 21).
    needs: Mapped[str | None] = mapped_column(sa.Text)
    person_contribution: Mapped[str | None] = mapped_column(sa.Text)
    relatives_contribution: Mapped[str | None] = mapped_column(sa.Text)
    services_contribution: Mapped[str | None] = mapped_column(sa.Text)
    cooperation: Mapped[str | None] = mapped_column(sa.Text)
    period_from: Mapped[dt.date | None] = mapped_column(sa.Date)
    period_to: Mapped[dt.date | None] = mapped_column(sa.Date)

    # Consent (pasient- og brukerrettighetsloven § 2-5, § 4-1).
    consent_given_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    consent_scope: Mapped[str | None] = mapped_column(sa.String(500))
    consent_information_sharing: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)

    # Coordinator (helse- og omsorgstjenesteloven § 7-2): a user, or a named person outside the system.
    coordinator_user_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("users.id"), index=True)
    coordinator_name: Mapped[str | None] = mapped_column(sa.String(200))
    coordinator_contact: Mapped[str | None] = mapped_column(sa.String(200))
    coordinator_appointed_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    coordinator_only: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)

    # The decision (vedtak) on "individuell plan og koordinator"; no FK until decisions merge.
    decision_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("decisions.id"), index=True)

    next_evaluation_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    activated_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    declined_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    decline_reason: Mapped[str | None] = mapped_column(sa.String(500))
    closed_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    close_reason: Mapped[str | None] = mapped_column(sa.String(500))

    coordinator_user: Mapped[User | None] = relationship(lazy="joined")

    # Derived by the database on the day of the answer, never stored: ``evaluation_overdue_clause``,
    # filled by ``rules.select_plans`` on every load an answer is made of (null otherwise).
    evaluation_overdue: Mapped[bool | None] = query_expression()

    __table_args__ = (
        sa.Index(
            "uq_individual_plans_one_open_per_person", "person_id", unique=True,
            postgresql_where=sa.text(OPEN_PREDICATE), sqlite_where=sa.text(OPEN_PREDICATE),
        ),
        sa.CheckConstraint(sql_in("status", STATUSES), name="status_known"),
        sa.CheckConstraint("coordinator_user_id IS NULL OR coordinator_name IS NULL",
                           name="one_kind_of_coordinator"),
        sa.CheckConstraint("NOT coordinator_only OR status IN ('declined', 'closed')",
                           name="coordinator_only_when_declined"),
        sa.CheckConstraint("status <> 'active' OR (consent_given_on IS NOT NULL AND "
                           "(coordinator_user_id IS NOT NULL OR coordinator_name IS NOT NULL))",
                           name="active_has_consent_and_coordinator"),
        sa.CheckConstraint("status <> 'closed' OR (closed_on IS NOT NULL AND close_reason IS NOT NULL)",
                           name="closed_has_reason"),
        sa.CheckConstraint("period_to IS NULL OR period_from IS NULL OR period_to >= period_from",
                           name="period_ordered"),
    )

    @classmethod
    def open_clause(cls) -> sa.ColumnElement[bool]:
        return sa.or_(cls.status.in_((REQUESTED, IN_PREPARATION, ACTIVE)),
                      sa.and_(cls.status == DECLINED, cls.coordinator_only.is_(True)))

    @property
    def is_open(self) -> bool:
        return self.status in (REQUESTED, IN_PREPARATION, ACTIVE) or (
            self.status == DECLINED and self.coordinator_only)

    @property
    def has_coordinator(self) -> bool:
        return self.coordinator_user_id is not None or self.coordinator_name is not None

    @classmethod
    def evaluation_overdue_clause(cls, today: dt.date) -> sa.ColumnElement[bool]:
        """An active plan whose next evaluation is before ``today`` (never NULL: false without a date).

        The one home of the rule: the answers' ``evaluation_overdue`` and report T7's count."""
        return sa.and_(cls.status == ACTIVE, cls.next_evaluation_on.is_not(None), cls.next_evaluation_on < today)


class _PlanPart(EntityMixin, TenantMixin):
    """Members, goals, measures and evaluations: tenant rows hanging off one plan."""


class PlanMember(_PlanPart, db.Model):
    """A member of the responsibility group (ansvarsgruppe). Leaving sets ``ended_on``."""

    __tablename__ = "plan_members"

    plan_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("individual_plans.id"),
                                               nullable=False, index=True)
    organisation: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    role: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    contact: Mapped[str | None] = mapped_column(sa.String(200))
    joined_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    ended_on: Mapped[dt.date | None] = mapped_column(sa.Date)

    __table_args__ = (
        sa.CheckConstraint("ended_on IS NULL OR ended_on >= joined_on", name="ended_after_joined"),
    )


class PlanGoal(_PlanPart, db.Model):
    __tablename__ = "plan_goals"

    plan_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("individual_plans.id"),
                                               nullable=False, index=True)
    area: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    target_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="open")

    __table_args__ = (
        sa.CheckConstraint(sql_in("area", GOAL_AREAS), name="area_known"),
        sa.CheckConstraint(sql_in("status", GOAL_STATUSES), name="status_known"),
    )


class PlanMeasure(_PlanPart, db.Model):
    """A measure (tiltak): what, how much, who is responsible, and the decision behind it if any."""

    __tablename__ = "plan_measures"

    plan_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("individual_plans.id"),
                                               nullable=False, index=True)
    goal_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("plan_goals.id"), index=True)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False)
    extent: Mapped[str | None] = mapped_column(sa.String(200))
    responsible_organisation: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    responsible_name: Mapped[str | None] = mapped_column(sa.String(200))
    # The decision (vedtak) that grants the service, if any; no FK until decisions merge.
    decision_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, sa.ForeignKey("decisions.id"), index=True)
    starts_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    ends_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="ongoing")

    __table_args__ = (
        sa.CheckConstraint(sql_in("status", MEASURE_STATUSES), name="status_known"),
        sa.CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on",
                           name="period_ordered"),
    )


class PlanEvaluation(_PlanPart, db.Model):
    """An evaluation (revisjon) of an active plan. Never edited: a correction is a new evaluation."""

    __tablename__ = "plan_evaluations"

    plan_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("individual_plans.id"),
                                               nullable=False, index=True)
    evaluated_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    summary: Mapped[str] = mapped_column(sa.Text, nullable=False)
    next_evaluation_on: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)

    __table_args__ = (
        sa.CheckConstraint("next_evaluation_on > evaluated_on", name="next_after_evaluated"),
    )


class PlanHistory(HistoryMixin, TenantMixin, db.Model):
    """A plan's status, coordinator and next evaluation from ``valid_from``
    (service/common/history.py; report T7)."""

    __tablename__ = "individual_plan_history"

    plan_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("individual_plans.id"), nullable=False)
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    coordinator_only: Mapped[bool] = mapped_column(sa.Boolean, nullable=False)
    coordinator_user_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    coordinator_name: Mapped[str | None] = mapped_column(sa.String(200))
    next_evaluation_on: Mapped[dt.date | None] = mapped_column(sa.Date)

    __table_args__ = (sa.Index("ix_individual_plan_history_plan_valid_from", "plan_id", "valid_from"),)


PLAN_HISTORY_FIELDS = ("status", "coordinator_only", "coordinator_user_id", "coordinator_name", "next_evaluation_on")
