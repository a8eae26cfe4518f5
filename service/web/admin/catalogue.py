"""The registers the administrator keeps: provider units, the service catalogue and the legal bases.

Each page is its API route as a form: the list (``GET``) with the form of ``POST``, a row's page
with the form of ``PATCH`` and its version as the If-Match. A ticked checkbox is posted, an
unticked one is not: the form sends the API's boolean either way. A field emptied in an edit is
cleared where the API lets it be (null), as an edit of a decision's draft clears it.
"""

from __future__ import annotations

import uuid

from flask import redirect, render_template, request, url_for

from service.catalogue import services as catalogue
from service.catalogue.models import REPORT_GROUPS
from service.catalogue.schemas import (
    LegalBasisCreateSchema,
    LegalBasisSchema,
    LegalBasisUpdateSchema,
    ServiceTypeCreateSchema,
    ServiceTypeSchema,
    ServiceTypeUpdateSchema,
)
from service.common.i18n import label
from service.provider_units import services as unit_register
from service.provider_units.schemas import ProviderUnitCreateSchema, ProviderUnitSchema, ProviderUnitUpdateSchema
from service.web.admin.routes import blp
from service.web.forms import Posted, read, submit, typed, version

SERVICE_FIELDS = ("name_nb", "kpr_code", "default_legal_basis", "report_group")
SERVICE_CLEARABLE = ("kpr_code", "default_legal_basis")
BASIS_FIELDS = ("name_nb", "law_reference", "appeal_period_days", "appeal_rule", "appeal_body", "valid_from",
                "valid_to", "replaced_by")
BASIS_CLEARABLE = ("valid_from", "valid_to", "replaced_by")


def _typed(names: tuple[str, ...], flags: tuple[str, ...]) -> dict:
    """What was typed, and each checkbox as "y" (ticked) or "" (what the form shows again)."""
    return {**typed(request.form, names), **{flag: "y" if request.form.get(flag) else "" for flag in flags}}


def _body(values: dict, flags: tuple[str, ...]) -> dict:
    """The API's body of a form: the checkboxes as booleans."""
    return {**values, **{flag: "true" if values.get(flag) else "false" for flag in flags}}


def _cleared(data: dict, values: dict, clearable: tuple[str, ...]) -> dict:
    """The fields emptied in an edit, cleared (null): ``read`` leaves empty fields out."""
    for name in clearable:
        if values.get(name, "") == "":
            data[name] = None
    return data


def _text(value) -> str:
    return "" if value is None else str(value)


# --- provider units -----------------------------------------------------------------------------

@blp.get("/provider-units")
def provider_units(posted: Posted | None = None):
    """The register (retired units too), with the form of ``POST /provider-units``."""
    units = ProviderUnitSchema(many=True).dump(unit_register.list_units({}))
    posted = posted or Posted()
    return render_template("admin/provider_units.html", units=units, form=posted), posted.status


@blp.post("/provider-units")
def create_provider_unit():
    posted = Posted(typed(request.form, ("name",)))
    created = submit(posted, lambda: unit_register.create_unit(read(ProviderUnitCreateSchema(), posted.values)))
    if created is None:
        return provider_units(posted)
    return redirect(url_for("web_admin.provider_units"), 303)


@blp.get("/provider-units/<uuid:provider_unit_id>")
def provider_unit(provider_unit_id: uuid.UUID, posted: Posted | None = None):
    """A unit's form of ``PATCH``: rename it, or retire it (its decisions keep it)."""
    unit = ProviderUnitSchema().dump(unit_register.get_unit(provider_unit_id))
    posted = posted or Posted({"name": unit["name"], "active": "y" if unit["active"] else ""})
    return render_template("admin/provider_unit.html", unit=unit, form=posted), posted.status


@blp.post("/provider-units/<uuid:provider_unit_id>")
def update_provider_unit(provider_unit_id: uuid.UUID):
    posted = Posted(_typed(("name",), ("active",)))
    done = submit(posted, lambda: unit_register.update_unit(
        provider_unit_id, read(ProviderUnitUpdateSchema(), _body(posted.values, ("active",))),
        expected_version=version(request.form)))
    if done is None:
        return provider_unit(provider_unit_id, posted)
    return redirect(url_for("web_admin.provider_units"), 303)


# --- the service catalogue ----------------------------------------------------------------------

