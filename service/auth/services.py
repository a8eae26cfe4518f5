"""Municipalities, users and tokens: the operations the CLI and auth layer share."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import uuid

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import orm

from service.audit.services import record, start_chain
from service.auth.identity import current_user
from service.auth.models import ApiToken, Municipality, User
from service.auth.roles import ALL_ROLES, PROVIDER
from service.common import cache, clock, contributions
from service.common.errors import Conflict, NotFound, ValidationFailed
from service.common.i18n import _
from service.common.pagination import page_of
from service.common.tenancy import TenantNotSet, current_municipality_id, tenant_scope
from service.extensions import db
from service.provider_units.services import resolve as resolve_unit

TOKEN_PREFIX = "tsp_"
_USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
TOKEN_CACHE = "token_cache"  # live tokens remembered per process (common/cache.py)


def hash_token(token: str) -> str:
    """Tokens carry 256 random bits, so a plain SHA-256 is a safe verifier."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_municipality(number: str, name: str) -> Municipality:
    if not re.fullmatch(r"\d{4}", number or ""):
        raise ValidationFailed.field("number", _("must be the four-digit municipality number"))
    if not (name or "").strip():
        raise ValidationFailed.field("name", _("must not be empty"))
    if db.session.scalar(sa.select(Municipality).where(Municipality.number == number)):
        raise Conflict(_("Municipality %(number)s already exists.", number=number))
    municipality = Municipality(number=number, name=name.strip())
    db.session.add(municipality)
    db.session.flush()
    start_chain(municipality.id)
    # Starting data the features contribute (e.g. the service catalogue), in the same transaction.
    for initializer in contributions.current().municipality_initializers:
        initializer(municipality)
    return municipality


def get_municipality_by_number(number: str) -> Municipality:
    municipality = db.session.scalar(sa.select(Municipality).where(Municipality.number == number))
    if municipality is None:
        raise NotFound(_("No municipality with number %(number)s.", number=number))
    return municipality


def create_user(municipality_number: str, username: str, role: str, *,
                display_name: str | None = None, provider_unit: str | None = None) -> User:
    """``provider_unit`` names a unit of the municipality's register (required for a provider);
    an unknown name is refused with the names there are: users never create units."""
    municipality = get_municipality_by_number(municipality_number)
    if not _USERNAME_RE.match(username or ""):
        raise ValidationFailed.field("username", _("use 2-80 lower-case letters, digits, '.', '_' or '-'"))
    if role not in ALL_ROLES:
        raise ValidationFailed.field("role", _("must be one of %(choices)s", choices=", ".join(ALL_ROLES)))
    if role == PROVIDER and not provider_unit:
        raise ValidationFailed.field("provider_unit", _("a provider must belong to a provider unit"))
    if db.session.scalar(sa.select(User).where(User.username == username)):
        raise Conflict(_("User %(username)s already exists.", username=username))
    unit = None
    if provider_unit:
        with tenant_scope(municipality.id):
            unit = resolve_unit(name=provider_unit)
    user = User(municipality_id=municipality.id, username=username, role=role,
                display_name=display_name, provider_unit=unit)
    db.session.add(user)
    db.session.flush()
    return user


def get_user(username: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise NotFound(_("No user %(username)s.", username=username))
    return user


def list_users(filters: dict, page: int, page_size: int) -> tuple[list[User], int]:
    """The caller's municipality's users, by display name then username.

    ``User`` is not scoped by the tenancy hook (authentication must find a user
    before the municipality is known), so the municipality is named here.
    """
    municipality_id = current_municipality_id()
    if municipality_id is None:
        raise TenantNotSet("listing users needs a municipality")
    stmt = sa.select(User).where(User.municipality_id == municipality_id)
    if filters.get("role") is not None:
        stmt = stmt.where(User.role == filters["role"])
    if filters.get("active") is True:
        stmt = stmt.where(User.disabled_at.is_(None))
    elif filters.get("active") is False:
        stmt = stmt.where(User.disabled_at.is_not(None))
    shown_name = sa.func.lower(sa.func.coalesce(User.display_name, User.username))
    return page_of(stmt.order_by(shown_name, User.username), page, page_size)


def issue_token(username: str, *, ttl_days: int | None = None) -> tuple[ApiToken, str]:
    """Create a token; the plain token is returned once and never stored."""
    user = get_user(username)
    if user.disabled_at is not None:
        raise Conflict(_("User %(username)s is disabled.", username=username))
    ttl = ttl_days if ttl_days is not None else current_app.config["TOKEN_TTL_DAYS"]
    if ttl <= 0:
        raise ValidationFailed.field("ttl_days", _("must be positive"))
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, token_hash=hash_token(plain), hint=plain[:10],
                     expires_at=clock.now() + dt.timedelta(days=ttl))
    db.session.add(token)
    db.session.flush()
    return token, plain


def revoke_tokens(username: str, *, hint: str | None = None) -> int:
    """Revoke one token (by its hint) or all of a user's live tokens."""
    user = get_user(username)
    stmt = sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    if hint:
        stmt = stmt.where(ApiToken.hint == hint)
    tokens = db.session.scalars(stmt).all()
    for token in tokens:
        token.revoked_at = clock.now()
    db.session.flush()
    forget_tokens()
    return len(tokens)


def disable_user(username: str) -> User:
    user = get_user(username)
    if user.disabled_at is None:
        user.disabled_at = clock.now()
    revoke_tokens(username)  # forgets the remembered tokens too
    return user


