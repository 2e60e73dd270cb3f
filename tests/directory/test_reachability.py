"""Bereikbaarheid: every active service with phone, hours, norms and its accountmanagers' direct lines."""

from __future__ import annotations

import pytest
from sqlalchemy import event, update

from casemgmt.directory.models import Service
from casemgmt.organisation.reachability import reachability
from tests.worlds.personas import login

pytestmark = pytest.mark.anyio

ROLES = ["kcc_agent", "casemanager", "accountmanager", "evaluator", "admin"]
SERVICES = {"kcc_agent": ["KCC"], "accountmanager": ["SZW"]}


async def arrange(db, make_user) -> dict[str, object]:
    people = {
        "sara": await make_user("accountmanager", services=["SZW"], name="Sara Zwart", phone="070 353 2001"),
        "bram": await make_user("accountmanager", services=["SZW", "OCW"], name="Bram Ahmadi", phone="070 353 2002"),
        "gone": await make_user(
            "accountmanager", services=["SZW"], name="Uit Dienst", phone="070 353 2999", active=False
        ),
        "cm": await make_user("casemanager", services=["SZW"], name="Geen Accountmanager", phone="070 353 1001"),
    }
    async with db() as session, session.begin():
        session.add(Service(code="OUD", name="Opgeheven dienst", phone="070 000 0000", is_active=False))
        await session.execute(update(Service).where(Service.code == "DSO").values(callback_term_days=1))
    return people


async def test_the_page_lists_every_active_service_with_its_accountmanagers(client, db, make_user) -> None:
    people = await arrange(db, make_user)
    agent = await make_user("kcc_agent", services=["KCC"])
    await login(client, agent.email)
    page = await client.get("/bereikbaarheid")
    assert page.status_code == 200
    text = page.text
    assert '<h1 class="utrecht-heading-1">Bereikbaarheid</h1>' in text
    for code, name, phone, hours in [
        ("KCC", "Klantcontactcentrum", "14070", "ma-wo 08:00-18:00, do 08:00-20:00, vr 08:00-18:00"),
        ("SZW", "Sociale Zaken en Werkgelegenheid", "070 353 7500", "ma-vr 08:30-17:00"),
        ("OCW", "Onderwijs, Cultuur en Welzijn", "070 353 6800", "ma-vr 09:00-17:00"),
        ("DSO", "Stedelijke Ontwikkeling", "070 353 3300", "ma-vr 08:30-16:30"),
        ("DPZ", "Publiekszaken", "070 353 3000", "ma-wo 08:00-17:00, do 08:00-20:00, vr 08:00-17:00"),
    ]:
        assert f'data-testid="dienst-{code}"' in text and name in text and phone in text and hours in text
    row = text.split('data-testid="dienst-SZW"')[1].split("</tr>")[0]
    assert "Sara Zwart" in row and "070 353 2001" in row and "Bram Ahmadi" in row and "070 353 2002" in row
    assert "szw@gemeente.example" in row and "2 werkdagen" in row and "3 werkdagen" in row
    assert "Uit Dienst" not in text and "Geen Accountmanager" not in text and "Opgeheven dienst" not in text
    assert "1 werkdag<" in text.split('data-testid="dienst-DSO"')[1].split("</tr>")[0]
    assert people["sara"].name in row


async def test_the_api_lists_services(client, db, make_user, make_token) -> None:
    people = await arrange(db, make_user)
    headers = await make_token(people["cm"])
    response = await client.get("/api/v1/services", headers=headers)
    assert response.status_code == 200
    services = {s["code"]: s for s in response.json()}
    assert list(services) == ["DPZ", "DSO", "KCC", "OCW", "SZW"]
    szw = services["SZW"]
    assert isinstance(szw.pop("open_now"), bool) and szw.pop("updated_at")
    assert szw == {
        "code": "SZW",
        "name": "Sociale Zaken en Werkgelegenheid",
        "phone": "070 353 7500",
        "hours": "ma-vr 08:30-17:00",
        "email": "szw@gemeente.example",
        "callback_term_days": 2,
        "escalation_norm_days": 3,
        "opening_hours": [
            {"weekday": day, "opens": "08:30", "closes": "17:00"}
            for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
        ],
        "active": True,
        "accountmanagers": [
            {"id": people["bram"].id, "name": "Bram Ahmadi", "phone": "070 353 2002"},
            {"id": people["sara"].id, "name": "Sara Zwart", "phone": "070 353 2001"},
        ],
    }
    assert [a["name"] for a in services["OCW"]["accountmanagers"]] == ["Bram Ahmadi"]
    assert services["KCC"]["accountmanagers"] == [] and services["DSO"]["callback_term_days"] == 1


async def test_two_queries_however_many_services_and_people(app, db, make_user) -> None:
    await arrange(db, make_user)
    for n in range(5):
        await make_user("accountmanager", services=["DSO", "DPZ"], name=f"Extra {n}")
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(app.state.engine.sync_engine, "before_cursor_execute", count)
    try:
        async with db() as session:
            entries = await reachability(session)
    finally:
        event.remove(app.state.engine.sync_engine, "before_cursor_execute", count)
    assert len(entries) == 5 and sum(len(e.accountmanagers) for e in entries) == 3 + 10
    assert len(statements) == 3, statements  # services, their opening hours, the accountmanagers


async def test_anonymous_visitor(client) -> None:
    response = await client.get("/bereikbaarheid", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert (await client.get("/api/v1/services")).status_code == 401


@pytest.mark.parametrize("role", ROLES)
async def test_persona_matrix(client, make_user, make_token, role) -> None:
    person = await make_user(role, services=SERVICES.get(role))
    await login(client, person.email)
    page = await client.get("/bereikbaarheid")
    api = await client.get("/api/v1/services", headers=await make_token(person))
    if role == "evaluator":
        assert page.status_code == 403 and "Geen toegang" in page.text
        assert api.status_code == 403
    else:
        assert page.status_code == 200 and "Sociale Zaken en Werkgelegenheid" in page.text
        assert api.status_code == 200 and len(api.json()) == 5
