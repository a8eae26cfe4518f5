"""Municipality scoping, applied once for every ORM query.

Every person-level row belongs to one municipality (DESIGN §1). Views never
filter by municipality themselves: the authenticated user's municipality is put
on the application context and this hook adds ``municipality_id = :current`` to
every SELECT/UPDATE/DELETE that touches a tenant-scoped model. A row of another
municipality therefore simply does not exist for the caller (404, never 403).
Inside a request, a tenant-scoped query without a municipality is refused
(fail closed); CLI commands and jobs choose a municipality with ``tenant_scope``
or run unscoped on purpose.
"""

from __future__ import annotations

import contextlib
import uuid

from flask import g, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import with_loader_criteria

from service.common.models import TenantMixin
from service.extensions import AppSession


class TenantNotSet(RuntimeError):
    pass


def current_municipality_id() -> uuid.UUID | None:
    if not has_app_context():
        return None
    return g.get("municipality_id")


def set_current_municipality(municipality_id: uuid.UUID | None) -> None:
    g.municipality_id = municipality_id


@contextlib.contextmanager
def tenant_scope(municipality_id: uuid.UUID | None):
    previous = g.get("municipality_id")
    g.municipality_id = municipality_id
    try:
        yield
    finally:
        g.municipality_id = previous


@event.listens_for(AppSession, "do_orm_execute")
def _scope_to_municipality(state) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        return
    municipality_id = current_municipality_id()
    if municipality_id is None:
        touches_tenant_rows = any(issubclass(m.class_, TenantMixin) for m in state.all_mappers)
        if touches_tenant_rows and has_request_context() and not g.get("tenant_unscoped", False):
            raise TenantNotSet("tenant-scoped query outside a municipality")
        return
    state.statement = state.statement.options(
        with_loader_criteria(
            TenantMixin,
            lambda cls: cls.municipality_id == municipality_id,
            include_aliases=True,
        )
    )
