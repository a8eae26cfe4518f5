"""``flask db backup PATH`` and ``flask db restore PATH``: subcommands of Flask-Migrate's ``db`` group
(service/__init__.py adds them), beside ``db upgrade``, which a restore of an older backup needs."""

from __future__ import annotations

from pathlib import Path

import click

from service.backup import services
from service.backup.services import BackupError

_PATH = click.Path(path_type=Path)


def _schema_line(outcome: services.Outcome) -> str:
    if outcome.at_head:
        return f"schema {outcome.revision}"
    return (f"schema {outcome.revision}, not the newest this version of the service knows: "
            "after a restore, run `flask --app wsgi db upgrade`")


@click.command("backup")
@click.argument("path", type=_PATH)
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def backup_command(path: Path, force: bool) -> None:
    """Write every row of every table to PATH, as one consistent moment, while the service runs
    (SQLite: the online backup API; PostgreSQL: pg_dump --format=custom)."""
    try:
        outcome = services.backup(path, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"ok: {outcome.dialect} database backed up to {outcome.path} "
               f"({outcome.path.stat().st_size} bytes, {_schema_line(outcome)})")


@click.command("restore")
@click.argument("path", type=_PATH)
@click.option("--force", is_flag=True, help="Replace a database that already holds rows.")
def restore_command(path: Path, force: bool) -> None:
    """Replace the database's content with the backup at PATH (stop the service first). Refused
    when PATH is not a backup of this kind of database, or the database holds rows (unless --force)."""
    try:
        outcome = services.restore(path, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"ok: {outcome.path} restored into the {outcome.dialect} database ({_schema_line(outcome)}); "
               "check it with `flask --app wsgi audit verify`")
