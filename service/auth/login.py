"""Logging in to the web application: a password and a TOTP code, throttled and audited.

Why two factors: Normen (the Norwegian health sector's code of conduct for information
security) requires two-factor authentication for access to health data, so a password alone
never opens a session (``WEB_SKIP_SECOND_FACTOR`` is a development switch production refuses).

Why the throttle is keyed by (client address, username) and never by username alone: a
username is easy to guess, and an account that anyone could lock by failing on purpose
would let one person keep a whole office out. So failures slow down only the client that
makes them, on that username, with a wait that doubles per failure beyond a few free ones
(``LOGIN_THROTTLE_*``); the counters live where the rate limiter's do (``RATELIMIT_STORAGE_URI``:
memory for one process, Redis when several serve the application), so every process sees the same count.

The functions here take plain values (the client address is passed in) and never read the
request; the pages (``service/web/auth``) and the session layer (``service/auth/sessions.py``)
do that. An OpenID Connect provider (service/auth/oidc.py) replaces both steps: it proves who the
user is, and this module still decides whether that user may log in (``check_provider_user``), counts
refusals in the same throttle and audits the login the same way (``logged_in``).
"""

from __future__ import annotations

import dataclasses
import hmac
import logging
import math
import time
import uuid

import pyotp
import segno
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app, g

from service.audit.services import record
from service.auth import totp_keys
from service.auth.models import User
from service.auth.services import get_user
from service.common import clock
from service.common.errors import ValidationFailed
from service.common.i18n import _
from service.common.tenancy import tenant_scope
from service.extensions import counter_storage, db, per_app

log = logging.getLogger("service.auth.login")

# What a login event names as its object (audit object type "route", as refused requests do).
LOGIN_ROUTE = "POST /app/login"
TOTP_INTERVAL_SECONDS = 30
# A code is accepted one time step either side of now: phones' clocks drift.
TOTP_DRIFT_STEPS = 1


# --- passwords ----------------------------------------------------------------------------

def _hasher() -> PasswordHasher:
    return PasswordHasher(**current_app.config["PASSWORD_HASH"])


def _dummy_hash() -> str:
    """A hash to verify against when the user is unknown or has no password, so that the answer
    takes as long as for a real user and does not tell which usernames exist."""
    cache = current_app.extensions.setdefault("login_dummy_hash", {})
    if "hash" not in cache:
        cache["hash"] = _hasher().hash("not-a-password-anyone-has")
    return cache["hash"]


def _check_new_password(password: str, field: str) -> None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise ValidationFailed.field(field, _("must be at least %(count)s characters", count=minimum))
    if password != password.strip():
        raise ValidationFailed.field(field, _("must not start or end with a space"))


def _store_password(user: User, password: str, *, must_change: bool) -> None:
    user.password_hash = _hasher().hash(password)
    user.password_changed_at = clock.now()
    user.password_must_change = must_change
    user.session_generation += 1  # every web session the user has ends
    db.session.flush()


def set_password(username: str, password: str, *, temporary: bool = True) -> User:
    """Set a user's password (argon2id) and end every web session they have. Someone else sets
    it (an administrator, the CLI), so by default it is ``temporary``: the user must choose their
    own at the next login. Only the demo's published passwords are set to stay."""
    _check_new_password(password, "password")
    user = get_user(username)
    _store_password(user, password, must_change=temporary)
    return user


def change_own_password(client: str, user: User, current: str, new: str) -> Attempt:
    """The user's own new password, given the current one (throttled and audited like a login,
    so the form cannot be used to guess it). Every other web session of theirs ends; the caller
    begins a new one for this browser."""
    throttle = LoginThrottle.for_app()
    wait = throttle.wait_seconds(client, user.username)
    if wait:
        _audit(user, user.username, "denied", "password change throttled")
        return Attempt(wait_seconds=wait)
    if not _password_matches(user, current or ""):
        throttle.failed(client, user.username)
        _audit(user, user.username, "denied", "password change: wrong current password")
        return Attempt()
    _check_new_password(new, "new_password")
    if hmac.compare_digest((new or "").encode(), (current or "").encode()):
        raise ValidationFailed.field("new_password", _("must differ from the current password"))
    _store_password(user, new, must_change=False)
    with tenant_scope(user.municipality_id):
        record("update", "user", object_id=user.id, detail="own password changed")
    return Attempt(user=user)


