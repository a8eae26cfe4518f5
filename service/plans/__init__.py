"""Individual plans (IP) and coordinators."""

from flask import Flask


def init_app(app: Flask) -> None:
    from service.auth.roles import COORDINATOR
    from service.common.contributions import for_app
    from service.decisions.signals import decision_decided
    from service.plans.services import coordinator_person_scope, on_decision_decided

    # A coordinator sees the persons whose open plan it coordinates.
    for_app(app).add_person_scope(COORDINATOR, coordinator_person_scope)
    # A granted decision on "individuell plan og koordinator" requests or links the person's plan.
    decision_decided.connect(on_decision_decided, sender=app)
