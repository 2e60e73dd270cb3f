"""The client API: creating (and duplicates), finding, reading, the routing view, representatives, the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from casemgmt.audit.models import AuditEvent
from casemgmt.clients.models import Client, Representative
from casemgmt.clients.services import today_in_amsterdam
from casemgmt.dossiers.models import DossierAssignment
from tests.factories import create_client, create_dossier, valid_bsn
from tests.worlds.personas import login
from tests.worlds.representatives import represents

pytestmark = pytest.mark.anyio

CLIENT_KEYS = {
    "id",
    "kind",
    "name",
    "pseudonym",
    "access",
    "last_digits",
    "bsn",
    "kvk",
    "phone",
    "email",
    "address",
    "birth_date",
    "preferred_channel",
    "preferred_time",
    "version",
    "created_at",
    "merged_into_id",
}


async def count(db, model) -> int:
    """Rows of ``model``; of the audit log, the casework's events (not logging in and out)."""
    where = [AuditEvent.object_type != "user"] if model is AuditEvent else []
    async with db() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def test_kcc_agent_creates_a_person(client, db, employee, audit_events) -> None:
    agent, headers = await employee("kcc_agent")
    body = {"kind": "person", "bsn": "1234 56 782", "name": "Jan  de Vries", "phone": "06 1111 2222"}
    response = await client.post("/api/v1/clients", json=body, headers=headers)
    assert response.status_code == 201, response.text
    data = response.json()
    assert set(data) == CLIENT_KEYS
    assert (data["kind"], data["bsn"], data["kvk"], data["name"]) == ("person", "123456782", None, "Jan de Vries")
    assert data["pseudonym"].startswith("K-") and "123456782" not in data["pseudonym"]
    async with db() as session:
        stored = await session.get(Client, data["id"])
        assert stored.name_normalised == "jan de vries" and stored.created_by_id == agent.id
    [event] = await audit_events()
    assert (event.action, event.object_type, event.object_id) == ("create", "client", str(data["id"]))
    assert (event.actor_id, event.actor_role, event.purpose) == (agent.id, "kcc_agent", "klantcontact")
    assert event.client_pseudonym == data["pseudonym"]


async def test_casemanager_creates_an_organisation(client, employee) -> None:
    _, headers = await employee("casemanager")
    body = {
        "kind": "organisation",
        "kvk": "12345678",
        "name": "Bakkerij De Korenschoof",
        "email": "info@korenschoof.nl",
    }
    response = await client.post("/api/v1/clients", json=body, headers=headers)
    assert response.status_code == 201
    assert (response.json()["kvk"], response.json()["bsn"]) == ("12345678", None)
    again = await client.post("/api/v1/clients", json={**body, "name": "Andere naam"}, headers=headers)
    assert again.status_code == 200
    assert again.json()["existing"] is True and again.json()["name"] == "Bakkerij De Korenschoof"


async def test_duplicate_bsn_answers_with_the_existing_client_and_creates_nothing(
    client, db, employee, audit_events
) -> None:
    _, headers = await employee("kcc_agent")
    first = await client.post(
        "/api/v1/clients", json={"kind": "person", "bsn": "111222333", "name": "Fatima El Amrani"}, headers=headers
    )
    assert first.status_code == 201
    second = await client.post(
        "/api/v1/clients",
        json={"kind": "person", "bsn": "111.222.333", "name": "F. el Amrani", "phone": "06 2999 0000"},
        headers=headers,
    )
    assert second.status_code == 200
    assert second.json() == {**first.json(), "existing": True}
    assert await count(db, Client) == 1
    async with db() as session:
        stored = await session.get(Client, first.json()["id"])
        assert (stored.name, stored.phone) == ("Fatima El Amrani", "")  # nothing overwritten
    events = await audit_events()
    assert [(e.action, e.object_type) for e in events] == [("create", "client"), ("read", "client")]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"kind": "person", "bsn": "123456783", "name": "X"}, "bsn", "Ongeldig BSN (elfproef)"),
        ({"kind": "person", "bsn": "000000000", "name": "X"}, "bsn", "Ongeldig BSN (elfproef)"),
        ({"kind": "person", "bsn": "12345678", "name": "X"}, "bsn", "Ongeldig BSN (elfproef)"),
        ({"kind": "person", "bsn": "12345678a", "name": "X"}, "bsn", "Ongeldig BSN (elfproef)"),
        ({"kind": "person", "name": "X"}, "bsn", "Ongeldig BSN (elfproef)"),
        ({"kind": "organisation", "kvk": "1234567", "name": "X"}, "kvk", "Ongeldig KvK-nummer (8 cijfers)"),
        ({"kind": "person", "bsn": "123456782", "name": "  "}, "name", "Naam is verplicht"),
        ({"kind": "person", "bsn": "123456782", "name": "X", "email": "x@"}, "email", "Ongeldig e-mailadres"),
    ],
)
async def test_invalid_input_is_422_with_the_field_and_writes_nothing(
    client, db, employee, body, field, message
) -> None:
    _, headers = await employee("kcc_agent")
    response = await client.post("/api/v1/clients", json=body, headers=headers)
    assert response.status_code == 422
    assert {"field": field, "message": message} in response.json()["extra"]
    assert await count(db, Client) == 0
    assert await count(db, AuditEvent) == 0


