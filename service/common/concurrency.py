"""Optimistic concurrency for services: the version the caller saw against the row's.

The route reads ``If-Match`` (``service/common/http.py``, ``if_match``) and hands the
service ``expected_version`` (``None``: no precondition). The service calls
``check_version`` right after loading the entity, before any rule of its own, so a
stale copy is 412 and never changes anything. (A body that fails its schema is refused
first, with 422, before the service runs: fixing the body then meets the 412.) Free of the request: jobs, the CLI and
the web application call the same services without a request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError

from service.common.errors import PreconditionFailed
from service.common.i18n import _
from service.extensions import db


def check_version(entity, expected_version: int | None) -> None:
    """412 when the caller's copy (``expected_version``) is not the entity's current version."""
    if expected_version is not None and entity.version != expected_version:
        raise PreconditionFailed(_("The resource was changed since you read it; fetch it again and retry."))


@contextmanager
def unique_or_duplicate(find_existing: Callable[[], object | None],
                        duplicate: Callable[[object], Exception]) -> Iterator[None]:
    """Run the block's writes in a savepoint; a unique index that refuses them is the duplicate.

    A service checks for a duplicate before writing, but that check sees only committed
    rows: a concurrent request can win in between, and then the database's unique index
    refuses the write. Inside this block that refusal becomes ``duplicate(existing)`` — the
    409 pointing to the row that won (``find_existing()`` after the savepoint is rolled
    back) — instead of a bare conflict, and the rest of the transaction is kept. When no
    such row is found, another constraint refused the write, and its error goes on.
    """
    try:
        with db.session.begin_nested():
            yield
            db.session.flush()
    except IntegrityError:
        existing = find_existing()
        if existing is None:
            raise
        raise duplicate(existing) from None
