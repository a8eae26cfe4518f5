"""A full report snapshot of the generated municipality against the bare SQL statements it issues.

In the harness's process (the app on the scratch database, as the monthly job runs it), for the
generated municipality and the month before the generation date: every contributed table T1–T10
computed and the snapshot suppressed as a whole (``reports.services.compute_published``; nothing
stored, so every round does the same work).

Baseline, measured in the same run and interleaved with it: the statements the tables sent to the
database in that run (captured at the driver, SQL and parameters as sent), replayed on one psycopg
connection — what the snapshot would cost with no Python, no ORM and no suppression around its
SQL. Peak memory is measured apart, in a fresh process that builds one snapshot and reports its
own peak resident set (imports and all), so nothing the harness did before counts.

The exports of that snapshot (stored once, as the job stores it): the XLSX and the DOCX as the
download renders them (``reports.exports``: labels, Norwegian numbers, charts, last year's and
the trend's snapshots read), each against the same published cells written plainly with the
same library in the same run — one worksheet of numbers (XlsxWriter), one Word table per report
table (python-docx): the cost of the formatting, charts and text over the library's floor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import time
import uuid

from bench.harness.jobs import _captured
from bench.harness.scratch import ROOT, BenchError, Dataset, ScratchDatabase, flask_env
from bench.harness.stats import Figure


def _previous_month(day: dt.date) -> str:
    return (day.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")


def _replay(database: ScratchDatabase, statements: list) -> float:
    """The SELECT statements on one psycopg connection; milliseconds (rows fetched, as the app does)."""
    with database.connect() as conn:
        started = time.perf_counter()
        with conn.cursor() as cursor:
            for statement, parameters, _many, _thread in statements:
                cursor.execute(statement, parameters or None)
                cursor.fetchall()
        elapsed = (time.perf_counter() - started) * 1000
        conn.rollback()
        return elapsed


def _peak_rss(database: ScratchDatabase, period: str, municipality_id: str) -> dict:
    command = [str(ROOT / ".venv/bin/python"), "-m", "bench.harness.reports", "--child", "--period", period,
               "--municipality-id", municipality_id]
    result = subprocess.run(command, cwd=ROOT, env=flask_env(database), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BenchError(f"the snapshot child failed (exit {result.returncode}):\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(app, database: ScratchDatabase, dataset: Dataset, *, rounds: int, log=print) -> dict:
    from service.common import clock
    from service.common.tenancy import tenant_scope
    from service.extensions import db
    from service.reports import services
    from service.reports.tables import Period

    mid = uuid.UUID(dataset.municipality_id)
    with app.app_context():
        period = Period.parse(_previous_month(clock.today()))
        threshold = services.threshold()
        figure = Figure(f"report snapshot of {period.key}, T1–T10 computed and suppressed together",
                        "its SQL statements replayed raw (psycopg, one connection)", target="< 5,000 ms, ≤ 2× raw")
        hidden = cells = 0
        for round_number in range(rounds):
            statements: list = []
            with tenant_scope(mid), _captured(db.engine, statements):
                started = time.perf_counter()
                tables = services.compute_published(period, mid, threshold)
                figure.samples_ms.append((time.perf_counter() - started) * 1000)
            db.session.rollback()
            selects = [s for s in statements if s[0].lstrip().upper().startswith(("SELECT", "WITH"))]
            figure.baseline_ms.append(_replay(database, selects))
            hidden = sum(len(t["hidden"]) for t in tables.values())
            cells = sum(len(t["rows"]) * len(t["columns"]) for t in tables.values())
            log(f"  snapshot round {round_number + 1}: {figure.samples_ms[-1]:,.0f} ms "
                f"(raw {figure.baseline_ms[-1]:,.0f} ms, {len(selects)} statements)")
        db.engine.dispose()
        exports = _exports(app, mid, period.key, rounds, log)
    memory = _peak_rss(database, period.key, dataset.municipality_id)
    figure.note = (f"{len(tables)} tables, {cells:,} cells, {hidden:,} hidden; a fresh process building one "
                   f"snapshot peaked at {memory['maxrss_mb']:,.0f} MB resident (target < 300 MB), "
                   f"{memory['ms']:,.0f} ms for the snapshot in it")
    return {"figures": [figure, *exports], "period": period.key, "peak_rss_mb": memory["maxrss_mb"],
            "tables": len(tables)}


def _plain_xlsx(tables: dict) -> bytes:
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    row = 0
    for key, table in tables.items():
        sheet.write_string(row, 0, key)
        for values in table["values"]:
            row += 1
            for column, value in enumerate(values):
                if value is not None:
                    sheet.write_number(row, column, value)
        row += 2
    book.close()
    return buffer.getvalue()


def _plain_docx(tables: dict) -> bytes:
    import io

    import docx

    document = docx.Document()
    for key, table in tables.items():
        document.add_heading(key, level=2)
        grid = document.add_table(rows=len(table["rows"]), cols=len(table["columns"]))
        for i, values in enumerate(table["values"]):
            for j, value in enumerate(values):
                grid.cell(i, j).text = "" if value is None else str(value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _exports(app, mid: uuid.UUID, period_key: str, rounds: int, log) -> list[Figure]:
    """Store the period's snapshot once, then time its XLSX and DOCX against the plain files."""
    from flask import current_app
    from flask_babel import force_locale

    from service.auth.models import Municipality
    from service.common.tenancy import tenant_scope
    from service.extensions import db
    from service.reports import services
    from service.reports.exports import content
    from service.reports.exports.services import render

    figures = {fmt: Figure(f"{fmt.upper()} of the {period_key} snapshot (as downloaded: labels, charts, "
                           "last year and the trend)", f"the same published cells written plainly with "
                           f"{'XlsxWriter' if fmt == 'xlsx' else 'python-docx'}", target="< 3,000 ms")
               for fmt in ("xlsx", "docx")}
    with app.test_request_context(), tenant_scope(mid):
        snapshot = services.build_snapshot(period_key, trigger="manual").snapshot
        db.session.commit()
        municipality = db.session.get(Municipality, mid)
        definitions = {table.key: table for table in services.report_tables()}
        for round_number in range(rounds):
            for fmt, plain in (("xlsx", _plain_xlsx), ("docx", _plain_docx)):
                with force_locale(current_app.config["REPORT_LOCALE"]):
                    started = time.perf_counter()
                    export = content.build(snapshot, municipality=municipality.name,
                                           municipality_number=municipality.number, definitions=definitions,
                                           with_comparisons=True)
                    size = len(render(export, fmt))
                    figures[fmt].samples_ms.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                plain(snapshot.tables)
                figures[fmt].baseline_ms.append((time.perf_counter() - started) * 1000)
                figures[fmt].note = f"{size / 1024:,.0f} KB"
            log(f"  exports round {round_number + 1}: xlsx {figures['xlsx'].samples_ms[-1]:,.0f} ms "
                f"(plain {figures['xlsx'].baseline_ms[-1]:,.0f}), docx {figures['docx'].samples_ms[-1]:,.0f} ms "
                f"(plain {figures['docx'].baseline_ms[-1]:,.0f})")
        db.session.rollback()
    return list(figures.values())


def _child(period_key: str, municipality_id: str) -> None:
    from service import create_app
    from service.common.tenancy import tenant_scope
    from service.reports import services
    from service.reports.tables import Period

    app = create_app("development")
    with app.app_context(), tenant_scope(uuid.UUID(municipality_id)):
        started = time.perf_counter()
        services.compute_published(Period.parse(period_key), uuid.UUID(municipality_id), services.threshold())
        elapsed = (time.perf_counter() - started) * 1000
    print(json.dumps({"ms": elapsed, "maxrss_mb": _peak_resident_mb()}))


def _peak_resident_mb() -> float:
    """This process's peak resident set (``VmHWM``): unlike ``getrusage``'s ``ru_maxrss``, which
    Linux carries over ``exec`` from the forked harness (hundreds of MB after a large dataset),
    it belongs to this process image alone."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", action="store_true", required=True)
    parser.add_argument("--period", required=True)
    parser.add_argument("--municipality-id", required=True)
    args = parser.parse_args()
    _child(args.period, args.municipality_id)
    sys.exit(0)
