"""Logging in through an OpenID Connect provider: the municipality's Entra ID, HelseID, …

Why a provider and still our own user table: the provider proves who the person is (and, set
up so, that they used two factors); it knows nothing of our municipalities, roles or who was
disabled here. So the ID token's username claim must name an active user of ours
(``login.check_provider_user``), and that user's role decides what opens, exactly as after a
password and a code; the session that follows is the same (``sessions.begin``, ``login.logged_in``).

Why these checks: the authorization code flow with PKCE (S256) and a nonce, Authlib's Flask
client keeping the state, nonce and PKCE verifier in the session between the start and the
callback. An ID token counts only when its signature verifies with a key of the provider's
JWKS and its issuer (the discovery document's, which must be the configured one), audience
(our client id; an authorised party, when named, must be us), nonce, expiry and issue time (on
our clock, ``OIDC_CLOCK_SKEW_SECONDS`` either way) and, when configured, its acr or amr are
right. Anything else is ``ProviderRefused``, whose reason goes to the security log; it never
holds a token, a code or a claim's value.

How the client proves itself at the token endpoint: with ``OIDC_CLIENT_SECRET``, or, with
``OIDC_CLIENT_PRIVATE_KEY_FILE``, a JWT signed with its private key (``private_key_jwt``, RFC
7523; HelseID accepts nothing else). The assertion lives 60 seconds, names the key by its
``kid`` and carries a fresh ``jti``, so a copy of it is worth little; the key never leaves this
host (the provider holds the public half).

Nothing here reads the request: the pages (service/web/auth/routes.py) pass the code, state
and callback URL in. The client is built at first use from the configuration, so a provider
plugs in by configuration alone (README, "Configuration").
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from authlib.oauth2.rfc7523.assertion import private_key_jwt_sign
from authlib.oidc.core import CodeIDToken
from flask import current_app, session
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, RSAKey

from service.common import clock

DISCOVERY_PATH = "/.well-known/openid-configuration"
_CLIENT = "oidc"  # Authlib's name of the client, and so the prefix of its own settings (OIDC_CLIENT_ID, …)
_RETRY_DISCOVERY_SECONDS = 60
_HOST = re.compile(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?")  # what may stand in a CSP source: no spaces or ';'


class ProviderRefused(Exception):
    """The provider's answer opens nothing. ``reason`` is for the security log; ``unreachable``
    when the provider did not answer (the person may try again later); ``counts`` False when
    the person merely cancelled at the provider (no failed login for the throttle)."""

    def __init__(self, reason: str, *, unreachable: bool = False, counts: bool = True):
        super().__init__(reason)
        self.reason, self.unreachable, self.counts = reason, unreachable, counts


class _IDTokenOnOurClock(CodeIDToken):
    """Authlib's checks of an ID token of the code flow, with "now" from service/common/clock."""

    def validate(self, now=None, leeway=0):
        super().validate(now=int(clock.now().timestamp()), leeway=leeway)


ASSERTION_SECONDS = 60
_ASSERTION_ALGORITHMS = {"RSA": "RS256", "EC": "ES256"}


def client_private_key(path: str) -> RSAKey | ECKey:
    """The client's private key for ``private_key_jwt``: a JWK (JSON, as HelseID's self-service
    hands it out) or a PEM file, RSA or EC. ValueError, naming the file only, when it is neither
    or holds no private key."""
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise ValueError(f"OIDC_CLIENT_PRIVATE_KEY_FILE {path} cannot be read: {error.strerror}") from None
    try:
        if raw.lstrip().startswith(b"{"):
            data = json.loads(raw)
            key = (RSAKey if data.get("kty") == "RSA" else ECKey).import_key(data)
        else:
            try:
                key = RSAKey.import_key(raw)
            except (ValueError, TypeError, JoseError):
                key = ECKey.import_key(raw)
    except (ValueError, TypeError, JoseError):
        raise ValueError(f"OIDC_CLIENT_PRIVATE_KEY_FILE {path} is not an RSA or EC key as JWK or PEM") from None
    if not key.is_private:
        raise ValueError(f"OIDC_CLIENT_PRIVATE_KEY_FILE {path} holds a public key: the client signs with the "
                         "private one")
    return key


