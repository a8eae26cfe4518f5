import click
from flask.cli import AppGroup

from service.audit.services import verify_chains

audit_cli = AppGroup("audit", help="Audit trail tools.")


@audit_cli.command("verify")
@click.option("--municipality", "number", help="Only this municipality number.")
def verify_command(number):
    """Recompute every hash chain; exit 1 and name the first broken row."""
    checked, broken = verify_chains(number)
    if broken is not None:
        click.echo(f"BROKEN after {checked} row(s): {broken}", err=True)
        raise SystemExit(1)
    click.echo(f"ok: {checked} audit row(s) verified")
