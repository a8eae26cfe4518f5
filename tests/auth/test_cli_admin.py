"""The operator's CLI: municipalities, users, tokens (README, "CLI")."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from service.auth.models import Municipality, User
from service.extensions import db

UTC = dt.timezone.utc
DEFAULT_NOW = dt.datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def unused_number(app, db_connection):
    with app.app_context():
        used = set(db.session.scalars(sa.select(Municipality.number)))
    return next(f"{n:04d}" for n in range(9999, 999, -1) if f"{n:04d}" not in used)


def me(env, token):
    return env.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def issue(cli, username, *extra) -> str:
    result = cli("token", "issue", "--username", username, *extra)
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def test_municipality_create(cli, app, unused_number):
    result = cli("municipality", "create", "--number", unused_number, "--name", "Nissedal")
    assert result.exit_code == 0, result.output
    assert f"created municipality {unused_number} Nissedal" in result.output
    with app.app_context():
        stored = db.session.scalar(sa.select(Municipality).where(Municipality.number == unused_number))
        assert stored.name == "Nissedal"


@pytest.mark.parametrize("number", ["12", "12345", "abcd", "40 4", ""])
def test_municipality_create_refuses_a_bad_number(number, cli, app):
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Municipality))
    result = cli("municipality", "create", "--number", number, "--name", "Feil")
    assert result.exit_code != 0
    assert "firesifrede kommunenummeret" in result.output  # the CLI speaks bokmål (DEFAULT_LOCALE)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Municipality)) == before


def test_municipality_create_refuses_a_duplicate(cli, unused_number):
    assert cli("municipality", "create", "--number", unused_number, "--name", "Først").exit_code == 0
    again = cli("municipality", "create", "--number", unused_number, "--name", "Igjen")
    assert again.exit_code != 0
    assert f"Kommune {unused_number} finnes allerede." in again.output


def test_user_create_and_token_issue_authenticate(cli, env, town):
    result = cli("user", "create", "--municipality", town, "--username", "kari.saksbehandler",
                 "--role", "case_officer", "--name", "Kari Saksbehandler")
    assert result.exit_code == 0, result.output
    assert "created user kari.saksbehandler (case_officer)" in result.output

    issued = cli("token", "issue", "--username", "kari.saksbehandler")
    assert issued.exit_code == 0
    lines = issued.output.strip().splitlines()
    assert "expires 2026-06-01" in lines[0]  # 90 days from 3 March
    token = lines[-1]
    assert token.startswith("tsp_") and " " not in token
    response = me(env, token)
    assert response.status_code == 200
    assert response.get_json()["username"] == "kari.saksbehandler"
    assert response.get_json()["display_name"] == "Kari Saksbehandler"
    assert response.get_json()["municipality_number"] == town


def test_a_short_lived_token_expires(cli, env, town, frozen_clock):
    cli("user", "create", "--municipality", town, "--username", "kort.token", "--role", "auditor")
    token = issue(cli, "kort.token", "--ttl-days", "1")
    assert me(env, token).status_code == 200
    frozen_clock.set(DEFAULT_NOW + dt.timedelta(days=1))
    assert me(env, token).status_code == 401
    assert cli("token", "issue", "--username", "kort.token", "--ttl-days", "0").exit_code != 0


def test_user_create_refuses_a_provider_without_a_unit(cli, app, town):
    result = cli("user", "create", "--municipality", town, "--username", "per.utforer", "--role", "provider")
    assert result.exit_code != 0 and "provider_unit" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.username == "per.utforer")) is None
    assert cli("provider-unit", "create", "--municipality", town, "--name", "Psykisk helseteam").exit_code == 0
    ok = cli("user", "create", "--municipality", town, "--username", "per.utforer", "--role", "provider",
             "--provider-unit", "Psykisk helseteam")
    assert ok.exit_code == 0, ok.output


@pytest.mark.parametrize("args, message", [
    (["--username", "ola", "--role", "wizard"], "wizard"),
    (["--username", "Ola Nordmann", "--role", "planner"], "username"),
    (["--username", "ola", "--role", "planner", "--municipality", "0000"], "Ingen kommune med nummer 0000"),
])
def test_user_create_refuses_bad_input(args, message, cli, town):
    if "--municipality" not in args:
        args = ["--municipality", town, *args]
    result = cli("user", "create", *args)
    assert result.exit_code != 0
    assert message in result.output


def test_user_create_refuses_a_duplicate_username(cli, town):
    assert cli("user", "create", "--municipality", town, "--username", "dup.user", "--role", "admin").exit_code == 0
    again = cli("user", "create", "--municipality", town, "--username", "dup.user", "--role", "planner")
    assert again.exit_code != 0 and "finnes allerede" in again.output


def test_token_revoke_stops_the_token(cli, env, town):
    cli("user", "create", "--municipality", town, "--username", "revoke.me", "--role", "planner")
    first, second = issue(cli, "revoke.me"), issue(cli, "revoke.me")
    result = cli("token", "revoke", "--username", "revoke.me", "--hint", first[:10])
    assert result.exit_code == 0 and "revoked 1 token(s) of revoke.me" in result.output
    assert me(env, first).status_code == 401
    assert me(env, second).status_code == 200
    result = cli("token", "revoke", "--username", "revoke.me")
    assert "revoked 1 token(s)" in result.output
    assert me(env, second).status_code == 401


def test_user_disable_stops_every_token_and_new_ones(cli, env, town):
    cli("user", "create", "--municipality", town, "--username", "leaving.user", "--role", "case_officer")
    tokens = [issue(cli, "leaving.user"), issue(cli, "leaving.user")]
    assert all(me(env, t).status_code == 200 for t in tokens)
    result = cli("user", "disable", "--username", "leaving.user")
    assert result.exit_code == 0 and "disabled leaving.user" in result.output
    assert all(me(env, t).status_code == 401 for t in tokens)
    refused = cli("token", "issue", "--username", "leaving.user")
    assert refused.exit_code != 0 and "er deaktivert" in refused.output


def test_commands_on_an_unknown_user_fail(cli):
    for command in (["token", "issue"], ["token", "revoke"], ["user", "disable"]):
        result = cli(*command, "--username", "nobody.here")
        assert result.exit_code != 0 and "Ingen bruker med brukernavnet «nobody.here»" in result.output
