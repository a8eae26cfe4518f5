"""Finding a person, and the person's page.

The name search is ``GET /api/v1/persons?name=``, the national-id search
``POST /api/v1/persons/search`` and the page ``GET /api/v1/persons/{id}/overview``, in HTML:
the same service functions (need-to-know, audit) and the same answer schemas (the field rules:
a masked national id stays masked here).
"""

from __future__ import annotations

import uuid

from flask import redirect, render_template, request, url_for

from service.auth import policy
from service.auth.identity import current_user
from service.catalogue import services as catalogue
from service.common.errors import ValidationFailed
from service.overview import services as overview
from service.overview.schemas import PersonOverviewSchema
from service.persons import services as persons
from service.persons.schemas import PersonSchema
from service.web.blueprint import page_number, web_blueprint
from service.web.persons.forms import NameSearchForm, NationalIdForm

blp = web_blueprint("web_persons", __name__, "/persons")

PAGE_SIZE = 20


def _search_page(name_form, id_form, *, found=None, total=0, page=1, searched=False, status=200):
    pages = max(1, -(-total // PAGE_SIZE))
    return render_template("persons/search.html", name_form=name_form, id_form=id_form, found=found,
                           total=total, page=page, pages=pages, searched=searched), status


@blp.get("")
def search():
    """The search page; with ``name``, the persons whose name holds it (a page of them, audited)."""
    name_form = NameSearchForm(request.args)
    id_form = NationalIdForm()
    if "name" not in request.args:
        return _search_page(NameSearchForm(), id_form)
    if not name_form.validate():
        return _search_page(name_form, id_form, status=422)
    page = page_number()
    items, total = persons.list_persons({"name": name_form.name.data.strip()}, page, PAGE_SIZE)
    return _search_page(name_form, id_form, found=PersonSchema(many=True).dump(items), total=total, page=page,
                        searched=True)


@blp.post("/search")
def search_by_national_id():
    """A whole national id, posted: straight to the person when one is found (the address then
    holds the person's id, never the number); else the search page says so."""
    name_form = NameSearchForm(formdata=None)
    id_form = NationalIdForm()
    if not id_form.validate_on_submit():
        return _search_page(name_form, id_form, status=422)
    try:
        found = persons.search_by_national_id("".join(id_form.national_id.data.split()))
    except ValidationFailed as error:
        id_form.national_id.errors = list((error.errors or {}).get("national_id", [error.detail]))
        return _search_page(name_form, id_form, status=422)
    if len(found) == 1:
        return redirect(url_for("web_persons.person", person_id=found[0].id), 303)
    id_form.national_id.data = ""  # the number is not shown back on the page
    return _search_page(name_form, id_form, found=PersonSchema(many=True).dump(found), total=len(found),
                        searched=True)


@blp.get("/<uuid:person_id>")
def person(person_id: uuid.UUID):
    """The person on one page: open referrals, decisions by state, appeals, the individual plan,
    housing. A section the role may not list through the API is absent here too."""
    page = PersonOverviewSchema().dump(overview.person_overview(person_id))
    user = current_user()
    # The overview's plan is None both when there is none and when the role may not list plans.
    plans_listed = policy.may(user.role, "GET", overview.SECTION_ROUTES["plan"])
    return render_template("persons/person.html", page=page, services=_service_names(), plans_listed=plans_listed)


def _service_names() -> dict[str, str]:
    """Service code → the catalogue's name, for a role that may read the catalogue."""
    user = current_user()
    if user is None or not policy.may(user.role, "GET", f"{policy.API}/service-catalogue"):
        return {}
    return {service.code: service.name_nb for service in catalogue.list_services({})}
