from pathlib import Path

import click
from flask.cli import AppGroup

from service.common.cli import transactional
from service.demo.generate import DEFAULT_MUNICIPALITY, SCALES, generate
from service.demo.seed import DEMO_NAME, DEMO_NUMBER, demo_exists, seed_demo

demo_cli = AppGroup("demo", help="Demo data (synthetic persons only).")


@demo_cli.command("seed")
@transactional
def demo_seed():
    """Build the demo municipality on first run and print one token per role."""
    if demo_exists():
        click.echo(f"demo municipality {DEMO_NUMBER} {DEMO_NAME} already exists; "
                   "issue a fresh token with: flask --app wsgi token issue --username demo-case-officer, "
                   "set a web password with: flask --app wsgi user set-password --username demo-case-officer")
        return
    credentials = seed_demo()
    click.echo(f"seeded demo municipality {DEMO_NUMBER} {DEMO_NAME}. Web passwords and API tokens (shown once; "
               "the second factor is enrolled at the first web login):")
    for username, role, token, password in credentials:
        click.echo(f"  {role:<16} {username:<24} {token}  password {password}")


@demo_cli.command("generate")
@click.option("--scale", type=click.Choice(sorted(SCALES)), default="municipal", show_default=True,
              help="municipal ≈ 25,000 inhabitants; large = 100,000 persons, 1,000,000 decisions; "
                   "regional a tenth of large; tiny for tests.")
@click.option("--municipality", "number", default=DEFAULT_MUNICIPALITY, show_default=True,
              help="Four-digit municipality number; created if missing, refused if it already holds persons.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same rows and ids.")
@click.option("--progress/--no-progress", default=True, help="Progress bar per table (on a terminal).")
@click.option("--report-json", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Also write the figures (rows and seconds per table, rows/s, open deadline "
                   "conditions) to this JSON file, for the benchmark harness.")
@transactional
def demo_generate(scale, number, seed, progress, report_json):
    """Generate a synthetic municipality at benchmark scale (bulk insert, synthetic ids only)."""
    generate(scale, number, seed, progress=progress, report_json=report_json)
