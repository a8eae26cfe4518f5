"""``./scripts/bench [--scale tiny|municipal|regional|large] [--only NAME] [--smoke]``: every benchmark, one scratch database.

Creates ``tjenestespor_bench_<pid>`` on the PostgreSQL server at 127.0.0.1:5432, migrates it,
generates the dataset (``flask demo generate``), runs the benchmarks, writes the results
and drops the database again, also when a benchmark fails or the run is interrupted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.harness import api, generator, housing, jobs, report, reports, scratch, system, tampering

RESULTS = scratch.ROOT / "bench" / "results"
BENCHMARKS = ("generator", "jobs", "reports", "housing", "api")


@dataclass(frozen=True)
class Settings:
    api_rounds: int
    api_seconds: float
    api_warmup_seconds: float
    candidate_rounds: int
    proposal_rounds: int
    copy_rounds: int
    job_rounds: int = 3


FULL = Settings(api_rounds=3, api_seconds=10, api_warmup_seconds=3, candidate_rounds=15, proposal_rounds=5,
                copy_rounds=3, job_rounds=5)
SMOKE = Settings(api_rounds=1, api_seconds=1, api_warmup_seconds=0, candidate_rounds=2, proposal_rounds=1,
                 copy_rounds=1, job_rounds=1)


def output_path(scale: str, only: str | None, smoke: bool) -> Path:
    """Smoke runs: smoke.md (git-ignored). A whole `large` run: latest.md; other scales: <scale>.md.
    --only adds its name, so a partial run never replaces a whole one."""
    if smoke:
        return RESULTS / "smoke.md"
    name = "latest" if scale == "large" else scale
    return RESULTS / (f"{name}-only-{only}.md" if only else f"{name}.md")


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=("tiny", "municipal", "regional", "large"), default="municipal",
                        help="the dataset (service/demo/proportions.py: regional is a tenth of large)")
    parser.add_argument("--only", choices=BENCHMARKS, help="run this benchmark only (the dataset is always built)")
    parser.add_argument("--smoke", action="store_true",
                        help="very short runs (1 s per target, 1 round): proves the harness end to end")
    parser.add_argument("--output", type=Path, help="where to write the results (default: see bench/README.md)")
    parser.add_argument("--keep-logs", action="store_true", help="keep the work directory (server logs, id lists)")
    return parser.parse_args(argv)


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


_T0 = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _T0:5.1f} s] {message}", file=sys.stderr, flush=True)


def main(argv=None) -> int:
    args = parse_args(argv)
    settings = SMOKE if args.smoke else FULL
    output = args.output or output_path(args.scale, args.only, args.smoke)
    wanted = (args.only,) if args.only else BENCHMARKS
    signal.signal(signal.SIGTERM, _terminate)  # stop like Ctrl-C: the finally below drops the database
    started, started_utc = time.perf_counter(), dt.datetime.now(dt.timezone.utc)
    load_before = system.load_average()
    workdir = Path(tempfile.mkdtemp(prefix="tjenestespor-bench-"))
    database = scratch.ScratchDatabase()
    failed = True
    try:
        log(f"scratch database {database.name}; work directory {workdir}")
        database.create()
        app = scratch.open_app(database)
        log(f"migrated in {scratch.migrate(app):.1f} s; generating --scale {args.scale} …")
        dataset = scratch.generate(database, args.scale, workdir)
        log(f"generated {dataset.report['rows']:,} rows in {dataset.report['seconds_total']:.1f} s "
            f"({dataset.report['rows_per_second']:,.0f} rows/s inserting)")
        scratch.create_officers(app, dataset)
        scratch.describe(database, dataset)
        results: dict = {}
        if "generator" in wanted:
            log("generator against COPY …")
            results["generator"] = generator.run(database, dataset, rounds=settings.copy_rounds, log=log)
        if "jobs" in wanted:
            log("the deadlines job …")
            database.quiet(log=log)
            results["jobs"] = jobs.run(app, database, dataset, rounds=settings.job_rounds, log=log)
        if "reports" in wanted:
            log("the monthly report snapshot …")
            database.quiet(log=log)
            results["reports"] = reports.run(app, database, dataset, rounds=settings.job_rounds, log=log)
        if "housing" in wanted or "api" in wanted:
            log("starting gunicorn: the app and the baselines …")
            with api.servers(database, workdir) as running:
                if "housing" in wanted:
                    log("housing matching …")
                    results["housing"] = housing.run(running["app"], database, dataset,
                                                     candidate_rounds=settings.candidate_rounds,
                                                     proposal_rounds=settings.proposal_rounds, log=log)
                if "api" in wanted:
                    log("API under load …")
                    results["api"] = api.run(running, database, dataset, workdir, rounds=settings.api_rounds,
                                             seconds=settings.api_seconds,
                                             warmup_seconds=settings.api_warmup_seconds, log=log)
        if "api" in wanted:  # last: it tampers with the chain the load wrote
            log("the audit chain attacked after the load …")
            results["api"]["tampering"] = tampering.run(app, database, dataset, workdir, log=log)
        machine = {
            "cpu_model": system.cpu_model(), "cores": os.cpu_count(),
            "memory": f"{system.memory_gib():.0f} GiB" if system.memory_gib() else "unknown",
            "load_before": " ".join(f"{v:.2f}" for v in load_before),
            "load_after": " ".join(f"{v:.2f}" for v in system.load_average()),
            "postgres": database.server_version().split(" on ")[0],
            "python": platform.python_version(),
            "gunicorn": system.tool_version([str(scratch.ROOT / ".venv/bin/gunicorn"), "--version"]),
            "wrk": system.tool_version(["wrk", "--version"]).split(" Copyright")[0],
            "app_config": api.APP_CONFIG_NOTE,
        }
        command = "./scripts/bench " + " ".join(argv if argv is not None else sys.argv[1:])
        context = report.Context(command=command.strip(), scale=args.scale, smoke=args.smoke,
                                 started_utc=started_utc.strftime("%Y-%m-%d %H:%M UTC"),
                                 seconds=time.perf_counter() - started, machine=machine, dataset=dataset,
                                 only=args.only)
        text, flagged = report.render(context, results)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        log(f"wrote {output} in {time.perf_counter() - started:.0f} s")
        failed = False
        if flagged:
            log("FAIL: flagged in the results (errors under load, or the audit chain not holding): " + "; ".join(flagged))
            return 1
        return 0
    except scratch.BenchError as error:
        log(f"FAIL: {error}")
        return 1
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        try:
            if database.drop():
                log(f"dropped {database.name}")
        finally:
            if failed or args.keep_logs:
                log(f"logs kept in {workdir}")
            else:
                shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