class _ClientAssertion(PrivateKeyJWT):
    """Authlib's ``private_key_jwt``, with the lifetime and the ``kid`` a provider looks the key
    up by (Authlib's default lives an hour and names no key)."""

    def __init__(self, key: RSAKey | ECKey):
        super().__init__(alg=key.alg or _ASSERTION_ALGORITHMS[key.key_type])
        self.kid = key.kid

    def sign(self, auth, token_endpoint):
        return private_key_jwt_sign(auth.client_secret, client_id=auth.client_id, token_endpoint=token_endpoint,
                                    header={"kid": self.kid} if self.kid else None, alg=self.alg,
                                    expires_in=ASSERTION_SECONDS)


def configured() -> bool:
    return bool(current_app.config.get("OIDC_ISSUER"))


def provider_name() -> str:
    """The provider as the login page names it."""
    config = current_app.config
    return config.get("OIDC_PROVIDER_NAME") or urlsplit(_issuer(config)).hostname or "OpenID Connect"


def _issuer(config) -> str:
    """The configured issuer, whether the setting names it or its discovery document."""
    issuer = str(config["OIDC_ISSUER"]).strip()
    return issuer.removesuffix(DISCOVERY_PATH).rstrip("/")


def _client():
    """The app's Authlib client of the provider, made at first use."""
    app = current_app._get_current_object()
    client = app.extensions.get("oidc_client")
    if client is None:
        config = app.config
        client_kwargs = {"scope": config["OIDC_SCOPES"], "code_challenge_method": "S256",
                         "default_timeout": config["OIDC_TIMEOUT_SECONDS"]}
        credentials = {"client_secret": config["OIDC_CLIENT_SECRET"]}
        if config.get("OIDC_CLIENT_PRIVATE_KEY_FILE"):
            key = client_private_key(config["OIDC_CLIENT_PRIVATE_KEY_FILE"])
            credentials = {"client_secret": key, "client_auth_methods": [_ClientAssertion(key)]}
            client_kwargs["token_endpoint_auth_method"] = _ClientAssertion.name
        client = OAuth(app).register(
            _CLIENT,
            client_id=config["OIDC_CLIENT_ID"],
            server_metadata_url=_issuer(config) + DISCOVERY_PATH,
            client_kwargs=client_kwargs, **credentials)
        app.extensions["oidc_client"] = client
    return client


def _metadata(client) -> dict:
    """The provider's discovery document; its issuer must be the one configured (OpenID Connect
    Discovery 1.0, section 4.3), else a look-alike document could name another provider's keys."""
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as error:
        current_app.extensions["oidc_discovery_failed_at"] = clock.now().timestamp()
        raise ProviderRefused(f"the discovery document could not be read ({type(error).__name__})",
                              unreachable=True) from None
    if str(metadata.get("issuer", "")).rstrip("/") != _issuer(current_app.config):
        raise ProviderRefused("the discovery document names another issuer than OIDC_ISSUER", unreachable=True)
    return metadata


def form_action_origin() -> str | None:
    """The origin of the provider's authorization endpoint, which the login page's
    Content-Security-Policy must name in ``form-action``: browsers hold the provider's button (a
    posted form) to that directive through the redirect that follows it. None while the
    provider's discovery document cannot be read; a failure is remembered for a minute, so that
    a provider that does not answer does not hold up every showing of the login page."""
    extensions = current_app.extensions
    now = clock.now().timestamp()
    if now - extensions.get("oidc_discovery_failed_at", -_RETRY_DISCOVERY_SECONDS) < _RETRY_DISCOVERY_SECONDS:
        return None
    try:
        metadata = _metadata(_client())
    except ProviderRefused:
        return None
    parts = urlsplit(str(metadata.get("authorization_endpoint", "")))
    if parts.scheme not in {"https", "http"} or not _HOST.fullmatch(parts.netloc):
        return None
    return f"{parts.scheme}://{parts.netloc}"


