"""The worklist (Werkvoorraad): what each employee sees, in which order, in a constant number of queries; every list
read is audited with the clients' pseudonyms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from casemgmt.audit.models import AuditEvent
from casemgmt.commitments.models import Commitment
from casemgmt.directory.calendar import AMSTERDAM, end_of_business_day, is_business_day, local_date
from casemgmt.escalations.models import Escalation
from casemgmt.handoffs.models import Handoff
from tests.factories import create_client, create_dossier, service_id
from tests.worlds.promises import CONTEXT, audit_events, in_days, login_as, make_commitment, make_overdue

pytestmark = pytest.mark.anyio


async def test_the_worklist_lists_what_is_mine_in_order(client, world, db) -> None:
    later = await make_commitment(client, world, description="Later", due_at=in_days(6))
    soon = await make_commitment(client, world, description="Eerder", due_at=in_days(2))
    late = await make_commitment(client, world, description="Te laat")
    await make_overdue(db, late["id"])
    done = await make_commitment(client, world, description="Al gedaan")
    await client.post(f"/api/v1/commitments/{done['id']}/fulfil", json={"note": "ok"}, headers=world.token("dso"))
    await make_commitment(client, world, description="Van Sanne", owner_id=world.szw.id)
    escalation = await client.post(
        "/api/v1/escalations", json={"service": "DSO", "question": "Mag dit?"}, headers=world.token("kcc")
    )
    await client.post(
        "/api/v1/escalations", json={"service": "SZW", "question": "Niet voor DSO"}, headers=world.token("kcc")
    )

    body = (await client.get("/api/v1/worklist", headers=world.token("dso"))).json()
    assert [c["id"] for c in body["commitments"]] == [late["id"], soon["id"], later["id"]]
    assert [e["id"] for e in body["escalations"]] == [escalation.json()["id"]]
    assert body["handoffs"] == []
    assert [(d["id"], d["handoff_count"], d["ping_pong"]) for d in body["dossiers"]] == [(world.dossier_id, 0, False)]
    # a casemanager gets no escalations (those are for the services' accountmanagers)
    assert (await client.get("/api/v1/worklist", headers=world.token("cm"))).json()["escalations"] == []


async def test_a_commitment_due_today_is_marked(client, world, db) -> None:
    now = datetime.now(UTC)
    today = local_date(now)
    due = end_of_business_day(today) if is_business_day(today) else None
    if due is None or due <= now + timedelta(minutes=5):
        due = datetime.combine(today, datetime.max.time(), tzinfo=AMSTERDAM).astimezone(UTC) - timedelta(minutes=1)
    if due <= now + timedelta(minutes=2):
        pytest.skip("too close to midnight in Amsterdam to make a commitment due later today")
    made = await make_commitment(client, world, due_at=due.isoformat())
    await login_as(client, world.dso)
    page = await client.get("/werkvoorraad/toezeggingen", headers={"hx-request": "true"})
    assert f'id="toezegging-{made["id"]}"' in page.text
    assert "cm-row--today" in page.text and ">Vandaag<" in page.text


async def test_reading_the_worklist_is_audited_with_each_clients_pseudonym(client, world, db) -> None:
    await make_commitment(client, world)
    async with db() as session, session.begin():
        other = await create_client(session, name="Piet Anders")
        other_id, other_pseudonym = other.id, other.pseudonym
    await make_commitment(client, world, client_id=other_id, dossier_id=None)
    first_id = (await audit_events(db))[-1].id
    await login_as(client, world.dso)
    assert (await client.get("/werkvoorraad")).status_code == 200
    reads = await audit_events(db, AuditEvent.id > first_id, AuditEvent.action == "read")
    assert {(e.object_type, e.client_pseudonym, e.actor_id) for e in reads} == {
        ("commitment_list", world.pseudonym, world.dso.id),
        ("commitment_list", other_pseudonym, world.dso.id),
        ("dossier_list", world.pseudonym, world.dso.id),  # the DSO accountmanager is on Jan's dossier
    }
    assert len(reads) == 3 and len({e.request_id for e in reads}) == 1


# -- a constant number of queries ---------------------------------------------------------------------------------


@contextmanager
def counting_queries(app) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


async def fill_worklist(db, world, n: int) -> None:
    """`n` clients, each with a dossier of the casemanager (SZW: szw), an overdue and an open commitment owned by the
    casemanager, a handoff to DSO and an open escalation to SZW."""
    now = datetime.now(UTC)
    async with db() as session, session.begin():
        szw, dso = await service_id(session, "SZW"), await service_id(session, "DSO")
        for i in range(n):
            person = await create_client(session, name=f"Klant {i}")
            dossier = await create_dossier(session, person, world.cm.id, {"SZW": world.szw.id})
            for due in (now - timedelta(days=1), now + timedelta(days=2)):
                session.add(
                    Commitment(
                        client_id=person.id,
                        dossier_id=dossier.id,
                        kind="callback",
                        description=f"Bel {i}",
                        owner_id=world.cm.id,
                        service_id=szw,
                        made_by_id=world.cm.id,
                        made_at=now - timedelta(days=3),
                        due_at=due,
                        status="open",
                    )
                )
            session.add(
                Handoff(
                    dossier_id=dossier.id,
                    from_employee_id=world.szw.id,
                    from_service_id=szw,
                    to_service_id=dso,
                    to_employee_id=world.cm.id,
                    reason="Naar DSO",
                    context=CONTEXT,
                    requested_at=now,
                )
            )
            session.add(
                Escalation(
                    service_id=szw,
                    question=f"Vraag {i}",
                    client_id=person.id,
                    dossier_id=dossier.id,
                    asked_by_id=world.kcc.id,
                    asked_at=now,
                    due_at=now + timedelta(days=3),
                    assignee_id=world.szw.id,
                )
            )


AUDIT_INSERT = "INSERT INTO audit_events"


async def queries_for(client, app, db, world, who: str, n: int) -> tuple[list[str], list[str], str, dict]:
    await fill_worklist(db, world, n)
    await login_as(client, world.person(who))
    with counting_queries(app) as statements:
        page = await client.get("/werkvoorraad")
    assert page.status_code == 200
    with counting_queries(app) as api_statements:
        api = await client.get("/api/v1/worklist", headers=world.token(who))
    assert api.status_code == 200
    return statements, api_statements, page.text, api.json()


def without_audit(statements: list[str]) -> int:
    return sum(1 for statement in statements if not statement.startswith(AUDIT_INSERT))


@pytest.mark.parametrize("who", ["cm", "szw"])
async def test_the_worklist_issues_the_same_number_of_queries_for_10_and_60(client, app, db, world, who) -> None:
    """Every read is one query for the whole list, never one per commitment, handoff, escalation or dossier, and the
    audit log's read events of a list are one INSERT however many clients it shows."""
    small, small_api, _, _ = await queries_for(client, app, db, world, who, 10)
    large, large_api, html, body = await queries_for(client, app, db, world, who, 50)  # 60 in all
    if who == "cm":
        assert len(body["commitments"]) == 120 and len(body["handoffs"]) == 60
        # the page shows the first 10, overdue first, and counts all in SQL (issue 15)
        assert len(re.findall(r'class="cm-row cm-row--overdue', html)) == 10
        assert '<span data-count="overdue">60</span>' in html and 'data-testid="aantal-open">120<' in html
    else:
        assert len(body["escalations"]) == 60
    assert len(body["dossiers"]) == 61 and all("overdue_commitment" in d["signals"] for d in body["dossiers"][:60])
    assert without_audit(large) == without_audit(small), (without_audit(small), without_audit(large))
    assert len(large) == len(small) and len(large_api) == len(small_api)


