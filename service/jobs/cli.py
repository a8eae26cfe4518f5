import datetime as dt

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from werkzeug.serving import run_simple

from service.common import clock
from service.jobs.registry import JOBS

scheduler_cli = AppGroup("scheduler", help="The job scheduler.")
jobs_cli = AppGroup("jobs", help="Scheduled jobs: list them, or run one now (a replay of a day).")


@scheduler_cli.command("run")
def scheduler_run():
    """Run the scheduler in this process (exactly one per deployment)."""
    from service.jobs.scheduler import build_scheduler

    click.echo("scheduler running; Ctrl+C to stop")
    build_scheduler(current_app._get_current_object(), blocking=True).start()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int, envvar="PORT", show_envvar=True)
@with_appcontext
def serve_command(host, port):
    """Single-process server with the scheduler embedded (development and demos)."""
    from service.jobs.scheduler import build_scheduler

    app = current_app._get_current_object()
    scheduler = build_scheduler(app, blocking=False)
    scheduler.start()
    try:
        # Flask refuses app.run() inside its CLI; werkzeug's server is what it would use.
        run_simple(host, port, app, use_reloader=False, threaded=True)
    finally:
        scheduler.shutdown(wait=False)


def describe_run(run) -> str:
    """One line per run: what it was and what it did (raised, resolved, expired, rerouted)."""
    from service.jobs.runs import totals

    head = f"{run.job} {run.period_key} ({run.trigger}, attempt {run.attempt}): {run.status}"
    if run.error:
        return f"{head} — {run.error}"
    summed = totals(run.counts or {})
    parts = []
    for key in ("raised", "resolved", "snapshots"):
        if key in summed:
            by_kind = summed[key]
            detail = ", ".join(f"{kind} {n}" for kind, n in sorted(by_kind.items()))
            parts.append(f"{key} {sum(by_kind.values())}" + (f" ({detail})" if detail else ""))
    for key in ("expired", "rerouted"):
        if key in summed:
            parts.append(f"{key} {summed[key]}")
    if summed.get("unchanged"):
        parts.append(f"{summed['unchanged']} kind(s) left as they were (nothing they read had changed)")
    notes = [part["text"] for part in (run.counts or {}).values() if isinstance(part, dict) and "text" in part]
    return head + (" — " + "; ".join(parts + notes) if parts or notes else "")


@jobs_cli.command("list")
@with_appcontext
def jobs_list():
    """Each job: its schedule, its next run and its last runs."""
    from service.jobs.runs import last_runs, next_run_at

    for name, spec in JOBS.items():
        cron = ", ".join(f"{field}={value}" for field, value in spec.cron().items())
        upcoming = next_run_at(spec)
        click.echo(f"{name}: {spec.summary}")
        click.echo(f"  schedule: {cron} ({current_app.config['TIMEZONE']}); next run: "
                   f"{upcoming.astimezone(clock.local_timezone()).isoformat() if upcoming else '-'}")
        for run in last_runs(name):
            click.echo(f"  {describe_run(run)}")


@jobs_cli.command("run")
@click.argument("name", type=click.Choice(sorted(JOBS)))
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Replay the job as on this day (YYYY-MM-DD; default today, Europe/Oslo).")
@click.option("--municipality", "number", help="Only this municipality (four digits); default every one.")
@with_appcontext
def jobs_run(name, as_of, number):
    """Run a job now, whatever the ledger says (recorded as a manual attempt); print what it did."""
    from service.common.cli import only_municipality
    from service.jobs.runs import run_manual

    only = only_municipality(number)
    day = as_of.date() if isinstance(as_of, dt.datetime) else None
    try:
        run = run_manual(name, day, municipality_ids=only)
    except Exception as exc:  # recorded as a failed run; say so and exit 1
        raise click.ClickException(f"{name} failed: {type(exc).__name__}: {exc}") from None
    click.echo(describe_run(run))
    for number_, part in sorted((run.counts or {}).items()):
        if isinstance(part, dict) and ("raised" in part or "expired" in part):
            raised = sum((part.get("raised") or {}).values())
            resolved = sum((part.get("resolved") or {}).values())
            click.echo(f"  municipality {number_}: raised {raised}, resolved {resolved}"
                       + (f", expired {part['expired']}" if "expired" in part else ""))
