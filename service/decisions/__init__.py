"""Decisions (enkeltvedtak) and appeals (klager).

Which module plays which role:

- ``routes``: the HTTP operations under ``/api/v1/decisions``, one service call each.
- ``services``: the decision itself — create (a draft, a decided decision, a correction),
  get, list, edit a draft, decide, discard, end; and the rows other features read
  (``persons_decision`` for plans and housing, ``decisions_of`` for the person overview).
- ``notification``: recording, and correcting, when and how the decision reached the
  person (underretning), from which the appeal period runs.
- ``renewals``: the successor of a decision — renewing it, and whether it may be
  superseded by a renewal or correction.
- ``appeals``: appeals against a decision and their status.
- ``drafting``: the writes the above share — a new draft from its fields, deciding it
  (which ends the decision it supersedes).
- ``loading``: need-to-know (the matrix's decision rules, incl. the provider's person scope) and loading with the
  derived state; the audit and state-conflict helpers every module shares.
- ``rules``: the field rules (hours, period, legal basis in force, dates).
- ``state``: the derived state, in SQL and Python; ``periods``: the appeal deadline and
  the one-year limit as date arithmetic; ``timeliness``: applies them to appeals whenever a
  date they depend on changes.
- ``signals``: ``decision_decided``, which plans listens to.
- ``reports`` (T1–T3, T10: persons served) and ``report_cases`` (T5 decisions, T6 appeals): the
  report tables it contributes (docs/reports.md).
- ``models``, ``schemas``, ``labels``, ``demo``: the tables, the API shapes, the codes' labels, demo data.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from service.auth import matrix
    from service.common.contributions import for_app
    from service.decisions.loading import housing_service_decisions, provider_person_scope, served_decisions

    # The access matrix's rules that decisions decide: the persons and decisions a provider's
    # unit serves, and the housing group's decisions a housing officer sees.
    registry = for_app(app)
    registry.add_row_rule(matrix.PERSON, matrix.SERVED, provider_person_scope)
    registry.add_row_rule(matrix.DECISION, matrix.SERVED, served_decisions)
    registry.add_row_rule(matrix.DECISION, matrix.HOUSING_RELATED, housing_service_decisions)
    # The labels of its codes (GET /api/v1/labels).
    from service.decisions.labels import DOMAINS as LABELS
    for_app(app).add_labels(LABELS)
    # Its worklist flag kinds: expiring, evaluation due, untimed, appeals pending, the provider's news.
    from service.decisions.flags import FLAG_KINDS
    for kind in FLAG_KINDS:
        registry.add_flag_kind(kind)
    # Its report tables (persons served T1–T3 and T10, decisions T5, appeals T6) and what they share.
    from service.decisions.reports import REPORT_RELATIONS, REPORT_TABLES
    for table in REPORT_TABLES:
        registry.add_report_table(table)
    for relation in REPORT_RELATIONS:
        registry.add_report_relation(relation)
