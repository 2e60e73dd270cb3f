"""Correcting a client's details through the API (issue 12): ``PATCH /api/v1/clients/{id}`` (200 / 409 / 422 with
the field named, nothing written on 409 and 422), the history ``GET …/changes``, the audit event naming the changed
fields, who may correct, creating with the address in parts, and finding by phone number, postcode and house number
and date of birth."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from casemgmt.audit.models import AuditEvent
from casemgmt.clients.models import Client, ClientChange
from tests.factories import create_client, create_dossier

pytestmark = pytest.mark.anyio

ADDRESS = {"street": "Spui", "house_number": 70, "addition": "", "postcode": "2511BT", "city": "Den Haag"}


async def count(db, model) -> int:
    async with db() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def stored(db, client_id: int) -> Client:
    async with db() as session:
        return await session.get(Client, client_id)


@pytest.fixture
async def henk(db) -> Client:
    async with db() as session, session.begin():
        return await create_client(session, "Henk de Wit", bsn="111222333", address="Spui 70, 2511 BT Den Haag")


async def test_a_correction_changes_only_the_fields_sent_and_bumps_the_version(
    client, db, employee, audit_events, henk
) -> None:
    agent, headers = await employee("kcc_agent")
    body = {
        "version": 1,
        "phone": "070-1234567",
        "address": {"house_number": 72, "addition": "b"},
        "birth_date": "1961-04-30",
        "preferred_channel": "letter",
        "preferred_time": "ochtend",
    }
    response = await client.patch(f"/api/v1/clients/{henk.id}", json=body, headers=headers)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["version"] == 2 and data["name"] == "Henk de Wit" and data["phone"] == "+31701234567"
    assert data["address"] == {**ADDRESS, "house_number": 72, "addition": "B"}
    assert (data["birth_date"], data["preferred_channel"], data["preferred_time"]) == (
        "1961-04-30",
        "letter",
        "ochtend",
    )
    row = await stored(db, henk.id)
    assert (row.version, row.house_number, row.house_number_addition, row.street) == (2, 72, "B", "Spui")
    [event] = await audit_events()
    assert (event.action, event.object_type, event.object_id, event.actor_id) == (
        "update",
        "client",
        str(henk.id),
        agent.id,
    )
    assert event.detail == "versie 2; gewijzigd: telefoon, adres, geboortedatum, voorkeurskanaal, voorkeurstijd"
    assert "1234567" not in event.detail and "Spui" not in event.detail and event.client_pseudonym == henk.pseudonym

    changes = await client.get(f"/api/v1/clients/{henk.id}/changes", headers=headers)
    assert changes.status_code == 200
    [change] = changes.json()
    assert (change["version"], change["changed_by_id"], change["changed_by"]) == (2, agent.id, agent.name)
    assert change["changed"] == ["phone", "address", "birth_date", "preferred_channel", "preferred_time"]
    assert change["before"] == {
        "phone": "+31612345678",
        "address": ADDRESS,
        "birth_date": None,
        "preferred_channel": None,
        "preferred_time": "",
    }
    assert change["after"]["address"] == {**ADDRESS, "house_number": 72, "addition": "B"}
    assert change["changed_at"].endswith("Z")


async def test_every_change_is_a_version_and_a_history_row_newest_first(client, db, employee, henk) -> None:
    _, headers = await employee("admin")
    for version, name in ((1, "Henk de Wit-Jansen"), (2, "Henk Jansen")):
        answer = await client.patch(
            f"/api/v1/clients/{henk.id}", json={"version": version, "name": name}, headers=headers
        )
        assert answer.status_code == 200 and answer.json()["version"] == version + 1
    history = (await client.get(f"/api/v1/clients/{henk.id}/changes", headers=headers)).json()
    assert [(h["version"], h["before"], h["after"]) for h in history] == [
        (3, {"name": "Henk de Wit-Jansen"}, {"name": "Henk Jansen"}),
        (2, {"name": "Henk de Wit"}, {"name": "Henk de Wit-Jansen"}),
    ]
    assert (await stored(db, henk.id)).name_normalised == "henk jansen"
    found = await client.get("/api/v1/clients", params={"q": "jansen"}, headers=headers)
    assert [c["id"] for c in found.json()] == [henk.id]


async def test_sending_the_same_values_changes_nothing(client, db, employee, henk) -> None:
    _, headers = await employee("kcc_agent")
    same = {"version": 1, "phone": "+31 6 1234 5678", "address": {"postcode": "2511 bt"}, "name": "Henk de Wit"}
    response = await client.patch(f"/api/v1/clients/{henk.id}", json=same, headers=headers)
    assert response.status_code == 200 and response.json()["version"] == 1
    assert await count(db, ClientChange) == 0


async def test_a_stale_version_is_409_and_nothing_is_written(client, db, employee, henk) -> None:
    _, headers = await employee("kcc_agent")
    first = await client.patch(f"/api/v1/clients/{henk.id}", json={"version": 1, "email": "h@x.nl"}, headers=headers)
    assert first.status_code == 200
    events = await count(db, AuditEvent)
    stale = await client.patch(f"/api/v1/clients/{henk.id}", json={"version": 1, "email": "o@x.nl"}, headers=headers)
    assert stale.status_code == 409
    assert "intussen door een collega gewijzigd" in stale.json()["detail"]
    row = await stored(db, henk.id)
    assert (row.email, row.version) == ("h@x.nl", 2)
    assert await count(db, ClientChange) == 1 and await count(db, AuditEvent) == events


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"name": "   "}, "name", "Naam is verplicht"),
        ({"name": "x" * 201}, "name", "te lang"),
        ({"phone": "06 1"}, "phone", "Ongeldig telefoonnummer"),
        ({"phone": "bel de buren"}, "phone", "Ongeldig telefoonnummer"),
        ({"email": "henk@"}, "email", "Ongeldig e-mailadres"),
        ({"address": {"postcode": "0511 AB"}}, "address.postcode", "Ongeldige postcode"),
        ({"address": {"postcode": "2511 SS"}}, "address.postcode", "Ongeldige postcode"),
        ({"address": {"house_number": 0}}, "address.house_number", "Ongeldig huisnummer"),
        ({"address": {"house_number": 100000}}, "address.house_number", "Ongeldig huisnummer"),
        ({"address": {"street": "x" * 201}}, "address.street", "te lang"),
        ({"address": {"addition": "x" * 11}}, "address.addition", "te lang"),
        ({"address": {"city": "x" * 101}}, "address.city", "te lang"),
        ({"birth_date": "2999-01-01"}, "birth_date", "toekomst"),
        ({"birth_date": "1899-12-31"}, "birth_date", "vóór 1900"),
        ({"birth_date": "31-12-1980"}, "birth_date", ""),
        ({"preferred_channel": "fax"}, "preferred_channel", ""),
        ({"preferred_time": "x" * 101}, "preferred_time", "te lang"),
        ({"version": "een"}, "version", ""),
    ],
)
async def test_bad_input_is_422_naming_the_field_and_nothing_is_written(
    client, db, employee, henk, body, field, message
) -> None:
    _, headers = await employee("kcc_agent")
    response = await client.patch(f"/api/v1/clients/{henk.id}", json={"version": 1, **body}, headers=headers)
    assert response.status_code == 422, response.text
    fields = {e["field"].removeprefix("body."): e["message"] for e in response.json()["extra"]}
    assert any(name.endswith(field) for name in fields), fields
    assert message in " ".join(fields.values())
    row = await stored(db, henk.id)
    assert (row.version, row.phone, row.street, row.birth_date) == (1, "+31612345678", "Spui", None)
    assert await count(db, ClientChange) == 0 and await count(db, AuditEvent) == 0


async def test_a_missing_version_is_422(client, employee, henk) -> None:
    _, headers = await employee("kcc_agent")
    response = await client.patch(f"/api/v1/clients/{henk.id}", json={"name": "X"}, headers=headers)
    assert response.status_code == 422 and "version" in response.text


async def test_who_may_correct(client, db, employee, make_user, henk) -> None:
    body = {"version": 1, "preferred_time": "middag"}
    for role in ("accountmanager", "evaluator"):
        _, headers = await employee(role)
        assert (await client.patch(f"/api/v1/clients/{henk.id}", json=body, headers=headers)).status_code == 403
    # a casemanager on none of the client's dossiers has the limited view: 403, also for the history
    _, headers = await employee("casemanager")
    refused = await client.patch(f"/api/v1/clients/{henk.id}", json=body, headers=headers)
    assert refused.status_code == 403 and "reden" in refused.json()["detail"]
    assert (await client.get(f"/api/v1/clients/{henk.id}/changes", headers=headers)).status_code == 403
    # ... and with a stated reason, or on a dossier of the client, the full view: may correct
    reason = {"reden": "Klant belt over een verhuizing"}
    assert (await client.post(f"/api/v1/clients/{henk.id}/inzage", json=reason, headers=headers)).status_code == 200
    assert (await client.patch(f"/api/v1/clients/{henk.id}", json=body, headers=headers)).status_code == 200
    involved, headers = await employee("casemanager")
    async with db() as session, session.begin():
        await create_dossier(session, await session.get(Client, henk.id), involved.id)
    again = await client.patch(
        f"/api/v1/clients/{henk.id}", json={**body, "version": 2, "name": "H. de Wit"}, headers=headers
    )
    assert again.status_code == 200 and again.json()["version"] == 3
    assert (await client.patch("/api/v1/clients/999999", json=body, headers=headers)).status_code == 404
    assert (await client.get("/api/v1/clients/999999/changes", headers=headers)).status_code == 404


async def test_the_limited_view_hides_the_new_details(client, db, employee, henk) -> None:
    _, headers = await employee("kcc_agent")
    body = {"version": 1, "birth_date": "1961-04-30", "preferred_channel": "desk", "preferred_time": "middag"}
    assert (await client.patch(f"/api/v1/clients/{henk.id}", json=body, headers=headers)).status_code == 200
    _, outsider = await employee("accountmanager")
    shown = (await client.get(f"/api/v1/clients/{henk.id}", headers=outsider)).json()
    assert shown["access"] == "limited" and shown["version"] == 2
    hidden = ("address", "birth_date", "preferred_channel", "preferred_time", "phone")
    assert [shown[key] for key in hidden] == [None] * len(hidden)


async def test_create_takes_the_address_in_parts_and_validates_it(client, db, employee) -> None:
    _, headers = await employee("kcc_agent")
    body = {
        "kind": "person",
        "bsn": "123456782",
        "name": "Anna de Boer",
        "phone": "+31 70 353 3000",
        "address": {"street": "Spui", "house_number": 70, "addition": "a", "postcode": "2511 bt", "city": "Den Haag"},
        "birth_date": "1985-02-01",
        "preferred_channel": "email",
    }
    bad = await client.post(
        "/api/v1/clients", json={**body, "address": {"postcode": "2511"}, "phone": "0"}, headers=headers
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["extra"]} == {"address.postcode", "phone"}
    assert await count(db, Client) == 0
    created = await client.post("/api/v1/clients", json=body, headers=headers)
    assert created.status_code == 201, created.text
    data = created.json()
    assert data["address"] == {**ADDRESS, "addition": "A"} and data["phone"] == "+31703533000"
    assert (data["birth_date"], data["preferred_channel"], data["preferred_time"], data["version"]) == (
        "1985-02-01",
        "email",
        "",
        1,
    )
    no_address = await client.post(
        "/api/v1/clients", json={"kind": "organisation", "kvk": "12345678", "name": "BV"}, headers=headers
    )
    assert no_address.json()["address"] == {
        "street": "",
        "house_number": None,
        "addition": "",
        "postcode": "",
        "city": "",
    }


async def test_search_by_phone_number_in_any_format(client, db, employee, audit_events) -> None:
    async with db() as session, session.begin():
        landline = await create_client(session, "Els Visser", phone="070 123 4567")
        await create_client(session, "Piet Visser", phone="070 123 4568")
        mobile = await create_client(session, "Ali Yilmaz", phone="06 1111 2222")
    _, headers = await employee("casemanager")
    for typed in ("070-1234567", "+31 70 123 4567", "0031701234567", "(070) 123 45 67"):
        found = await client.get("/api/v1/clients", params={"q": typed}, headers=headers)
        assert [c["id"] for c in found.json()] == [landline.id], typed
    assert [
        c["id"] for c in (await client.get("/api/v1/clients", params={"q": "0611112222"}, headers=headers)).json()
    ] == [mobile.id]
    events = [e for e in await audit_events() if e.action == "search"]
    assert {e.detail.split(";")[0] for e in events} == {"zoeksoort=phone"}
    assert all("1234567" not in e.detail and "1111" not in e.detail for e in events)


async def test_search_by_postcode_and_house_number(client, db, employee, audit_events) -> None:
    async with db() as session, session.begin():
        a = await create_client(session, "Bewoner A", address="Spui 12a, 2511 AB Den Haag")
        b = await create_client(session, "Bewoner B", address="Spui 12b, 2511 AB Den Haag")
        twelve = await create_client(session, "Bewoner C", address="Spui 12, 2511 AB Den Haag")
        await create_client(session, "Elders", address="Spui 13, 2511 AB Den Haag")
    _, headers = await employee("kcc_agent")

    async def ids(q: str) -> set[int]:
        response = await client.get("/api/v1/clients", params={"q": q}, headers=headers)
        assert response.status_code == 200
        return {c["id"] for c in response.json()}

    assert await ids("2511 AB 12") == {a.id, b.id, twelve.id}  # without an addition: every addition at the number
    assert await ids("2511ab 12a") == {a.id}
    assert await ids("2511 AB 12-B") == {b.id}
    assert await ids("2511 AB 99") == set()
    [*_, last] = await audit_events()
    assert last.detail == "zoeksoort=postcode; resultaten=0" and "2511" not in last.detail


async def test_birth_date_narrows_any_search(client, db, employee, audit_events) -> None:
    async with db() as session, session.begin():
        old = await create_client(session, "Jan Jansen", birth_date=date(1950, 1, 2))
        await create_client(session, "Jan Jansen", birth_date=date(1990, 3, 4))
    _, headers = await employee("kcc_agent")
    both = await client.get("/api/v1/clients", params={"q": "jansen"}, headers=headers)
    assert len(both.json()) == 2
    one = await client.get("/api/v1/clients", params={"q": "jansen", "birth_date": "1950-01-02"}, headers=headers)
    assert [c["id"] for c in one.json()] == [old.id] and one.json()[0]["birth_date"] == "1950-01-02"
    by_bsn = await client.get("/api/v1/clients", params={"bsn": old.bsn, "birth_date": "1990-03-04"}, headers=headers)
    assert by_bsn.json() == []
    bad = await client.get("/api/v1/clients", params={"q": "jansen", "birth_date": "2-1-1950"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["extra"][0]["field"] == "birth_date"
    details = [e.detail for e in await audit_events() if e.action == "search"]
    assert "zoeksoort=name; resultaten=1; filter=geboortedatum" in details and not any("1950" in d for d in details)
