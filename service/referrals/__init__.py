"""Referrals (henvendelser): registration, assignment, assessment, preliminary reply."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Contributes the labels of its codes and its worklist flag kinds (``referrals.flags``)."""
    from service.common.contributions import for_app
    from service.referrals.flags import FLAG_KINDS
    from service.referrals.labels import DOMAINS as LABELS
    for_app(app).add_labels(LABELS)
    for kind in FLAG_KINDS:
        for_app(app).add_flag_kind(kind)
