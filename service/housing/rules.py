"""Pure rules: risk class from features (docs/housing.md) and orderings (month arithmetic: ``common.deadlines``)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from service.housing.models import RISK_CLASSES, STAFFING_LEVELS

CLASS_RANK = {name: rank for rank, name in enumerate(RISK_CLASSES)}  # green < yellow < red
STAFFING_RANK = {name: rank for rank, name in enumerate(STAFFING_LEVELS)}


def class_rank(risk_class: str | None) -> int:
    """-1 for a unit without a class: lower than any requirement."""
    return CLASS_RANK.get(risk_class, -1) if risk_class else -1


def class_rank_sql(column) -> sa.ColumnElement[int]:
    """``class_rank`` in SQL, for set-based statements (the worklist's class mismatches)."""
    return sa.case(CLASS_RANK, value=column, else_=-1)


def derive_risk_class(features, staffing: str) -> str | None:
    """The highest class whose features, and those of every lower class, are all present.

    The rules are the ordered table ``HOUSING_RISK_RULES`` (lowest class first); a
    rule's ``min_staffing`` must also be met. Missing a green feature gives None.
    """
    rules = current_app.config["HOUSING_RISK_RULES"]
    present = set(features or ())
    derived = None
    for rule in rules:
        if not set(rule["features"]) <= present:
            break
        minimum = rule.get("min_staffing")
        if minimum and STAFFING_RANK.get(staffing, 0) < STAFFING_RANK[minimum]:
            break
        derived = rule["class"]
    return derived


def known_features() -> list[str]:
    return [feature for rule in current_app.config["HOUSING_RISK_RULES"] for feature in rule["features"]]

