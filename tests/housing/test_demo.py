"""The demo seed has a Kragerø-shaped housing stock and waiting list."""

import sqlalchemy as sa

from service.extensions import db
from service.housing.models import HousingNeed, HousingUnit, Tenancy


def test_demo_housing_is_shaped_like_kragero(app, db_connection):
    from service.common.tenancy import tenant_scope
    from service.demo.seed import seed_demo

    with app.app_context():
        seed_demo()
        from service.auth.models import Municipality

        municipality = db.session.scalar(sa.select(Municipality).where(Municipality.number == "4014"))
        with tenant_scope(municipality.id):
            complexes = db.session.scalars(sa.select(HousingUnit.complex).where(
                HousingUnit.unit_type == "staffed_complex").distinct()).all()
            assert len(complexes) == 2
            assert db.session.scalar(sa.select(sa.func.count()).where(HousingUnit.risk_class == "red")) == 0
            red_needs = db.session.scalar(sa.select(sa.func.count()).where(
                HousingNeed.required_risk_class == "red", HousingNeed.status == "waiting"))
            assert red_needs == 10
            categories = set(db.session.scalars(sa.select(HousingNeed.category).where(
                HousingNeed.status.in_(("waiting", "parked")))).all())
            assert {"care_home_staffed", "robust_supervised", "robust_staff_base", "training_flat"} <= categories
            homeless = db.session.scalar(sa.select(sa.func.count()).where(
                HousingNeed.status == "waiting", HousingNeed.housing_situation.in_(
                    ("temporary_accommodation", "with_friends_family", "institution_release", "sleeping_rough"))))
            assert homeless >= 5
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Tenancy)) >= 15
