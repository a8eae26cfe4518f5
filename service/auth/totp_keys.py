"""The TOTP secrets at rest: encrypted with keys kept outside the database.

Why: a TOTP secret *is* the second factor. Stored as it is, any copy of the database (a
backup, a replica, a dump handed to a supplier, a read-only leak) would hand over every user's
codes, and the password's argon2 hash would be the only thing left to break. So the column holds
``fernet:<token>``: Fernet (AES-128-CBC with an HMAC-SHA256, from the ``cryptography`` package)
under a key from the configuration (``TOTP_ENCRYPTION_KEYS`` / ``TOTP_ENCRYPTION_KEY_FILE``,
config/__init__.py), never from the database. Fernet also authenticates: a token altered in the
database does not decrypt to another secret, it fails.

Rotation is MultiFernet's: the first key encrypts, every listed key decrypts, and
``flask user rotate-totp-keys`` re-encrypts every stored secret with the first key, after which
the old key can go. A secret stored before encryption (plain base32, no prefix) still works and
is encrypted at the user's next accepted code, or at once by the same command.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask

from config import ConfigError, totp_encryption_keys, totp_key_problems
from service.extensions import per_app

PREFIX = "fernet:"
EXTENSION = "totp_keys"
# What an unreadable value is said to be: the settings to look at, never a key or the value.
_UNREADABLE = ("a stored TOTP secret decrypts with none of the configured keys "
               "(TOTP_ENCRYPTION_KEYS, TOTP_ENCRYPTION_KEY_FILE)")


class UnreadableSecret(RuntimeError):
    """A stored secret that none of the configured keys decrypts (a key removed too early, or the
    row altered): the user cannot log in until the key is back or their second factor is reset."""


def load(config) -> MultiFernet:
    """The configured keys, or ConfigError saying what is wrong (never showing a key)."""
    keys = totp_encryption_keys(config)
    if not keys:
        raise ConfigError("refusing to start: TOTP_ENCRYPTION_KEYS is not set (the second factor's "
                          "secrets are stored encrypted)")
    problems = totp_key_problems(keys)
    if problems:
        raise ConfigError("refusing to start: " + "; ".join(problems))
    return MultiFernet([Fernet(key) for key in keys])


def init_app(app: Flask) -> None:
    """Load the keys now, so that a configuration without a usable key refuses to start (an app
    not configured from ``config/``, as in the composition tests, loads them on first use)."""
    if "TOTP_ENCRYPTION_KEYS" in app.config:
        per_app(EXTENSION, load, app)


def _keys() -> MultiFernet:
    return per_app(EXTENSION, load)


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def seal(secret: str) -> str:
    """What the column stores for ``secret``."""
    return PREFIX + _keys().encrypt(secret.encode("ascii")).decode("ascii")


def unseal(stored: str) -> str:
    """The secret a stored value holds (one stored before encryption is the secret itself)."""
    if not is_sealed(stored):
        return stored
    try:
        return _keys().decrypt(stored[len(PREFIX):].encode("ascii")).decode("ascii")
    except InvalidToken:
        raise UnreadableSecret(_UNREADABLE) from None


def reseal(stored: str) -> str:
    """``stored`` encrypted with the first key (one stored before encryption, encrypted)."""
    if not is_sealed(stored):
        return seal(stored)
    try:
        return PREFIX + _keys().rotate(stored[len(PREFIX):].encode("ascii")).decode("ascii")
    except InvalidToken:
        raise UnreadableSecret(_UNREADABLE) from None
