import click
import sqlalchemy as sa
from flask.cli import AppGroup

from service.auth.models import Municipality
from service.catalogue.services import seed_catalogue
from service.common.cli import transactional
from service.common.i18n import _
from service.extensions import db

catalogue_cli = AppGroup("catalogue", help="The service catalogue and legal bases.")


@catalogue_cli.command("seed")
@click.option("--municipality", "number", help="four-digit municipality number (default: all)")
@transactional
def catalogue_seed(number):
    """Add the standard services and legal bases a municipality lacks (never overwrites edits)."""
    stmt = sa.select(Municipality).order_by(Municipality.number)
    if number:
        stmt = stmt.where(Municipality.number == number)
    municipalities = db.session.scalars(stmt).all()
    if number and not municipalities:
        raise click.ClickException(_("No municipality with number %(number)s.", number=number))
    for municipality in municipalities:
        bases, services = seed_catalogue(municipality.id)
        click.echo(f"{municipality.number} {municipality.name}: added {bases} legal bases, {services} services")
