"""bench/results/*.md: every figure as the median of its runs, its p95 where it is a latency,
the baseline measured in the same run and the ratio between them."""

from __future__ import annotations

import math
from dataclasses import dataclass

from bench.harness.generator import AFTER_LOAD
from bench.harness.stats import fmt_number, fmt_ratio, median, percentile, ratio


@dataclass
class Context:
    command: str
    scale: str
    smoke: bool
    started_utc: str
    seconds: float
    machine: dict
    dataset: object
    only: str | None


def _table(header: list[str], rows: list[list[str]], align: str | None = None) -> list[str]:
    align = align or "l" + "r" * (len(header) - 1)
    rule = ["---:" if a == "r" else "---" for a in align]
    return ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |",
            *("| " + " | ".join(row) + " |" for row in rows)]


def _api_medians(target) -> dict:
    runs = target.runs
    db = [v for v in target.db_cpu_ms if not math.isnan(v)]
    other = [v for v in target.other_cores if not math.isnan(v)]
    return {
        "rps": median([r.requests_per_second for r in runs]),
        "p50": median([r.p50_ms for r in runs]),
        "p95": median([r.p95_ms for r in runs]),
        "p99": median([r.p99_ms for r in runs]),
        "cpu": median(target.cpu_ms),
        "db_cpu": median(db) if db else None,
        "other_cores": median(other) if other else None,
        "requests": sum(r.requests for r in runs),
        "non_2xx": sum(r.non_2xx for r in runs),
        "socket_errors": sum(r.socket_errors for r in runs),
        "empty_runs": sum(1 for r in runs if r.requests == 0),
    }


def api_section(result: dict) -> tuple[list[str], list[str]]:
    """Lines of the API section, and the names of targets with errors."""
    targets = result["targets"]
    figures = {t.name: _api_medians(t) for t in targets}
    flagged = [t for t in targets
               if figures[t.name]["non_2xx"] or figures[t.name]["socket_errors"] or figures[t.name]["empty_runs"]]
    lines = [
        "## API under load",
        "",
        f"{result['connections']} connections from wrk ({result['wrk_threads']} threads, a separate process, "
        f"loopback), {result['rounds']} round(s) of {result['seconds']:g} s per target after a "
        f"{result['warmup_seconds']:g} s warm-up each; targets round-robin, each round starting one further on. "
        f"Both servers: `gunicorn {result['gunicorn']}` (bench/gunicorn_conf.py: 2 sync workers, no access log); "
        "the target marked \"8 workers\" is the app once more, started with `--workers 8` beside them. "
        "Ids are drawn at random from every generated person (every available unit for the candidates). "
        "Figures are the medians over the rounds (p95 and p99 too: the median of each round's percentile). "
        "App CPU = utime + stime of the two gunicorn workers over the run ÷ requests; DB CPU = the same for the "
        "PostgreSQL backends serving the scratch database (WAL writer and checkpointer not counted). "
        "Other processes: the CPU the whole machine used during the run (/proc/stat) less the workers, those "
        "backends and wrk, in cores; anything well above 0 means something else ran and the figures are "
        "pessimistic.",
        "",
    ]
    rows = []
    for t in targets:
        f = figures[t.name]
        errors = f["non_2xx"] + f["socket_errors"]
        name = ("⚠ " if t in flagged else "") + t.name
        error_text = f"**{errors:,}** of {f['requests']:,}" if errors else f"0 of {f['requests']:,}"
        rows.append([name, fmt_number(f["rps"]), fmt_number(f["p50"]), fmt_number(f["p95"]), fmt_number(f["p99"]),
                     fmt_number(f["cpu"]), fmt_number(f["db_cpu"]), error_text, fmt_number(f["other_cores"])])
    lines += _table(["target", "req/s", "p50 ms", "p95 ms", "p99 ms", "app CPU ms/req", "DB CPU ms/req",
                     "non-2xx + socket errors", "other processes, cores"], rows)
    baselines = [t for t in targets if t.baseline]
    floor = baselines[-1]
    lines += ["", f"Ratios to the baselines of the same run (the app's figure ÷ the baseline's). Every audited "
                  f"request of the app locks its municipality's chain head until the commit, so "
                  f"{floor.name.split(':')[0]} is the floor it is measured against for throughput and latency; "
                  "CPU per request is given against all three.", ""]
    ratio_rows = []
    for t in targets:
        if t.baseline:
            continue
        f, c = figures[t.name], figures[floor.name]
        ratio_rows.append([("⚠ " if t in flagged else "") + t.name,
                           fmt_ratio(ratio(f["rps"], c["rps"])), fmt_ratio(ratio(f["p50"], c["p50"])),
                           fmt_ratio(ratio(f["p95"], c["p95"])),
                           *(fmt_ratio(ratio(f["cpu"], figures[b.name]["cpu"])) for b in baselines)])
    lines += _table(["app target", "req/s ÷ (c)", "p50 ÷ (c)", "p95 ÷ (c)", "CPU/req ÷ (a)", "CPU/req ÷ (b)",
                     "CPU/req ÷ (c)"], ratio_rows)
    if flagged:
        lines += ["", "**Targets with errors** (their figures include the failed requests; do not read them as "
                      "the cost of a successful request):", ""]
        for t in flagged:
            f = figures[t.name]
            lines.append(f"- {t.name}: {f['non_2xx']:,} answers outside 2xx (first: {t.first_bad_status or '?'}), "
                         f"{f['socket_errors']:,} socket errors or timeouts, of {f['requests']:,} requests"
                         + (f"; {f['empty_runs']} run(s) completed no request at all" if f["empty_runs"] else "")
                         + ".")
    lines += ["", f"`POST /api/v1/decisions` body (a draft; `{{id}}` a random generated person): "
                  f"`{result['decision_body']}`", ""]
    lines += lock_lines(targets)
    verified = result.get("audit_verify")
    if verified is not None:
        lines += [f"`flask audit verify` over the scratch database after the load: "
                  f"{'passed' if verified['ok'] else '**FAILED**'} (`{verified['line']}`).", ""]
    steps = result.get("tampering") or []
    lines += tampering_lines(steps)
    return lines, ([t.name for t in flagged] + ([] if verified is None or verified["ok"] else ["audit verify"])
                   + [f"audit tampering: {step.what}" for step in steps if not step.ok])


