"""A fake OpenID Connect provider (what Google Workspace and Okta serve, per OpenID Connect Core 1.0 and
Discovery 1.0): the discovery document, the JWKS, an authorization endpoint that signs in whoever the test says
and redirects back with a code, and a token endpoint that checks the client, the redirect URI and the PKCE
verifier (S256) before it answers with an RS256-signed ID token. A test can make it forge (sign with a key the
JWKS does not hold), expire the token, or leave the email unverified."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

from evidence_tracer.fakes.server import FakeApi, Reply, Request


@dataclass
class FakeOidc:
    email: str = "alice.founder@acme.example"  # who signs in at /authorize
    client_id: str = "tracer-portal"
    client_secret: str = "fake-oidc-client-secret-for-tests"
    forge: bool = False  # sign the ID token with a key the JWKS does not publish
    lifetime: int = 300  # seconds the ID token is valid; negative: already expired
    email_verified: bool = True
    wrong_nonce: bool = False
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    keys: dict[str, Any] = field(default_factory=dict)

    def key(self, name: str) -> Any:
        from joserfc.jwk import RSAKey

        if name not in self.keys:
            self.keys[name] = RSAKey.generate_key(2048, parameters={"kid": name, "use": "sig", "alg": "RS256"})
        return self.keys[name]


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def oidc_api(fake: FakeOidc) -> FakeApi:
    from joserfc import jwt

    api = FakeApi()

    def discovery(_: Request) -> Reply:
        base = api.base_url
        return Reply(
            200,
            {
                "issuer": base,
                "authorization_endpoint": f"{base}/authorize",
                "token_endpoint": f"{base}/token",
                "jwks_uri": f"{base}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "scopes_supported": ["openid", "email", "profile"],
                "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            },
        )

    def jwks(_: Request) -> Reply:
        return Reply(200, {"keys": [fake.key("real").as_dict(private=False)]})

    def authorize(request: Request) -> Reply:
        q = request.query
        if q.get("client_id") != fake.client_id or q.get("response_type") != "code":
            return Reply(400, {"error": "invalid_request"})
        if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            return Reply(400, {"error": "invalid_request", "error_description": "PKCE (S256) is required"})
        code = secrets.token_urlsafe(16)
        fake.codes[code] = {
            "email": fake.email,
            "nonce": q.get("nonce", ""),
            "challenge": q["code_challenge"],
            "redirect_uri": q.get("redirect_uri", ""),
        }
        target = f"{q.get('redirect_uri', '')}?{urlencode({'code': code, 'state': q.get('state', '')})}"
        return Reply(302, None, {"Location": target})

    def token(request: Request) -> Reply:
        form = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
        basic = request.headers.get("authorization", "")
        if basic.startswith("Basic "):
            client, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
        else:
            client, secret = form.get("client_id", ""), form.get("client_secret", "")
        if (client, secret) != (fake.client_id, fake.client_secret):
            return Reply(401, {"error": "invalid_client"})
        grant = fake.codes.pop(form.get("code", ""), None)
        if grant is None or form.get("grant_type") != "authorization_code":
            return Reply(400, {"error": "invalid_grant"})
        if (
            form.get("redirect_uri") != grant["redirect_uri"]
            or _challenge(form.get("code_verifier", "")) != grant["challenge"]
        ):
            return Reply(400, {"error": "invalid_grant", "error_description": "PKCE verification failed"})
        now = int(time.time())
        claims = {
            "iss": api.base_url,
            "sub": "sub-" + hashlib.sha256(grant["email"].encode()).hexdigest()[:16],
            "aud": fake.client_id,
            "iat": now,
            "exp": now + fake.lifetime,
            "nonce": "not-the-nonce" if fake.wrong_nonce else grant["nonce"],
            "email": grant["email"],
            "email_verified": fake.email_verified,
        }
        key = fake.key("forged" if fake.forge else "real")
        kid = "real"  # a forged token claims the published key
        id_token = jwt.encode({"alg": "RS256", "kid": kid}, claims, key)
        return Reply(200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                           "id_token": id_token})  # fmt: skip

    api.route("/.well-known/openid-configuration", discovery)
    api.route("/jwks", jwks)
    api.route("/authorize", authorize)
    api.route("/token", token)
    return api
