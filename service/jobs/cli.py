import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from werkzeug.serving import run_simple

scheduler_cli = AppGroup("scheduler", help="The job scheduler.")


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
