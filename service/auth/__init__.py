"""Municipalities, users, tokens, and who may see and do what: the access matrix (matrix.py: rows
and fields per role, applied by fields.py and persons.access) and the role × route table (policy.py)."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Contributes the labels of its codes; loads the keys of the TOTP secrets and the OpenID
    Connect client's private key (a configuration without a usable one refuses to start)."""
    from service.auth import totp_keys
    from service.auth.labels import DOMAINS as LABELS
    from service.common.contributions import for_app
    for_app(app).add_labels(LABELS)
    totp_keys.init_app(app)
    if app.config.get("OIDC_ISSUER") and app.config.get("OIDC_CLIENT_PRIVATE_KEY_FILE"):
        from config import ConfigError
        from service.auth import oidc
        try:  # a key that cannot sign refuses to start, rather than failing every login
            oidc.client_private_key(app.config["OIDC_CLIENT_PRIVATE_KEY_FILE"])
        except ValueError as error:
            raise ConfigError(f"refusing to start: {error}") from None
