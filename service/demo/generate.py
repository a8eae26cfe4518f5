"""``demo generate``: a synthetic municipality at benchmark scale, inserted in bulk.

Unlike ``demo seed`` (a small municipality built through the service functions, row by
row), this writes whole tables with SQLAlchemy Core ``insert()`` and executemany in
batches, so that a 25,000-inhabitant municipality (``municipal``) or a national-scale
test set (``large``) is built in seconds to minutes. Every national id is synthetic
(Skatteetaten's Tenor range, month + 80). The same ``seed`` gives the same rows (and, for the same
municipality number, the same ids).

Derived columns the services normally compute are computed here with the project's own
functions: a referral's ``answer_due_on`` (``referrals.services.answer_due_on``), an
appeal's deadlines (``decisions.timeliness.apply_deadlines``), a unit's risk class
(``housing.rules.derive_risk_class``) and a need's requirements
(``HOUSING_CATEGORY_DEFAULTS``). The audit trail gets one bulk "generated" event per
table (``audit.services.record``), not one per row.

The proportions are in ``proportions`` (with their sources), the rows are built by
``rows.RowBuilder``; this module creates the municipality, inserts and reports.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import click
import sqlalchemy as sa

from service.audit.services import record
from service.auth import services as auth
from service.auth.models import Municipality
from service.common.tenancy import tenant_scope
from service.demo.proportions import SCALES
from service.demo.rows import TABLES, RowBuilder
from service.extensions import db
from service.persons.models import Person

BATCH_SIZE = 5_000
DEFAULT_MUNICIPALITY = "9999"
DEFAULT_NAME = "Syntetisk kommune"


class GenerateRefused(click.ClickException):
    pass


def generate(scale_name: str, municipality_number: str = DEFAULT_MUNICIPALITY, seed: int = 1,
             progress: bool = True, echo: Callable[[str], None] = click.echo) -> dict[str, int]:
    """Generate one municipality's data; returns rows per table. The caller commits."""
    scale = SCALES[scale_name]
    municipality = db.session.scalar(sa.select(Municipality).where(Municipality.number == municipality_number))
    if municipality is None:
        municipality = auth.create_municipality(municipality_number, f"{DEFAULT_NAME} {municipality_number}")
    elif db.session.scalar(sa.select(Person.id).where(Person.municipality_id == municipality.id).limit(1)):
        raise GenerateRefused(f"municipality {municipality_number} already holds persons; "
                              "generate into a new municipality number")
    started = time.perf_counter()
    with tenant_scope(municipality.id):
        rows = RowBuilder(scale, municipality.id, seed, municipality_number).build()
        generated = time.perf_counter()
        counts: dict[str, int] = {}
        seconds: dict[str, float] = {}
        for model, object_type in TABLES:
            table = model.__table__
            batch = rows[table.name]
            table_started = time.perf_counter()
            _insert(table, batch, progress)
            seconds[table.name] = time.perf_counter() - table_started
            counts[table.name] = len(batch)
            record("create", object_type, detail=f"generated {len(batch)} rows (demo generate)")
        db.session.flush()
    finished = time.perf_counter()
    total = sum(counts.values())
    echo(f"generated municipality {municipality_number} ({scale_name}, seed {seed}) in {finished - started:.1f} s "
         f"(building rows {generated - started:.1f} s, inserting {finished - generated:.1f} s)")
    echo(f"  {'table':<20} {'rows':>10}  {'insert rows/s':>14}")
    for name, count in counts.items():
        echo(f"  {name:<20} {count:>10,}  {count / max(seconds[name], 1e-9):>14,.0f}")
    echo(f"  {'total':<20} {total:>10,}  {total / max(finished - generated, 1e-9):>14,.0f}  "
         f"(end to end {total / max(finished - started, 1e-9):,.0f} rows/s)")
    return counts


def _insert(table: sa.Table, rows: list[dict], progress: bool) -> None:
    from tqdm import tqdm

    with tqdm(total=len(rows), desc=table.name, unit="rows", disable=not progress or None, leave=True) as bar:
        for start in range(0, len(rows), BATCH_SIZE):
            chunk = rows[start:start + BATCH_SIZE]
            db.session.execute(sa.insert(table), chunk)
            bar.update(len(chunk))


