"""``demo seed`` leaves data where the first ``offers`` and ``deadlines`` runs raise a flag of every
kind, and each office's demo user sees a full worklist at once."""

import sqlalchemy as sa

from service.auth.services import get_municipality_by_number
from service.common import clock
from service.common.tenancy import tenant_scope
from service.demo.seed import DEMO_NUMBER
from service.extensions import db
from service.jobs import tasks
from service.worklist.models import Flag
from tests.helpers import ok

KINDS = {"referral_reply_due", "referral_overdue", "decision_expiring", "decision_evaluation_due", "decision_untimed",
         "appeal_pending", "plan_evaluation_due", "plan_coordinator_missing", "tenancy_limit_approaching",
         "offer_expired", "unit_inspection_due", "need_class_mismatch", "unit_decision_changed"}


def test_the_first_runs_after_demo_seed_raise_every_kind(app, cli, env):
    seeded = cli("demo", "seed")
    assert seeded.exit_code == 0, seeded.output
    tokens = {line.split()[1]: line.split()[2] for line in seeded.output.splitlines() if "tsp_" in line}
    with app.app_context():
        municipality_id = get_municipality_by_number(DEMO_NUMBER).id
        tasks.run_offers(clock.today(), [municipality_id])
        tasks.run_deadlines(clock.today(), [municipality_id])
        with tenant_scope(municipality_id):
            kinds = set(db.session.scalars(sa.select(Flag.kind).where(Flag.status == "open")))
    assert kinds == KINDS
    for username in ("demo-case-officer", "demo-coordinator", "demo-housing-officer", "demo-provider"):
        items = ok(env.client.get("/api/v1/worklist", headers={"Authorization": f"Bearer {tokens[username]}"}))
        assert items and all(item["text"] and item["due_on"] for item in items), username
