"""The conversation with the municipality's OpenID provider: discovery (cached), the authorization URL with PKCE
(S256), state and nonce, exchanging the code (authlib's httpx client), verifying the ID token (joserfc: signature
against the provider's JWKS, issuer, audience, expiry and issue time within the clock skew, nonce) and the
RP-initiated logout URL.

One ``OpenIDProvider`` per app (``app.state.oidc``): it keeps only the provider's metadata and keys in memory, a cache
any worker can rebuild, so the app stays stateless. ``clock`` and ``transport`` are seams for tests (shifting time, a
proxy in front of the provider)."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from authlib.common.security import generate_token
from authlib.common.urls import add_params_to_uri
from authlib.deprecate import AuthlibDeprecationWarning
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    DecodeError,
    ExpiredTokenError,
    InvalidClaimError,
    JoseError,
    MissingClaimError,
    UnsupportedAlgorithmError,
)
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from casemgmt.settings import Settings

with warnings.catch_warnings():
    # authlib 1.9 prefers the httpx2 package and warns when it falls back to httpx (which it fully supports)
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError

from casemgmt.signin.rules import Refusal, SignInRefused

METADATA_TTL_SECONDS = 3600
"""How long the discovery document and the keys are kept before they are fetched again."""
HTTP_TIMEOUT_SECONDS = 10.0
ALLOWED_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
"""Asymmetric algorithms only: ``none`` and the HMAC family (signed with the client secret) are never accepted."""
CALLBACK_PATH = "/login/oidc/callback"


@dataclass(frozen=True)
class PendingSignIn:
    """What one started sign-in keeps in the visitor's server-side session until its callback."""

    state: str
    nonce: str
    code_verifier: str
    next: str
    started_at: float


@dataclass
class _Cached:
    metadata: dict[str, Any]
    jwks: dict[str, Any] | None
    fetched_at: float


