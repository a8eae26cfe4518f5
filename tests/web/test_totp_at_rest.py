"""The TOTP secrets at rest (service/auth/totp_keys.py): encrypted with keys outside the database.

What it must show: what the database holds is no secret, and no code can be made from it; a
secret stored before encryption still logs its user in and is encrypted at that login; keys
rotate (a new key first, ``flask user rotate-totp-keys``, the old key removed) without anyone
enrolling again; a stored value altered, or encrypted under a key no longer configured, fails
with an error that names the configuration, never a secret or a key.
"""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet, InvalidToken

from service.auth import totp_keys
from service.auth.models import User
from service.extensions import db

OLD_KEY, NEW_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def stored(app, user) -> str | None:
    with app.app_context():
        return db.session.get(User, user.user_id).totp_secret


def store(app, user, value: str | None) -> None:
    with app.app_context():
        db.session.get(User, user.user_id).totp_secret = value
        db.session.commit()


@pytest.fixture
def keys(app, monkeypatch):
    """``keys(*fernet_keys)``: configure the TOTP keys for the rest of the test (newest first)."""
    def configure(*fernet_keys: str) -> None:
        monkeypatch.setitem(app.config, "TOTP_ENCRYPTION_KEYS", list(fernet_keys))
        app.extensions.pop(totp_keys.EXTENSION, None)

    yield configure
    app.extensions.pop(totp_keys.EXTENSION, None)


def test_the_database_holds_no_secret_only_what_the_configured_key_opens(app, web_user):
    user = web_user("case_officer")
    value = stored(app, user)
    assert value.startswith("fernet:") and user.secret not in value
    token = value.removeprefix("fernet:").encode()
    with pytest.raises(InvalidToken):
        Fernet(OLD_KEY).decrypt(token)
    assert Fernet(app.config["TOTP_ENCRYPTION_KEYS"][0]).decrypt(token).decode() == user.secret


def test_a_secret_stored_before_encryption_logs_in_and_is_encrypted_at_that_login(app, web_user, browser):
    user = web_user("case_officer")
    store(app, user, user.secret)  # as a row from before migration 0017 holds it
    assert browser().log_in(user).status_code == 303
    value = stored(app, user)
    assert value.startswith("fernet:") and user.secret not in value
    with app.app_context():
        assert totp_keys.unseal(value) == user.secret
    assert browser().log_in(user, offset_steps=1).status_code == 303, "and the same phone goes on working"


def test_keys_rotate_without_anyone_enrolling_again(app, web_user, browser, cli, keys):
    keys(OLD_KEY)
    enrolled, before = web_user("case_officer"), web_user("coordinator")
    with app.app_context():
        sealed = totp_keys.seal(enrolled.secret)
    store(app, enrolled, sealed)
    store(app, before, before.secret)  # stored before encryption: the command encrypts it too

    keys(NEW_KEY, OLD_KEY)
    result = cli("user", "rotate-totp-keys")
    assert result.exit_code == 0, result.output
    assert "TOTP secret(s) encrypted with the first key" in result.output

    keys(NEW_KEY)  # the old key removed: every secret opens with the new one alone
    for user in (enrolled, before):
        value = stored(app, user)
        assert value.startswith("fernet:") and user.secret not in value
        assert Fernet(NEW_KEY).decrypt(value.removeprefix("fernet:").encode()).decode() == user.secret
    assert browser().log_in(enrolled).status_code == 303
    assert browser("192.0.2.11").log_in(before).status_code == 303


def test_a_value_altered_or_under_a_removed_key_fails_naming_the_configuration_only(app, web_user, keys):
    user = web_user("case_officer")
    value = stored(app, user)
    altered = value[:-8] + ("A" if value[-8] != "A" else "B") + value[-7:]
    with app.app_context(), pytest.raises(totp_keys.UnreadableSecret) as tampered:
        totp_keys.unseal(altered)
    keys(NEW_KEY)  # the key it was encrypted with is gone
    with app.app_context(), pytest.raises(totp_keys.UnreadableSecret) as gone:
        totp_keys.unseal(value)
    for error in (tampered.value, gone.value):
        message = str(error)
        assert "TOTP_ENCRYPTION_KEYS" in message
        assert user.secret not in message and NEW_KEY not in message and value not in message


def test_a_new_key_is_printed_and_stored_nowhere(cli):
    result = cli("user", "new-totp-key")
    assert result.exit_code == 0, result.output
    Fernet(result.output.strip())  # a usable key


def test_an_unreadable_secret_tells_the_officer_what_to_do_and_the_log_why(app, web_user, browser, keys, caplog):
    user = web_user("case_officer")
    keys(NEW_KEY)  # the key the secret was encrypted with is gone
    client = browser()
    client.get(client.password_step(user).headers["Location"])
    answer = client.post("/app/login/code", {"code": user.code(app)})
    assert answer.status_code == 503
    assert "Ask the administrator to reset your second factor" in answer.get_data(as_text=True)
    assert f"web login of user {user.user_id}: a stored TOTP secret decrypts with none" in caplog.text
    assert user.secret not in caplog.text and NEW_KEY not in caplog.text
