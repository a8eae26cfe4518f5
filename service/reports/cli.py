import click
from flask.cli import AppGroup, with_appcontext

reports_cli = AppGroup("reports", help="Report tables: build a period's snapshot.")


@reports_cli.command("build")
@click.option("--period", required=True, help="YYYY-MM (a month) or YYYY (a year) that has ended.")
@click.option("--reason", help="Why a new version is built (required when the tables differ from the newest).")
@click.option("--municipality", "number", help="Only this municipality (four digits); default every one.")
@with_appcontext
def reports_build(period, reason, number):
    """Build and store a period's tables for each municipality: a new version only when they differ."""
    from service.common.cli import only_municipality
    from service.reports.services import BuildOutcome, build_each

    only = only_municipality(number)
    refused = False
    for number_, outcome in build_each(period, reason=reason, trigger="manual", only=only).items():
        if not isinstance(outcome, BuildOutcome):
            refused = True
            click.echo(f"{number_}: not stored — {outcome}", err=True)
        elif outcome.status == "unchanged":
            click.echo(f"{number_}: {period} unchanged — equal to version {outcome.snapshot.version}, nothing stored")
        else:
            changed = f", {len(outcome.changed)} cells changed" if outcome.snapshot.version > 1 else ""
            click.echo(f"{number_}: {period} stored as version {outcome.snapshot.version}{changed}")
    if refused:
        raise SystemExit(1)


@reports_cli.command("export")
@click.option("--period", required=True, help="YYYY-MM or YYYY: the period of a stored snapshot.")
@click.option("--format", "fmt", required=True, type=click.Choice(["xlsx", "docx", "zip"]),
              help="xlsx: workbook with charts; docx: draft status chapter; zip: a CSV per table and a README.")
@click.option("--version", type=click.IntRange(min=1), help="A version of the snapshot; default the newest.")
@click.option("--municipality", "number", help="The municipality (four digits); needed when there are several.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="The file to write.")
@with_appcontext
def reports_export(period, fmt, version, number, out):
    """Write a stored snapshot as a file, the same as the API's download (an audited export)."""
    from pathlib import Path

    from service.auth.services import get_municipality_by_number
    from service.common.errors import DomainError
    from service.common.tenancy import tenant_scope
    from service.extensions import db
    from service.jobs.tasks import municipalities
    from service.reports.exports.services import download

    try:
        if number:
            municipality_id = get_municipality_by_number(number).id
        else:
            every = municipalities()
            if len(every) != 1:
                raise click.ClickException("give --municipality: there are several municipalities")
            municipality_id, number = every[0]
        with tenant_scope(municipality_id):
            result = download(period, fmt, version=version)
            Path(out).write_bytes(result.content)
            db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.detail or exc.title) from None
    click.echo(f"{number}: {period} written to {out} ({len(result.content):,} bytes)")
