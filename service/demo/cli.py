import click
from flask.cli import AppGroup

from service.common.cli import transactional
from service.demo.seed import DEMO_NAME, DEMO_NUMBER, demo_exists, seed_demo

demo_cli = AppGroup("demo", help="Demo data (synthetic persons only).")


@demo_cli.command("seed")
@transactional
def demo_seed():
    """Build the demo municipality on first run and print one token per role."""
    if demo_exists():
        click.echo(f"demo municipality {DEMO_NUMBER} {DEMO_NAME} already exists; "
                   "issue a fresh token with: flask --app wsgi token issue --username demo-case-officer")
        return
    credentials = seed_demo()
    click.echo(f"seeded demo municipality {DEMO_NUMBER} {DEMO_NAME}. Tokens (shown once):")
    for username, role, token in credentials:
        click.echo(f"  {role:<16} {username:<22} {token}")
