"""The migrations build exactly the models, on whichever database the suite runs."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import service.models  # noqa: F401
from service.extensions import db


def test_migrated_schema_matches_models(app):
    # The session fixture built the schema by running every migration from empty.
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models and migrations differ: {differences}"


def test_schema_is_at_single_head(app):
    with app.app_context():
        from service.health.services import health

        report, ok = health()
    assert ok and report["migrations"]["at_head"]
    assert len(report["migrations"]["head"]) == 1