async def test_no_recent_contact_and_what_stands_in_the_way_of_closing(client, world, db) -> None:
    """The dossier figures read contacts too: without contact for 10 business days an open dossier is signalled.
    ``open_promises`` lists what must be settled before the dossier can be closed."""
    from sqlalchemy import update

    from casemgmt.casefile.closing import open_promises
    from casemgmt.clients.models import Client
    from casemgmt.dossiers.models import Dossier
    from tests.factories import create_contact

    commitment = await make_commitment(client, world)
    handoff = await client.post(
        "/api/v1/handoffs",
        json={"dossier_id": world.dossier_id, "to_service": "OCW", "reason": "WMO", "context": CONTEXT},
        headers=world.token("szw"),
    )
    escalation = await client.post(
        "/api/v1/escalations",
        json={"service": "DSO", "question": "Wanneer beginnen de werkzaamheden?", "dossier_id": world.dossier_id},
        headers=world.token("kcc"),
    )
    month_ago = datetime.now(UTC) - timedelta(days=30)
    async with db() as session, session.begin():
        await session.execute(update(Dossier).where(Dossier.id == world.dossier_id).values(opened_at=month_ago))
        person = await session.get(Client, world.client_id)
        await create_contact(session, person, world.kcc.id, dossier_id=world.dossier_id, occurred_at=month_ago)
    figures = {d["id"]: d for d in (await client.get("/api/v1/worklist", headers=world.token("cm"))).json()["dossiers"]}
    assert figures[world.dossier_id]["signals"] == ["no_recent_contact"]
    async with db() as session, session.begin():
        person = await session.get(Client, world.client_id)
        await create_contact(session, person, world.kcc.id, dossier_id=world.dossier_id)
    figures = {d["id"]: d for d in (await client.get("/api/v1/worklist", headers=world.token("cm"))).json()["dossiers"]}
    assert figures[world.dossier_id]["signals"] == []

    async with db() as session:
        blocking = await open_promises(session, world.dossier_id)
    # in plain words, without internal ids (issue 15)
    assert len(blocking) == 3
    assert blocking[0].startswith("de toezegging “Ik bel u morgen terug over de parkeerplaats.”, uiterlijk ")
    assert re.fullmatch(r"de overdracht naar OCW van \d\d-\d\d-\d{4} \d\d:\d\d, nog niet geaccepteerd", blocking[1])
    assert blocking[2] == "de escalatie aan DSO “Wanneer beginnen de werkzaamheden?”, nog niet beantwoord"
    assert not [item for item in blocking if "#" in item]
    assert commitment and handoff.status_code == escalation.status_code == 201


