"""``demo seed`` builds a Kragerø-sized caseload through the service functions."""

import sqlalchemy as sa

from service.auth.models import Municipality
from service.catalogue.models import ServiceType
from service.common.tenancy import tenant_scope
from service.decisions.models import Appeal, Decision
from service.demo.seed import seed_demo
from service.extensions import db
from service.referrals.models import Referral


def test_demo_seed_has_decisions_over_the_groups_expiring_untimed_and_an_appeal(app, env):
    with app.app_context():
        seed_demo()
        municipality = db.session.scalar(sa.select(Municipality).where(Municipality.number == "4014"))
        with tenant_scope(municipality.id):
            users = db.session.scalar(sa.select(sa.func.count(sa.distinct(Decision.person_id))))
            groups = set(db.session.scalars(sa.select(ServiceType.report_group).join(
                Decision, sa.and_(Decision.service_code == ServiceType.code,
                                  Decision.municipality_id == ServiceType.municipality_id))))
            untimed = db.session.scalar(sa.select(sa.func.count()).where(
                Decision.valid_to.is_(None), Decision.outcome != "refused"))
            renewed = db.session.scalar(sa.select(sa.func.count()).where(Decision.supersedes_id.is_not(None)))
            appeals = db.session.scalar(sa.select(sa.func.count()).select_from(Appeal))
            open_referrals = db.session.scalar(sa.select(sa.func.count()).where(
                Referral.status.in_(("received", "assessing"))))
        db.session.rollback()
    assert 130 <= users <= 140
    assert {"home_based", "activity", "housing_support", "substance_care", "rapid_mental_health"} <= groups
    assert untimed > 0 and renewed > 0 and appeals == 1 and open_referrals > 0