def authenticate(plain_token: str) -> User | None:
    """The live user behind a token, or None (unknown, expired, revoked, disabled).

    A token found live is remembered for ``TOKEN_CACHE_SECONDS`` (a snapshot of its user,
    merged into the request's session without a query; ``common/cache.py``). A revocation or
    a disabled user therefore takes effect at once in the process that made it, and within
    that bound in the other workers.
    """
    if not plain_token.startswith(TOKEN_PREFIX) or len(plain_token) > 200:
        return None
    digest = hash_token(plain_token)
    remembered = cache.bounded(TOKEN_CACHE)
    if remembered is not None:
        entry = remembered.get(digest)
        if entry is not None and entry[1] > clock.now():
            return db.session.merge(entry[0], load=False)
    # The token and its user in one round trip (a lazy load of ``token.user`` would be a second).
    token = db.session.scalar(sa.select(ApiToken).options(orm.joinedload(ApiToken.user, innerjoin=True))
                              .where(ApiToken.token_hash == digest))
    if token is None or token.revoked_at is not None or token.expires_at <= clock.now():
        return None
    if token.user.disabled_at is not None:
        return None
    if remembered is not None:
        remembered.put(digest, (_snapshot(token.user), token.expires_at))
    return token.user


def forget_tokens() -> None:
    """Drop every remembered token of this process (after a revocation or a disabled user)."""
    cache.forget(TOKEN_CACHE)


def _snapshot(user: User) -> User:
    """A detached copy of ``user``'s columns, which later sessions merge without a query."""
    copy = User(**{attribute.key: getattr(user, attribute.key) for attribute in orm.class_mapper(User).column_attrs})
    orm.make_transient_to_detached(copy)
    return copy


# --- the administrator's pages (service/web/admin) -----------------------------------------
# The same operations as the CLI's, for one municipality's users (``User`` is not scoped by the
# tenancy hook, so the municipality is checked here) and with the administrator on the audit
# trail: the CLI is run by whoever operates the host, a page by a named user of the municipality.

def user_names(user_ids) -> dict[str, str]:
    """User id (as text) → display name (else username), for the users a page names (reviewers,
    who built a report); only the current municipality's (``User`` is not scoped by the tenancy hook)."""
    ids = {uuid.UUID(str(uid)) for uid in user_ids if uid}
    if not ids:
        return {}
    rows = db.session.execute(sa.select(User.id, sa.func.coalesce(User.display_name, User.username))
                              .where(User.id.in_(ids), User.municipality_id == current_municipality_id()))
    return {str(uid): name for uid, name in rows}


def municipality_user(user_id: uuid.UUID) -> User:
    """A user of the caller's municipality; another municipality's is as unknown as no user."""
    user = db.session.get(User, user_id)
    if user is None or user.municipality_id != current_municipality_id():
        raise NotFound(_("No such user."))
    return user


def live_tokens(user_id: uuid.UUID) -> list[ApiToken]:
    """The user's tokens that still open the API (neither revoked nor expired), newest first."""
    return list(db.session.scalars(sa.select(ApiToken).where(
        ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > clock.now())
        .order_by(ApiToken.created_at.desc())))


def live_token_counts(user_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """How many live tokens each of the users has (one GROUP BY)."""
    if not user_ids:
        return {}
    rows = db.session.execute(sa.select(ApiToken.user_id, sa.func.count()).where(
        ApiToken.user_id.in_(user_ids), ApiToken.revoked_at.is_(None), ApiToken.expires_at > clock.now())
        .group_by(ApiToken.user_id))
    return {user_id: count for user_id, count in rows}


def _audit_user(action: str, user: User, detail: str) -> None:
    record(action, "user", object_id=user.id, detail=detail[:200])


def admin_create_user(data: dict) -> User:
    """``user create`` in the caller's municipality (``data`` as UserCreateSchema loads it)."""
    municipality = db.session.get(Municipality, current_municipality_id())
    user = create_user(municipality.number, data["username"], data["role"], display_name=data.get("display_name"),
                       provider_unit=data.get("provider_unit"))
    _audit_user("create", user, f"user created: {user.username}, role {user.role}")
    return user


def admin_disable_user(user_id: uuid.UUID) -> User:
    """``user disable``: the user can no longer log in, and their tokens are revoked. Not oneself:
    a municipality must not lock out its last administrator by a slip."""
    user = municipality_user(user_id)
    actor = current_user()
    if actor is not None and actor.id == user.id:
        raise Conflict(_("You cannot disable your own user."))
    disable_user(user.username)
    _audit_user("update", user, "user disabled and its API tokens revoked")
    return user


def admin_set_password(user_id: uuid.UUID, password: str) -> User:
    """``user set-password``: every web session the user has ends."""
    from service.auth import login

    user = login.set_password(municipality_user(user_id).username, password)
    _audit_user("update", user, "password set")
    return user


def admin_reset_second_factor(user_id: uuid.UUID) -> User:
    """The user enrols a new second factor at the next login; every web session they have ends."""
    from service.auth import login

    user = login.reset_second_factor(municipality_user(user_id).username)
    _audit_user("update", user, "second factor reset")
    return user


def admin_issue_token(user_id: uuid.UUID, data: dict) -> tuple[ApiToken, str]:
    """``token issue``: the plain token is the caller's to show once; the trail names the token's id."""
    user = municipality_user(user_id)
    token, plain = issue_token(user.username, ttl_days=data.get("ttl_days"))
    _audit_user("update", user, f"API token issued: {token.id}")
    return token, plain


def admin_revoke_tokens(user_id: uuid.UUID, hint: str | None = None) -> int:
    """``token revoke``: one token (by its hint) or all the user's live tokens."""
    user = municipality_user(user_id)
    count = revoke_tokens(user.username, hint=hint)
    _audit_user("update", user, f"API tokens revoked: {count}")
    return count