async def test_unknown_kind_is_refused(client, db, employee) -> None:
    _, headers = await employee("admin")
    response = await client.post("/api/v1/clients", json={"kind": "robot", "name": "X"}, headers=headers)
    assert response.status_code == 422  # issue 11: Litestar's own refusals answer like InvalidInput
    assert response.json()["extra"] == [{"field": "kind", "message": "Kies een van de toegestane waarden."}]
    assert await count(db, Client) == 0


async def test_search_by_bsn_finds_exactly_that_client(client, db, employee, audit_events) -> None:
    async with db() as session, session.begin():
        wanted = await create_client(session, "Piet Jansen", bsn="123456782")
        await create_client(session, "Piet Jansen", bsn="111222333")
        pseudonym = wanted.pseudonym
    agent, headers = await employee("kcc_agent")
    response = await client.get("/api/v1/clients", params={"bsn": "123 456 782"}, headers=headers)
    assert response.status_code == 200
    assert [c["id"] for c in response.json()] == [wanted.id]
    also = await client.get("/api/v1/clients", params={"q": "123456782"}, headers=headers)
    assert [c["id"] for c in also.json()] == [wanted.id]
    events = await audit_events()
    assert [(e.action, e.object_type, e.actor_id) for e in events] == [("search", "client", agent.id)] * 2
    assert all(e.client_pseudonym == pseudonym and e.purpose == "klantcontact" for e in events)
    assert all("zoeksoort=bsn" in e.detail and "123456782" not in e.detail for e in events)


async def test_search_with_an_invalid_bsn_is_422(client, db, employee) -> None:
    _, headers = await employee("kcc_agent")
    response = await client.get("/api/v1/clients", params={"bsn": "123456783"}, headers=headers)
    assert response.status_code == 422
    assert response.json()["extra"] == [{"field": "bsn", "message": "Ongeldig BSN (elfproef)"}]
    assert await count(db, AuditEvent) == 0
    assert (await client.get("/api/v1/clients", headers=headers)).status_code == 422


async def test_a_search_longer_than_the_search_box_allows_is_422_and_audits_nothing(client, db, employee) -> None:
    person, headers = await employee("kcc_agent")
    long_query = "de " * 100  # 300 characters
    response = await client.get("/api/v1/clients", params={"q": long_query}, headers=headers)
    assert response.status_code == 422
    assert response.json()["extra"][0]["field"] == "q"
    await login(client, person.email)
    page = await client.get("/klanten", params={"q": long_query})
    assert page.status_code == 422 and "De zoekterm is te lang (300 tekens, maximaal 200)" in page.text
    assert 'maxlength="200"' in (await client.get("/klanten")).text
    assert await count(db, AuditEvent) == 0


