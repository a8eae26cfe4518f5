"""Scheduled jobs: APScheduler in one process, with a ledger of runs per period (docs/architecture.md).

* ``registry`` — the jobs (``deadlines``, ``offers``, ``monthly_snapshot``), their schedules and periods;
* ``tasks`` — what each does, municipality by municipality, through the features' service functions;
* ``runs`` — the ledger: once per period, catch-up, manual replays, the locks;
* ``scheduler`` — APScheduler and the heartbeat; ``cli`` — ``scheduler run``, ``serve``, ``jobs``;
* ``services``, ``routes``, ``schemas`` — ``/api/v1/jobs`` for the administrator; ``labels``.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    """Contributes the labels of its codes."""
    from service.common.contributions import for_app
    from service.jobs.labels import DOMAINS as LABELS

    for_app(app).add_labels(LABELS)
