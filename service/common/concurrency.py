"""Optimistic concurrency for services: the version the caller saw against the row's.

The route reads ``If-Match`` (``service/common/http.py``, ``if_match``) and hands the
service ``expected_version`` (``None``: no precondition). The service calls
``check_version`` right after loading the entity, before any rule, so a stale
copy is always 412 and never changes anything. Free of the request: jobs, the CLI and
the web application call the same services without a request.
"""

from __future__ import annotations

from service.common.errors import PreconditionFailed
from service.common.i18n import _


def check_version(entity, expected_version: int | None) -> None:
    """412 when the caller's copy (``expected_version``) is not the entity's current version."""
    if expected_version is not None and entity.version != expected_version:
        raise PreconditionFailed(_("The resource was changed since you read it; fetch it again and retry."))
