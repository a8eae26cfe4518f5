"""``Idempotency-Key`` for create routes (docs/cases.md, "Idempotency").

A client that is not sure its POST arrived sends it again with the same
``Idempotency-Key`` header. The first successful answer is stored with the key
(unique per municipality + user + key, enforced by the database):

* same key, same request (method, path, body) → the stored answer again, nothing created;
* same key, another request → 422;
* same key while the first request is still running → 409 (PostgreSQL: the
  second insert waits on the unique index and fails when the first commits).
  SQLite serialises whole write transactions, so there the second request
  simply waits and gets the stored answer.

Failed requests store nothing (their transaction rolls back), so a retry after
an error runs again. Keys expire after ``IDEMPOTENCY_TTL_HOURS``.

Use it on a MethodView method, outermost, above flask-smorest's decorators::

    @idempotent
    @blp.arguments(...)
    @blp.response(201, ...)
    def post(self, data): ...
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import uuid

import sqlalchemy as sa
from flask import Response, current_app, g, request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from service.common import clock
from service.common.errors import Conflict, ValidationFailed
from service.common.i18n import _
from service.common.models import TenantMixin, UTCDateTime, new_uuid
from service.common.tenancy import current_municipality_id
from service.extensions import db

HEADER = "Idempotency-Key"
_KEY_RE = re.compile(r"^[\x21-\x7e]{1,200}$")
_REPLAYED_HEADERS = ("ETag", "Location", "Content-Type")

# For ``@blp.doc(parameters=[IDEMPOTENCY_PARAMETER])`` (added by ``idempotent`` itself).
IDEMPOTENCY_PARAMETER = {
    "in": "header", "name": HEADER, "required": False, "schema": {"type": "string", "maxLength": 200},
    "description": "Send the same key when retrying: the first answer is returned again and nothing "
                   "is created twice. Reusing a key with another body is 422; while the first request "
                   "with the key is still running, 409.",
}


class IdempotencyKey(TenantMixin, db.Model):
    __tablename__ = "idempotency_keys"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=new_uuid)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("users.id"), nullable=False)
    key: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    request_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    response_status: Mapped[int | None] = mapped_column(sa.Integer)
    response_headers: Mapped[dict | None] = mapped_column(sa.JSON)
    response_body: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        sa.UniqueConstraint("municipality_id", "user_id", "key"),
    )


def _request_hash() -> str:
    raw = request.get_data(cache=True)
    try:
        canonical = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = raw
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), canonical):
        digest.update(part)
        digest.update(b"\x00")
    return digest.hexdigest()


def _subject(response_body: str | None) -> tuple[str | None, uuid.UUID | None]:
    """The replayed resource's id and the person it is about (a person, or a row naming one)."""
    try:
        body = json.loads(response_body or "null")
    except ValueError:
        return None, None
    if not isinstance(body, dict):
        return None, None
    object_id = body.get("id")
    candidate = body.get("person_id") or (object_id if request.path.rstrip("/").endswith("/persons") else None)
    try:
        return object_id, uuid.UUID(str(candidate)) if candidate else None
    except ValueError:
        return object_id, None


def _replay(row: IdempotencyKey) -> Response:
    # common sits below the features and imports none at module level; a replayed answer
    # discloses person data again, so it is audited like the first one.
    from service.audit.services import record

    response = Response(row.response_body, status=row.response_status)
    for name, value in (row.response_headers or {}).items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    object_id, person_id = _subject(row.response_body)
    record("read", "idempotent_replay", object_id=object_id, person_id=person_id, detail=request.path[:200])
    return response


def _reserve(key: str, request_hash: str) -> IdempotencyKey | Response:
    """Claim the key for this request, or answer from (or refuse because of) an earlier claim."""
    user_id = g.current_user.id  # common sits below auth: the request plumbing reads g itself
    existing = db.session.scalar(sa.select(IdempotencyKey).where(
        IdempotencyKey.user_id == user_id, IdempotencyKey.key == key))
    if existing is not None:
        ttl = dt.timedelta(hours=current_app.config.get("IDEMPOTENCY_TTL_HOURS", 24))
        if existing.created_at + ttl <= clock.now():
            db.session.delete(existing)
            db.session.flush()
        elif existing.response_status is None:
            raise Conflict(_("A request with this Idempotency-Key is still being processed."),
                           code="idempotency_in_progress")
        elif existing.request_hash != request_hash:
            raise ValidationFailed(
                _("The Idempotency-Key was already used for a different request; use a new key."),
                errors={HEADER: [_("already used with another request")]}, code="idempotency_key_reused")
        else:
            return _replay(existing)
    row = IdempotencyKey(municipality_id=current_municipality_id(), user_id=user_id, key=key,
                         request_hash=request_hash, created_at=clock.now())
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("A request with this Idempotency-Key is being processed concurrently; "
                         "retry in a moment to get its answer."), code="idempotency_in_progress") from None
    return row


def idempotent(view):
    """Make a create view honour ``Idempotency-Key`` (see the module docstring)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        if not _KEY_RE.match(key):
            raise ValidationFailed.field(HEADER, _("use 1-200 visible ASCII characters"))
        claimed = _reserve(key, _request_hash())
        if isinstance(claimed, Response):
            return claimed
        response = current_app.make_response(view(*args, **kwargs))
        if response.status_code < 400:
            claimed.response_status = response.status_code
            claimed.response_body = response.get_data(as_text=True)
            claimed.response_headers = {h: response.headers[h] for h in _REPLAYED_HEADERS
                                        if h in response.headers}
            db.session.flush()
        return response

    doc = getattr(wrapper, "_apidoc", None)
    if doc is not None:
        doc = dict(doc)
        manual = dict(doc.get("manual_doc", {}))
        manual["parameters"] = list(manual.get("parameters", [])) + [IDEMPOTENCY_PARAMETER]
        doc["manual_doc"] = manual
        wrapper._apidoc = doc
    return wrapper
