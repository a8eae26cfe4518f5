"""Individual plans (IP) and coordinators (docs/plans.md).

Split by sub-aggregate, like ``service.housing``:

* ``services`` — the plan's life cycle (request, list/read, correct, activate, decline,
  close), its coordinator (appointment and the coordinator's person scope), the link to
  granted decisions and the person overview's ``plan_of``;
* ``consent`` — the person's consent, which starts the preparation;
* ``members`` — the responsibility group (*ansvarsgruppe*);
* ``goals`` — goals and the measures (*tiltak*) that serve them;
* ``evaluations`` — evaluations and when the next one is due;
* ``reports`` — SELECTs for the worklist flags and the counts of report T7;
* ``rules`` — what they share: need-to-know (``visible_plans_clause``), loading a plan,
  state conflicts, date order, the decision link, derived fields, audit;
* ``parts`` — the machinery the plan's parts share (load, list, read, change, audit);
* ``routes`` (HTTP), ``schemas`` (shapes only), ``models``, ``labels``, ``demo``.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from service.auth import matrix
    from service.common.contributions import for_app
    from service.decisions.signals import decision_decided
    from service.plans.rules import own_plans, plan_linked_decisions
    from service.plans.services import coordinator_person_scope, on_decision_decided

    # The access matrix's rules that plans decide: the persons whose open plan a coordinator
    # runs, the plans it runs, and the decisions its open plans point at.
    registry = for_app(app)
    registry.add_row_rule(matrix.PERSON, matrix.COORDINATED, coordinator_person_scope)
    registry.add_row_rule(matrix.PLAN, matrix.OWN_PLANS, own_plans)
    registry.add_row_rule(matrix.DECISION, matrix.PLAN_LINKED, plan_linked_decisions)
    # A plan's status, coordinator and next evaluation on a past day (report T7).
    from service.common.history import Tracked
    from service.plans.models import PLAN_HISTORY_FIELDS, IndividualPlan, PlanHistory
    registry.add_history(Tracked(IndividualPlan, PlanHistory, "plan_id", PLAN_HISTORY_FIELDS))
    # A granted decision on "individuell plan og koordinator" requests or links the person's plan.
    decision_decided.connect(on_decision_decided, sender=app)
    # The labels of its codes (GET /api/v1/labels).
    from service.plans.labels import DOMAINS as LABELS
    for_app(app).add_labels(LABELS)
    # Its worklist flag kinds: evaluation due, coordinator missing.
    from service.plans.flags import FLAG_KINDS
    for kind in FLAG_KINDS:
        registry.add_flag_kind(kind)
    # Report table T7 (``plans.reports``) and its tie to T1's service users.
    from service.plans.reports import REPORT_RELATIONS, REPORT_TABLES
    for table in REPORT_TABLES:
        registry.add_report_table(table)
    for relation in REPORT_RELATIONS:
        registry.add_report_relation(relation)
