"""The persona matrix: every dossier and contact route, for every persona the access rules distinguish.

Personas (see ``tests/worlds/casework.py``): the current casemanager and accountmanager, an earlier assignee (read
only), an uninvolved casemanager and accountmanager, a KCC agent (reads, logs contacts), an admin, the evaluator (no
personal data at all) and an anonymous visitor (pages → login, API → 401).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from casemgmt.clients.models import Client
from casemgmt.dossiers.models import Dossier
from tests.factories import create_contact
from tests.worlds.casework import PERSONAS, Casework, login_as
from tests.worlds.personas import csrf_token

pytestmark = pytest.mark.anyio

ALL = set(PERSONAS)
EMPLOYEES = ALL - {"evaluator"}
READERS = {"cm", "am", "earlier", "kcc", "admin"}
WRITERS = {"cm", "am", "admin"}
CONTACTERS = {"cm", "am", "kcc", "admin"}
OPENERS = {"cm", "earlier", "other_cm", "admin"}  # holders of the casemanager or admin role
CASEWORKERS = {"cm", "am", "earlier", "other_cm", "other_am", "admin"}

Body = Callable[[Casework, Any], Awaitable[dict[str, Any]]]


async def nothing(_w: Casework, _db: Any) -> dict[str, Any]:
    return {}


async def version(w: Casework, db: Any) -> int:
    async with db() as s:
        return (await s.scalars(select(Dossier.version).where(Dossier.id == w.dossier_id))).one()


async def unlinked_contact(w: Casework, db: Any) -> int:
    async with db() as s, s.begin():
        contact = await create_contact(s, await s.get(Client, w.client_id), w.kcc.id, summary="Los gesprek")
        return contact.id


def contact_fields(w: Casework, with_dossier: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "client_id": w.client_id,
        "channel": "phone",
        "direction": "in",
        "service": "KCC",
        "outcome": "resolved",
        "transfers": 0,
        "topic": "bijstand",
        "summary": "Vraag beantwoord",
    }
    if with_dossier:
        body["dossier_id"] = w.dossier_id
    return body


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    path: str  # "{d}" is the dossier id, "{c}" the client id, "{contact}" a fresh unlinked contact
    allowed: set[str]
    ok: int
    body: Body = nothing

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")


async def api_new_dossier(w: Casework, _db: Any) -> dict[str, Any]:
    return {"client_id": w.client_id, "subject": "Nieuw", "casemanager_id": w.cm.id}


async def api_patch(w: Casework, db: Any) -> dict[str, Any]:
    return {"version": await version(w, db), "subject": "Bijgewerkt"}


async def api_contact(w: Casework, _db: Any) -> dict[str, Any]:
    return contact_fields(w, with_dossier=False)


async def api_contact_on_dossier(w: Casework, _db: Any) -> dict[str, Any]:
    return contact_fields(w, with_dossier=True)


async def link(w: Casework, _db: Any) -> dict[str, Any]:
    return {"dossier_id": w.dossier_id}


async def put_dso(w: Casework, _db: Any) -> dict[str, Any]:
    return {"accountmanager_id": w.am_dso.id, "reason": "DSO betrokken"}


async def form_new_dossier(w: Casework, _db: Any) -> dict[str, Any]:
    return {"client_id": w.client_id, "subject": "Nieuw", "casemanager_id": w.cm.id}


async def form_status(w: Casework, db: Any) -> dict[str, Any]:
    current = await version(w, db)
    async with db() as s:
        status = (await s.scalars(select(Dossier.status).where(Dossier.id == w.dossier_id))).one()
    return {"version": current, "status": "waiting" if status != "waiting" else "in_progress"}


async def form_accountmanager(w: Casework, _db: Any) -> dict[str, Any]:
    return {"service": "DSO", "accountmanager_id": w.am_dso.id, "reason": "DSO betrokken"}


async def form_link(w: Casework, db: Any) -> dict[str, Any]:
    return {"contact_id": await unlinked_contact(w, db)}


async def form_contact(w: Casework, _db: Any) -> dict[str, Any]:
    return contact_fields(w, with_dossier=False)


async def form_contact_on_dossier(w: Casework, _db: Any) -> dict[str, Any]:
    return contact_fields(w, with_dossier=True)


async def form_casemanager(w: Casework, db: Any) -> dict[str, Any]:
    return {"version": await version(w, db), "casemanager_id": w.other_cm.id, "reason": "Verlof"}


ROUTES = [
    Route("API dossiers openen", "POST", "/api/v1/dossiers", OPENERS, 201, api_new_dossier),
    Route("API dossiers lijst", "GET", "/api/v1/dossiers", EMPLOYEES, 200),
    Route("API dossier lezen", "GET", "/api/v1/dossiers/{d}", READERS, 200),
    Route("API tijdlijn", "GET", "/api/v1/dossiers/{d}/timeline", READERS, 200),
    Route("API dossier wijzigen", "PATCH", "/api/v1/dossiers/{d}", WRITERS, 200, api_patch),
    Route("API accountmanager", "PUT", "/api/v1/dossiers/{d}/assignments/DSO", WRITERS, 200, put_dso),
    Route("API contact zonder dossier", "POST", "/api/v1/contacts", EMPLOYEES, 201, api_contact),
    Route("API contact op dossier", "POST", "/api/v1/contacts", CONTACTERS, 201, api_contact_on_dossier),
    Route("API contact koppelen", "PATCH", "/api/v1/contacts/{contact}", CONTACTERS, 200, link),
    Route("Mijn dossiers", "GET", "/dossiers", CASEWORKERS, 200),
    Route("Dossier openen (formulier)", "GET", "/dossiers/nieuw?client_id={c}", OPENERS, 200),
    Route("Dossier openen", "POST", "/dossiers", OPENERS, 303, form_new_dossier),
    Route("Dossierpagina", "GET", "/dossiers/{d}", READERS, 200),
    Route("Meer laden", "GET", "/dossiers/{d}/tijdlijn?before=2100-01-01T00:00:00%2B00:00", READERS, 200),
    Route("Status wijzigen", "POST", "/dossiers/{d}/status", WRITERS, 303, form_status),
    Route("Accountmanager wijzigen", "POST", "/dossiers/{d}/accountmanager", WRITERS, 303, form_accountmanager),
    Route("Contact koppelen", "POST", "/dossiers/{d}/koppelen", CONTACTERS, 303, form_link),
    Route("Contact op dossierpagina", "POST", "/dossiers/{d}/contacten", CONTACTERS, 303, form_contact),
    Route("Contact vastleggen (klant)", "GET", "/contacten/nieuw?client_id={c}", EMPLOYEES, 200),
    Route("Contact vastleggen (dossier)", "GET", "/contacten/nieuw?dossier_id={d}", CONTACTERS, 200),
    Route("Contact vastleggen zonder dossier", "POST", "/contacten", EMPLOYEES, 303, form_contact),
    Route("Contact vastleggen op dossier", "POST", "/contacten", CONTACTERS, 303, form_contact_on_dossier),
    # last: it changes who the current casemanager is
    Route("Casemanager wijzigen", "POST", "/dossiers/{d}/casemanager", WRITERS, 303, form_casemanager),
]


async def call(client: Any, w: Casework, db: Any, route: Route, persona: str | None) -> Any:
    path = route.path.replace("{d}", str(w.dossier_id)).replace("{c}", str(w.client_id))
    if "{contact}" in path:
        path = path.replace("{contact}", str(await unlinked_contact(w, db)))
    body = await route.body(w, db)
    if route.is_api:
        headers = w.tokens[persona] if persona else {}
        if route.method == "GET":
            return await client.get(path, headers=headers)
        return await client.request(route.method, path, json=body, headers=headers)
    if route.method == "GET":
        return await client.get(path, follow_redirects=False)
    token = await csrf_token(client, "/login")
    return await client.post(path, data={**body, "_csrf_token": token}, follow_redirects=False)


@pytest.mark.parametrize("persona", PERSONAS)
async def test_persona_matrix(client, db, world: Casework, persona: str) -> None:
    w = world
    await login_as(client, w.person(persona))
    wrong: list[str] = []
    for route in ROUTES:
        response = await call(client, w, db, route, persona)
        expected = route.ok if persona in route.allowed else 403
        if response.status_code != expected:
            wrong.append(f"{route.name}: {response.status_code} (expected {expected})")
        elif expected == 403 and not route.is_api:
            assert "Geen toegang" in response.text, route.name
        elif expected == 303 and not route.is_api:
            assert response.headers["location"].startswith(("/dossiers/", "/klanten/")), route.name
    assert wrong == []


async def test_uninvolved_employee_gets_a_dutch_explanation(client, world: Casework) -> None:
    w = world
    api = await client.get(f"/api/v1/dossiers/{w.dossier_id}", headers=w.tokens["other_cm"])
    assert api.json()["detail"] == "U bent niet betrokken bij dit dossier"
    await login_as(client, w.other_am)
    page = await client.get(f"/dossiers/{w.dossier_id}")
    assert page.status_code == 403 and "U bent niet betrokken bij dit dossier" in page.text
    assert "Schulden en bijstand" not in page.text and "Jan de Vries" not in page.text


async def test_earlier_assignee_reads_without_forms(client, db, world: Casework) -> None:
    w = world
    await login_as(client, w.earlier)
    page = await client.get(f"/dossiers/{w.dossier_id}")
    assert page.status_code == 200
    assert "U kunt het inzien, maar niet meer wijzigen" in page.text
    for form in ("/status", "/casemanager", "/accountmanager", "/contacten", "/koppelen"):
        assert f'action="/dossiers/{w.dossier_id}{form}"' not in page.text


async def test_kcc_agent_logs_contacts_but_changes_nothing_else(client, db, world: Casework) -> None:
    w = world
    await unlinked_contact(w, db)
    await login_as(client, w.kcc)
    page = await client.get(f"/dossiers/{w.dossier_id}")
    for action, form in (("contact", "/contacten"), ("link", "/koppelen")):
        assert f'href="/dossiers/{w.dossier_id}/formulier/{action}"' in page.text
        loaded = await client.get(f"/dossiers/{w.dossier_id}/formulier/{action}", headers={"HX-Request": "true"})
        assert f'action="/dossiers/{w.dossier_id}{form}"' in loaded.text
    for action in ("status", "assign", "handoff"):
        assert f"/formulier/{action}" not in page.text
        refused = await client.get(f"/dossiers/{w.dossier_id}/formulier/{action}", headers={"HX-Request": "true"})
        assert refused.status_code == 403


async def test_anonymous_visitor(client, world: Casework) -> None:
    w = world
    wrong: list[str] = []
    for route in ROUTES:
        path = route.path.replace("{d}", str(w.dossier_id)).replace("{c}", str(w.client_id)).replace("{contact}", "1")
        if route.is_api:
            response = await client.request(route.method, path, json={})
            if response.status_code != 401:
                wrong.append(f"{route.name}: {response.status_code}")
            continue
        if route.method == "GET":
            response = await client.get(path, follow_redirects=False)
        else:
            token = await csrf_token(client, "/login")
            response = await client.post(path, data={"_csrf_token": token}, follow_redirects=False)
        if response.status_code != 303 or not response.headers["location"].startswith("/login"):
            wrong.append(f"{route.name}: {response.status_code} {response.headers.get('location')}")
    assert wrong == []
