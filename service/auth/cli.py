import sys

import click
from flask.cli import AppGroup

from service.auth import services
from service.auth.roles import ALL_ROLES
from service.common.cli import transactional

municipality_cli = AppGroup("municipality", help="Municipalities (tenants).")
user_cli = AppGroup("user", help="Users and their roles.")
token_cli = AppGroup("token", help="API bearer tokens.")


@municipality_cli.command("create")
@click.option("--number", required=True, help="Four-digit municipality number, e.g. 4014.")
@click.option("--name", required=True)
@transactional
def municipality_create(number, name):
    municipality = services.create_municipality(number, name)
    click.echo(f"created municipality {municipality.number} {municipality.name}")


@user_cli.command("create")
@click.option("--municipality", "municipality_number", required=True, help="Municipality number.")
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice(ALL_ROLES))
@click.option("--name", "display_name", help="Display name.")
@click.option("--provider-unit", help="Required for the provider role: the name of a unit in the municipality's "
                                     "register (see 'provider-unit create'); an unknown name is refused.")
@transactional
def user_create(municipality_number, username, role, display_name, provider_unit):
    user = services.create_user(municipality_number, username, role,
                                display_name=display_name, provider_unit=provider_unit)
    click.echo(f"created user {user.username} ({user.role})")


@user_cli.command("disable")
@click.option("--username", required=True)
@transactional
def user_disable(username):
    services.disable_user(username)
    click.echo(f"disabled {username} and revoked their tokens")


@token_cli.command("issue")
@click.option("--username", required=True)
@click.option("--ttl-days", type=int, help="Lifetime in days (default from TOKEN_TTL_DAYS).")
@transactional
def token_issue(username, ttl_days):
    """Print a new token as the last line. It is shown once and stored only as a hash."""
    token, plain = services.issue_token(username, ttl_days=ttl_days)
    click.echo(f"token for {username}, expires {token.expires_at:%Y-%m-%d}, hint {token.hint}:")
    click.echo(plain)


@token_cli.command("revoke")
@click.option("--username", required=True)
@click.option("--hint", help="Only the token starting with this hint; default all the user's tokens.")
@transactional
def token_revoke(username, hint):
    count = services.revoke_tokens(username, hint=hint)
    click.echo(f"revoked {count} token(s) of {username}")


@user_cli.command("set-password")
@click.option("--username", required=True)
@transactional
def user_set_password(username):
    """Set a user's password for the web application: asked for twice at a prompt, or read as one
    line from standard input; never an argument (it would show in ``ps`` and the shell history).
    Every web session the user has ends, and the user chooses their own password at the next login."""
    from service.auth import login

    stdin = sys.stdin
    if stdin.isatty():
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    else:
        password = stdin.readline().rstrip("\r\n")
    login.set_password(username, password)
    then = "they choose their own password" + (
        "" if services.get_user(username).totp_secret else " and enrol their second factor")
    click.echo(f"password set for {username}; at the next login {then}")


@user_cli.command("new-totp-key")
def user_new_totp_key():
    """Print a new key for the TOTP secrets (put it first in TOTP_ENCRYPTION_KEYS, then run
    'user rotate-totp-keys'); nothing is stored."""
    from cryptography.fernet import Fernet

    click.echo(Fernet.generate_key().decode("ascii"))


@user_cli.command("rotate-totp-keys")
@transactional
def user_rotate_totp_keys():
    """Encrypt every stored TOTP secret with the first key of TOTP_ENCRYPTION_KEYS (the others
    may then be removed), including secrets stored before they were encrypted."""
    from service.auth import login

    count = login.reseal_totp_secrets()
    click.echo(f"{count} TOTP secret(s) encrypted with the first key")
