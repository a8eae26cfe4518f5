"""The keys of the audit chain: HMAC-SHA256 secrets kept outside the database.

Configuration (``config/__init__.py``): ``AUDIT_HMAC_KEYS`` (key id -> secret) and the
JSON file ``AUDIT_HMAC_KEY_FILE`` hold every key that signed events still in the trail;
``AUDIT_HMAC_KEY_ID`` names the one new events are signed with. Each event records its
key id, so keys rotate without rewriting anything (docs/security.md).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from flask import Flask

from config import AUDIT_KEY_MIN_LENGTH, ConfigError, audit_hmac_keys
from service.extensions import per_app

KEY_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,40}$")
EXTENSION = "audit_keys"


@dataclass(frozen=True)
class AuditKeys:
    signing_id: str
    secrets: Mapping[str, bytes]

    @property
    def signing_secret(self) -> bytes:
        return self.secrets[self.signing_id]

    def secret(self, key_id: str) -> bytes | None:
        return self.secrets.get(key_id)


def load(config) -> AuditKeys:
    """The configured keys, or ConfigError saying what is missing."""
    keys = audit_hmac_keys(config)
    signing_id = config.get("AUDIT_HMAC_KEY_ID")
    if not signing_id:
        raise ConfigError("refusing to start: AUDIT_HMAC_KEY_ID is not set (the audit chain is keyed)")
    if signing_id not in keys:
        raise ConfigError(f"refusing to start: audit key {signing_id!r} (AUDIT_HMAC_KEY_ID) has no secret "
                          "in AUDIT_HMAC_KEYS or AUDIT_HMAC_KEY_FILE")
    for key_id, secret in keys.items():
        if not KEY_ID_RE.match(key_id):
            raise ConfigError(f"refusing to start: audit key id {key_id!r} must be 1-40 letters, digits, '.', '_' "
                              "or '-'")
        if len(secret) < AUDIT_KEY_MIN_LENGTH:
            raise ConfigError(f"refusing to start: audit key {key_id!r} is shorter than {AUDIT_KEY_MIN_LENGTH} "
                              "characters")
    return AuditKeys(signing_id, {key_id: secret.encode() for key_id, secret in keys.items()})


def init_app(app: Flask) -> None:
    """Load the keys now, so a configuration without a usable key refuses to start (an app not
    configured from ``config/``, as in the composition tests, loads them on first use)."""
    if "AUDIT_HMAC_KEY_ID" in app.config:
        per_app(EXTENSION, load, app)


def current() -> AuditKeys:
    return per_app(EXTENSION, load)
