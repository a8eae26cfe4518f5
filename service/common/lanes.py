"""Independent pieces of a job on several database connections at once ("lanes").

Why: the ``deadlines`` job's first run of a day is a handful of large ``INSERT … SELECT``
statements, one per flag kind, and PostgreSQL runs each on one core of one connection. On the
``large`` set that is about 2.4 s of SQL one statement after another, the biggest kind (untimed
decisions) alone about 1 s; on two connections the same statements take about 1.4 s
(docs/performance.md). The pieces do not touch each other's rows (each kind raises and resolves
only its own flags), so nothing orders them but the connection they would share.

What it costs: atomicity across the pieces. Each piece commits on its own, so a crash can leave
some done and others not; the caller's pieces must therefore be idempotent, as the job's are
(raising inserts only what is missing, resolving touches only what is still open), and the
ledger retries a failed run. Anything that must be all-or-nothing stays in the caller's
transaction.

When it fans out: only on PostgreSQL (SQLite has one writer at a time) and only when the
session is bound to the engine, not to one connection held by the caller (a test's outer
transaction, whose rows another connection could not see). Otherwise every piece runs in the
caller's session and transaction, one after the other, and the caller commits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import TypeVar

import sqlalchemy as sa
from flask import current_app

from service.common.tenancy import current_municipality_id, tenant_scope
from service.extensions import db

T = TypeVar("T")


def can_fan_out() -> bool:
    """Whether pieces may run on connections of their own (see the module's docstring)."""
    bind = db.session.get_bind()
    return isinstance(bind, sa.Engine) and bind.dialect.name == "postgresql"


def run_in_lanes(pieces: Sequence[Callable[[], T]], lanes: int) -> list[T]:
    """Run every piece, on up to ``lanes`` connections at once; their results, in order.

    A piece on a lane of its own runs in a fresh application context of the current app, in the
    caller's municipality (``tenant_scope``, so row-level security sees it too), in a
    transaction of its own that is committed when it returns and rolled back when it raises.
    The next piece goes to the first lane that is free, in the order given (put the largest
    first). When a piece fails, the pieces not yet started are dropped, the running ones
    finish, and the first error is raised again.
    """
    if lanes <= 1 or len(pieces) <= 1 or not can_fan_out():
        return [piece() for piece in pieces]
    app = current_app._get_current_object()
    municipality_id = current_municipality_id()

    def on_own_connection(piece: Callable[[], T]) -> T:
        with app.app_context(), tenant_scope(municipality_id):
            try:
                result = piece()
                db.session.commit()
                return result
            except BaseException:
                db.session.rollback()
                raise
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=min(lanes, len(pieces)), thread_name_prefix="lane") as pool:
        futures = [pool.submit(on_own_connection, piece) for piece in pieces]
        done, _pending = wait(futures, return_when=FIRST_EXCEPTION)
        failed = [future for future in futures if future in done and future.exception() is not None]
        if failed:
            for future in futures:
                future.cancel()
            wait(futures)
            raise failed[0].exception()
    return [future.result() for future in futures]
