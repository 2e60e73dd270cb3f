"""Change-caused notifications (issue 14), written in the transaction of the change by the concepts' services: the
right kind for the right people, never for whoever made the change, never with the client's name or BSN."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casemgmt.clients.models import Client
from casemgmt.notifications.models import Notification, NotificationPreference
from tests.notifications.helpers import notifications, received
from tests.worlds.promises import CONTEXT, World, in_days, make_commitment

pytestmark = pytest.mark.anyio


async def escalate(client, world: World, by: str = "kcc", **values) -> dict:  # type: ignore[no-untyped-def]
    body = {"service": "SZW", "question": "Waarom is de bijstand van Jan de Vries niet betaald?", **values}
    response = await client.post("/api/v1/escalations", json=body, headers=world.token(by))
    assert response.status_code == 201, response.text
    return response.json()


async def log_contact(client, world: World, by: str) -> dict:  # type: ignore[no-untyped-def]
    body = {
        "client_id": world.client_id,
        "dossier_id": world.dossier_id,
        "channel": "phone",
        "direction": "out",
        "service": "KCC" if by == "kcc" else ("SZW" if by == "szw" else "DSO"),
        "outcome": "resolved",
        "transfers": 0,
        "summary": "Jan de Vries gebeld over de parkeerplaats.",
    }
    response = await client.post("/api/v1/contacts", json=body, headers=world.token(by))
    assert response.status_code == 201, response.text
    return response.json()


async def no_personal_data(db, world: World) -> None:  # type: ignore[no-untyped-def]
    async with db() as session:
        jan = await session.get(Client, world.client_id)
    assert jan is not None
    for n in await notifications(db):
        assert jan.name not in n.text and (not jan.bsn or jan.bsn not in n.text), n.text


async def test_a_promise_made_for_someone_else_tells_them_and_not_the_maker(client, db, world) -> None:
    made = await make_commitment(client, world, by="dso", owner_id=world.cm.id)
    got = await received(db)
    assert set(got) == {world.cm.id}
    (n,) = got[world.cm.id]
    assert (n.kind, n.object_type, n.object_id, n.dossier_id, n.dossier_ref) == (
        "commitment_assigned", "commitment", made["id"], world.dossier_id, world.dossier_ref,
    )  # fmt: skip
    assert n.read_at is None and n.key is None and world.dossier_ref in n.text and "uiterlijk" in n.text
    # a promise of one's own makes no notification
    await make_commitment(client, world, by="dso", owner_id=world.dso.id)
    assert len(await notifications(db)) == 1
    await no_personal_data(db, world)


async def test_a_team_promise_tells_the_teams_employees(client, db, world) -> None:
    await make_commitment(client, world, by="cm", owner_id=None, owner_service="SZW")
    got = await received(db, "commitment_assigned")
    assert set(got) == {world.szw.id}
    assert "uw dienst SZW" in got[world.szw.id][0].text


async def test_reassigning_tells_the_new_owner(client, db, world) -> None:
    made = await make_commitment(client, world, by="dso", owner_id=world.dso.id)
    response = await client.post(
        f"/api/v1/commitments/{made['id']}/reassign",
        json={"owner_id": world.ocw.id, "reason": "OCW neemt het over"},
        headers=world.token("dso"),
    )
    assert response.status_code == 200, response.text
    assert set(await received(db, "commitment_assigned")) == {world.ocw.id}


async def test_an_escalation_goes_to_the_dossiers_accountmanager_or_the_services_accountmanagers(
    client, db, world
) -> None:
    on_dossier = await escalate(client, world, dossier_id=world.dossier_id)
    assert set(await received(db, "escalation_assigned")) == {world.szw.id}  # the dossier's SZW accountmanager
    to_team = await escalate(client, world, service="OCW")
    got = await received(db, "escalation_assigned")
    assert {n.object_id: n.user_id for ns in got.values() for n in ns if n.object_id == to_team["id"]} != {}
    assert {uid for uid, ns in got.items() if any(n.object_id == to_team["id"] for n in ns)} == {
        world.ocw.id,
        world.ocw2.id,
    }
    assert world.kcc.id not in got
    assert on_dossier["id"] != to_team["id"]
    await no_personal_data(db, world)


async def test_an_answer_tells_the_asker(client, db, world) -> None:
    asked = await escalate(client, world, service="OCW")
    response = await client.post(
        f"/api/v1/escalations/{asked['id']}/answer", json={"answer": "Betaald op vrijdag."}, headers=world.token("ocw")
    )
    assert response.status_code == 200, response.text
    got = await received(db, "escalation_answered")
    assert set(got) == {world.kcc.id}
    n = got[world.kcc.id][0]
    assert (n.object_type, n.object_id, n.text) == ("escalation", asked["id"], "Uw escalatie is beantwoord.")


async def test_handoffs_tell_the_receiver_then_the_requester(client, db, world) -> None:
    body = {"dossier_id": world.dossier_id, "to_service": "OCW", "reason": "Hoort bij OCW", "context": CONTEXT}
    response = await client.post("/api/v1/handoffs", json=body, headers=world.token("szw"))
    assert response.status_code == 201, response.text
    first = response.json()
    assert set(await received(db, "handoff_requested")) == {world.ocw.id, world.ocw2.id}  # no OCW accountmanager yet
    accepted = await client.post(f"/api/v1/handoffs/{first['id']}/accept", headers=world.token("ocw"))
    assert accepted.status_code == 200, accepted.text
    got = await received(db, "handoff_accepted")
    assert set(got) == {world.szw.id} and got[world.szw.id][0].dossier_ref == world.dossier_ref
    # now OCW has an accountmanager on the dossier: a second handoff goes to her alone, and is declined
    body = {**body, "to_service": "DSO", "reason": "Terug naar DSO"}
    response = await client.post("/api/v1/handoffs", json=body, headers=world.token("ocw"))
    assert response.status_code == 201, response.text
    second = response.json()
    assert {n.user_id for n in await notifications(db, Notification.object_id == second["id"])} == {world.dso.id}
    declined = await client.post(
        f"/api/v1/handoffs/{second['id']}/decline", json={"reason": "Blijft bij OCW"}, headers=world.token("dso")
    )
    assert declined.status_code == 200, declined.text
    assert set(await received(db, "handoff_declined")) == {world.ocw.id}


async def test_a_contact_on_a_dossier_tells_its_people_but_not_who_logged_it(client, db, world) -> None:
    made = await log_contact(client, world, by="kcc")
    got = await received(db, "dossier_contact")
    assert set(got) == {world.cm.id, world.szw.id, world.dso.id}
    assert all(ns[0].object_id == made["id"] and ns[0].dossier_id == world.dossier_id for ns in got.values())
    await log_contact(client, world, by="szw")
    got = await received(db, "dossier_contact")
    assert {uid: len(ns) for uid, ns in got.items()} == {world.cm.id: 2, world.szw.id: 1, world.dso.id: 2}
    await no_personal_data(db, world)


async def test_a_kind_switched_off_is_not_written(client, db, world) -> None:
    response = await client.put(
        "/api/v1/me/notification-settings", json={"settings": {"dossier_contact": "off"}}, headers=world.token("cm")
    )
    assert response.status_code == 200, response.text
    await log_contact(client, world, by="kcc")
    assert set(await received(db, "dossier_contact")) == {world.szw.id, world.dso.id}


async def test_a_refused_change_writes_no_notification(client, db, world) -> None:
    body = {"dossier_id": world.dossier_id, "to_service": "", "reason": "", "context": ""}
    assert (await client.post("/api/v1/handoffs", json=body, headers=world.token("szw"))).status_code == 422
    bad = {"client_id": world.client_id, "kind": "callback", "description": "x", "owner_id": world.evaluator.id}
    bad["due_at"] = in_days(1)
    assert (await client.post("/api/v1/commitments", json=bad, headers=world.token("cm"))).status_code == 422
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(Notification)) == 0
        assert await session.scalar(select(func.count()).select_from(NotificationPreference)) == 0


async def test_a_team_callback_promised_on_a_contact_tells_the_team(client, db, world) -> None:
    body = {
        "client_id": world.client_id,
        "channel": "phone",
        "direction": "out",
        "service": "KCC",
        "outcome": "callback_promised",
        "transfers": 0,
        "summary": "Teruggebeld; SZW belt morgen terug.",
        "commitment": {"description": "Iemand van SZW belt u morgen terug.", "owner_service": "SZW"},
    }
    response = await client.post("/api/v1/contacts", json=body, headers=world.token("kcc"))
    assert response.status_code == 201, response.text
    got = await received(db, "commitment_assigned")
    assert set(got) == {world.szw.id}
    (n,) = got[world.szw.id]
    assert n.object_id == response.json()["commitment_id"] and "uw dienst SZW" in n.text
    await no_personal_data(db, world)


async def test_notify_returns_each_recipients_delivery(db, world) -> None:
    """What the e-mail half connects to: ``notify`` says who wants it by e-mail at once."""
    from casemgmt.notifications import services
    from casemgmt.notifications.rules import Delivery, Kind

    async with db() as session, session.begin():
        session.add(NotificationPreference(user_id=world.ocw2.id, kind="escalation_assigned", delivery="app"))
        await session.flush()
        ocw = await session.scalar(select(Client.id).limit(1))  # any row id will do for the object
        about = services.About("escalation", ocw or 1)
        written = await services.notify(
            session, Kind.ESCALATION_ASSIGNED, about, services=[await _service_id(session, "OCW")]
        )
    assert {(w.user_id, w.delivery) for w in written} == {(world.ocw.id, Delivery.EMAIL), (world.ocw2.id, Delivery.APP)}
    assert all(w.row["text"].startswith("Een escalatie wacht op antwoord van uw dienst OCW") for w in written)


async def _service_id(session, code: str) -> int:  # type: ignore[no-untyped-def]
    from casemgmt.directory.models import Service

    found = await session.scalar(select(Service.id).where(Service.code == code))
    assert found is not None
    return int(found)
