"""How many open deadline conditions a generated municipality holds on the generation date.

The scheduler's benchmark needs data in which the flag conditions of the worklist
(docs/worklist.md) actually hold, many thousands of times; ``demo generate`` builds its
decision periods, evaluations, referrals, plans and inspections so that they do
(``proportions``), and this module proves it after the insert, in one SQL statement.

It counts through the worklist's own flag kinds (``contributions.FlagKind.rows``, each from
the feature whose data it reads), so there is one home per rule: the count here is exactly
what the first ``deadlines`` run on that day raises (``offer_expired`` aside: only the offers
job raises it, after it expired the offers). These counts are the generator's report only.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from service.common import clock, contributions
from service.common.contributions import FlagScope
from service.extensions import db


def open_deadline_conditions(municipality_id: uuid.UUID, today: dt.date | None = None) -> dict[str, int]:
    """Counts per flag kind for one municipality (one SELECT of scalar subqueries)."""
    scope = FlagScope(on=today or clock.today(), municipality_id=municipality_id)
    kinds = sorted(contributions.current().flag_kinds.values(), key=lambda kind: kind.kind)
    counts = {kind.kind: sa.select(sa.func.count()).select_from(kind.rows(scope).subquery()).scalar_subquery()
              for kind in kinds}
    row = db.session.execute(sa.select(*(value.label(kind) for kind, value in counts.items()))).one()
    return {kind: int(value) for kind, value in row._mapping.items()}