def tampering_lines(steps) -> list[str]:
    if not steps:
        return []
    lines = ["Then the chain attacked as the database's owner could (bench/harness/tampering.py; the attacks "
             "of docs/security.md, \"The audit trail cannot be quietly rewritten\"), each followed by "
             "`flask audit verify --municipality` (WORKDIR: the run's work directory):", ""]
    lines += _table(["step", "expected", "as expected", "what it said"],
                    [[step.what, step.expected, "yes" if step.ok else "**NO**", f"`{step.line}`"] for step in steps],
                    align="llll")
    return lines + [""]


def lock_lines(targets) -> list[str]:
    """The chain-head lock of the app's targets, from the lines its workers wrote during the measured runs."""
    timed = [t for t in targets if t.locks]
    if not timed:
        return []
    lines = [
        "### Chain-head lock",
        "",
        "Each app worker appends one line per commit that wrote audit events (`AUDIT_LOCK_TIMING_DIR`, "
        "service/audit/chain.py); the lines written during the measured runs are kept. *Held*: from the head's "
        "`SELECT … FOR UPDATE` returning to the commit returning — the time the municipality's other requests "
        "would wait. *Wait*: that SELECT itself, queueing for the lock included. *First event → commit*: from "
        "the request's first audit event to its commit; the design before this one took the lock at the first "
        "event, so it held the lock at least this long (plus the queueing it caused).",
        "",
    ]
    rows = []
    for t in timed:
        held = [s.held_ms for s in t.locks]
        wait = [s.wait_ms for s in t.locks]
        span = [s.span_ms for s in t.locks]
        rows.append([t.name, f"{len(t.locks):,}", fmt_number(median(held)), fmt_number(percentile(held, 0.95)),
                     fmt_number(median(wait)), fmt_number(percentile(wait, 0.95)),
                     fmt_number(median(span)), fmt_number(percentile(span, 0.95)),
                     fmt_number(sum(s.events for s in t.locks) / len(t.locks))])
    lines += _table(["app target", "commits", "held p50 ms", "held p95 ms", "wait p50 ms", "wait p95 ms",
                     "first event → commit p50 ms", "p95 ms", "events per commit"], rows)
    return lines + [""]


def housing_section(result: dict) -> list[str]:
    lines = [
        "## Housing matching",
        "",
        "Sequential requests to the app under gunicorn (production config, a housing officer's token: auth, "
        "policy, tenant scoping, audit events written and committed), each followed by its baseline: the raw "
        "SQL (psycopg, one connection) that loads the same inputs and fetches every row. "
        f"Unit ranked: the first available unit by label; proposal: the first {result['proposal_units']:,} "
        "available units by label × every waiting need.",
        "",
    ]
    rows = []
    for fig in result["figures"]:
        rows.append([fig.name, fmt_number(median(fig.samples_ms)), fmt_number(percentile(fig.samples_ms, 0.95)),
                     fig.target, fig.baseline_name, fmt_number(median(fig.baseline_ms)),
                     fmt_number(percentile(fig.baseline_ms, 0.95)),
                     fmt_ratio(ratio(median(fig.samples_ms), median(fig.baseline_ms))), str(len(fig.samples_ms))])
    lines += _table(["figure", "median ms", "p95 ms", "target", "baseline (same run)", "baseline median ms",
                     "baseline p95 ms", "ratio", "runs"], rows, align="lrrllrrrr")
    lines += [""] + [f"- {fig.name.split(',')[0]}: {fig.note}." for fig in result["figures"] if fig.note] + [""]
    return lines


