"""What the Bolig pages share: the blueprint (its views live in routes.py, needs.py, offers.py and
proposal.py, registered on it by routes.py), the sub-navigation, the lists' filters and pages."""

from __future__ import annotations

import datetime as dt
import uuid

import marshmallow as ma
from flask import request

from service.auth import policy
from service.common import clock
from service.common.i18n import label
from service.persons import services as persons
from service.web.blueprint import may, web_blueprint

blp = web_blueprint("web_housing", __name__, "/housing")

WEB = policy.WEB
PAGE_SIZE = 50
# The answer date the boards propose for a new offer; the officer changes it in the form.
DEFAULT_ANSWER_DAYS = 14


def pages(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))


def query(schema: ma.Schema, defaults: dict | None = None) -> dict:
    """The page's filters, loaded with the API's query schema; an unknown or broken one is left out."""
    fields = schema.fields
    raw = {key: value for key, value in request.args.items() if key in fields and value != ""}
    result = dict(defaults or {})
    for key, value in raw.items():
        try:
            result.update(schema.load({key: value}))
        except ma.ValidationError:
            continue
    return result


def links() -> dict[str, bool]:
    """Which of the area's pages and actions the role may use (its sub-navigation and buttons)."""
    api, web = f"{policy.API}/housing", f"{WEB}/housing"
    return {"needs": may("GET", f"{web}/needs"), "offers": may("GET", f"{web}/offers"),
            "tenancies": may("GET", f"{web}/tenancies"), "proposal": may("GET", f"{web}/proposal"),
            "candidates": may("GET", f"{api}/units/<uuid:unit_id>/candidates"),
            "offer": may("POST", f"{api}/offers"), "persons": may("GET", f"{WEB}/persons/<uuid:person_id>"),
            "register_need": may("GET", f"{web}/needs/new"),
            "need_actions": may("POST", f"{web}/needs/<uuid:need_id>/park"),
            "unit_actions": may("POST", f"{web}/units/<uuid:unit_id>/unavailable"),
            "end_tenancy": may("POST", f"{web}/tenancies/<uuid:tenancy_id>/end"),
            "tenancy": may("GET", f"{web}/tenancies/<uuid:tenancy_id>"),
            "units": may("GET", f"{web}/units/<uuid:unit_id>")}


def default_respond_by() -> str:
    return (clock.today() + dt.timedelta(days=DEFAULT_ANSWER_DAYS)).isoformat()


def uuid_or_none(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def labelled(domain: str, codes) -> list[tuple[str, str]]:
    """A select's options: each code with its label in the page's language."""
    return [(code, label(domain, code, standalone=True)) for code in codes]


def with_names(rows: list[dict]) -> list[dict]:
    """Each dumped row with ``person_name``: the name of its person when the caller may see the
    person (service.persons.names_of), else None, and the page shows what the API gives."""
    names = {str(key): name for key, name in persons.names_of(uuid_or_none(row.get("person_id")) for row in rows).items()}
    return [{**row, "person_name": names.get(str(row.get("person_id")))} for row in rows]
