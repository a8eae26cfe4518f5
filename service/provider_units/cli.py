import click
from flask.cli import AppGroup

from service.auth.services import get_municipality_by_number
from service.common.cli import transactional
from service.common.tenancy import tenant_scope
from service.provider_units import services

provider_unit_cli = AppGroup("provider-unit", help="The municipality's register of provider units.")


@provider_unit_cli.command("create")
@click.option("--municipality", "number", required=True, help="Four-digit municipality number.")
@click.option("--name", required=True, help="The unit's name, e.g. 'Psykisk helseteam'.")
@transactional
def provider_unit_create(number, name):
    """Add a provider unit; decisions and provider users then name it."""
    municipality = get_municipality_by_number(number)
    with tenant_scope(municipality.id):
        unit = services.create_unit({"name": name})
    click.echo(f"created provider unit {unit.name} in {municipality.number} {municipality.name}")


@provider_unit_cli.command("list")
@click.option("--municipality", "number", required=True, help="Four-digit municipality number.")
@transactional
def provider_unit_list(number):
    """The municipality's provider units (retired ones marked)."""
    municipality = get_municipality_by_number(number)
    with tenant_scope(municipality.id):
        units = services.list_units({})
    for unit in units:
        click.echo(unit.name + ("" if unit.active else " (retired)"))