def jobs_section(result: dict) -> list[str]:
    lines = [
        "## Scheduler: the `deadlines` job",
        "",
        f"The job for the generated municipality as on {result['as_of']} (the generation date), in the harness's "
        "process as the scheduler runs it (the system as the actor, through the job ledger; the flag kinds on "
        "`JOBS_DEADLINES_LANES` connections at once), the flags table emptied before each round and the job's "
        "evaluations made yesterday's (after an untimed run of yesterday), as the first run of a new day finds "
        "them; the stage starts with no autovacuum worker busy, after a `CHECKPOINT`. Baseline, interleaved: the "
        "SQL statements the job sent in that run (captured at the driver, with their parameters and the thread "
        "that sent them), replayed raw with psycopg, each thread's in one transaction on a connection of its own, "
        "all at once (the first run; beside it, all of them on one connection, one after another), or on one "
        "connection (the second run). "
        f"The first run raised exactly the {result['expected']:,} open deadline conditions the generator counted "
        "(`offer_expired` aside: the offers job raises it).",
        "",
    ]
    rows = []
    for fig in result["figures"]:
        has_baseline = bool(fig.baseline_ms)
        rows.append([fig.name, fmt_number(median(fig.samples_ms)), fmt_number(percentile(fig.samples_ms, 0.95)),
                     fig.target, fig.baseline_name,
                     fmt_number(median(fig.baseline_ms)) if has_baseline else "–",
                     fmt_ratio(ratio(median(fig.samples_ms), median(fig.baseline_ms))) if has_baseline else "–",
                     str(len(fig.samples_ms))])
    lines += _table(["figure", "median ms", "p95 ms", "target", "baseline (same run)", "baseline median ms",
                     "ratio", "runs"], rows, align="lrrllrrr")
    lines += [""] + [f"- {fig.name.split(',')[1].strip() if ',' in fig.name else fig.name}: {fig.note}."
                     for fig in result["figures"] if fig.note] + [""]
    return lines


def reports_section(result: dict) -> list[str]:
    lines = [
        "## Reports: a monthly snapshot",
        "",
        f"Every report table (T1–T10) of the generated municipality for {result['period']} (the month before the "
        "generation date), computed and suppressed together as the `monthly_snapshot` job does, in the harness's "
        "process; nothing stored, so every round does the same work. Baseline, interleaved: the SELECT statements "
        "the tables sent in that round (captured at the driver, with their parameters), replayed on one psycopg "
        "connection with every row fetched. Then the XLSX and DOCX of that snapshot (stored once) as the download "
        "renders them, each against the same published cells written plainly with the same library.",
        "",
    ]
    rows = []
    for fig in result["figures"]:
        rows.append([fig.name, fmt_number(median(fig.samples_ms)), fmt_number(percentile(fig.samples_ms, 0.95)),
                     fig.target, fig.baseline_name, fmt_number(median(fig.baseline_ms)),
                     fmt_ratio(ratio(median(fig.samples_ms), median(fig.baseline_ms))), str(len(fig.samples_ms))])
    lines += _table(["figure", "median ms", "p95 ms", "target", "baseline (same run)", "baseline median ms",
                     "ratio", "runs"], rows, align="lrrllrrr")
    lines += [""] + [f"- {fig.name.split(' (')[0]}: {fig.note}." for fig in result["figures"] if fig.note] + [""]
    return lines