def reset_second_factor(username: str) -> User:
    """Forget the user's TOTP secret, so that they enrol a new one at their next login (a lost or
    replaced phone), and end every web session they have: a session opened with the old phone's
    codes must not outlive the reset."""
    user = get_user(username)
    user.totp_secret = None
    user.totp_enrolled_at = None
    user.totp_last_step = None
    user.session_generation += 1
    db.session.flush()
    return user


def reseal_totp_secrets() -> int:
    """Every stored TOTP secret encrypted with the first configured key (after a new key was put
    first, or for the secrets stored before encryption); how many were rewritten.

    One row at a time in Python, because only the application holds the keys; there is one row
    per user, not per person or case."""
    users = db.session.scalars(sa.select(User).where(User.totp_secret.is_not(None)).order_by(User.id)).all()
    for user in users:
        user.totp_secret = totp_keys.reseal(user.totp_secret)
    db.session.flush()
    return len(users)


def _password_matches(user: User | None, password: str) -> bool:
    hasher = _hasher()
    stored = user.password_hash if user is not None and user.password_hash else None
    try:
        hasher.verify(stored or _dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    if stored is None:
        return False
    if hasher.check_needs_rehash(stored):
        user.password_hash = hasher.hash(password)
    return True


# --- the second factor (TOTP, RFC 6238) -----------------------------------------------------

def second_factor_required() -> bool:
    return not current_app.config["WEB_SKIP_SECOND_FACTOR"]


def new_totp_secret() -> str:
    """160 random bits in base32, as authenticator apps expect."""
    return pyotp.random_base32(32)


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret, interval=TOTP_INTERVAL_SECONDS).provisioning_uri(
        name=user.username, issuer_name=current_app.config["TOTP_ISSUER"])


def totp_qr_svg(uri: str, title: str) -> str:
    """The enrolment QR code as inline SVG, made here: the secret never leaves the server for a
    QR service, and the page needs no image from elsewhere (Content-Security-Policy)."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=4, dark="#000", light="#fff", title=title)


def grouped_secret(secret: str) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _matching_step(secret: str, code: str, last_step: int | None) -> int | None:
    """The time step whose code ``code`` is, if any is near now and later than ``last_step``
    (a code is used once: a code seen over someone's shoulder is worthless afterwards)."""
    code = "".join((code or "").split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, interval=TOTP_INTERVAL_SECONDS)
    now_step = math.floor(clock.now().timestamp() / TOTP_INTERVAL_SECONDS)
    for step in range(now_step - TOTP_DRIFT_STEPS, now_step + TOTP_DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * TOTP_INTERVAL_SECONDS), code) and (last_step is None or step > last_step):
            return step
    return None


# --- the throttle ---------------------------------------------------------------------------

