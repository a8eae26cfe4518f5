import click
from flask import current_app
from flask.cli import AppGroup

from service.audit import checkpoints as audit_checkpoints
from service.audit.services import seal_unkeyed_chains, verify_chains
from service.common.i18n import _

audit_cli = AppGroup("audit", help="Audit trail tools.")


def _checkpoint_file(given: str | None) -> str | None:
    return given or current_app.config.get("AUDIT_CHECKPOINT_FILE")


@audit_cli.command("verify")
@click.option("--municipality", "number", help="Only this municipality number.")
@click.option("--checkpoints", "checkpoint_file",
              help="Signed checkpoints to check the chains against (default: AUDIT_CHECKPOINT_FILE).")
def verify_command(number, checkpoint_file):
    """Recompute every hash chain; exit 1 and name the first broken row or checkpoint."""
    path = _checkpoint_file(checkpoint_file)
    try:
        checkpoints = audit_checkpoints.read(path) if path else []
    except audit_checkpoints.CheckpointFileError as error:
        click.echo(f"BROKEN: {error}", err=True)
        raise SystemExit(1) from None
    checked, broken = verify_chains(number, checkpoints)
    if broken is not None:
        click.echo(f"BROKEN after {checked} row(s): {broken}", err=True)
        raise SystemExit(1)
    against = f", against {len(checkpoints)} signed checkpoint(s) in {path}" if path else ", no checkpoint file"
    click.echo(f"ok: {checked} audit row(s) verified{against}")


@audit_cli.command("checkpoint")
@click.option("--file", "checkpoint_file", help="Append to this file (default: AUDIT_CHECKPOINT_FILE).")
@click.option("--municipality", "number", help="Only this municipality number.")
def checkpoint_command(checkpoint_file, number):
    """Check each chain since its last checkpoint, then append a signed checkpoint of its head."""
    path = _checkpoint_file(checkpoint_file)
    if not path:
        raise click.UsageError(_("Name the checkpoint file: --file PATH, or set AUDIT_CHECKPOINT_FILE."))
    try:
        written, broken = audit_checkpoints.write(path, number)
    except audit_checkpoints.CheckpointFileError as error:
        click.echo(f"BROKEN: {error}", err=True)
        raise SystemExit(1) from None
    if broken is not None:
        click.echo(f"BROKEN, no checkpoint written: {broken}", err=True)
        raise SystemExit(1)
    for checkpoint in written:
        click.echo(f"checkpoint {checkpoint.municipality}: seq {checkpoint.seq}")
    click.echo(f"ok: {len(written)} checkpoint(s) appended to {path}")


@audit_cli.command("seal")
def seal_command():
    """Once after upgrading to the keyed chain: a keyed event ends every chain that has none."""
    sealed, broken = seal_unkeyed_chains()
    if broken is not None:
        click.echo(f"BROKEN, nothing sealed: {broken}", err=True)
        raise SystemExit(1)
    click.echo(f"ok: {len(sealed)} chain(s) sealed" + (f" ({', '.join(sealed)})" if sealed else ""))
