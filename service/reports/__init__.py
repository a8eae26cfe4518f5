"""Monthly plan-status tables T1–T10, small-cell suppression and frozen snapshots (docs/reports.md).

* ``tables`` — what a report table is (the features contribute theirs: decisions, referrals,
  plans, housing) and the relations between its cells;
* ``suppression`` — primary and secondary suppression of small counts over a whole snapshot,
  and the linear-programming audit that proves no hidden cell can be recomputed;
* ``services`` — compute a period's tables, publish them suppressed, store and version snapshots;
* ``routes``, ``schemas``, ``cli`` — the API, its answers and ``flask reports …``.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    """The labels of the reports' own codes (build outcomes, the units of the columns)."""
    from service.common.contributions import for_app
    from service.reports.labels import DOMAINS

    for_app(app).add_labels(DOMAINS)
