"""Unidentified callers through the API (issue 12): creating a client without BSN/KvK, identifying it by BSN, and
merging it into the client that already has that BSN (every record moves, the old record stays marked, audited)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from casemgmt.audit.models import AuditEvent
from casemgmt.casefile.identification import client_references
from casemgmt.clients.models import Client, ClientRepresentative, Representative
from casemgmt.clients.rules import MERGED_CLIENT, REACH_MESSAGE
from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact, ExternalReference
from casemgmt.dossiers.models import Dossier
from casemgmt.escalations.models import Escalation
from tests.factories import create_client, create_contact, create_dossier, service_id

pytestmark = pytest.mark.anyio

NEIGHBOUR = {"kind": "unidentified", "name": "Buurman van de Prinsegracht", "phone": "06 4321 8765"}


async def count(db, model) -> int:
    async with db() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def create_unidentified(client, headers, **values) -> dict:
    response = await client.post("/api/v1/clients", json={**NEIGHBOUR, **values}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


# creating ---------------------------------------------------------------------------------------------------------


async def test_a_caller_without_bsn_is_registered_with_a_name_and_a_phone_number(client, db, employee, audit_events):
    _, headers = await employee("kcc_agent")
    data = await create_unidentified(client, headers)
    assert (data["kind"], data["bsn"], data["kvk"], data["last_digits"]) == ("unidentified", None, None, None)
    assert (data["name"], data["phone"], data["access"], data["merged_into_id"]) == (
        "Buurman van de Prinsegracht",
        "+31643218765",  # stored in E.164
        "full",
        None,
    )
    [event] = await audit_events()
    assert (event.action, event.object_id, event.client_pseudonym) == ("create", str(data["id"]), data["pseudonym"])
    by_email = await create_unidentified(client, headers, phone="", email="buurman@example.nl")
    assert by_email["email"] == "buurman@example.nl"


async def test_without_phone_or_email_422_names_phone_and_nothing_is_written(client, db, employee, audit_events):
    _, headers = await employee("casemanager")
    response = await client.post("/api/v1/clients", json={"kind": "unidentified", "name": "Iemand"}, headers=headers)
    assert response.status_code == 422
    assert response.json()["extra"] == [{"field": "phone", "message": REACH_MESSAGE}]
    assert await count(db, Client) == 0 and await audit_events() == []


async def test_unidentified_clients_are_never_taken_for_duplicates(client, db, employee):
    _, headers = await employee("kcc_agent")
    first = await create_unidentified(client, headers)
    second = await create_unidentified(client, headers)
    assert first["id"] != second["id"] and await count(db, Client) == 2


async def test_accountmanagers_and_evaluators_register_no_clients(client, employee):
    for role in ("accountmanager", "evaluator"):
        _, headers = await employee(role)
        assert (await client.post("/api/v1/clients", json=NEIGHBOUR, headers=headers)).status_code == 403


# identifying ------------------------------------------------------------------------------------------------------


async def test_identify_gives_the_client_its_bsn(client, db, employee, audit_events):
    _, headers = await employee("kcc_agent")
    created = await create_unidentified(client, headers)
    response = await client.post(
        f"/api/v1/clients/{created['id']}/identify", json={"bsn": "1234 56 782"}, headers=headers
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert (data["id"], data["kind"], data["bsn"], data["last_digits"]) == (created["id"], "person", "123456782", "782")
    event = (await audit_events())[-1]
    assert (event.action, event.object_id, event.detail) == ("update", str(created["id"]), "geïdentificeerd met BSN")
    found = await client.get("/api/v1/clients", params={"bsn": "123456782"}, headers=headers)
    assert [c["id"] for c in found.json()] == [created["id"]]


@pytest.mark.parametrize("bsn", ["123456783", "000000000", "12345678", ""])
async def test_a_bsn_failing_the_11_proof_is_422_and_nothing_is_written(client, db, employee, bsn):
    _, headers = await employee("kcc_agent")
    created = await create_unidentified(client, headers)
    response = await client.post(f"/api/v1/clients/{created['id']}/identify", json={"bsn": bsn}, headers=headers)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["extra"]] == ["bsn"]
    async with db() as session:
        stored = await session.get(Client, created["id"])
        assert (stored.kind, stored.bsn) == ("unidentified", None)


async def test_an_identified_client_is_not_identified_again(client, db, employee):
    _, headers = await employee("kcc_agent")
    async with db() as session, session.begin():
        person = await create_client(session, "Jan de Vries")
    response = await client.post(f"/api/v1/clients/{person.id}/identify", json={"bsn": "111222333"}, headers=headers)
    assert response.status_code == 422 and response.json()["extra"][0]["field"] == "bsn"
    missing = await client.post("/api/v1/clients/999999/identify", json={"bsn": "111222333"}, headers=headers)
    assert missing.status_code == 404


async def test_a_known_bsn_is_409_naming_the_existing_client_and_nothing_is_written(client, db, employee, audit_events):
    _, headers = await employee("kcc_agent")
    async with db() as session, session.begin():
        existing = await create_client(session, "Fatima El Amrani", bsn="111222333")
    created = await create_unidentified(client, headers)
    before = len(await audit_events())
    response = await client.post(
        f"/api/v1/clients/{created['id']}/identify", json={"bsn": "111222333"}, headers=headers
    )
    assert response.status_code == 409
    body = response.json()
    assert body["status_code"] == 409 and "Fatima El Amrani" in body["detail"]
    assert body["extra"] == {
        "existing_client": {"id": existing.id, "name": "Fatima El Amrani", "pseudonym": existing.pseudonym}
    }
    async with db() as session:
        stored = await session.get(Client, created["id"])
        assert (stored.kind, stored.bsn, stored.merged_into_id) == ("unidentified", None, None)
    assert len(await audit_events()) == before


async def test_who_may_identify(client, db, employee, make_user):
    _, kcc_headers = await employee("kcc_agent")
    _, registrar_headers = await employee("casemanager")
    _, other_cm_headers = await employee("casemanager")
    _, am_headers = await employee("accountmanager")
    _, evaluator_headers = await employee("evaluator")
    _, admin_headers = await employee("admin")
    by_kcc = await create_unidentified(client, kcc_headers)
    by_registrar = await create_unidentified(client, registrar_headers)
    body = {"bsn": "123456782"}
    for headers in (am_headers, evaluator_headers, other_cm_headers):  # the other casemanager sees the limited view
        answer = await client.post(f"/api/v1/clients/{by_kcc['id']}/identify", json=body, headers=headers)
        assert answer.status_code == 403
    answer = await client.post(f"/api/v1/clients/{by_registrar['id']}/identify", json=body, headers=registrar_headers)
    assert answer.status_code == 200
    answer = await client.post(
        f"/api/v1/clients/{by_kcc['id']}/identify", json={"bsn": "111222333"}, headers=admin_headers
    )
    assert answer.status_code == 200 and answer.json()["bsn"] == "111222333"


# merging ----------------------------------------------------------------------------------------------------------


async def arrange_records(db, employee_id: int, unidentified_id: int) -> dict[str, int]:
    """One record of every kind that names a client, all for the unidentified client."""
    now = datetime.now(UTC)
    async with db() as session, session.begin():
        client = await session.get(Client, unidentified_id)
        dossier = await create_dossier(session, client, employee_id, subject="Parkeervergunning")
        contact = await create_contact(session, client, employee_id, summary="Belde over de parkeervergunning.")
        dossier_contact = await create_contact(session, client, employee_id, dossier_id=dossier.id)
        session.add(ExternalReference(record_type="contact", record_id=contact.id, ref="PV-2026-0042"))
        commitment = Commitment(
            client_id=client.id,
            contact_id=contact.id,
            kind="callback",
            description="We bellen u terug over de vergunning.",
            owner_id=employee_id,
            made_by_id=employee_id,
            made_at=now,
            due_at=now + timedelta(days=2),
        )
        escalation = Escalation(
            service_id=await service_id(session, "DSO"),
            question="Mag de buurman een tweede vergunning?",
            client_id=client.id,
            asked_by_id=employee_id,
            asked_at=now,
            due_at=now + timedelta(days=3),
        )
        person = Representative(name="M. Jansen", organisation="Buurtteam")
        session.add(person)
        await session.flush()
        representative = ClientRepresentative(
            client_id=client.id, representative_id=person.id, relation="buurtwerker", valid_from=date.today()
        )
        session.add_all([commitment, escalation, representative])
        await session.flush()
        return {
            "dossier": dossier.id,
            "contact": contact.id,
            "dossier_contact": dossier_contact.id,
            "commitment": commitment.id,
            "escalation": escalation.id,
            "representative": representative.id,
        }


async def test_merge_moves_every_record_and_keeps_the_old_client_marked(client, db, employee, audit_events):
    agent, headers = await employee("kcc_agent")
    async with db() as session, session.begin():
        existing = await create_client(session, "Fatima El Amrani", bsn="111222333")
        untouched = await create_client(session, "Iemand Anders")
        await create_contact(session, untouched, agent.id)
    created = await create_unidentified(client, headers, name="Fatima (belt zonder BSN)")
    ids = await arrange_records(db, agent.id, created["id"])
    before = len(await audit_events())

    response = await client.post(
        f"/api/v1/clients/{created['id']}/identify", json={"bsn": "111 222 333", "merge": True}, headers=headers
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert (data["id"], data["bsn"], data["name"], data["merged_into_id"]) == (
        existing.id,
        "111222333",
        "Fatima El Amrani",
        None,
    )
    async with db() as session:
        for model, key in (
            (Dossier, "dossier"),
            (Contact, "contact"),
            (Contact, "dossier_contact"),
            (Commitment, "commitment"),
            (Escalation, "escalation"),
            (ClientRepresentative, "representative"),
        ):
            assert (await session.get(model, ids[key])).client_id == existing.id, key
        old = await session.get(Client, created["id"])
        assert (old.kind, old.bsn, old.merged_into_id, old.name) == (
            "unidentified",
            None,
            existing.id,
            "Fatima (belt zonder BSN)",
        )
        assert await session.scalar(select(func.count(Contact.id)).where(Contact.client_id == untouched.id)) == 1
        refs = await session.scalars(select(ExternalReference.record_id).where(ExternalReference.ref == "PV-2026-0042"))
        assert list(refs) == [ids["contact"]]  # the reference hangs on the contact, which moved

    events = (await audit_events())[before:]
    merges = [e for e in events if e.action == "merge"]
    assert sorted((e.object_id, e.client_pseudonym) for e in merges) == sorted(
        [(str(created["id"]), created["pseudonym"]), (str(existing.id), existing.pseudonym)]
    )
    for event in merges:
        assert created["pseudonym"] in event.detail and existing.pseudonym in event.detail
        assert "contacts.client_id=2" in event.detail and "dossiers.client_id=1" in event.detail

    # the merged client is no longer found, and says where it went; it is not identified again
    found = await client.get("/api/v1/clients", params={"q": "Fatima"}, headers=headers)
    assert [c["id"] for c in found.json()] == [existing.id]
    shown = await client.get(f"/api/v1/clients/{created['id']}", headers=headers)
    assert shown.json()["merged_into_id"] == existing.id
    again = await client.post(
        f"/api/v1/clients/{created['id']}/identify", json={"bsn": "111222333", "merge": True}, headers=headers
    )
    assert again.status_code == 422
    timeline = await client.get(f"/api/v1/clients/{existing.id}/timeline", headers=headers)
    assert sum(1 for item in timeline.json()["items"] if item["type"] == "contact") == 2


async def test_merge_true_without_a_clash_just_identifies(client, db, employee, audit_events):
    _, headers = await employee("kcc_agent")
    created = await create_unidentified(client, headers)
    response = await client.post(
        f"/api/v1/clients/{created['id']}/identify", json={"bsn": "123456782", "merge": True}, headers=headers
    )
    assert response.status_code == 200 and response.json()["id"] == created["id"]
    assert not [e for e in await audit_events() if e.action == "merge"]


def test_the_merge_moves_every_table_that_refers_to_a_client() -> None:
    """A table added later that names a client moves with the others; this lists what moves today."""
    import casemgmt.models  # noqa: F401  (every model in the metadata)

    moved = {f"{table.name}.{column.name}" for table, column in client_references()}
    assert {
        "contacts.client_id",
        "dossiers.client_id",
        "commitments.client_id",
        "escalations.client_id",
        "client_representatives.client_id",
    } <= moved
    assert "clients.merged_into_id" not in moved
    assert all(column.references(Client.__table__.c.id) for _, column in client_references())


async def test_merge_answers_with_what_the_actor_may_see_of_the_existing_client(client, db, employee, make_user):
    _, headers = await employee("casemanager")
    async with db() as session, session.begin():
        await create_client(session, "Fatima El Amrani", bsn="111222333")
    created = await create_unidentified(client, headers)
    response = await client.post(
        f"/api/v1/clients/{created['id']}/identify", json={"bsn": "111222333", "merge": True}, headers=headers
    )
    assert response.status_code == 200
    assert response.json()["access"] == "limited" and response.json()["bsn"] is None
    assert await count(db, AuditEvent) > 0


async def test_nothing_new_is_recorded_on_a_merged_client(client, db, employee):
    _, headers = await employee("kcc_agent")
    _, cm_headers = await employee("casemanager")
    async with db() as session, session.begin():
        existing = await create_client(session, "Fatima El Amrani", bsn="111222333")
    created = await create_unidentified(client, headers)
    merged = await client.post(
        f"/api/v1/clients/{created['id']}/identify", json={"bsn": "111222333", "merge": True}, headers=headers
    )
    assert merged.status_code == 200
    contact = {
        "client_id": created["id"],
        "channel": "phone",
        "direction": "in",
        "service": "KCC",
        "outcome": "resolved",
        "topic": "bijstand",
        "transfers": 0,
        "summary": "Vraag beantwoord.",
    }
    refused = await client.post("/api/v1/contacts", json=contact, headers=headers)
    assert refused.status_code == 422 and ("client_id", MERGED_CLIENT) in [
        (e["field"], e["message"]) for e in refused.json()["extra"]
    ]
    representative = {"name": "M. Jansen", "organisation": "Buurtteam", "relation": "buurtwerker"}
    answer = await client.post(f"/api/v1/clients/{created['id']}/representatives", json=representative, headers=headers)
    assert answer.status_code == 422
    dossier = await client.post(
        "/api/v1/dossiers", json={"client_id": created["id"], "subject": "Parkeren"}, headers=cm_headers
    )
    assert dossier.status_code == 422 and "client_id" in [e["field"] for e in dossier.json()["extra"]]
    assert (
        await client.post("/api/v1/contacts", json={**contact, "client_id": existing.id}, headers=headers)
    ).status_code == 201