def _service_choices() -> dict:
    bases = catalogue.list_legal_bases({})
    return {"group_options": [(group, label("report_group", group, standalone=True)) for group in REPORT_GROUPS],
            "basis_options": [(basis.code, f"{basis.code}: {basis.name_nb}") for basis in bases]}


@blp.get("/services")
def services(posted: Posted | None = None):
    """The catalogue (retired services too), with the form of ``POST /service-catalogue``."""
    rows = ServiceTypeSchema(many=True).dump(catalogue.list_services({}))
    posted = posted or Posted({"report_group": "other"})
    return render_template("admin/services.html", services=rows, form=posted, **_service_choices()), posted.status


@blp.post("/services")
def create_service():
    posted = Posted(_typed(("code", *SERVICE_FIELDS), ("hour_based",)))
    created = submit(posted, lambda: catalogue.create_service(
        read(ServiceTypeCreateSchema(), _body(posted.values, ("hour_based",)))))
    if created is None:
        return services(posted)
    return redirect(url_for("web_admin.services"), 303)


@blp.get("/services/<string:code>")
def service(code: str, posted: Posted | None = None):
    row = ServiceTypeSchema().dump(catalogue.get_service(code))
    if posted is None:
        posted = Posted({name: _text(row[name]) for name in SERVICE_FIELDS})
        posted.values.update(hour_based="y" if row["hour_based"] else "", active="y" if row["active"] else "")
    return render_template("admin/service.html", service=row, form=posted, **_service_choices()), posted.status


@blp.post("/services/<string:code>")
def update_service(code: str):
    flags = ("hour_based", "active")
    posted = Posted(_typed(SERVICE_FIELDS, flags))
    done = submit(posted, lambda: catalogue.update_service(
        code, _cleared(read(ServiceTypeUpdateSchema(), _body(posted.values, flags)), posted.values, SERVICE_CLEARABLE),
        expected_version=version(request.form)))
    if done is None:
        return service(code, posted)
    return redirect(url_for("web_admin.services"), 303)


# --- legal bases ----------------------------------------------------------------------------------

def _basis_choices() -> dict:
    return {"replacement_options": [(basis.code, f"{basis.code}: {basis.name_nb}")
                                    for basis in catalogue.list_legal_bases({})]}


@blp.get("/legal-bases")
def legal_bases(posted: Posted | None = None):
    """The legal bases (out of use too), with the form of ``POST /service-catalogue/legal-bases``."""
    rows = LegalBasisSchema(many=True).dump(catalogue.list_legal_bases({}))
    posted = posted or Posted({"appeal_period_days": "21", "appeal_rule": "forvaltningsloven § 29",
                               "appeal_period_moves": "y"})
    return render_template("admin/legal_bases.html", bases=rows, form=posted, **_basis_choices()), posted.status


@blp.post("/legal-bases")
def create_legal_basis():
    posted = Posted(_typed(("code", *BASIS_FIELDS), ("appeal_period_moves",)))
    created = submit(posted, lambda: catalogue.create_legal_basis(
        read(LegalBasisCreateSchema(), _body(posted.values, ("appeal_period_moves",)))))
    if created is None:
        return legal_bases(posted)
    return redirect(url_for("web_admin.legal_bases"), 303)


@blp.get("/legal-bases/<string:code>")
def legal_basis(code: str, posted: Posted | None = None):
    row = LegalBasisSchema().dump(catalogue.get_legal_basis(code))
    if posted is None:
        posted = Posted({name: _text(row[name]) for name in BASIS_FIELDS})
        posted.values.update(appeal_period_moves="y" if row["appeal_period_moves"] else "",
                             active="y" if row["active"] else "")
    return render_template("admin/legal_basis.html", basis=row, form=posted, **_basis_choices()), posted.status


@blp.post("/legal-bases/<string:code>")
def update_legal_basis(code: str):
    flags = ("appeal_period_moves", "active")
    posted = Posted(_typed(BASIS_FIELDS, flags))
    done = submit(posted, lambda: catalogue.update_legal_basis(
        code, _cleared(read(LegalBasisUpdateSchema(), _body(posted.values, flags)), posted.values, BASIS_CLEARABLE),
        expected_version=version(request.form)))
    if done is None:
        return legal_basis(code, posted)
    return redirect(url_for("web_admin.legal_bases"), 303)
