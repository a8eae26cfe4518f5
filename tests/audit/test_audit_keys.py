"""The audit chain's keys come from configuration: inline, or a JSON file outside the database."""

from __future__ import annotations

import json

import pytest

from config import ConfigError, audit_hmac_keys
from service.audit import keys as audit_keys

SECRET = "a-long-random-production-audit-key-0123456789"


def test_keys_come_inline_and_from_the_key_file(tmp_path):
    key_file = tmp_path / "audit-keys.json"
    key_file.write_text(json.dumps({"k2026": SECRET, "k2025": "an-older-key-kept-for-verifying-0123456789"}))
    config = {"AUDIT_HMAC_KEYS": {"k2026": SECRET}, "AUDIT_HMAC_KEY_FILE": str(key_file), "AUDIT_HMAC_KEY_ID": "k2026"}
    keys = audit_keys.load(config)
    assert keys.signing_id == "k2026" and keys.signing_secret == SECRET.encode()
    assert keys.secret("k2025") == b"an-older-key-kept-for-verifying-0123456789"
    assert keys.secret("k2024") is None


@pytest.mark.parametrize("content, complaint", [
    ("not json", "cannot be read as JSON"),
    ('["k2026"]', "must hold a JSON object"),
    (json.dumps({"k2026": "another-secret-for-the-same-id-0123456789"}), "different secrets"),
])
def test_a_bad_key_file_is_refused(content, complaint, tmp_path):
    key_file = tmp_path / "audit-keys.json"
    key_file.write_text(content)
    with pytest.raises(ConfigError, match=complaint):
        audit_hmac_keys({"AUDIT_HMAC_KEYS": {"k2026": SECRET}, "AUDIT_HMAC_KEY_FILE": str(key_file)})


def test_a_missing_key_file_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="cannot be read"):
        audit_hmac_keys({"AUDIT_HMAC_KEY_FILE": str(tmp_path / "nowhere.json")})


@pytest.mark.parametrize("config, complaint", [
    ({"AUDIT_HMAC_KEYS": {"k": SECRET}}, "AUDIT_HMAC_KEY_ID is not set"),
    ({"AUDIT_HMAC_KEYS": {"k": SECRET}, "AUDIT_HMAC_KEY_ID": "other"}, "'other'.*has no secret"),
    ({"AUDIT_HMAC_KEYS": {"k": "short"}, "AUDIT_HMAC_KEY_ID": "k"}, "shorter than 32"),
    ({"AUDIT_HMAC_KEYS": {"k": SECRET, "old": "short"}, "AUDIT_HMAC_KEY_ID": "k"}, "'old' is shorter"),
    ({"AUDIT_HMAC_KEYS": {"a key": SECRET}, "AUDIT_HMAC_KEY_ID": "a key"}, "letters, digits"),
])
def test_every_configuration_needs_a_usable_signing_key(config, complaint):
    with pytest.raises(ConfigError, match=complaint):
        audit_keys.load(config)


def test_production_starts_with_its_keys_in_files(monkeypatch, fresh_app, tmp_path):
    """The audit chain's keys in a JSON file, the TOTP secrets' keys one per line (a comment too)."""
    from cryptography.fernet import Fernet

    from service.auth import totp_keys

    key_file = tmp_path / "audit-keys.json"
    key_file.write_text(json.dumps({"k2026": SECRET}))
    totp_key = Fernet.generate_key().decode()
    totp_file = tmp_path / "totp-keys"
    totp_file.write_text(f"# newest first\n{totp_key}\n\n")
    for name in ("FLASK_DEBUG", "FLASK_ALLOW_SYNTHETIC_IDS", "FLASK_AUDIT_HMAC_KEYS", "FLASK_TOTP_ENCRYPTION_KEYS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("FLASK_SECRET_KEY", "a-long-random-production-secret")
    monkeypatch.setenv("FLASK_AUDIT_HMAC_KEY_FILE", str(key_file))
    monkeypatch.setenv("FLASK_AUDIT_HMAC_KEY_ID", "k2026")
    monkeypatch.setenv("FLASK_TOTP_ENCRYPTION_KEY_FILE", str(totp_file))
    app = fresh_app("production")
    assert app.extensions[audit_keys.EXTENSION].signing_secret == SECRET.encode()
    with app.app_context():
        sealed = totp_keys.seal("JBSWY3DPEHPK3PXP")
    assert Fernet(totp_key).decrypt(sealed.removeprefix(totp_keys.PREFIX).encode()) == b"JBSWY3DPEHPK3PXP"
