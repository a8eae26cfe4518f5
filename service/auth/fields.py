"""The access matrix's field rules where data leaves and enters: answers, filters, writes.

Every schema that dumps a resource of the matrix (``service.auth.matrix``) derives from
``NeedToKnow`` and names it in ``RESOURCE``: when the answer is serialised, a field the
caller's role may see only masked or not at all is replaced (``matrix.shown``), so nested
answers (the person overview) follow the same rules. A schema of a resource with location
fields also dumps the person's ``address_protection`` (``matrix.PROTECTION_FIELD``), which
decides whether they are shown; one that does not hides them. A field a role may not read it
may not filter by (``require_readable``) nor write (``require_writable``): a 403 naming the fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

import marshmallow as ma

from service.auth import matrix
from service.auth.identity import current_user
from service.common.errors import Forbidden
from service.common.i18n import _, label


def _role() -> str | None:
    user = current_user()
    return user.role if user is not None else None  # no user: CLI and jobs, the system


class NeedToKnow(ma.Schema):
    """Base of the schemas that dump a resource of the access matrix (``RESOURCE``)."""

    RESOURCE: ClassVar[str]

    @ma.post_dump
    def _apply_field_rules(self, data: dict, **kwargs) -> dict:
        return matrix.shown(_role(), self.RESOURCE, data)


def require_readable(resource: str, fields: Iterable[str]) -> None:
    """403 when the caller filters or searches by a field its role may not read in full."""
    role = _role()
    refused = matrix.refused_reads(role, resource, fields)
    if refused:
        raise Forbidden(_("The role %(role)s may not filter by %(fields)s: a role filters only by what it may read.",
                          role=label("role", role), fields=", ".join(refused)), fields=refused)


def require_writable(resource: str, fields: Iterable[str], *, creating: bool,
                     protection: str = matrix.UNPROTECTED) -> None:
    """403 when the caller writes a field its role may not write (a field it may not read, or
    one it may give only when the row is created, or a location field the person's marking
    ``protection`` hides from it)."""
    role = _role()
    refused = matrix.refused_writes(role, resource, fields, creating=creating, protection=protection)
    if refused:
        raise Forbidden(_("The role %(role)s may not change %(fields)s: a role changes only what it may read.",
                          role=label("role", role), fields=", ".join(refused)), fields=refused)
