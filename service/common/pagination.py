"""Counting and slicing a SELECT for flask-smorest's ``X-Pagination`` header."""

from __future__ import annotations

import sqlalchemy as sa

from service.extensions import db


def page_of(stmt: sa.Select, page: int, page_size: int) -> tuple[list, int]:
    """One page of ``stmt`` and the total count, both computed by the database."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    items = db.session.scalars(stmt.limit(page_size).offset((page - 1) * page_size)).all()
    return list(items), int(total or 0)


# flask-smorest ``@blp.paginate(**PAGINATION)`` on every list (DESIGN §9: at most 200 a page).
PAGINATION = {"page_size": 50, "max_page_size": 200}
