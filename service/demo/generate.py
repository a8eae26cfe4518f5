"""``demo generate``: a synthetic municipality at benchmark scale, inserted in bulk.

Unlike ``demo seed`` (a small municipality built through the service functions, row by
row), this writes whole tables in bulk (``bulk``: ``COPY`` on PostgreSQL, executemany
on SQLite), so that a 25,000-inhabitant municipality (``municipal``) or a national-scale
test set (``large``) is built in seconds to minutes. Every national id is synthetic
(Skatteetaten's Tenor range, month + 80). The same ``seed`` gives the same rows (and,
for the same municipality number, the same ids).

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

import datetime as dt
import json
import time
from collections.abc import Callable
from pathlib import Path

import click
import sqlalchemy as sa
from tqdm import tqdm

from service.audit.services import record
from service.auth import services as auth
from service.auth.models import Municipality
from service.common import clock, history
from service.common.tenancy import tenant_scope
from service.demo import bulk
from service.demo.conditions import open_deadline_conditions
from service.demo.proportions import SCALES
from service.demo.rows import TABLES, RowBuilder
from service.extensions import db
from service.persons.models import Person

DEFAULT_MUNICIPALITY = "9999"
DEFAULT_NAME = "Syntetisk kommune"


class GenerateRefused(click.ClickException):
    pass


def generate(scale_name: str, municipality_number: str = DEFAULT_MUNICIPALITY, seed: int = 1,
             progress: bool = True, echo: Callable[[str], None] = click.echo,
             report_json: Path | None = None) -> dict[str, int]:
    """Generate one municipality's data; returns rows per table. The caller commits.

    ``report_json`` names a file for the figures the benchmark harness reads (rows and
    seconds per table, rows/s, the open deadline conditions the data holds).
    """
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
        connection = db.session.connection()
        tables = [model.__table__ for model, _ in TABLES]
        with bulk.constraints_after_load(connection, tables):
            for model, object_type in TABLES:
                table = model.__table__
                batch = rows.pop(table.name)  # freed as soon as it is written
                table_started = time.perf_counter()
                with tqdm(total=len(batch), desc=table.name, unit="rows", disable=not progress or None) as bar:
                    bulk.insert(connection, table, batch, bar.update)
                seconds[table.name] = time.perf_counter() - table_started
                counts[table.name] = len(batch)
                del batch
                record("create", object_type, detail=f"generated {counts[table.name]} rows (demo generate)")
            # The reports read units', needs' and plans' statuses on past days from their history:
            # generated rows have none, so each is taken to have been as it is for ten years.
            history_started = time.perf_counter()
            written = history.record_existing(connection, municipality.id,
                                              since=clock.today() - dt.timedelta(days=3653))
            counts.update(written)
            seconds.update(dict.fromkeys(written, (time.perf_counter() - history_started) / max(len(written), 1)))
            db.session.flush()
        bulk.analyze(connection, tables)
        finished = time.perf_counter()
        conditions = open_deadline_conditions(municipality.id)
    total = sum(counts.values())
    echo(f"generated municipality {municipality_number} ({scale_name}, seed {seed}) in {finished - started:.1f} s "
         f"(building rows {generated - started:.1f} s, inserting {finished - generated:.1f} s)")
    echo(f"  {'table':<20} {'rows':>10}  {'insert rows/s':>14}")
    for name, count in counts.items():
        echo(f"  {name:<20} {count:>10,}  {count / max(seconds[name], 1e-9):>14,.0f}")
    echo(f"  {'total':<20} {total:>10,}  {total / max(finished - generated, 1e-9):>14,.0f}  "
         f"(end to end {total / max(finished - started, 1e-9):,.0f} rows/s, {bulk.method(connection)})")
    echo(f"open deadline conditions on {clock.today():%d.%m.%Y}: {sum(conditions.values()):,} "
         f"({', '.join(f'{kind} {n:,}' for kind, n in conditions.items())})")
    if report_json is not None:
        report_json.write_text(json.dumps({
            "scale": scale_name, "municipality": municipality_number, "seed": seed, "method": bulk.method(connection),
            "rows": total, "seconds_build": generated - started, "seconds_insert": finished - generated,
            "seconds_total": finished - started, "rows_per_second": total / max(finished - generated, 1e-9),
            "tables": {name: {"rows": counts[name], "seconds": seconds[name]} for name in counts},
            "open_deadline_conditions": conditions,
        }, indent=2))
    return counts
