"""A real OpenID provider for the tests: ``oidc-provider-mock`` (authlib's authorization server in a Flask app) served
by werkzeug in a thread, once per test session. Tests give a person their claims (``set_user``) and sign them in
at the provider's authorization page (``authorize``), as a browser would post its form."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

CLIENT_ID = "casemgmt-test"
CLIENT_SECRET = "test-client-secret"


@dataclass
class Provider:
    """The running provider: its issuer URL (``http://localhost:<port>``, the address it names itself by)."""

    issuer: str

    def set_user(self, sub: str, **claims: Any) -> None:
        """The claims the provider gives ``sub`` from now on (``groups``, ``email``, ``name`` …)."""
        response = httpx.put(f"{self.issuer}/users/{sub}", json=claims, timeout=10)
        assert response.status_code == 204, response.text

    def authorize(self, authorization_url: str, sub: str | None, *, deny: bool = False) -> str:
        """Sign ``sub`` in at the provider's page for ``authorization_url`` (or press Deny): the callback URL the
        provider sends the browser back to."""
        data = {"action": "deny"} if deny else {"sub": sub or ""}
        response = httpx.post(authorization_url, data=data, follow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text
        return response.headers["location"]

    def id_token_for(self, sub: str, *, client_id: str, nonce: str, redirect_uri: str) -> str:
        """A genuine ID token of this provider, for another client (``client_id``): the code flow done by hand."""
        with httpx.Client(timeout=10) as http:
            start = http.get(
                f"{self.issuer}/oauth2/authorize",
                params={
                    "client_id": client_id,
                    "response_type": "code",
                    "scope": "openid email profile",
                    "redirect_uri": redirect_uri,
                    "state": "x",
                    "nonce": nonce,
                },
            )
            assert start.status_code == 200, start.text
            back = self.authorize(str(start.url), sub)
            code = parse_qs(urlsplit(back).query)["code"][0]
            token = http.post(
                f"{self.issuer}/oauth2/token",
                data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri},
                auth=(client_id, "other-secret"),
            )
            assert token.status_code == 200, token.text
            return str(token.json()["id_token"])


@contextmanager
def running_provider() -> Iterator[Provider]:
    from oidc_provider_mock import run_server_in_thread

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one INFO line per request otherwise
    with run_server_in_thread(require_nonce=True) as server:
        yield Provider(f"http://localhost:{server.server_port}")
