"""Housing: risk-classed units, the needs register, matching, offers and tenancies (docs/housing.md).

Housing has no ``services.py``: its service layer (routes.py → services → models.py +
schemas.py) is one module per subject, each with the domain rules, need-to-know and
audit of its own rows:

* ``units.py`` — register, correct and inspect units, take them out of use and back;
* ``needs.py`` — the needs register (waiting list): register, correct, park, resume, withdraw;
* ``offers.py`` — offers (make, accept, decline, withdraw) and tenancies (list, end);
* ``capacity.py`` — the capacity guard the offer and tenancy services go through (lock the
  unit, count its places, refresh its status);
* ``matching.py`` — hard rules, the explained score, candidates and the allocation proposal.

Beside them: ``frames.py`` (the units, needs and residents matching loads, as arrays),
``explanations.py`` (why a rule excludes a pair, one sentence with the values), ``rules.py``
(pure rules: risk class from the checklist, orderings), ``labels.py`` (labels of the codes),
``demo.py`` (demo data, through the services above). Imports go one way:
matching → explanations → frames → rules → models.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    """Contributes the labels of its codes and the decisions a housing need rests on (part of the
    access matrix's ``housing_related`` rule)."""
    from service.auth import matrix
    from service.common.contributions import for_app
    from service.housing.labels import DOMAINS as LABELS
    from service.housing.needs import need_linked_decisions
    for_app(app).add_labels(LABELS)
    for_app(app).add_row_rule(matrix.DECISION, matrix.HOUSING_RELATED, need_linked_decisions)
    # Its worklist flag kinds: maximum stays, expired offers, inspections, class mismatches.
    from service.housing.flags import FLAG_KINDS
    for kind in FLAG_KINDS:
        for_app(app).add_flag_kind(kind)
    # A unit's and a need's status on a past day (reports T8 and T9).
    from service.common.history import Tracked
    from service.housing import models
    for_app(app).add_history(Tracked(models.HousingUnit, models.HousingUnitHistory, "unit_id",
                                     models.UNIT_HISTORY_FIELDS))
    for_app(app).add_history(Tracked(models.HousingNeed, models.HousingNeedHistory, "need_id",
                                     models.NEED_HISTORY_FIELDS))
    # Report tables T8 (stock) and T9 (needs) (``housing.reports``).
    from service.housing.reports import REPORT_RELATIONS, REPORT_TABLES
    for table in REPORT_TABLES:
        for_app(app).add_report_table(table)
    for relation in REPORT_RELATIONS:
        for_app(app).add_report_relation(relation)
