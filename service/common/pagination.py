"""Counting and slicing a SELECT for flask-smorest's ``X-Pagination`` header."""

from __future__ import annotations

import sqlalchemy as sa

from service.common.errors import ValidationFailed
from service.common.i18n import _
from service.extensions import db

# flask-smorest only bounds ``page`` below; an unbounded page makes an OFFSET the
# databases cannot hold (SQLite and PostgreSQL take 64-bit integers), which failed
# with a 500. A million pages of 200 is far past any list this service keeps.
MAX_PAGE = 1_000_000


def page_offset(page: int, page_size: int) -> int:
    """The OFFSET of ``page`` (1-based); 422 naming ``page`` beyond ``MAX_PAGE``."""
    if page > MAX_PAGE:
        raise ValidationFailed.field("page", _("must be at most %(max)s", max=MAX_PAGE))
    return (page - 1) * page_size


def page_of(stmt: sa.Select, page: int, page_size: int) -> tuple[list, int]:
    """One page of ``stmt`` and the total count, both computed by the database."""
    offset = page_offset(page, page_size)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    items = db.session.scalars(stmt.limit(page_size).offset(offset)).all()
    return list(items), int(total or 0)


# flask-smorest ``@blp.paginate(**PAGINATION)`` on every list (at most 200 a page; README, "Using the API").
# The one home of page sizes: a fixed rule of the API, not a setting (the decorator reads
# it when the routes are defined, so a configuration key could not change it anyway).
PAGINATION = {"page_size": 50, "max_page_size": 200}
