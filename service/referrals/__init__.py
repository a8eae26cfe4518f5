"""Referrals (henvendelser): registration, assignment, assessment, preliminary reply."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Contributes the labels of its codes, its worklist flag kinds (``referrals.flags``) and
    report table T4 (``referrals.reports``)."""
    from service.common.contributions import for_app
    from service.referrals.flags import FLAG_KINDS
    from service.referrals.labels import DOMAINS as LABELS
    from service.referrals.reports import REPORT_RELATIONS, REPORT_TABLES
    for_app(app).add_labels(LABELS)
    for kind in FLAG_KINDS:
        for_app(app).add_flag_kind(kind)
    for table in REPORT_TABLES:
        for_app(app).add_report_table(table)
    for relation in REPORT_RELATIONS:
        for_app(app).add_report_relation(relation)