class LoginThrottle:
    """Failures per (client, username) in the rate limiter's storage, with a doubling wait.

    While the shared store (Redis) does not answer, the counts are kept in this process for a
    while and the store is tried again after it, as the API's limits fall back: a login must not
    fail because the throttle's store is down, and a guesser is still slowed per process."""

    FALLBACK_SECONDS = 30

    def __init__(self, config):
        from limits.storage import MemoryStorage

        self.storage = counter_storage(config)
        self.local = MemoryStorage()
        self.local_until = 0.0
        self.free = int(config["LOGIN_THROTTLE_FREE_ATTEMPTS"])
        self.base = float(config["LOGIN_THROTTLE_BASE_SECONDS"])
        self.most = float(config["LOGIN_THROTTLE_MAX_SECONDS"])
        self.forget = int(config["LOGIN_THROTTLE_FORGET_SECONDS"])

    @staticmethod
    def for_app() -> LoginThrottle:
        return per_app("login_throttle", LoginThrottle)

    @staticmethod
    def _keys(client: str, username: str) -> tuple[str, str]:
        subject = f"{client}|{(username or '').strip().lower()[:80]}"
        return f"tjenestespor/login-failures/{subject}", f"tjenestespor/login-last-failure/{subject}"

    def _call(self, operation: str, *args, **kwargs):
        """``operation`` on the shared store, or on this process's while the shared one is down."""
        if time.monotonic() >= self.local_until:
            try:
                return getattr(self.storage, operation)(*args, **kwargs)
            except Exception as error:  # noqa: BLE001 - whatever the store's client raises
                log.warning("login throttle: the shared store did not answer (%s); counting in this process "
                            "for %s s", type(error).__name__, self.FALLBACK_SECONDS)
                self.local_until = time.monotonic() + self.FALLBACK_SECONDS
        return getattr(self.local, operation)(*args, **kwargs)

    def wait_seconds(self, client: str, username: str) -> int:
        """How long this client must wait before trying this username again (0: now)."""
        count_key, last_key = self._keys(client, username)
        failures = self._call("get", count_key)
        if failures < self.free:
            return 0
        wait = min(self.base * 2 ** (failures - self.free), self.most)
        elapsed = clock.now().timestamp() - self._call("get", last_key)
        return max(0, math.ceil(wait - elapsed))

    def failed(self, client: str, username: str) -> None:
        count_key, last_key = self._keys(client, username)
        self._call("incr", count_key, self.forget)
        # The time of the last failure, as a counter's value (the storage keeps counters only).
        self._call("clear", last_key)
        self._call("incr", last_key, self.forget, amount=math.floor(clock.now().timestamp()))

    def succeeded(self, client: str, username: str) -> None:
        for key in self._keys(client, username):
            self._call("clear", key)


# --- the steps of a login -------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Attempt:
    """The answer to one step: ``user`` when it succeeded, else ``wait_seconds`` when throttled."""

    user: User | None = None
    wait_seconds: int = 0

    @property
    def ok(self) -> bool:
        return self.user is not None


def _active_user(username: str) -> User | None:
    username = (username or "").strip().lower()
    if not username or len(username) > 80:
        return None
    user = db.session.scalar(sa.select(User).where(User.username == username))
    return user if user is not None and user.disabled_at is None else None


def _audit(user: User | None, username: str, outcome: str, detail: str) -> None:
    """A login event in the user's municipality (the chain is per municipality). A refused one is
    committed at once, as a refused request is: the page that follows answers with an error and
    its transaction is rolled back. An unknown username has no municipality: the log says it."""
    if user is None:
        log.info("web login refused for an unknown or disabled username (%s)", detail)
        return
    previous = g.get("current_user")
    g.current_user = user if outcome == "ok" else None
    try:
        with tenant_scope(user.municipality_id):
            record("login", "route", object_id=LOGIN_ROUTE, outcome=outcome, detail=f"{detail}: {username}"[:200])
    finally:
        g.current_user = previous
    if outcome != "ok":
        db.session.commit()


def check_password(client: str, username: str, password: str) -> Attempt:
    """The first step: the user when the password is right and this client may try now."""
    throttle = LoginThrottle.for_app()
    user = _active_user(username)
    wait = throttle.wait_seconds(client, username)
    if wait:
        _audit(user, username, "denied", "web login throttled")
        return Attempt(wait_seconds=wait)
    if not _password_matches(user, password or ""):
        throttle.failed(client, username)
        _audit(user, username, "denied", "web login: wrong password")
        return Attempt()
    return Attempt(user=user)