def start(redirect_uri: str) -> str:
    """The provider's authorization URL to send the person to; the state, nonce and PKCE
    verifier it needs at the callback are kept in the session."""
    client = _client()
    _metadata(client)
    extra = {}
    acr_values = current_app.config.get("OIDC_ACR_VALUES")
    if acr_values:
        extra["acr_values"] = " ".join(acr_values)
    found = client.create_authorization_url(redirect_uri, **extra)
    client.save_authorize_data(redirect_uri=redirect_uri, **found)
    return found["url"]


def finish(code: str | None, state: str | None, error: str | None) -> str:
    """The username the provider vouches for, from the callback's ``code``, ``state`` and
    ``error``; ``ProviderRefused`` unless everything checks out. A state is used once."""
    client = _client()
    data = client.framework.get_state_data(session, state) if state else None
    if state:
        client.framework.clear_state_data(session, state)
    if error:
        raise ProviderRefused(f"the provider answered {error[:40]!r}", counts=data is None)
    if not data or not code or not data.get("nonce"):
        raise ProviderRefused("no login of this session was waiting for this answer")
    metadata = _metadata(client)
    try:
        token = client.fetch_access_token(redirect_uri=data.get("redirect_uri"), code=code,
                                          code_verifier=data.get("code_verifier"))
    except requests.RequestException as failure:
        raise ProviderRefused(f"the token endpoint did not answer ({type(failure).__name__})",
                              unreachable=True) from None
    except (OAuthError, ValueError, KeyError) as failure:
        raise ProviderRefused(f"the token request was refused ({getattr(failure, 'error', type(failure).__name__)})") \
            from None
    if not token.get("id_token"):
        raise ProviderRefused("the token answer had no ID token")
    return _username(_verified_claims(client, metadata, token, data["nonce"]))


def _verified_claims(client, metadata: dict, token: dict, nonce: str) -> dict:
    config = current_app.config
    options = {"iss": {"essential": True, "value": metadata["issuer"]},
               "aud": {"essential": True, "value": client.client_id},
               "sub": {"essential": True}}
    if config.get("OIDC_ACR_VALUES"):
        options["acr"] = {"essential": True, "values": list(config["OIDC_ACR_VALUES"])}
    try:
        claims = client.parse_id_token(token, nonce=nonce, claims_options=options, claims_cls=_IDTokenOnOurClock,
                                       leeway=int(config["OIDC_CLOCK_SKEW_SECONDS"]))
    except requests.RequestException as failure:
        raise ProviderRefused(f"the provider's keys could not be read ({type(failure).__name__})",
                              unreachable=True) from None
    except (JoseError, ValueError, KeyError, TypeError) as failure:
        raise ProviderRefused(f"the ID token was refused ({_why(failure)})") from None
    required_amr = set(config.get("OIDC_REQUIRED_AMR") or [])
    amr = claims.get("amr")
    if required_amr and not (isinstance(amr, list) and required_amr & set(amr)):
        raise ProviderRefused("the ID token does not say that two factors were used (OIDC_REQUIRED_AMR)")
    return claims


def _why(failure: Exception) -> str:
    """A refusal's kind and, for a claim, which one: never its value."""
    claim = getattr(failure, "claim", None)
    return f"{type(failure).__name__}: {claim}" if claim else type(failure).__name__


def _username(claims: dict) -> str:
    """Our username from the configured claim (less ``@OIDC_USERNAME_DOMAIN`` when that is set)."""
    config = current_app.config
    value = claims.get(config["OIDC_USERNAME_CLAIM"])
    if not isinstance(value, str) or not value.strip():
        raise ProviderRefused(f"the ID token has no {config['OIDC_USERNAME_CLAIM']} claim")
    username = value.strip().lower()
    domain = (config.get("OIDC_USERNAME_DOMAIN") or "").strip().lower().lstrip("@")
    if domain:
        local, at, given = username.rpartition("@")
        if not at or given != domain or not local:
            raise ProviderRefused(f"the {config['OIDC_USERNAME_CLAIM']} claim is not of @{domain}")
        username = local
    return username
