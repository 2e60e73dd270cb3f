"""The commitment API through HTTP: making, keeping, missing, cancelling and reassigning promises; bad input writes
nothing; the list filters; every read and change is audited with the client's pseudonym."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from casemgmt.audit.models import AuditEvent
from casemgmt.clients.models import Client
from casemgmt.commitments.models import Commitment, CommitmentOwnerChange
from casemgmt.directory.calendar import add_business_days
from tests.factories import create_client, create_contact
from tests.worlds.promises import (
    audit_events,
    counts,
    in_days,
    make_commitment,
    make_overdue,
    snapshot,
)

pytestmark = pytest.mark.anyio


def parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00"))


async def test_a_commitment_is_made_with_owner_maker_and_due_moment(client, world) -> None:
    due = in_days(3)
    body = await make_commitment(client, world, by="kcc", kind="information", due_at=due, owner_id=world.dso.id)
    assert body["kind"] == "information"
    assert body["description"] == "Ik bel u morgen terug over de parkeerplaats."
    assert body["owner_id"] == world.dso.id and body["made_by_id"] == world.kcc.id
    assert body["status"] == "open" and body["overdue"] is False
    assert body["kept_on_time"] is None and body["closed_at"] is None
    assert parse(body["due_at"]) == parse(due)
    assert abs(parse(body["made_at"]) - datetime.now(UTC)) < timedelta(minutes=1)
    # the service defaults to the owner's
    listed = await client.get("/api/v1/commitments", params={"service": "DSO"}, headers=world.token("kcc"))
    assert [c["id"] for c in listed.json()["items"]] == [body["id"]]


async def test_a_callback_without_due_moment_is_due_in_the_services_callback_term(client, world) -> None:
    response = await client.post(
        "/api/v1/commitments",
        json={"client_id": world.client_id, "kind": "callback", "description": "Terugbellen", "owner_id": world.szw.id},
        headers=world.token("kcc"),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert parse(body["due_at"]) == add_business_days(parse(body["made_at"]), 2)


async def test_fulfilled_on_time_and_late(client, world, db) -> None:
    on_time = await make_commitment(client, world)
    late = await make_commitment(client, world)
    await make_overdue(db, late["id"])
    listed = await client.get("/api/v1/commitments", params={"state": "overdue"}, headers=world.token("dso"))
    assert [c["id"] for c in listed.json()["items"]] == [late["id"]]
    assert listed.json()["items"][0]["overdue"] is True

    kept = await client.post(
        f"/api/v1/commitments/{on_time['id']}/fulfil", json={"note": "Gebeld."}, headers=world.token("dso")
    )
    assert kept.status_code == 200, kept.text
    assert kept.json()["status"] == "fulfilled" and kept.json()["kept_on_time"] is True
    assert kept.json()["closed_at"] is not None and kept.json()["overdue"] is False

    async with db() as session, session.begin():
        contact = await create_contact(
            session, await session.get(Client, world.client_id), world.dso.id, service="DSO", outcome="resolved"
        )
        contact_id = contact.id
    fulfilled_late = await client.post(
        f"/api/v1/commitments/{late['id']}/fulfil", json={"contact_id": contact_id}, headers=world.token("dso")
    )
    assert fulfilled_late.status_code == 200, fulfilled_late.text
    body = fulfilled_late.json()
    assert body["status"] == "fulfilled" and body["kept_on_time"] is False
    assert body["fulfilling_contact_id"] == contact_id
    states = await client.get("/api/v1/commitments", params={"state": "fulfilled"}, headers=world.token("dso"))
    assert sorted(c["id"] for c in states.json()["items"]) == sorted([on_time["id"], late["id"]])


async def test_missed_and_cancelled_commitments_close_with_their_note(client, world) -> None:
    missed = await make_commitment(client, world)
    cancelled = await make_commitment(client, world)
    response = await client.post(
        f"/api/v1/commitments/{missed['id']}/miss",
        json={"note": "Wegwerkzaamheden zijn al begonnen."},
        headers=world.token("dso"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "missed" and response.json()["kept_on_time"] is False
    assert response.json()["note"] == "Wegwerkzaamheden zijn al begonnen."
    response = await client.post(
        f"/api/v1/commitments/{cancelled['id']}/cancel",
        json={"reason": "Klant heeft zelf al gebeld."},
        headers=world.token("cm"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "cancelled" and response.json()["kept_on_time"] is None
    for state, expected in (("missed", missed["id"]), ("cancelled", cancelled["id"])):
        listed = await client.get("/api/v1/commitments", params={"state": state}, headers=world.token("dso"))
        assert [c["id"] for c in listed.json()["items"]] == [expected]
    assert (await client.get("/api/v1/commitments?state=open", headers=world.token("dso"))).json()["items"] == []


async def test_reassigning_keeps_the_history_and_needs_a_reason(client, world, db) -> None:
    made = await make_commitment(client, world)
    before = await counts(db)
    refused = await client.post(
        f"/api/v1/commitments/{made['id']}/reassign", json={"owner_id": world.szw.id}, headers=world.token("dso")
    )
    assert refused.status_code == 422
    assert refused.json()["extra"][0]["field"] == "reason"
    assert await counts(db) == before
    response = await client.post(
        f"/api/v1/commitments/{made['id']}/reassign",
        json={"owner_id": world.szw.id, "reason": "Sanne neemt het terugbellen over."},
        headers=world.token("dso"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["owner_id"] == world.szw.id and response.json()["status"] == "open"
    async with db() as session:
        change = (await session.scalars(select(CommitmentOwnerChange))).one()
    assert (change.from_owner_id, change.to_owner_id, change.changed_by_id) == (
        world.dso.id,
        world.szw.id,
        world.dso.id,
    )
    assert change.reason == "Sanne neemt het terugbellen over."
    mine = await client.get("/api/v1/commitments", params={"owner_id": world.szw.id}, headers=world.token("szw"))
    assert [c["id"] for c in mine.json()["items"]] == [made["id"]]


async def test_list_filters(client, world, db) -> None:
    callback = await make_commitment(client, world)
    info = await make_commitment(client, world, kind="information", owner_id=world.szw.id)
    async with db() as session, session.begin():
        other = await create_client(session, name="Piet Anders")
        other_id = other.id
    loose = await make_commitment(client, world, by="kcc", client_id=other_id, dossier_id=None, owner_id=world.ocw.id)
    headers = world.token("admin")

    async def ids(**params: object) -> list[int]:
        response = await client.get("/api/v1/commitments", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return sorted(c["id"] for c in response.json()["items"])

    assert await ids() == sorted([callback["id"], info["id"], loose["id"]])
    assert await ids(owner_id=world.szw.id) == [info["id"]]
    assert await ids(dossier_id=world.dossier_id) == sorted([callback["id"], info["id"]])
    assert await ids(service="ocw") == [loose["id"]]
    assert await ids(kind="information") == [info["id"]]
    assert await ids(state="overdue") == []
    bad = await client.get("/api/v1/commitments", params={"state": "kwijt"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["extra"][0]["field"] == "state"
    assert (await client.get("/api/v1/commitments", params={"kind": "x"}, headers=headers)).status_code == 422


async def test_an_uninvolved_casemanager_neither_sees_nor_changes_someone_elses_commitment(client, world, db) -> None:
    made = await make_commitment(client, world)
    before = await counts(db)
    row = await snapshot(db, Commitment, made["id"])
    headers = world.token("other_cm")
    for action, body in (
        ("fulfil", {"note": "Gebeld"}),
        ("miss", {"note": "Kan niet"}),
        ("cancel", {"reason": "Niet nodig"}),
        ("reassign", {"owner_id": world.other_cm.id, "reason": "Ik neem het over"}),
    ):
        response = await client.post(f"/api/v1/commitments/{made['id']}/{action}", json=body, headers=headers)
        assert response.status_code == 403, (action, response.text)
    assert (await client.get("/api/v1/commitments", headers=headers)).json()["items"] == []
    assert await snapshot(db, Commitment, made["id"]) == row
    assert await counts(db) == before
    # nor may they promise something on a dossier they are not involved in
    refused = await client.post(
        "/api/v1/commitments",
        json={
            "client_id": world.client_id,
            "dossier_id": world.dossier_id,
            "kind": "callback",
            "description": "Ik bel terug",
            "owner_id": world.other_cm.id,
        },
        headers=headers,
    )
    assert refused.status_code == 403
    assert await counts(db) == before


# -- bad input writes nothing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"due_at": "2020-01-01T10:00:00+01:00"}, "due_at"),
        ({"kind": "belofte"}, "kind"),
        ({"description": "   "}, "description"),
        ({"kind": "action", "due_at": None}, "due_at"),
        ({"owner_id": 999_999}, "owner_id"),
        ({"client_id": 999_999, "dossier_id": None}, "client_id"),
    ],
)
async def test_bad_commitments_are_refused_with_422_and_nothing_written(client, world, db, values, field) -> None:
    body = {
        "client_id": world.client_id,
        "dossier_id": world.dossier_id,
        "kind": "callback",
        "description": "Ik bel u terug.",
        "owner_id": world.dso.id,
        "due_at": in_days(1),
    }
    body.update(values)
    before = await counts(db)
    response = await client.post("/api/v1/commitments", json=body, headers=world.token("dso"))
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["extra"]]
    assert await counts(db) == before


async def test_the_owner_must_be_an_active_employee(client, world, db) -> None:
    before = await counts(db)
    response = await client.post(
        "/api/v1/commitments",
        json={
            "client_id": world.client_id,
            "kind": "callback",
            "description": "Ik bel u terug.",
            "owner_id": world.evaluator.id,
        },
        headers=world.token("kcc"),
    )
    assert response.status_code == 422 and response.json()["extra"][0]["field"] == "owner_id"
    assert await counts(db) == before


async def test_a_dossier_of_another_client_is_refused(client, world, db) -> None:
    async with db() as session, session.begin():
        other_id = (await create_client(session, name="Piet Anders")).id
    before = await counts(db)
    response = await client.post(
        "/api/v1/commitments",
        json={
            "client_id": other_id,
            "dossier_id": world.dossier_id,
            "kind": "callback",
            "description": "Ik bel u terug.",
            "owner_id": world.dso.id,
        },
        headers=world.token("dso"),
    )
    assert response.status_code == 422 and response.json()["extra"][0]["field"] == "dossier_id"
    assert await counts(db) == before


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("cancel", {}, "reason"),
        ("cancel", {"reason": "  "}, "reason"),
        ("miss", {}, "note"),
        ("miss", {"note": " "}, "note"),
        ("fulfil", {}, "note"),
    ],
)
async def test_closing_without_reason_or_note_is_422_and_writes_nothing(client, world, db, action, body, field) -> None:
    made = await make_commitment(client, world)
    before, row = await counts(db), await snapshot(db, Commitment, made["id"])
    response = await client.post(f"/api/v1/commitments/{made['id']}/{action}", json=body, headers=world.token("dso"))
    assert response.status_code == 422, response.text
    assert response.json()["extra"][0]["field"] == field
    assert await counts(db) == before
    assert await snapshot(db, Commitment, made["id"]) == row


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("fulfil", {"note": "Nogmaals gebeld"}),
        ("miss", {"note": "Toch niet"}),
        ("cancel", {"reason": "Toch niet"}),
        ("reassign", {"owner_id": 0, "reason": "Over"}),
    ],
)
async def test_acting_on_a_closed_commitment_is_409_and_writes_nothing(client, world, db, action, body) -> None:
    made = await make_commitment(client, world)
    closed = await client.post(
        f"/api/v1/commitments/{made['id']}/fulfil", json={"note": "Gebeld."}, headers=world.token("dso")
    )
    assert closed.status_code == 200
    if action == "reassign":
        body = {**body, "owner_id": world.szw.id}
    before, row = await counts(db), await snapshot(db, Commitment, made["id"])
    response = await client.post(f"/api/v1/commitments/{made['id']}/{action}", json=body, headers=world.token("dso"))
    assert response.status_code == 409, response.text
    assert "al afgesloten" in response.json()["detail"]
    assert await counts(db) == before
    assert await snapshot(db, Commitment, made["id"]) == row


async def test_unknown_commitment_is_404(client, world) -> None:
    response = await client.post("/api/v1/commitments/999999/fulfil", json={"note": "x"}, headers=world.token("dso"))
    assert response.status_code == 404


async def test_a_contact_of_another_client_cannot_fulfil(client, world, db) -> None:
    made = await make_commitment(client, world)
    async with db() as session, session.begin():
        other = await create_client(session, name="Piet Anders")
        contact_id = (await create_contact(session, other, world.dso.id)).id
    before = await counts(db)
    response = await client.post(
        f"/api/v1/commitments/{made['id']}/fulfil", json={"contact_id": contact_id}, headers=world.token("dso")
    )
    assert response.status_code == 422 and response.json()["extra"][0]["field"] == "contact_id"
    assert await counts(db) == before


# -- audit ---------------------------------------------------------------------------------------------------------


async def test_making_fulfilling_and_listing_are_audited_with_the_pseudonym(client, world, db) -> None:
    made = await make_commitment(client, world)
    await client.post(f"/api/v1/commitments/{made['id']}/fulfil", json={"note": "Gebeld"}, headers=world.token("dso"))
    await client.get("/api/v1/commitments", headers=world.token("kcc"))
    events = await audit_events(db, AuditEvent.object_type.in_(["commitment", "commitment_list"]))
    summary = [(e.action, e.object_type, e.object_id, e.actor_id, e.client_pseudonym) for e in events]
    assert summary == [
        ("create", "commitment", str(made["id"]), world.dso.id, world.pseudonym),
        ("update", "commitment", str(made["id"]), world.dso.id, world.pseudonym),
        ("read", "commitment_list", "", world.kcc.id, world.pseudonym),
    ]
    assert events[1].detail == "fulfil"
    assert events[2].purpose == "klantcontact"


async def test_a_stranger_naming_a_contact_still_gets_403(client, world, db) -> None:
    made = await make_commitment(client, world)
    async with db() as session, session.begin():
        contact_id = (await create_contact(session, await session.get(Client, world.client_id), world.kcc.id)).id
    response = await client.post(
        f"/api/v1/commitments/{made['id']}/fulfil", json={"contact_id": contact_id}, headers=world.token("other_cm")
    )
    assert response.status_code == 403
    missing = await client.post(
        "/api/v1/commitments/999999/fulfil", json={"contact_id": contact_id}, headers=world.token("dso")
    )
    assert missing.status_code == 404
