"""Need to know for client data (issue 11, docs/PRIVACY.md), through HTTP, per persona of the casework world
(``tests/worlds/casework.py``): Jan de Vries has one dossier with ``cm`` (casemanager), ``am`` (SZW) and ``earlier``
(casemanager before); ``other_cm`` and ``other_am`` are on none of his dossiers.

- involved, KCC, admin: the full record on the pages and in the API;
- uninvolved casemanager/accountmanager: name, pseudonym, last three digits, number of open dossiers; no BSN,
  address, phone, e-mail, representatives, dossiers, people or agreements;
- a stated reason (doelbinding) opens the full record for that employee and client for the rest of the day, is
  audited with the reason, and without a usable reason nothing is recorded;
- the evaluator sees nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from casemgmt.audit.models import AuditEvent
from casemgmt.clients.access import grant_start
from casemgmt.clients.models import Client
from casemgmt.clients.rules import address_columns, parse_address_text
from tests.worlds.casework import Casework, arrange, login_as
from tests.worlds.personas import csrf_token
from tests.worlds.representatives import represents

pytestmark = pytest.mark.anyio

ADDRESS = "Lange Poten 1, 2511 CL Den Haag"
ADDRESS_PARTS = {"street": "Lange Poten", "house_number": 1, "addition": "", "postcode": "2511CL", "city": "Den Haag"}
PHONE_SHOWN = "06 12345678"  # the factory's 06 1234 5678 as the pages show it (national format)
EMAIL = "jan.devries@example.nl"
REPRESENTATIVE = "Sanne Wijkteam"
FULL = ("cm", "am", "earlier", "kcc", "admin")
LIMITED = ("other_cm", "other_am")
REASON = "Klant belt over een nieuwe aanvraag bijzondere bijstand"


@pytest.fixture
async def world(make_user, make_token, db) -> Casework:  # type: ignore[no-untyped-def]
    w = await arrange(make_user, make_token, db)
    async with db() as session, session.begin():
        await session.execute(
            update(Client)
            .where(Client.id == w.client_id)
            .values(**address_columns(parse_address_text(ADDRESS)), email=EMAIL)
        )
        session.add(
            represents(
                client_id=w.client_id,
                name=REPRESENTATIVE,
                organisation="Wijkteam Centrum",
                relation="maatschappelijk werker",
                valid_from=datetime.now(UTC).date() - timedelta(days=30),
            )
        )
    return w


async def bsn_of(db, client_id: int) -> str:  # type: ignore[no-untyped-def]
    async with db() as session:
        return (await session.scalar(select(Client.bsn).where(Client.id == client_id))) or ""


async def events(db, *where) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    async with db() as session:
        return list(await session.scalars(select(AuditEvent).where(*where).order_by(AuditEvent.id)))


@pytest.mark.parametrize("who", [*FULL, *LIMITED])
async def test_the_api_shows_the_full_record_only_to_those_who_need_it(client, db, world, who) -> None:
    bsn = await bsn_of(db, world.client_id)
    headers = world.tokens[who]
    one = (await client.get(f"/api/v1/clients/{world.client_id}", headers=headers)).json()
    routing = (await client.get(f"/api/v1/clients/{world.client_id}/routing", headers=headers)).json()
    found = (await client.get("/api/v1/clients", params={"q": "jan de"}, headers=headers)).json()
    assert [c["id"] for c in found] == [world.client_id]
    for shown in (one, routing["client"], found[0]):
        assert (shown["name"], shown["pseudonym"], shown["last_digits"]) == (
            "Jan de Vries",
            world.client_pseudonym,
            bsn[-3:],
        )
    assert routing["open_dossiers"] == 1
    if who in FULL:
        for shown in (one, routing["client"], found[0]):
            assert (shown["access"], shown["bsn"], shown["address"], shown["email"]) == (
                "full",
                bsn,
                ADDRESS_PARTS,
                EMAIL,
            )
        assert routing["access"] == "full" and len(routing["dossiers"]) == 1
        assert [r["name"] for r in routing["representatives"]] == [REPRESENTATIVE]
    else:
        for shown in (one, routing["client"], found[0]):
            assert shown["access"] == "limited"
            assert [shown[key] for key in ("bsn", "kvk", "phone", "email", "address")] == [None] * 5
        assert routing["access"] == "limited"
        assert (routing["dossiers"], routing["representatives"], routing["commitments"]) == ([], [], [])
        for body in (one, routing, found):
            text = str(body)
            assert bsn not in text and ADDRESS not in text and PHONE_SHOWN not in text
            assert "Schulden en bijstand" not in text and "Carla Casemanager" not in text


@pytest.mark.parametrize("who", [*FULL, *LIMITED])
async def test_the_pages_show_the_full_record_only_to_those_who_need_it(client, db, world, who) -> None:
    await login_as(client, world.person(who))
    bsn = await bsn_of(db, world.client_id)
    page = (await client.get(f"/klanten/{world.client_id}")).text
    fragment = (await client.get(f"/klanten/{world.client_id}/routering", headers={"HX-Request": "true"})).text
    results = (await client.get("/klanten/zoeken", params={"q": "jan de"}, headers={"HX-Request": "true"})).text
    assert "Jan de Vries" in page and "Jan de Vries" in fragment and "Jan de Vries" in results
    for text in (page, fragment):
        if who in FULL:
            assert ADDRESS in text and REPRESENTATIVE in text and "Schulden en bijstand" in text
            assert "Gegevens inzien" not in text
        else:
            assert ADDRESS not in text and REPRESENTATIVE not in text and "Schulden en bijstand" not in text
            assert PHONE_SHOWN not in text and "Carla Casemanager" not in text
            assert world.client_pseudonym in text and "eindigt op</dt>" in text and bsn[-3:] in text
            assert f'action="/klanten/{world.client_id}/inzage"' in text and 'name="reden"' in text
            assert "Dossier openen" in text or who == "other_am"  # what they need to start a dossier
    assert (ADDRESS in results) is (who in FULL)
    assert bsn[:6] not in page + fragment + results  # the BSN is never shown whole on a page


async def test_a_stated_reason_opens_the_full_record_for_the_day_and_is_audited(client, db, world) -> None:
    headers = world.tokens["other_cm"]
    path = f"/api/v1/clients/{world.client_id}"
    assert (await client.get(path, headers=headers)).json()["access"] == "limited"
    before = await events(db)

    for body in ({}, {"reden": ""}, {"reden": "te kort"}, {"reden": "   te    kort   "}):
        refused = await client.post(f"{path}/inzage", json=body, headers=headers)
        assert refused.status_code == 422, body
        assert [e["field"] for e in refused.json()["extra"]] == ["reden"], refused.json()
    too_long = await client.post(f"{path}/inzage", json={"reden": "x" * 501}, headers=headers)
    assert too_long.status_code == 422  # beyond the schema's maxLength: Litestar's refusal, answered as InvalidInput
    assert [e["field"] for e in too_long.json()["extra"]] == ["reden"], too_long.json()
    assert len(await events(db)) == len(before)  # nothing recorded

    opened = await client.post(f"{path}/inzage", json={"reden": f"  {REASON} "}, headers=headers)
    assert opened.status_code == 200 and opened.json()["access"] == "full"
    assert opened.json()["address"] == ADDRESS_PARTS
    (grant,) = await events(db, AuditEvent.action == "reasoned_read")
    assert (grant.actor_id, grant.object_type, grant.object_id, grant.client_pseudonym, grant.detail) == (
        world.other_cm.id,
        "client",
        str(world.client_id),
        world.client_pseudonym,
        REASON,
    )
    assert grant.purpose == "casemanagement"

    # the grant holds for later requests of the same employee today, in every view of this client
    assert (await client.get(path, headers=headers)).json()["access"] == "full"
    routing = (await client.get(f"{path}/routing", headers=headers)).json()
    assert routing["access"] == "full" and [r["name"] for r in routing["representatives"]] == [REPRESENTATIVE]
    # ... and for no one else, and for no other client
    assert (await client.get(path, headers=world.tokens["other_am"])).json()["access"] == "limited"
    other = await client.get(f"/api/v1/clients/{world.other_client_id}", headers=headers)
    assert other.json()["access"] == "limited"


def grant(world: Casework, at: datetime) -> AuditEvent:
    """A reason of ``other_cm`` for Jan as the audit log holds it, stated at ``at``."""
    return AuditEvent(
        occurred_at=at,
        actor_id=world.other_cm.id,
        actor_role="casemanager",
        action="reasoned_read",
        object_type="client",
        object_id=str(world.client_id),
        client_pseudonym=world.client_pseudonym,
        purpose="casemanagement",
        detail=REASON,
    )


async def test_the_grant_is_the_audit_event_and_a_reason_of_yesterday_no_longer_counts(client, db, world) -> None:
    path, headers = f"/api/v1/clients/{world.client_id}", world.tokens["other_cm"]
    yesterday = grant_start(datetime.now(UTC)) - timedelta(minutes=1)
    async with db() as session, session.begin():
        session.add(grant(world, yesterday))
    assert (await client.get(path, headers=headers)).json()["access"] == "limited"
    async with db() as session, session.begin():
        session.add(grant(world, grant_start(datetime.now(UTC)) + timedelta(seconds=1)))
    assert (await client.get(path, headers=headers)).json()["access"] == "full"


async def test_the_reason_form_on_the_page(client, db, world) -> None:
    await login_as(client, world.other_cm)
    token = await csrf_token(client, f"/klanten/{world.client_id}")
    bad = await client.post(f"/klanten/{world.client_id}/inzage", data={"reden": "kort", "_csrf_token": token})
    assert bad.status_code == 422 and "ten minste 10 tekens" in bad.text and ADDRESS not in bad.text
    assert ">kort</textarea>" in bad.text  # what was typed stays
    assert not await events(db, AuditEvent.action == "reasoned_read")
    good = await client.post(
        f"/klanten/{world.client_id}/inzage", data={"reden": REASON, "_csrf_token": token}, follow_redirects=False
    )
    assert good.status_code == 303 and good.headers["location"] == f"/klanten/{world.client_id}"
    page = await client.get(good.headers["location"])
    assert "Uw reden is vastgelegd" in page.text and ADDRESS in page.text and REPRESENTATIVE in page.text
    assert len(await events(db, AuditEvent.action == "reasoned_read")) == 1
    without_csrf = await client.post(f"/klanten/{world.client_id}/inzage", data={"reden": REASON})
    assert without_csrf.status_code == 403


async def test_the_registrar_sees_the_client_they_entered(client, db, world) -> None:
    await login_as(client, world.other_cm)
    token = await csrf_token(client, "/klanten/nieuw")
    created = await client.post(
        "/klanten",
        data={
            "kind": "person",
            "bsn": "111222333",
            "name": "Nieuwe Klant",
            "street": "Spui",
            "house_number": "70",
            "_csrf_token": token,
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    assert "Spui 70" in (await client.get(created.headers["location"])).text
    # a colleague who is on none of the client's dossiers gets the limited view, also when registering the same BSN
    colleague = world.tokens["other_am"]
    async with db() as session:
        new_id = await session.scalar(select(Client.id).where(Client.bsn == "111222333"))
    assert (await client.get(f"/api/v1/clients/{new_id}", headers=colleague)).json()["address"] is None
    again = await client.post(
        "/api/v1/clients", json={"kind": "person", "bsn": "111222333", "name": "X"}, headers=world.tokens["cm"]
    )
    assert again.status_code == 200 and again.json()["existing"] is True
    assert again.json()["access"] == "limited" and again.json()["address"] is None


async def test_the_evaluator_still_sees_nothing(client, db, world) -> None:
    headers = world.tokens["evaluator"]
    for path in (f"/api/v1/clients/{world.client_id}", f"/api/v1/clients/{world.client_id}/routing"):
        assert (await client.get(path, headers=headers)).status_code == 403
    refused = await client.post(f"/api/v1/clients/{world.client_id}/inzage", json={"reden": REASON}, headers=headers)
    assert refused.status_code == 403 and "Jan" not in refused.text
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(AuditEvent)) == 0


async def test_reading_the_limited_view_is_audited_as_such(client, db, world) -> None:
    await client.get(f"/api/v1/clients/{world.client_id}", headers=world.tokens["other_cm"])
    await client.get(f"/api/v1/clients/{world.client_id}/routing", headers=world.tokens["other_cm"])
    await client.get(f"/api/v1/clients/{world.client_id}", headers=world.tokens["cm"])
    read = await events(db, AuditEvent.action == "read")
    assert [(e.actor_id, e.object_type, bool(e.detail)) for e in read] == [
        (world.other_cm.id, "client", True),
        (world.other_cm.id, "routing_view", True),
        (world.cm.id, "client", False),
    ]
    assert all(e.client_pseudonym == world.client_pseudonym for e in read)
    assert "beperkte weergave" in read[0].detail
