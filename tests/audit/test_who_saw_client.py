"""Every shown client in the audit log, and "who saw client X?" as one query (issue 11).

Lists, searches and exports record one event per client shown (all in one INSERT per request); the Logboek page and
``GET /api/v1/audit`` find them by the client's pseudonym or BSN. The BSN itself is never written to the log.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from casemgmt.audit.models import AuditEvent
from casemgmt.clients.models import Client
from tests.factories import create_client
from tests.worlds.casework import Casework, arrange, login_as

pytestmark = pytest.mark.anyio
AUDIT_INSERT = "INSERT INTO audit_events"


@pytest.fixture
async def world(make_user, make_token, db) -> Casework:  # type: ignore[no-untyped-def]
    return await arrange(make_user, make_token, db)


async def events(db, *where) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    async with db() as session:
        return list(await session.scalars(select(AuditEvent).where(*where).order_by(AuditEvent.id)))


async def audit_inserts(app, request) -> tuple[int, object]:  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = await request
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return sum(1 for s in statements if s.startswith(AUDIT_INSERT)), response


async def test_a_search_records_every_client_it_shows_in_one_insert(client, app, db, world) -> None:
    async with db() as session, session.begin():
        boers = [await create_client(session, f"Anna Boer {n}") for n in range(5)]
    pseudonyms = {c.pseudonym for c in boers}
    headers = world.tokens["kcc"]
    inserts, response = await audit_inserts(app, client.get("/api/v1/clients", params={"q": "boer"}, headers=headers))
    assert len(response.json()) == 5  # type: ignore[attr-defined]
    searched = await events(db, AuditEvent.action == "search")
    assert inserts == 1
    assert len(searched) == 5 and {e.client_pseudonym for e in searched} == pseudonyms  # rows = clients shown
    assert {e.detail for e in searched} == {"zoeksoort=name; resultaten=5"} and len(
        {e.request_id for e in searched}
    ) == 1

    await login_as(client, world.other_cm)  # the page too; with the limited view the detail says so
    page = await client.get("/klanten/zoeken", params={"q": "boer"}, headers={"HX-Request": "true"})
    assert page.status_code == 200 and page.text.count('class="client-results__item"') == 5
    on_page = [e for e in await events(db, AuditEvent.action == "search") if e.actor_id == world.other_cm.id]
    assert {e.client_pseudonym for e in on_page} == pseudonyms
    assert {e.detail for e in on_page} == {"zoeksoort=name; resultaten=5; beperkte weergave=5"}

    nothing = await client.get("/api/v1/clients", params={"q": "niemand"}, headers=headers)
    assert nothing.json() == []
    (empty,) = [e for e in await events(db, AuditEvent.action == "search") if e.detail.endswith("resultaten=0")]
    assert empty.client_pseudonym is None  # a search without results is still recorded, once


async def test_mijn_dossiers_and_the_dossier_api_record_every_client_shown(client, app, db, world) -> None:
    await login_as(client, world.cm)
    inserts, page = await audit_inserts(app, client.get("/dossiers"))
    assert page.status_code == 200  # type: ignore[attr-defined]
    listed = await events(db, AuditEvent.object_type == "dossier_list")
    assert inserts == 1 and [(e.actor_id, e.client_pseudonym) for e in listed] == [
        (world.cm.id, world.client_pseudonym)
    ]

    await client.get("/api/v1/dossiers", headers=world.tokens["am"])
    await client.get("/api/v1/dossiers", headers=world.tokens["other_am"])  # sees none: one event without a client
    listed = await events(db, AuditEvent.object_type == "dossier_list", AuditEvent.id > listed[-1].id)
    assert [(e.actor_id, e.client_pseudonym) for e in listed] == [
        (world.am.id, world.client_pseudonym),
        (world.other_am.id, None),
    ]


async def test_who_saw_client_x(client, db, world, make_user, make_token) -> None:
    async with db() as session:
        bsn = await session.scalar(select(Client.bsn).where(Client.id == world.client_id))
    assert bsn
    await login_as(client, world.kcc)
    await client.get("/klanten/zoeken", params={"q": bsn}, headers={"HX-Request": "true"})  # search by BSN
    await login_as(client, world.cm)
    await client.get("/dossiers")  # Mijn dossiers
    await client.get("/werkvoorraad/dossiers", headers={"HX-Request": "true"})  # a worklist panel
    await client.get("/api/v1/dossiers", headers=world.tokens["am"])
    await client.get("/api/v1/dossiers/export", headers=world.tokens["admin"])
    await client.get("/dossiers", headers={})  # the cm again
    await login_as(client, world.other_cm)
    await client.get("/dossiers")  # Jan is not on this page

    by_bsn = await client.get("/api/v1/audit", params={"bsn": bsn}, headers=world.tokens["admin"])
    by_pseudonym = await client.get(
        "/api/v1/audit", params={"pseudonym": world.client_pseudonym}, headers=world.tokens["admin"]
    )
    assert by_bsn.status_code == 200 and by_bsn.json() == by_pseudonym.json()
    seen = {(e["actor_id"], e["action"], e["object_type"]) for e in by_bsn.json()}
    assert seen == {
        (world.kcc.id, "search", "client"),
        (world.cm.id, "search", "dossier_list"),
        (world.cm.id, "read", "dossier_list"),
        (world.am.id, "search", "dossier_list"),
        (world.admin.id, "export", "dossiers"),
    }
    assert world.other_cm.id not in {e["actor_id"] for e in by_bsn.json()}
    reads_of_log = await events(db, AuditEvent.object_type == "audit_log")
    assert reads_of_log and all(bsn not in e.detail for e in reads_of_log)  # the log holds pseudonyms, never a BSN
    assert f"pseudonym={world.client_pseudonym}" in reads_of_log[0].detail

    await login_as(client, world.admin)
    page = await client.get("/logboek", params={"bsn": bsn})
    assert page.status_code == 200
    for name in ("Kees Kcc", "Carla Casemanager", "Ahmed Accountmanager", "Anna Admin"):
        assert name in page.text
    assert "Olga Ander" not in page.text.split("Gebeurtenissen")[1]
    assert "Dossiers (lijst)" in page.text and "Dossierexport" in page.text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"bsn": "123456782"}, "Er is geen klant met dit BSN"),
        ({"bsn": "12345"}, "Een BSN heeft 9 cijfers"),
        ({"bsn": "12345678a"}, "Een BSN heeft 9 cijfers"),
        ({"bsn": "123456782", "pseudonym": "K-X"}, "niet allebei"),
    ],
)
async def test_a_bad_bsn_filter_is_422_naming_the_field(client, db, world, params, message) -> None:
    before = len(await events(db, AuditEvent.object_type != "user"))
    answer = await client.get("/api/v1/audit", params=params, headers=world.tokens["admin"])
    assert answer.status_code == 422
    assert [(e["field"], message in e["message"]) for e in answer.json()["extra"]] == [("bsn", True)]
    await login_as(client, world.admin)
    page = await client.get("/logboek", params=params)
    assert page.status_code == 422 and message in page.text
    assert len(await events(db, AuditEvent.object_type != "user")) == before  # nothing recorded (but the login)