async def test_search_by_name_is_case_insensitive_and_a_prefix(client, db, employee, audit_events) -> None:
    async with db() as session, session.begin():
        a = await create_client(session, "Anna de Boer")
        b = await create_client(session, "Hans Boersma")
        await create_client(session, "Karel Appel")
        await create_client(session, "100% Boer_tje")  # LIKE wildcards in names are matched literally
    _, headers = await employee("accountmanager")
    response = await client.get("/api/v1/clients", params={"q": "  BOER"}, headers=headers)
    assert {c["id"] for c in response.json()} >= {a.id, b.id}
    assert "Karel Appel" not in {c["name"] for c in response.json()}
    wildcard = await client.get("/api/v1/clients", params={"q": "100% b"}, headers=headers)
    assert [c["name"] for c in wildcard.json()] == ["100% Boer_tje"]
    underscore = await client.get("/api/v1/clients", params={"q": "boer_"}, headers=headers)
    assert [c["name"] for c in underscore.json()] == ["100% Boer_tje"]
    assert (await client.get("/api/v1/clients", params={"q": "0% b"}, headers=headers)).json() == []  # not a prefix
    assert (await client.get("/api/v1/clients", params={"q": "_"}, headers=headers)).json() == []
    events = await audit_events()
    first = [e for e in events if e.request_id == events[0].request_id]  # one event per client found (need to know:
    assert {e.client_pseudonym for e in first} == {a.pseudonym, b.pseudonym, events[2].client_pseudonym}  # limited)
    assert {e.detail for e in first} == {"zoeksoort=name; resultaten=3; beperkte weergave=3"}
    assert events[0].purpose == "casemanagement"


async def test_search_is_limited_to_20(client, db, employee) -> None:
    async with db() as session, session.begin():
        for n in range(25):
            await create_client(session, f"Familie Smit {n:02d}")
    _, headers = await employee("kcc_agent")
    response = await client.get("/api/v1/clients", params={"q": "smit"}, headers=headers)
    assert len(response.json()) == 20


async def test_search_by_dossier_reference_exact_or_prefix(client, db, employee, make_user) -> None:
    casemanager = await make_user("casemanager")
    async with db() as session, session.begin():
        owner = await create_client(session, "Mevrouw Yilmaz")
        other = await create_client(session, "Meneer Bos")
        dossier = await create_dossier(session, owner, casemanager.id)
        await create_dossier(session, other, casemanager.id)
        ref = dossier.ref
    _, headers = await employee("kcc_agent")
    exact = await client.get("/api/v1/clients", params={"q": ref.lower()}, headers=headers)
    assert [c["id"] for c in exact.json()] == [owner.id]
    prefix = await client.get("/api/v1/clients", params={"q": ref[:6]}, headers=headers)
    assert {c["id"] for c in prefix.json()} == {owner.id, other.id}
    assert (await client.get("/api/v1/clients", params={"q": "D-1999"}, headers=headers)).json() == []


async def test_get_client_and_unknown_client(client, db, employee, audit_events) -> None:
    async with db() as session, session.begin():
        known = await create_client(session, "Els Visser", email="els@example.nl")
    admin, headers = await employee("admin")
    response = await client.get(f"/api/v1/clients/{known.id}", headers=headers)
    assert response.status_code == 200
    assert response.json()["email"] == "els@example.nl" and set(response.json()) == CLIENT_KEYS
    [event] = await audit_events()
    assert (event.action, event.object_type, event.actor_id, event.purpose) == ("read", "client", admin.id, "beheer")
    assert event.client_pseudonym == known.pseudonym
    assert (await client.get("/api/v1/clients/999999", headers=headers)).status_code == 404
    assert (await client.get("/api/v1/clients/999999/routing", headers=headers)).status_code == 404
    missing = await client.post(
        "/api/v1/clients/999999/representatives",
        json={"name": "A", "organisation": "B", "relation": "C"},
        headers=headers,
    )
    assert missing.status_code == 404