async def test_an_admin_who_is_also_accountmanager_sees_only_their_services_escalations(client, world, db, make_user):
    both = await make_user("admin", "accountmanager", services=["SZW"], name="Beheerder Szw")
    async with db() as session, session.begin():
        other = await create_client(session, name="Piet Anders")
        other_id, other_pseudonym = other.id, other.pseudonym
    mine = await client.post(
        "/api/v1/escalations", json={"service": "SZW", "question": "Voor SZW"}, headers=world.token("kcc")
    )
    await client.post(
        "/api/v1/escalations",
        json={"service": "DSO", "question": "Voor DSO", "client_id": other_id},
        headers=world.token("kcc"),
    )
    first_id = (await audit_events(db))[-1].id
    await login_as(client, both)
    panel = await client.get("/werkvoorraad/escalaties", headers={"hx-request": "true"})
    assert "Voor SZW" in panel.text and "Voor DSO" not in panel.text
    assert f"/escalaties/{mine.json()['id']}" in panel.text
    read = await audit_events(db, AuditEvent.id > first_id)
    assert other_pseudonym not in {e.client_pseudonym for e in read}


async def audit_inserts_for(client, app, path: str, **kwargs) -> tuple[int, object]:
    with counting_queries(app) as statements:
        response = await client.get(path, **kwargs)
    assert response.status_code == 200, response.text
    return sum(1 for statement in statements if statement.startswith(AUDIT_INSERT)), response


async def test_each_panel_records_every_client_it_shows_in_one_insert(client, app, db, world) -> None:
    """Issue 11: ``/werkvoorraad/dossiers`` showed 8 clients and logged one event with one pseudonym."""
    await fill_worklist(db, world, 8)  # 8 clients with a dossier of the casemanager, each with promises and handoffs
    await login_as(client, world.cm)
    first_id = (await audit_events(db))[-1].id if await audit_events(db) else 0

    inserts, response = await audit_inserts_for(client, app, "/werkvoorraad/dossiers", headers={"HX-Request": "true"})
    shown = set(re.findall(r'href="/dossiers/(\d+)"', response.text))
    reads = await audit_events(db, AuditEvent.id > first_id)
    assert inserts == 1 and len(shown) == 9  # Jan's dossier and the 8 new ones
    assert {e.object_type for e in reads} == {"dossier_list"}
    assert len(reads) == 9 and len({e.client_pseudonym for e in reads}) == 9  # rows = clients shown
    assert world.pseudonym in {e.client_pseudonym for e in reads}

    last = reads[-1].id
    inserts, _ = await audit_inserts_for(client, app, "/werkvoorraad/teller")
    assert inserts == 0 and not await audit_events(db, AuditEvent.id > last)  # the badge shows counts only

    inserts, _ = await audit_inserts_for(client, app, "/werkvoorraad")
    page = await audit_events(db, AuditEvent.id > last)
    by_type = {
        kind: {e.client_pseudonym for e in page if e.object_type == kind} for kind in {e.object_type for e in page}
    }
    assert inserts == 1  # four panels, one INSERT
    assert len(by_type["commitment_list"]) == 8 and len(by_type["handoff_list"]) == 8
    assert len(by_type["dossier_list"]) == 9
    assert len(page) == sum(len(pseudonyms) for pseudonyms in by_type.values())


async def test_who_saw_client_x_finds_the_worklist_read(client, db, world, make_user) -> None:
    await make_commitment(client, world)
    await login_as(client, world.dso)
    assert (await client.get("/werkvoorraad/toezeggingen", headers={"HX-Request": "true"})).status_code == 200
    admin = await make_user("admin")
    await login_as(client, admin)
    log = await client.get("/api/v1/audit", params={"pseudonym": world.pseudonym}, headers=world.token("admin"))
    assert log.status_code == 200
    lists = [e for e in log.json() if e["object_type"] == "commitment_list"]
    assert [(e["actor_id"], e["action"]) for e in lists] == [(world.dso.id, "read")]
