"""Security headers and sessions, as docs/SECURITY.md describes them (issue 11, "Headers and sessions").

- every response (pages, API, errors before routing, static assets) carries the CSP with ``frame-ancestors 'none'``
  and no ``unsafe-*``, ``X-Content-Type-Options``, ``Referrer-Policy``, ``Permissions-Policy`` and ``X-Frame-Options``;
- HSTS in production (where the cookies are ``Secure``), not in demo/test mode over plain HTTP;
- production cookies: the session and CSRF cookies are ``Secure``, ``HttpOnly`` and ``SameSite=Lax``;
- the session id changes at login (a planted or earlier id never carries the login) and logging out deletes the
  server-side session, so a copy of the old cookie no longer works;
- ``Cache-Control: no-store`` on every response of every GET route but the static assets, for every persona.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.pool import NullPool

from casemgmt.app import create_app
from casemgmt.auth.middleware import SESSION_COOKIE
from casemgmt.auth.models import SessionStoreEntry
from casemgmt.db import create_engine
from casemgmt.settings import Mode, Settings
from tests.worlds.matrix import PERSONA_USERS, arrange
from tests.worlds.personas import csrf_token, login

pytestmark = pytest.mark.anyio

PRODUCTION_URL = "https://casemgmt.example"
CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
FIXED_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
HSTS = "max-age=31536000; includeSubDomains"


@pytest.fixture
async def production(app: Litestar, migrated: Settings) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """The app in production mode (HTTPS, ``Secure`` cookies) on the test database, emptied by ``app``."""
    settings = Settings(database_url=migrated.database_url, mode=Mode.PRODUCTION, secret_key="p" * 32)
    production_app = create_app(settings, engine=create_engine(settings, poolclass=NullPool))
    async with AsyncTestClient(app=production_app, base_url=PRODUCTION_URL) as client:
        yield client


def csp(response: Any) -> dict[str, str]:
    policy = response.headers["content-security-policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in policy.split(";") if part.strip()}


def set_cookies(response: Any) -> dict[str, str]:
    return {v.split("=", 1)[0]: v for k, v in response.headers.multi_items() if k == "set-cookie"}


async def test_every_kind_of_response_carries_the_security_headers(production, make_user, make_token) -> None:
    person = await make_user("casemanager")
    token = await make_token(person)
    responses = {
        "login page": await production.get("/login"),
        "unknown url (before routing)": await production.get("/bestaat-niet"),
        "wrong method": await production.delete("/login"),
        "static asset": await production.get("/static/htmx/htmx.min.js"),
        "health": await production.get("/health"),
        "api without token": await production.get("/api/v1/me"),
        "api": await production.get("/api/v1/me", headers=token),
        "openapi": await production.get("/schema/openapi.json"),
    }
    await login(production, person.email)
    responses["page with personal data"] = await production.get("/werkvoorraad")
    for what, response in responses.items():
        policy = csp(response)
        assert {k: policy.get(k) for k in CSP_DIRECTIVES} == CSP_DIRECTIVES, what
        assert "unsafe" not in response.headers["content-security-policy"], what
        assert {k: response.headers.get(k) for k in FIXED_HEADERS} == FIXED_HEADERS, what
        assert response.headers.get("strict-transport-security") == HSTS, what


async def test_no_hsts_where_the_app_is_served_over_plain_http(client) -> None:
    response = await client.get("/login")
    assert "strict-transport-security" not in response.headers
    assert csp(response)["frame-ancestors"] == "'none'"  # the rest is the same in every mode


async def test_production_cookies_are_secure_httponly_and_samesite_lax(production, make_user) -> None:
    person = await make_user("kcc_agent", services=["KCC"])
    form = await production.get("/login")
    response = await login(production, person.email)
    assert response.status_code == 303
    cookies = {**set_cookies(form), **set_cookies(response)}
    for name in (SESSION_COOKIE, "casemgmt_csrf"):
        flags = [flag.strip().lower() for flag in cookies[name].split(";")[1:]]
        assert "secure" in flags, (name, cookies[name])
        assert "httponly" in flags, (name, cookies[name])
        assert "samesite=lax" in flags, (name, cookies[name])
        assert "path=/" in flags, (name, cookies[name])


async def test_the_session_id_changes_at_login_and_the_old_one_is_gone(production, make_user, db) -> None:
    person = await make_user("casemanager")
    planted = "a" * 64  # an id the attacker chose and made the victim's browser send
    production.cookies.set(SESSION_COOKIE, planted, domain="casemgmt.example")
    assert (await login(production, person.email)).status_code == 303
    first = production.cookies.get(SESSION_COOKIE)
    assert first and first != planted
    token = await csrf_token(production)
    await production.post("/logout", data={"_csrf_token": token}, follow_redirects=False)
    assert (await login(production, person.email)).status_code == 303
    second = production.cookies.get(SESSION_COOKIE)
    assert second and second not in (first, planted)  # a new id at every login
    async with db() as session:
        stored = set((await session.scalars(select(SessionStoreEntry.key))).all())
    assert second in stored and first not in stored and planted not in stored


async def test_logout_deletes_the_server_side_session_so_a_copied_cookie_is_useless(
    production, app, make_user, db
) -> None:
    person = await make_user("casemanager")
    await login(production, person.email)
    stolen = production.cookies.get(SESSION_COOKIE)
    assert stolen
    async with AsyncTestClient(app=production.app, base_url=PRODUCTION_URL) as thief:
        thief.cookies.set(SESSION_COOKIE, stolen)
        assert (await thief.get("/werkvoorraad", follow_redirects=False)).status_code == 200  # the copy works …
        token = await csrf_token(production)
        logout = await production.post("/logout", data={"_csrf_token": token}, follow_redirects=False)
        assert logout.status_code == 303
        thief.cookies.clear()
        thief.cookies.set(SESSION_COOKIE, stolen)
        after = await thief.get("/werkvoorraad", follow_redirects=False)
        assert after.status_code == 303 and after.headers["location"].startswith("/login")  # … until logout
    async with db() as session:
        assert await session.scalar(select(SessionStoreEntry).where(SessionStoreEntry.key == stolen)) is None


# Query parameters a page needs to render (else it answers 422 — also fine for this test, but less telling).
NEEDED_QUERY = {
    "/tijdregistratie/nieuw": "dossier_id={dossier}",
    "/contacten/nieuw": "client_id={client}",
    "/klanten/zoeken": "q=Jan",
    "/klanten": "q=Jan",
}
PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


async def test_no_response_of_any_get_route_is_cached(app, client, make_user, make_token, db, tmp_path) -> None:
    world = await arrange(make_user, make_token, db, tmp_path)
    values = {
        "user_id": world.people["other_cm"].id,
        "token_id": world.spare_token("admin", True),
        "client_id": world.own.client,
        "dossier_id": world.own.dossier,
        "escalation_id": world.own.escalation,
        "commitment_id": world.own.commitment,
        "action": "verzetten",
        "representative_id": world.own.representative,
        "slug": world.slug,
        "panel": "toezeggingen",
        "path": "openapi.json",
        "department_id": 1,  # a reference department
        "code": "SZW",  # a reference service
        "mail_id": world.mail,
        "article_id": world.own.article,
        "flag_id": world.own.flag,
    }
    paths = sorted(
        {
            route.path
            for route in app.routes
            if "GET" in getattr(route, "methods", ()) and not route.path.startswith("/static/")
        }
    )
    urls = []
    for path in paths:
        url = PARAM.sub(lambda m: str(values[m.group(1)]), path)
        if path in NEEDED_QUERY:
            url += "?" + NEEDED_QUERY[path].format(client=world.own.client, dossier=world.own.dossier)
        urls.append(url)
    checked: dict[int, int] = {}
    cached = []
    for persona, user in PERSONA_USERS.items():
        client.cookies.clear()
        await login(client, world.people[user].email)
        for url in urls:
            headers = world.tokens[user] if url.startswith("/api/") else {}
            response = await client.get(url, headers=headers, follow_redirects=False)
            checked[response.status_code] = checked.get(response.status_code, 0) + 1
            if response.headers.get("cache-control") != "no-store":
                cached.append((persona, url, response.status_code, response.headers.get("cache-control")))
    print(f"\nCache-Control: {len(urls)} GET routes × {len(PERSONA_USERS)} personas, statuses {checked}")
    assert cached == []
    assert checked.get(200, 0) >= len(urls)  # most routes really answered for someone
    assert not any(status >= 500 for status in checked)
