"""``demo seed`` builds plans in every state the worklist and reports need."""

import sqlalchemy as sa

from service.auth.services import get_municipality_by_number
from service.common import clock
from service.common.tenancy import tenant_scope
from service.demo.seed import DEMO_NUMBER, seed_demo
from service.extensions import db
from service.plans.models import IndividualPlan, PlanEvaluation, PlanGoal


def _count(stmt) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))


def test_demo_seed_has_plans_in_every_state(app, env):
    with app.app_context():
        seed_demo()
        with tenant_scope(get_municipality_by_number(DEMO_NUMBER).id):
            plans = db.session.scalars(sa.select(IndividualPlan)).all()
            by_status = {}
            for plan in plans:
                by_status.setdefault(plan.status, []).append(plan)
            assert {s: len(v) for s, v in by_status.items()} == {
                "active": 5, "in_preparation": 2, "requested": 2, "declined": 2, "closed": 1}
            active = by_status["active"]
            assert len([p for p in active if p.next_evaluation_on < clock.today()]) == 1
            for plan in active:
                assert _count(sa.select(PlanGoal).where(PlanGoal.plan_id == plan.id)) == 3
                assert _count(sa.select(PlanEvaluation).where(PlanEvaluation.plan_id == plan.id)) == 1
            coordinator_only = [p for p in by_status["declined"] if p.coordinator_only]
            assert len(coordinator_only) == 1 and coordinator_only[0].coordinator_user_id is not None