def verify_id_token(
    id_token: str,
    jwks: Mapping[str, Any],
    *,
    issuer: str,
    client_id: str,
    nonce: str,
    now: float,
    skew: int,
    algorithms: tuple[str, ...] = ALLOWED_ALGORITHMS,
) -> dict[str, Any]:
    """The claims of ``id_token`` once its signature, ``iss``, ``aud`` (and ``azp``), ``exp``, ``iat`` and ``nonce``
    hold; ``SignInRefused`` naming what failed otherwise. ``skew`` seconds of clock difference are allowed, both for
    expiry and for an ``iat`` in the future. No I/O: the keys are passed in."""
    try:
        token = jwt.decode(
            id_token,
            KeySet.import_key_set(dict(jwks)),  # type: ignore[arg-type]
            registry=JWSRegistry(algorithms=list(algorithms)),
        )
    except (BadSignatureError, UnsupportedAlgorithmError) as error:
        raise SignInRefused(Refusal.BAD_SIGNATURE, f"{type(error).__name__}: {error}") from None
    except (DecodeError, JoseError, ValueError, TypeError) as error:
        raise SignInRefused(Refusal.BAD_SIGNATURE, f"undecodable ID token: {type(error).__name__}") from None
    claims = dict(token.claims)
    registry = jwt.JWTClaimsRegistry(
        now=int(now),
        leeway=skew,
        iss={"essential": True, "value": issuer},
        sub={"essential": True},
        aud={"essential": True, "value": client_id},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError:
        raise SignInRefused(Refusal.EXPIRED, f"exp {claims.get('exp')} before now {int(now)} - {skew}") from None
    except (MissingClaimError, InvalidClaimError) as error:
        claim = str(getattr(error, "claim", "")).split(",")[0]
        reason = {
            "iss": Refusal.UNKNOWN_ISSUER,
            "aud": Refusal.WRONG_AUDIENCE,
            "sub": Refusal.MISSING_SUB,
            "nonce": Refusal.WRONG_NONCE,
            "iat": Refusal.NOT_YET_VALID,
            "nbf": Refusal.NOT_YET_VALID,
            "exp": Refusal.EXPIRED,
        }
        raise SignInRefused(reason.get(claim, Refusal.BAD_SIGNATURE), f"{type(error).__name__}: {error}") from None
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    azp = claims.get("azp")
    if (len(audiences) > 1 or azp is not None) and azp != client_id:
        raise SignInRefused(Refusal.WRONG_AUDIENCE, f"azp {azp!r} is not {client_id!r}")
    return claims


class OpenIDProvider:
    """The configured provider, for one app. Methods raise ``SignInRefused`` for everything the provider or the
    browser can get wrong."""

    def __init__(
        self,
        settings: Settings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        assert settings.oidc_issuer and settings.oidc_client_id
        self.issuer = settings.oidc_issuer
        issuer = urlsplit(self.issuer)
        self.origin = f"{issuer.scheme}://{issuer.netloc}"
        self.client_id = settings.oidc_client_id
        self.client_secret = settings.oidc_client_secret or None
        self.scopes = settings.oidc_scopes
        self.skew = settings.oidc_clock_skew_seconds
        self.redirect_uri = settings.base_url + CALLBACK_PATH
        self.post_logout_redirect_uri = settings.base_url + "/login"
        self.transport = transport
        self.clock = clock
        self._cache: _Cached | None = None

    def _client(self) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            client_id=self.client_id,
            client_secret=self.client_secret,
            token_endpoint_auth_method="client_secret_basic" if self.client_secret else "none",
            scope=self.scopes,
            redirect_uri=self.redirect_uri,
            code_challenge_method="S256",
            timeout=HTTP_TIMEOUT_SECONDS,
            transport=self.transport,
        )

    def forget(self) -> None:
        """Drop the cached metadata and keys (tests; a changed provider)."""
        self._cache = None

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_SECONDS, transport=self.transport) as http:
                response = await http.get(url, headers={"Accept": "application/json"})
            response.raise_for_status()
            document = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise SignInRefused(Refusal.PROVIDER_UNAVAILABLE, f"GET {url}: {type(error).__name__}: {error}") from None
        if not isinstance(document, dict):
            raise SignInRefused(Refusal.PROVIDER_UNAVAILABLE, f"GET {url}: not a JSON object")
        return document

    async def metadata(self) -> dict[str, Any]:
        """The discovery document, fetched at most once per ``METADATA_TTL_SECONDS``; its ``issuer`` must be the
        configured issuer exactly (OpenID Connect Discovery 4.3)."""
        now = self.clock()
        if self._cache and now - self._cache.fetched_at < METADATA_TTL_SECONDS:
            return self._cache.metadata
        document = await self._get_json(self.issuer.rstrip("/") + "/.well-known/openid-configuration")
        if document.get("issuer") != self.issuer:
            raise SignInRefused(
                Refusal.UNKNOWN_ISSUER, f"discovery names issuer {document.get('issuer')!r}, not {self.issuer!r}"
            )
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(document.get(key), str) or not document[key].startswith(("https://", "http://")):
                raise SignInRefused(Refusal.PROVIDER_UNAVAILABLE, f"discovery document lacks {key}")
        self._cache = _Cached(document, None, now)
        return document

    async def _jwks(self, *, refresh: bool = False) -> dict[str, Any]:
        metadata = await self.metadata()
        assert self._cache is not None
        if self._cache.jwks is None or refresh:
            self._cache.jwks = await self._get_json(metadata["jwks_uri"])
        return self._cache.jwks

    async def start(self, next_path: str) -> tuple[str, PendingSignIn]:
        """The provider's authorization URL for a new sign-in, and what the session keeps of it."""
        metadata = await self.metadata()
        pending = PendingSignIn(
            state=generate_token(32),
            nonce=generate_token(32),
            code_verifier=generate_token(64),
            next=next_path,
            started_at=self.clock(),
        )
        async with self._client() as client:
            url, _ = client.create_authorization_url(
                metadata["authorization_endpoint"],
                state=pending.state,
                code_verifier=pending.code_verifier,
                nonce=pending.nonce,
            )
        return url, pending

    async def finish(self, code: str, pending: PendingSignIn) -> tuple[dict[str, Any], str]:
        """Exchange the code (with the PKCE verifier) and verify the ID token: its claims and the raw token (kept
        for the logout's ``id_token_hint``)."""
        metadata = await self.metadata()
        try:
            async with self._client() as client:
                token = await client.fetch_token(
                    metadata["token_endpoint"],
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=pending.code_verifier,
                )
        except OAuthError as error:
            raise SignInRefused(Refusal.TOKEN_REFUSED, f"token endpoint: {error.error}") from None
        except (httpx.HTTPError, ValueError) as error:
            raise SignInRefused(Refusal.PROVIDER_UNAVAILABLE, f"token endpoint: {type(error).__name__}") from None
        id_token = token.get("id_token")
        if not isinstance(id_token, str) or not id_token:
            raise SignInRefused(Refusal.TOKEN_REFUSED, "token response without id_token")
        claims = await self._verified(id_token, pending.nonce)
        return claims, id_token

    async def _verified(self, id_token: str, nonce: str) -> dict[str, Any]:
        arguments: dict[str, Any] = {
            "issuer": self.issuer,
            "client_id": self.client_id,
            "nonce": nonce,
            "now": self.clock(),
            "skew": self.skew,
        }
        try:
            return verify_id_token(id_token, await self._jwks(), **arguments)
        except SignInRefused as refused:
            if refused.reason is not Refusal.BAD_SIGNATURE:
                raise
            # the provider may have rotated its keys since they were fetched: try once with fresh ones
            return verify_id_token(id_token, await self._jwks(refresh=True), **arguments)

    async def logout_url(self, id_token: str | None) -> str | None:
        """The provider's end-session URL (RP-initiated logout) with ``id_token_hint`` and the way back to the login
        page, or None when the provider offers none (or cannot be reached: the local session has ended anyway)."""
        try:
            metadata = await self.metadata()
        except SignInRefused:
            return None
        endpoint = metadata.get("end_session_endpoint")
        if not isinstance(endpoint, str) or not endpoint.startswith(("https://", "http://")):
            return None
        params = {"post_logout_redirect_uri": self.post_logout_redirect_uri, "client_id": self.client_id}
        if id_token:
            params["id_token_hint"] = id_token
        return str(add_params_to_uri(endpoint, params))
