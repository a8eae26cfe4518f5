"""The service catalogue and legal bases: seeding, look-ups and admin edits."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from flask import g, has_request_context

from service.audit.services import record
from service.catalogue import seed_data
from service.catalogue.models import REPORT_GROUPS, LegalBasis, ServiceType
from service.common.concurrency import check_version
from service.common.errors import Duplicate, NotFound, ValidationFailed
from service.common.i18n import _, format_day
from service.common.tenancy import current_municipality_id, tenant_scope
from service.extensions import db

_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
_RESERVED_CODES = {"legal-bases"}


def seed_catalogue(municipality_id=None) -> tuple[int, int]:
    """Add the standard legal bases and services a municipality lacks; never overwrites edits.

    Returns how many legal bases and services were added.
    """
    municipality_id = municipality_id or current_municipality_id()
    with tenant_scope(municipality_id):
        have_bases = set(db.session.scalars(sa.select(LegalBasis.code)))
        have_services = set(db.session.scalars(sa.select(ServiceType.code)))
        new_bases = [LegalBasis(municipality_id=municipality_id, **row)
                     for row in seed_data.LEGAL_BASES if row["code"] not in have_bases]
        new_services = [ServiceType(municipality_id=municipality_id, **row)
                        for row in seed_data.SERVICES if row["code"] not in have_services]
        db.session.add_all(new_bases)
        db.session.flush()
        db.session.add_all(new_services)
        db.session.flush()
    return len(new_bases), len(new_services)


def seed_new_municipality(municipality) -> None:
    seed_catalogue(municipality.id)


# --- look-ups used by referrals and decisions -------------------------------------------

_ROWS = "_catalogue_rows"


def _by_code(model: type[ServiceType] | type[LegalBasis], code: str) -> ServiceType | LegalBasis | None:
    """A service or legal basis by code, read once per request: drafting a decision and
    validating it look up the same two rows (two statements of eleven per new draft). The
    row found is the session's own object, so an edit in the same request is what a second
    look-up sees; a code not found is asked again."""
    memo = g.setdefault(_ROWS, {}) if has_request_context() else {}
    row = memo.get((model, code))
    if row is None or row not in db.session:
        row = db.session.scalar(sa.select(model).where(model.code == code))
        if row is not None:
            memo[(model, code)] = row
    return row


def service_type(code: str | None, *, field: str = "service_code", for_new_use: bool = True) -> ServiceType:
    row = _by_code(ServiceType, code) if code else None
    if row is None:
        raise ValidationFailed.field(field, _("unknown service code %(code)s", code=code) if code else _("required"))
    if for_new_use and not row.active:
        raise ValidationFailed.field(field, _("service %(code)s is no longer offered", code=code))
    return row


def legal_basis_in_force(code: str | None, on: dt.date) -> str | None:
    """The code of the basis in force on ``on``: ``code`` itself, or the one that replaced it.

    Follows ``replaced_by`` from a basis whose ``valid_to`` has passed (a new law taking
    over); returns ``code`` unchanged when no basis in the chain is in force, so that the
    decision's validation names the problem.
    """
    current, seen = code, set()
    while current and current not in seen:
        seen.add(current)
        row = _by_code(LegalBasis, current)
        if row is None:
            return code
        if row.in_force_on(on):
            return current
        if row.valid_to is None or on <= row.valid_to:
            return code
        current = row.replaced_by
    return code


def check_in_force(basis: LegalBasis, on: dt.date, *, field: str = "legal_basis") -> None:
    """A decision is made under the basis in force on its decided_on (422 otherwise)."""
    if basis.in_force_on(on):
        return
    if basis.replaced_by:
        message = _("legal basis %(code)s is not in force on %(date)s; it was replaced by %(replaced_by)s",
                    code=basis.code, date=format_day(on), replaced_by=basis.replaced_by)
    else:
        message = _("legal basis %(code)s is not in force on %(date)s", code=basis.code, date=format_day(on))
    raise ValidationFailed.field(field, message)


def legal_basis(code: str | None, *, field: str = "legal_basis", for_new_use: bool = True) -> LegalBasis:
    row = _by_code(LegalBasis, code) if code else None
    if row is None:
        raise ValidationFailed.field(field, _("unknown legal basis %(code)s", code=code) if code else _("required"))
    if for_new_use and not row.active:
        raise ValidationFailed.field(field, _("legal basis %(code)s is no longer in use", code=code))
    return row


# --- services ---------------------------------------------------------------------------

def list_services(filters: dict) -> list[ServiceType]:
    stmt = sa.select(ServiceType)
    for column in ("report_group", "hour_based", "active", "kpr_code"):
        if filters.get(column) is not None:
            stmt = stmt.where(getattr(ServiceType, column) == filters[column])
    return list(db.session.scalars(stmt.order_by(ServiceType.code)))


def get_service(code: str) -> ServiceType:
    row = db.session.scalar(sa.select(ServiceType).where(ServiceType.code == code))
    if row is None:
        raise NotFound(_("No service with code %(code)s.", code=code))
    return row


def _check_service_fields(data: dict) -> None:
    if data.get("report_group") is not None and data["report_group"] not in REPORT_GROUPS:
        raise ValidationFailed.field("report_group", _("must be one of %(choices)s", choices=", ".join(REPORT_GROUPS)))
    if data.get("default_legal_basis"):
        legal_basis(data["default_legal_basis"], field="default_legal_basis")


def _check_code(code: str) -> None:
    if not _CODE_RE.match(code or "") or code in _RESERVED_CODES:
        raise ValidationFailed.field("code", _("use 1-60 lower-case letters, digits and '-'"))


def create_service(data: dict) -> ServiceType:
    _check_code(data["code"])
    _check_service_fields(data)
    if db.session.scalar(sa.select(ServiceType.id).where(ServiceType.code == data["code"])):
        # Services are addressed by their code: the existing record is /service-catalogue/<code>.
        raise Duplicate(_("A service with code %(code)s already exists.", code=data["code"]),
                        existing_id=data["code"], code="duplicate_code")
    row = ServiceType(municipality_id=current_municipality_id(), **data)
    db.session.add(row)
    db.session.flush()
    record("create", "service_type", object_id=row.code)
    return row


def update_service(code: str, data: dict, *, expected_version: int | None = None) -> ServiceType:
    row = get_service(code)
    check_version(row, expected_version)
    _check_service_fields(data)
    for field, value in data.items():
        setattr(row, field, value)
    db.session.flush()
    record("update", "service_type", object_id=row.code, detail=("fields: " + ",".join(sorted(data)))[:200])
    return row


# --- legal bases ------------------------------------------------------------------------

def list_legal_bases(filters: dict) -> list[LegalBasis]:
    stmt = sa.select(LegalBasis)
    if filters.get("active") is not None:
        stmt = stmt.where(LegalBasis.active == filters["active"])
    return list(db.session.scalars(stmt.order_by(LegalBasis.code)))


def get_legal_basis(code: str) -> LegalBasis:
    row = db.session.scalar(sa.select(LegalBasis).where(LegalBasis.code == code))
    if row is None:
        raise NotFound(_("No legal basis with code %(code)s.", code=code))
    return row


def _check_legal_basis_fields(row: LegalBasis) -> None:
    if row.valid_from is not None and row.valid_to is not None and row.valid_to < row.valid_from:
        raise ValidationFailed.field("valid_to", _("must not be before valid_from"))
    if row.replaced_by is not None:
        if row.replaced_by == row.code:
            raise ValidationFailed.field("replaced_by", _("a legal basis cannot replace itself"))
        if db.session.scalar(sa.select(LegalBasis.id).where(LegalBasis.code == row.replaced_by)) is None:
            raise ValidationFailed.field("replaced_by", _("unknown legal basis %(code)s", code=row.replaced_by))


def create_legal_basis(data: dict) -> LegalBasis:
    _check_code(data["code"])
    if db.session.scalar(sa.select(LegalBasis.id).where(LegalBasis.code == data["code"])):
        # Legal bases are addressed by their code too.
        raise Duplicate(_("A legal basis with code %(code)s already exists.", code=data["code"]),
                        existing_id=data["code"], code="duplicate_code")
    row = LegalBasis(municipality_id=current_municipality_id(), **data)
    with db.session.no_autoflush:
        _check_legal_basis_fields(row)
    db.session.add(row)
    db.session.flush()
    record("create", "legal_basis", object_id=row.code)
    return row


def update_legal_basis(code: str, data: dict, *, expected_version: int | None = None) -> LegalBasis:
    row = get_legal_basis(code)
    check_version(row, expected_version)
    with db.session.no_autoflush:
        for field, value in data.items():
            setattr(row, field, value)
        _check_legal_basis_fields(row)
    db.session.flush()
    record("update", "legal_basis", object_id=row.code, detail=("fields: " + ",".join(sorted(data)))[:200])
    return row
