"""The audit trail: hash-chained, append-only events, their listings and verification."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Contributes the labels of its codes; links the events of every session at commit with the
    configured key (service/audit/chain.py); writes the refusal counts left at exit (service/audit/denials.py;
    not under test, where every test's refusals share one frozen minute)."""
    from service.audit import chain, denials
    from service.audit.labels import DOMAINS as LABELS
    from service.common.contributions import for_app
    for_app(app).add_labels(LABELS)
    chain.install(app)
    if not app.testing:
        denials.flush_at_exit()