async def arrange_routing(db, make_user):
    """A client with two open dossiers (one with SZW and OCW accountmanagers), a closed one, and representatives."""
    cm = await make_user("casemanager", name="Carla Mulder", phone="070 353 1001")
    cm2 = await make_user("casemanager", name="Kees Veenstra", phone="070 353 1002")
    szw = await make_user("accountmanager", services=["SZW"], name="Sara Zwart", phone="070 353 2001")
    ocw = await make_user("accountmanager", services=["OCW"], name="Omar Celik", phone="070 353 2002")
    old = await make_user("accountmanager", services=["SZW"], name="Oud Accountmanager", phone="070 353 2999")
    today = today_in_amsterdam()
    async with db() as session, session.begin():
        person = await create_client(session, "Henk de Wit", address="Spui 70, Den Haag")
        first = await create_dossier(session, person, cm.id, {"SZW": szw.id, "OCW": ocw.id}, subject="Schulden en WMO")
        second = await create_dossier(session, person, cm2.id, subject="Woning na verbouwing", status="waiting")
        closed = await create_dossier(session, person, cm2.id, subject="Oude vraag", status="closed")
        ended = DossierAssignment(
            dossier_id=second.id,
            role="accountmanager",
            service_id=(
                await session.scalar(
                    select(DossierAssignment.service_id).where(
                        DossierAssignment.dossier_id == first.id, DossierAssignment.user_id == szw.id
                    )
                )
            ),
            user_id=old.id,
            since=first.opened_at - timedelta(days=30),
            until=first.opened_at - timedelta(days=1),
        )
        session.add(ended)
        session.add_all(
            [
                represents(
                    client_id=person.id,
                    name="Sanne Bakker",
                    organisation="Wijkteam Centrum",
                    phone="06 2222 3333",
                    relation="maatschappelijk werker",
                    valid_from=today - timedelta(days=10),
                ),
                represents(
                    client_id=person.id,
                    name="Mr. Verlopen",
                    organisation="Advocatenkantoor",
                    relation="advocaat",
                    valid_from=today - timedelta(days=100),
                    valid_until=today - timedelta(days=1),
                ),
                represents(
                    client_id=person.id,
                    name="Toekomstige Bewindvoerder",
                    organisation="Bewind BV",
                    relation="bewindvoerder",
                    valid_from=today + timedelta(days=5),
                ),
                represents(
                    client_id=person.id,
                    name="Tot Vandaag",
                    organisation="Wijkteam Noord",
                    relation="buurtcoach",
                    valid_from=today - timedelta(days=5),
                    valid_until=today,
                ),
            ]
        )
    return {
        "client": person,
        "first": first,
        "second": second,
        "closed": closed,
        "cm": cm,
        "cm2": cm2,
        "szw": szw,
        "ocw": ocw,
    }


