"""Sign-in with the company's identity provider: OpenID Connect's authorization-code flow with PKCE (the S256
challenge and the request built by Authlib), and the ID token verified before anything is believed — its
signature against the provider's JWKS, issuer, audience, expiry, the nonce this sign-in sent, and a verified
email (joserfc)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from evidence_tracer.errors import TracerError


class SignInRefused(TracerError):
    """The identity provider's answer cannot be trusted, or names nobody who may sign in."""


@dataclass(frozen=True)
class Identity:
    email: str
    issuer: str
    subject: str


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


async def discover(issuer: str) -> Provider:
    import httpx

    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            meta = (await client.get(url)).raise_for_status().json()
    except (httpx.HTTPError, ValueError) as exc:
        raise SignInRefused(
            f"the identity provider's discovery document could not be read ({type(exc).__name__})"
        ) from None
    if meta.get("issuer") != issuer.rstrip("/") and meta.get("issuer") != issuer:
        raise SignInRefused("the discovery document names another issuer")
    try:
        return Provider(
            str(meta["issuer"]), str(meta["authorization_endpoint"]), str(meta["token_endpoint"]), str(meta["jwks_uri"])
        )
    except KeyError as exc:
        raise SignInRefused(f"the discovery document has no {exc.args[0]}") from None


def authorization_url(
    provider: Provider, client_id: str, redirect_uri: str, state: str, nonce: str, verifier: str
) -> str:
    """The authorization request of the code flow, with the PKCE challenge (S256) of `verifier`."""
    from authlib.common.urls import add_params_to_uri
    from authlib.oauth2.rfc7636 import create_s256_code_challenge

    return str(
        add_params_to_uri(
            provider.authorization_endpoint,
            {
                "response_type": "code",
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "scope": "openid email",
                "state": state,
                "nonce": nonce,
                "code_challenge": create_s256_code_challenge(verifier),
                "code_challenge_method": "S256",
            },
        )
    )


async def sign_in(
    provider: Provider, client_id: str, secret: str, redirect_uri: str, code: str, verifier: str, nonce: str
) -> Identity:
    """Exchange the code (with the PKCE verifier) and verify the ID token; anything doubtful is refused."""
    import httpx
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet
    from joserfc.jwt import JWTClaimsRegistry

    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
        "client_id": client_id,
        "client_secret": secret,
    }
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            token = (await http.post(provider.token_endpoint, data=form)).raise_for_status().json()
            jwks = (await http.get(provider.jwks_uri)).raise_for_status().json()
    except (httpx.HTTPError, ValueError) as exc:
        raise SignInRefused(f"the identity provider did not complete the sign-in ({type(exc).__name__})") from None
    raw = token.get("id_token")
    if not raw:
        raise SignInRefused("the identity provider sent no ID token")
    try:
        decoded = jwt.decode(raw, KeySet.import_key_set(jwks), algorithms=["RS256", "ES256"])
        JWTClaimsRegistry(
            now=int(time.time()),
            iss={"essential": True, "value": provider.issuer},
            aud={"essential": True, "value": client_id},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
            sub={"essential": True},
            email={"essential": True},
        ).validate(decoded.claims)
    except (JoseError, ValueError) as exc:
        raise SignInRefused(f"the ID token is not valid ({type(exc).__name__}: {exc})") from None
    claims = decoded.claims
    if claims.get("email_verified") is not True:
        raise SignInRefused("the identity provider has not verified this email address")
    return Identity(str(claims["email"]).lower(), str(claims["iss"]), str(claims["sub"]))