def check_code(client: str, user: User, code: str, *, new_secret: str | None = None) -> Attempt:
    """The second step: the user when ``code`` is the current TOTP code of their secret, or of
    ``new_secret`` during enrolment (which then becomes theirs). Failures count in the throttle."""
    throttle = LoginThrottle.for_app()
    wait = throttle.wait_seconds(client, user.username)
    if wait:
        _audit(user, user.username, "denied", "web login throttled")
        return Attempt(wait_seconds=wait)
    secret = new_secret or (totp_keys.unseal(user.totp_secret) if user.totp_secret else None)
    step = _matching_step(secret, code, None if new_secret else user.totp_last_step) if secret else None
    if step is None:
        throttle.failed(client, user.username)
        _audit(user, user.username, "denied", "web login: wrong code")
        return Attempt()
    if new_secret:
        user.totp_secret = totp_keys.seal(new_secret)  # encrypted at rest (service/auth/totp_keys.py)
        user.totp_enrolled_at = clock.now()
    elif not totp_keys.is_sealed(user.totp_secret):
        user.totp_secret = totp_keys.seal(secret)  # stored before encryption: encrypted at its first use
    user.totp_last_step = step
    return Attempt(user=user)


# --- a login through an OpenID Connect provider (service/auth/oidc.py) -------------------------

# The throttle's subject for the provider's answers that name nobody (a token that fails its
# checks, an unknown state): no username can be written with a space (service/auth/services.py).
PROVIDER_SUBJECT = "(openid connect)"
PROVIDER_LOGIN = "OpenID Connect"


def provider_wait_seconds(client: str) -> int:
    """How long this client must wait before it may try the provider again (0: now)."""
    return LoginThrottle.for_app().wait_seconds(client, PROVIDER_SUBJECT)


def provider_refused(client: str, detail: str, *, counts: bool = True) -> None:
    """The provider's answer opened nothing (``detail`` says why; never a token or a code). It
    names no user, so it is a failure of the client on the provider (``counts``: a person who
    cancels at the provider has failed nothing) and a line of the security log."""
    if counts:
        LoginThrottle.for_app().failed(client, PROVIDER_SUBJECT)
    log.info("web login through %s refused: %s", PROVIDER_LOGIN, detail)


def check_provider_user(client: str, username: str) -> Attempt:
    """The provider proved that the person is ``username``: the user when one by that name exists
    here and is active. The provider proves identity only; what the user may open is still the
    role of our own user row, and a name we do not know opens nothing (a refusal the throttle
    counts on that username, as a wrong password is)."""
    throttle = LoginThrottle.for_app()
    user = _active_user(username)
    wait = max(throttle.wait_seconds(client, username), throttle.wait_seconds(client, PROVIDER_SUBJECT))
    if wait:
        _audit(user, username, "denied", "web login throttled")
        return Attempt(wait_seconds=wait)
    if user is None:
        throttle.failed(client, username)
        _audit(None, username, "denied", f"web login ({PROVIDER_LOGIN}): no active user of that name")
        return Attempt()
    return Attempt(user=user)


def logged_in(client: str, user: User, *, method: str | None = None) -> None:
    """The login passed (both steps, or the provider named an active user): forget the client's
    failures on this username (and on the provider) and audit the login; ``method`` names a login
    that was not ours (``PROVIDER_LOGIN``)."""
    throttle = LoginThrottle.for_app()
    throttle.succeeded(client, user.username)
    if method is not None:
        throttle.succeeded(client, PROVIDER_SUBJECT)
        _audit(user, user.username, "ok", f"web login ({method})")
        return
    _audit(user, user.username, "ok", "web login" + ("" if second_factor_required() else " (password only)"))


def logged_out(user: User) -> None:
    """End every web session of the user (all share its generation), here and in other processes."""
    user.session_generation += 1
    db.session.flush()


def find_session_user(session_id: str) -> User | None:
    """The user of a web session id (``"<user id>:<generation>"``), if the session is still theirs."""
    user_id, _colon, generation = (session_id or "").partition(":")
    try:
        user = db.session.get(User, uuid.UUID(user_id))
    except ValueError:
        return None
    if user is None or user.disabled_at is not None or str(user.session_generation) != generation:
        return None
    return user
