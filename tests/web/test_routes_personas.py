"""The persona matrix: every route so far, for an anonymous visitor and for each role."""

from __future__ import annotations

import pytest

from tests.worlds.personas import login

pytestmark = pytest.mark.anyio

ROLES = ["kcc_agent", "casemanager", "accountmanager", "evaluator", "admin"]
SERVICES = {"kcc_agent": ["KCC"], "accountmanager": ["SZW"]}


@pytest.mark.parametrize("role", ROLES)
async def test_every_role_sees_its_start_page(client, make_user, make_token, role) -> None:
    person = await make_user(role, services=SERVICES.get(role))
    await login(client, person.email)
    start = await client.get("/", follow_redirects=False)
    expected = {"kcc_agent": "/klanten", "casemanager": "/werkvoorraad", "accountmanager": "/werkvoorraad"}
    if role in expected:
        assert start.status_code == 303 and start.headers["location"] == expected[role]
    else:
        assert start.status_code == 200 and "Uw rollen" in start.text
    page = await client.get("/start")
    assert page.status_code == 200
    assert "Uw rollen" in page.text
    assert (await client.get("/login")).status_code == 200
    me = await client.get("/api/v1/me", headers=await make_token(person))
    assert me.status_code == 200 and me.json()["roles"] == [role]
    assert (await client.get("/health")).status_code == 200


async def test_anonymous_visitor(client) -> None:
    assert (await client.get("/", follow_redirects=False)).headers["location"] == "/login"
    assert (await client.get("/login")).status_code == 200
    assert (await client.get("/health")).json() == {"status": "ok", "database": "ok"}
    assert (await client.get("/api/v1/me")).status_code == 401
    assert (await client.get("/schema/openapi.json")).status_code == 200
    # logout without a session: sent to the login page, nothing else happens
    assert (await client.post("/logout", follow_redirects=False)).status_code in (303, 403)


async def test_htmx_request_without_session_is_redirected_by_header(client) -> None:
    response = await client.get("/", headers={"hx-request": "true"}, follow_redirects=False)
    assert response.headers["hx-redirect"] == "/login"


async def test_unknown_url_gets_a_dutch_404_page(client, make_user) -> None:
    response = await client.get("/bestaat-niet")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.text
    assert "Traceback" not in response.text
    api = await client.get("/api/v1/bestaat-niet")
    assert api.status_code == 404 and api.json()["status_code"] == 404


async def test_openapi_documents_the_api(client) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    assert "/api/v1/me" in schema["paths"]
    assert not any(path.startswith("/login") for path in schema["paths"])
