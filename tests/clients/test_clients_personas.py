"""The persona matrix for every client route: anonymous, each role; the evaluator sees no personal data at all."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casemgmt.audit.models import AuditEvent
from casemgmt.clients.models import Client, Representative
from tests.clients.conftest import CREATORS, EMPLOYEES, ROLES, SERVICES
from tests.factories import create_client, valid_bsn
from tests.worlds.personas import csrf_from, csrf_token, login

pytestmark = pytest.mark.anyio

READ_PAGES = ["/klanten", "/klanten?q=jansen", "/klanten/zoeken?q=jansen", "/klanten/{id}", "/klanten/{id}/routering"]
READ_API = [
    "/api/v1/clients?q=jansen",
    "/api/v1/clients?bsn={bsn}",
    "/api/v1/clients/{id}",
    "/api/v1/clients/{id}/routing",
]


async def arrange(db):
    async with db() as session, session.begin():
        person = await create_client(session, "Piet Jansen")
    return person


async def counts(db) -> tuple[int, int, int]:
    async with db() as session:
        return (
            await session.scalar(select(func.count()).select_from(Client)),
            await session.scalar(select(func.count()).select_from(Representative)),
            await session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.object_type != "user")),
        )


def fill(path: str, person) -> str:
    return path.format(id=person.id, bsn=person.bsn)


async def test_anonymous_visitor_is_sent_to_login(client, db) -> None:
    person = await arrange(db)
    for path in [*READ_PAGES, "/klanten/nieuw"]:
        response = await client.get(fill(path, person), follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login"), path
    token = csrf_from((await client.get("/login")).text)
    for path in ["/klanten", f"/klanten/{person.id}/vertegenwoordigers"]:
        response = await client.post(path, data={"_csrf_token": token, "name": "X"}, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login", path
    for path in READ_API:
        assert (await client.get(fill(path, person))).status_code == 401, path
    assert (await client.post("/api/v1/clients", json={"kind": "person", "name": "X"})).status_code == 401
    reps = await client.post(f"/api/v1/clients/{person.id}/representatives", json={"name": "X"})
    assert reps.status_code == 401
    assert await counts(db) == (1, 0, 0)


@pytest.mark.parametrize("role", EMPLOYEES)
async def test_employees_find_clients_and_see_the_routing_view(client, db, make_user, make_token, role) -> None:
    person = await arrange(db)
    employee = await make_user(role, services=SERVICES.get(role))
    await login(client, employee.email)
    for path in READ_PAGES:
        response = await client.get(fill(path, person))
        assert response.status_code == 200, path
        assert "Piet Jansen" in response.text or path == "/klanten", path
    headers = await make_token(employee)
    for path in READ_API:
        assert (await client.get(fill(path, person), headers=headers)).status_code == 200, path
    async with db() as session:
        actors = set(await session.scalars(select(AuditEvent.actor_id).where(AuditEvent.object_type != "user")))
    assert actors == {employee.id}


@pytest.mark.parametrize("role", ROLES)
async def test_who_creates_clients_and_representatives(client, db, make_user, make_token, role) -> None:
    person = await arrange(db)
    employee = await make_user(role, services=SERVICES.get(role))
    await login(client, employee.email)
    headers = await make_token(employee)
    allowed = role in CREATORS
    token = await csrf_token(client, "/login")
    form = await client.get("/klanten/nieuw")
    assert form.status_code == (200 if allowed else 403)
    page_create = await client.post(
        "/klanten",
        data={"kind": "person", "bsn": valid_bsn(1), "name": "Nieuw", "_csrf_token": token},
        follow_redirects=False,
    )
    assert page_create.status_code == (303 if allowed else 403)
    page_rep = await client.post(
        f"/klanten/{person.id}/vertegenwoordigers",
        data={"name": "Sanne", "organisation": "Wijkteam", "relation": "buurtcoach", "_csrf_token": token},
        follow_redirects=False,
    )
    assert page_rep.status_code == (303 if allowed else 403)
    api_create = await client.post(
        "/api/v1/clients", json={"kind": "person", "bsn": valid_bsn(2), "name": "Nieuw 2"}, headers=headers
    )
    assert api_create.status_code == (201 if allowed else 403)
    api_rep = await client.post(
        f"/api/v1/clients/{person.id}/representatives",
        json={"name": "Sanne", "organisation": "Wijkteam", "relation": "buurtcoach"},
        headers=headers,
    )
    assert api_rep.status_code == (201 if allowed else 403)
    clients, representatives, _ = await counts(db)
    assert (clients, representatives) == ((3, 2) if allowed else (1, 0))
    if not allowed:
        assert "alleen toegankelijk voor" in page_create.text  # a Dutch explanation
        assert "KCC-medewerker" in api_create.json()["detail"]


async def test_evaluator_gets_403_everywhere_and_nothing_is_logged(client, db, make_user, make_token) -> None:
    person = await arrange(db)
    evaluator = await make_user("evaluator")
    await login(client, evaluator.email)
    for path in [*READ_PAGES, "/klanten/nieuw"]:
        response = await client.get(fill(path, person))
        assert response.status_code == 403, path
        assert "Geen toegang" in response.text and "Piet Jansen" not in response.text, path
    fragment = await client.get(f"/klanten/{person.id}/routering", headers={"HX-Request": "true"})
    assert fragment.status_code == 403
    headers = await make_token(evaluator)
    for path in READ_API:
        response = await client.get(fill(path, person), headers=headers)
        assert response.status_code == 403, path
        assert "Piet Jansen" not in response.text
    assert await counts(db) == (1, 0, 0)


async def test_openapi_documents_the_client_api_but_not_the_pages(client) -> None:
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    for path in [
        "/api/v1/clients",
        "/api/v1/clients/{client_id}",
        "/api/v1/clients/{client_id}/routing",
        "/api/v1/clients/{client_id}/representatives",
    ]:
        assert path in paths, path
    assert not [path for path in paths if path.startswith("/klanten")]
