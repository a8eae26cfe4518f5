"""A local OpenID Connect provider for the tests (served with tests/browser.py's ``serving``).

It speaks just enough of the protocol for the authorization code flow with PKCE: the discovery
document, its JWKS, an /authorize that approves at once whoever ``claims`` describes (no login
page) and sends the browser back with a code, and a /token that checks the client's secret (or,
with ``client_key`` set, its signed client assertion: private_key_jwt, as HelseID requires), the
code, the redirect URI and the PKCE verifier before it answers with an ID token signed with an
RSA key made for the test run. ``tamper`` overrides claims of the ID tokens it issues (a wrong
nonce, audience, issuer, an expired token) and ``sign_with`` signs them with a key the JWKS does
not publish, so the tests can see each check of the service refuse.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
import time
from collections.abc import Callable
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

CLIENT_ID = "tjenestespor-test"
CLIENT_SECRET = "stub-client-secret-not-secret"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def new_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


class OidcStub:
    def __init__(self, now: Callable[[], dt.datetime], client_id: str = CLIENT_ID, client_secret: str = CLIENT_SECRET):
        self.now, self.client_id, self.client_secret = now, client_id, client_secret
        self.key = new_key("stub-1")
        self.claims: dict = {}  # the person /authorize approves: sub, preferred_username, amr, …
        self.tamper: dict = {}  # claims of the next ID tokens overridden (None: left out)
        self.sign_with: RSAKey | None = None
        self.deny: str | None = None  # an error /authorize answers with instead of a code
        # With a client key (its public half, as registered at HelseID), /token takes only a client
        # assertion signed with it (private_key_jwt, RFC 7523) instead of the secret.
        self.client_key: RSAKey | None = None
        self.assertion_headers: list[dict] = []
        self._used_jtis: set[str] = set()
        self.authorize_requests: list[dict] = []
        self.token_requests: list[dict] = []
        self._codes: dict[str, dict] = {}
        self.app = self._app()

    def reset(self) -> None:
        self.claims, self.tamper, self.sign_with, self.deny, self.client_key = {}, {}, None, None, None
        self.assertion_headers.clear()
        self.authorize_requests.clear()
        self.token_requests.clear()

    def _app(self) -> Flask:
        app = Flask("oidc_stub")

        def issuer() -> str:
            return request.url_root.rstrip("/")

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify({
                "issuer": issuer(),
                "authorization_endpoint": f"{issuer()}/authorize",
                "token_endpoint": f"{issuer()}/token",
                "jwks_uri": f"{issuer()}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"],
            })

        @app.get("/jwks")
        def jwks():
            return jsonify({"keys": [self.key.as_dict(private=False)]})

        @app.get("/authorize")
        def authorize():
            args = request.args.to_dict()
            self.authorize_requests.append(args)
            back = args["redirect_uri"]
            if self.deny:
                return redirect(f"{back}?{urlencode({'error': self.deny, 'state': args.get('state', '')})}", 302)
            assert args.get("client_id") == self.client_id and args.get("response_type") == "code"
            assert "openid" in args.get("scope", "").split()
            code = secrets.token_urlsafe(24)
            self._codes[code] = {"nonce": args.get("nonce"), "challenge": args.get("code_challenge"),
                                 "method": args.get("code_challenge_method"), "redirect_uri": back}
            return redirect(f"{back}?{urlencode({'code': code, 'state': args['state']})}", 302)

        @app.post("/token")
        def token():
            form = request.form.to_dict()
            self.token_requests.append(form)
            if self.client_key is not None:
                if not self._assertion_holds(form, f"{issuer()}/token"):
                    return jsonify({"error": "invalid_client"}), 401
            else:
                auth = request.authorization
                if auth is None or (auth.username, auth.password) != (self.client_id, self.client_secret):
                    return jsonify({"error": "invalid_client"}), 401
            grant = self._codes.pop(form.get("code", ""), None)  # a code is used once
            if form.get("grant_type") != "authorization_code" or grant is None \
                    or form.get("redirect_uri") != grant["redirect_uri"]:
                return jsonify({"error": "invalid_grant"}), 400
            verifier = form.get("code_verifier", "")
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if grant["method"] != "S256" or challenge != grant["challenge"]:
                return jsonify({"error": "invalid_grant", "error_description": "PKCE"}), 400
            at = int(self.now().timestamp())
            claims = {"iss": issuer(), "sub": "stub-subject", "aud": self.client_id, "iat": at, "exp": at + 300,
                      "nonce": grant["nonce"], **self.claims, **self.tamper}
            claims = {name: value for name, value in claims.items() if value is not None}
            key = self.sign_with or self.key
            id_token = jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)
            return jsonify({"access_token": secrets.token_urlsafe(24), "token_type": "Bearer", "expires_in": 300,
                            "id_token": id_token})

        return app

    def _assertion_holds(self, form: dict, token_endpoint: str) -> bool:
        """RFC 7523 section 3: signed with the client's key, issued by and about the client, for
        this token endpoint, not expired (on the real clock: Authlib stamps it so), short-lived,
        and its jti not seen before."""
        if form.get("client_assertion_type") != ASSERTION_TYPE or "client_secret" in form:
            return False
        try:
            token = jwt.decode(form.get("client_assertion", ""), self.client_key)
        except JoseError:
            return False
        claims, now = token.claims, time.time()
        if (claims.get("iss"), claims.get("sub"), claims.get("aud")) != (self.client_id, self.client_id, token_endpoint):
            return False
        if not (claims.get("exp", 0) > now and claims["exp"] - claims.get("iat", 0) <= 60):
            return False
        if not claims.get("jti") or claims["jti"] in self._used_jtis:
            return False
        self._used_jtis.add(claims["jti"])
        self.assertion_headers.append(dict(token.header))
        return True