async def test_routing_view_shows_who_helps_this_client(client, db, make_user, employee, audit_events) -> None:
    data = await arrange_routing(db, make_user)
    agent, headers = await employee("kcc_agent")
    response = await client.get(f"/api/v1/clients/{data['client'].id}/routing", headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert body["client"]["name"] == "Henk de Wit"
    assert [d["ref"] for d in body["dossiers"]] == [
        data["first"].ref,
        data["second"].ref,
    ]  # the closed one is not shown
    first, second = body["dossiers"]
    assert (first["subject"], first["status"]) == ("Schulden en WMO", "open")
    assert first["casemanager"] == {"id": data["cm"].id, "name": "Carla Mulder", "phone": "070 353 1001"}
    assert all(isinstance(line.pop("service_open"), bool) for line in first["accountmanagers"])
    assert first["accountmanagers"] == [
        {
            "service": "OCW",
            "service_name": "Onderwijs, Cultuur en Welzijn",
            "service_phone": "070 353 6800",
            "service_hours": "ma-vr 09:00-17:00",
            "id": data["ocw"].id,
            "name": "Omar Celik",
            "phone": "070 353 2002",
        },
        {
            "service": "SZW",
            "service_name": "Sociale Zaken en Werkgelegenheid",
            "service_phone": "070 353 7500",
            "service_hours": "ma-vr 08:30-17:00",
            "id": data["szw"].id,
            "name": "Sara Zwart",
            "phone": "070 353 2001",
        },
    ]
    assert second["status"] == "waiting" and second["accountmanagers"] == []  # the ended assignment is history
    assert second["casemanager"]["name"] == "Kees Veenstra"
    assert [r["name"] for r in body["representatives"]] == ["Sanne Bakker", "Tot Vandaag"]
    assert set(body["representatives"][0]) == {
        "id",
        "name",
        "organisation",
        "phone",
        "email",
        "relation",
        "valid_from",
        "valid_until",
        "representative_id",
    }
    [event] = await audit_events()
    assert (event.action, event.object_type, event.object_id) == ("read", "routing_view", str(data["client"].id))
    assert (event.actor_id, event.purpose, event.client_pseudonym) == (
        agent.id,
        "klantcontact",
        data["client"].pseudonym,
    )


async def test_routing_view_uses_a_constant_number_of_queries(app, db, make_user) -> None:
    from sqlalchemy import event

    from casemgmt.audit.services import AuditLog
    from casemgmt.auth.identity import CurrentUser
    from casemgmt.casefile.finding import ClientFinder as ClientService
    from casemgmt.dossiers.involvement import involved_clients

    data = await arrange_routing(db, make_user)
    extra_am = await make_user("accountmanager", services=["DSO"])
    async with db() as session, session.begin():
        for n in range(6):
            await create_dossier(session, data["client"], data["cm"].id, {"DSO": extra_am.id}, subject=f"Vraag {n}")
    statements: list[str] = []

    def count_statement(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    actor = CurrentUser(data["cm"].id, "cm@x", "Carla", "", frozenset({"casemanager"}), ())  # type: ignore[arg-type]
    event.listen(app.state.engine.sync_engine, "before_cursor_execute", count_statement)
    try:
        async with db() as session, session.begin():
            finder = ClientService(session, actor, AuditLog(session, actor), involved_clients=involved_clients)
            view = await finder.routing(data["client"].id)
            reads = len(statements)
    finally:
        event.remove(app.state.engine.sync_engine, "before_cursor_execute", count_statement)
    assert len(view.dossiers) == 8 and view.full
    # client, involvement (need to know), dossiers with casemanagers, accountmanagers, their services' opening hours,
    # representatives, agreements, the last correction of the details
    assert 7 <= reads <= 8, statements


async def test_add_representative(client, db, employee, audit_events) -> None:
    async with db() as session, session.begin():
        person = await create_client(session, "Gerda Smit")
    cm, headers = await employee("kcc_agent")  # an uninvolved casemanager sees no representatives (need to know)
    body = {
        "name": "Sanne Bakker",
        "organisation": "Wijkteam",
        "relation": "maatschappelijk werker",
        "phone": "06 2222 3333",
    }
    response = await client.post(f"/api/v1/clients/{person.id}/representatives", json=body, headers=headers)
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["valid_from"] == today_in_amsterdam().isoformat() and data["valid_until"] is None
    assert (data["name"], data["organisation"], data["relation"]) == (
        "Sanne Bakker",
        "Wijkteam",
        "maatschappelijk werker",
    )
    routing = await client.get(f"/api/v1/clients/{person.id}/routing", headers=headers)
    assert [r["id"] for r in routing.json()["representatives"]] == [data["id"]]
    create_event = (await audit_events())[0]
    assert (create_event.action, create_event.object_type, create_event.object_id) == (
        "create",
        "representative",
        str(data["representative_id"]),
    )
    assert (create_event.actor_id, create_event.client_pseudonym) == (cm.id, person.pseudonym)


async def test_invalid_representative_writes_nothing(client, db, employee) -> None:
    async with db() as session, session.begin():
        person = await create_client(session, "Gerda Smit")
    _, headers = await employee("kcc_agent")
    body = {
        "name": "",
        "organisation": "Wijkteam",
        "relation": "buurtcoach",
        "email": "geen",
        "valid_from": "2026-05-01",
        "valid_until": "2026-04-01",
    }
    response = await client.post(f"/api/v1/clients/{person.id}/representatives", json=body, headers=headers)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["extra"]} == {"name", "email", "valid_until"}
    assert await count(db, Representative) == 0
    assert await count(db, AuditEvent) == 0


async def test_pseudonym_is_not_derived_from_the_bsn(client, employee) -> None:
    _, headers = await employee("kcc_agent")
    pseudonyms = set()
    for n in range(5):
        bsn = valid_bsn(900 + n)
        response = await client.post(
            "/api/v1/clients", json={"kind": "person", "bsn": bsn, "name": f"Klant {n}"}, headers=headers
        )
        pseudonym = response.json()["pseudonym"]
        assert bsn not in pseudonym and bsn[-4:] not in pseudonym
        pseudonyms.add(pseudonym)
    assert len(pseudonyms) == 5