def generator_section(report: dict, result: dict) -> list[str]:
    tables, rows, runs = result["tables"], result["rows"], result["copy_runs"]
    total_rows = sum(rows.values())
    copy_rps = median([total_rows / sum(run.values()) for run in runs])
    gen_rps = report["rows_per_second"]
    gen_e2e = report["rows"] / report["seconds_total"]
    lines = [
        "## Generator against COPY",
        "",
        f"`flask demo generate` ran once ({report['rows']:,} rows; building rows {report['seconds_build']:.1f} s, "
        f"inserting {report['seconds_insert']:.1f} s, {report['seconds_total']:.1f} s in all, "
        f"{report.get('seconds_process', float('nan')):.1f} s with the process start; method: "
        f"{report.get('method', 'not reported')}); its rows/s is over its insert phase, as it reports it. "
        "Baseline: the same rows, copied out in binary, loaded the way the generator's bulk path loads them "
        "(service/demo/bulk.py, as pg_restore does) into empty clones of the tables: "
        f"`COPY … FROM STDIN (FORMAT binary)` through psycopg with primary keys, unique and check constraints in "
        f"place, then the same {result['indexes']} secondary indexes and {result['foreign_keys']} foreign keys "
        f"created, ANALYZE, commit; median of {len(runs)} round(s). Each load, the generator's and every "
        "round's, starts right after a `CHECKPOINT`, so that none inherits another's dirty buffers. "
        "The ratio is what the generator's own work (encoding Python rows, its audit events) costs over "
        "the database's floor.",
        "",
    ]
    lines += _table(["figure", "rows/s", "baseline (same run)", "baseline rows/s", "ratio generator ÷ COPY"], [
        ["generator, insert phase", fmt_number(gen_rps), "PostgreSQL COPY of the same rows, same bulk path",
         fmt_number(copy_rps), fmt_ratio(ratio(gen_rps, copy_rps))],
        ["generator, end to end (building rows too)", fmt_number(gen_e2e), "the same", fmt_number(copy_rps),
         fmt_ratio(ratio(gen_e2e, copy_rps))],
    ], align="lrlrr")
    lines += ["", "Per table (seconds of loading it; the secondary indexes and foreign keys come after, in the "
                  "last row; the generator's last row is its insert phase less its tables: its audit events, "
                  "indexes, foreign keys and ANALYZE):", ""]
    per_table = []
    gen_tables = report["tables"]
    for table in tables:
        gen = gen_tables.get(table, {})
        gen_rate = ratio(gen.get("rows"), gen.get("seconds"))
        copy_seconds = median([run[table] for run in runs])
        per_table.append([table, f"{rows[table]:,}", fmt_number(gen.get("seconds")), fmt_number(gen_rate),
                          fmt_number(copy_seconds), fmt_number(ratio(rows[table], copy_seconds)),
                          fmt_ratio(ratio(gen_rate, ratio(rows[table], copy_seconds)))])
    gen_after = report["seconds_insert"] - sum(t.get("seconds", 0) for t in gen_tables.values())
    copy_after = median([run[AFTER_LOAD] for run in runs])
    per_table.append([AFTER_LOAD, "", fmt_number(gen_after), "", fmt_number(copy_after), "",
                      fmt_ratio(ratio(copy_after, gen_after))])
    lines += _table(["table", "rows", "generator s", "generator rows/s", "COPY s (median)", "COPY rows/s",
                     "ratio generator ÷ COPY (rows/s)"], per_table)
    return lines + [""]


def render(ctx: Context, results: dict) -> tuple[str, list[str]]:
    machine, dataset = ctx.machine, ctx.dataset
    report = dataset.report
    title = "Benchmark smoke run (not figures)" if ctx.smoke else f"Benchmark results: scale `{ctx.scale}`"
    lines = [
        f"# {title}",
        "",
        f"Written by `{ctx.command}` on {ctx.started_utc} (the run took {ctx.seconds / 60:.1f} min)."
        + (f" Only `{ctx.only}` was run." if ctx.only else ""),
        "Every figure is the median of several runs beside a baseline measured in the same run, measured and "
        "baseline runs interleaved; compare the ratios across machines, not the absolute numbers.",
        "",
        "## Machine",
        "",
        f"- CPU: {machine['cpu_model']}, {machine['cores']} cores; memory {machine['memory']}",
        f"- load average (1, 5, 15 min): {machine['load_before']} before, {machine['load_after']} after "
        "(the PostgreSQL server, the app, wrk and the harness share these cores)",
        f"- PostgreSQL: {machine['postgres']} (127.0.0.1:5432, a scratch database created and dropped by the run)",
        f"- Python {machine['python']}, {machine['gunicorn']}, {machine['wrk']}",
        f"- app configuration: {machine['app_config']}",
        "",
        "## Dataset",
        "",
        f"`flask demo generate --scale {ctx.scale} --municipality {dataset.municipality} --seed {report.get('seed', 1)}`"
        f": {report['rows']:,} rows; {dataset.waiting_needs:,} housing needs waiting, {len(dataset.unit_ids):,} "
        "housing units available (not marked unavailable).",
        "",
    ]
    lines += _table(["table", "rows"], [[t, f"{n:,}"] for t, n in dataset.table_rows.items()])
    conditions = report.get("open_deadline_conditions") or {}
    if conditions:
        lines += ["", f"Open deadline conditions on the generation date: {sum(conditions.values()):,} ("
                  + ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in conditions.items()) + ")."]
    lines.append("")
    flagged: list[str] = []
    if "api" in results:
        api_lines, flagged = api_section(results["api"])
        lines += api_lines
    if "housing" in results:
        lines += housing_section(results["housing"])
    if "jobs" in results:
        lines += jobs_section(results["jobs"])
    if "reports" in results:
        lines += reports_section(results["reports"])
    if "generator" in results:
        lines += generator_section(report, results["generator"])
    return "\n".join(lines), flagged
