"""Handoffs through HTTP: the WMO professional's story (scenario 6), ping-pong between services, who may decide, and
bad input that writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casemgmt.audit.models import AuditEvent
from casemgmt.directory.models import Service
from casemgmt.dossiers.models import DossierAssignment
from casemgmt.handoffs.models import Handoff
from tests.worlds.promises import CONTEXT, audit_events, counts, login_as, move_handoff, snapshot

pytestmark = pytest.mark.anyio


async def request_handoff(client, world, by: str = "szw", **values) -> dict:
    body = {
        "dossier_id": world.dossier_id,
        "to_service": "OCW",
        "reason": "Vraag over de WMO-voorziening hoort bij OCW",
        "context": CONTEXT,
    }
    body.update(values)
    response = await client.post("/api/v1/handoffs", json=body, headers=world.token(by))
    assert response.status_code == 201, response.text
    return response.json()


async def active_accountmanager(db, dossier_id: int, code: str) -> list[tuple[int, bool]]:
    """Every (user, still active) accountmanager assignment of the service on the dossier, oldest first."""
    async with db() as session:
        rows = await session.execute(
            select(DossierAssignment.user_id, DossierAssignment.until)
            .join(Service, Service.id == DossierAssignment.service_id)
            .where(DossierAssignment.dossier_id == dossier_id, Service.code == code)
            .order_by(DossierAssignment.id)
        )
        return [(user_id, until is None) for user_id, until in rows.all()]


async def worklist(client, world, who: str) -> dict:
    response = await client.get("/api/v1/worklist", headers=world.token(who))
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_wmo_professionals_story(client, world, db) -> None:
    """Scenario 6: SZW hands the question to OCW with its context. OCW declines with a reason: the handoff comes back
    on the sender's worklist with that reason. A new handoff, to a named OCW employee, is accepted: the receiver saw
    the context before accepting and becomes OCW's accountmanager on the dossier (the old assignment ended)."""
    # OCW already has someone on the dossier, who will be replaced by the named receiver
    async with db() as session, session.begin():
        ocw_id = (await session.scalars(select(Service.id).where(Service.code == "OCW"))).one()
        from datetime import UTC, datetime

        session.add(
            DossierAssignment(
                dossier_id=world.dossier_id,
                role="accountmanager",
                service_id=ocw_id,
                user_id=world.ocw2.id,
                since=datetime.now(UTC),
            )
        )
    first = await request_handoff(client, world)
    assert first["status"] == "requested"
    assert (first["from_service"], first["to_service"], first["to_employee_id"]) == ("SZW", "OCW", world.ocw2.id)

    # the receiver sees it waiting, with the context note
    waiting = (await worklist(client, world, "ocw2"))["handoffs"]
    assert [(h["id"], h["context"]) for h in waiting] == [(first["id"], CONTEXT)]

    declined = await client.post(
        f"/api/v1/handoffs/{first['id']}/decline",
        json={"reason": "De indicatie loopt via SZW, niet via OCW."},
        headers=world.token("ocw2"),
    )
    assert declined.status_code == 200, declined.text
    assert declined.json()["status"] == "declined"
    back = (await worklist(client, world, "szw"))["handoffs"]
    assert [(h["id"], h["status"], h["decision_reason"]) for h in back] == [
        (first["id"], "declined", "De indicatie loopt via SZW, niet via OCW.")
    ]
    assert (await worklist(client, world, "ocw2"))["handoffs"] == []
    # on the page too, in the list of handoffs that came back
    await login_as(client, world.szw)
    page = await client.get("/werkvoorraad")
    assert page.status_code == 200
    assert "Teruggekomen (geweigerd)" in page.text
    assert "De indicatie loopt via SZW, niet via OCW." in page.text

    second = await request_handoff(client, world, to_employee_id=world.ocw.id, reason="Toch OCW: de WMO-aanvraag")
    assert second["to_employee_id"] == world.ocw.id
    await login_as(client, world.ocw)
    page = await client.get("/werkvoorraad")
    assert CONTEXT in page.text and f"/overdrachten/{second['id']}/accepteren" in page.text
    assert [h["context"] for h in (await worklist(client, world, "ocw"))["handoffs"]] == [CONTEXT]
    # the other OCW accountmanager cannot take a handoff addressed to a named colleague
    assert (await worklist(client, world, "ocw2"))["handoffs"] == []

    accepted = await client.post(f"/api/v1/handoffs/{second['id']}/accept", headers=world.token("ocw"))
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted" and accepted.json()["decided_at"] is not None
    assert await active_accountmanager(db, world.dossier_id, "OCW") == [(world.ocw2.id, False), (world.ocw.id, True)]
    async with db() as session:
        ended = (
            await session.scalars(select(DossierAssignment).where(DossierAssignment.user_id == world.ocw2.id))
        ).one()
    assert ended.ended_by_id == world.ocw.id and str(second["id"]) in ended.end_reason
    # the dossier is now on the receiver's worklist, no longer waiting
    receiver = await worklist(client, world, "ocw")
    assert receiver["handoffs"] == []
    assert [d["id"] for d in receiver["dossiers"]] == [world.dossier_id]
    events = await audit_events(db, AuditEvent.object_type == "handoff")
    assert [(e.action, e.detail, e.client_pseudonym) for e in events] == [
        ("create", "", world.pseudonym),
        ("update", "decline", world.pseudonym),
        ("create", "", world.pseudonym),
        ("update", "accept", world.pseudonym),
    ]


async def test_a_handoff_to_the_service_queue_is_taken_by_whoever_accepts(client, world, db) -> None:
    handoff = await request_handoff(client, world)
    assert handoff["to_employee_id"] is None
    for who in ("ocw", "ocw2"):
        assert [h["id"] for h in (await worklist(client, world, who))["handoffs"]] == [handoff["id"]]
    accepted = await client.post(f"/api/v1/handoffs/{handoff['id']}/accept", headers=world.token("ocw2"))
    assert accepted.status_code == 200 and accepted.json()["to_employee_id"] == world.ocw2.id
    assert await active_accountmanager(db, world.dossier_id, "OCW") == [(world.ocw2.id, True)]


async def test_the_sender_cancels_a_request(client, world, db) -> None:
    handoff = await request_handoff(client, world)
    refused = await client.post(f"/api/v1/handoffs/{handoff['id']}/cancel", headers=world.token("ocw"))
    assert refused.status_code == 403
    cancelled = await client.post(f"/api/v1/handoffs/{handoff['id']}/cancel", headers=world.token("szw"))
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert (await worklist(client, world, "ocw"))["handoffs"] == []
    again = await client.post(f"/api/v1/handoffs/{handoff['id']}/accept", headers=world.token("ocw"))
    assert again.status_code == 409


# -- ping-pong -----------------------------------------------------------------------------------------------------


async def dossier_on_worklist(client, world, who: str = "cm") -> dict:
    dossiers = {d["id"]: d for d in (await worklist(client, world, who))["dossiers"]}
    return dossiers[world.dossier_id]


async def test_ping_pong_within_30_days_flags_the_dossier_and_later_not(client, world, db) -> None:
    """SZW → DSO → SZW within 30 days is ping-pong; with the first handoff 31 days back it is not."""
    first = await request_handoff(client, world, to_service="DSO")
    assert (await client.post(f"/api/v1/handoffs/{first['id']}/accept", headers=world.token("dso"))).status_code == 200
    flagged = await dossier_on_worklist(client, world)
    assert flagged["handoff_count"] == 1 and "ping_pong" not in flagged["signals"]

    second = await request_handoff(client, world, by="dso", to_service="SZW", reason="Toch een SZW-vraag")
    assert (second["from_service"], second["to_service"], second["to_employee_id"]) == ("DSO", "SZW", world.szw.id)
    flagged = await dossier_on_worklist(client, world)
    assert flagged["handoff_count"] == 2
    assert flagged["ping_pong"] is True and "ping_pong" in flagged["signals"]
    # the accountmanagers on the dossier see the same flag
    assert "ping_pong" in (await dossier_on_worklist(client, world, "szw"))["signals"]
    await login_as(client, world.cm)
    page = await client.get("/werkvoorraad/dossiers", headers={"hx-request": "true"})
    assert "Pingpong tussen diensten" in page.text

    await move_handoff(db, first["id"], days=31)
    later = await dossier_on_worklist(client, world)
    assert later["handoff_count"] == 2
    assert later["ping_pong"] is False and "ping_pong" not in later["signals"]


async def test_a_declined_handoff_back_is_no_ping_pong(client, world) -> None:
    first = await request_handoff(client, world, to_service="DSO")
    await client.post(f"/api/v1/handoffs/{first['id']}/accept", headers=world.token("dso"))
    second = await request_handoff(client, world, by="dso", to_service="SZW", reason="Toch een SZW-vraag")
    declined = await client.post(
        f"/api/v1/handoffs/{second['id']}/decline", json={"reason": "Blijft bij DSO"}, headers=world.token("szw")
    )
    assert declined.status_code == 200
    figures = await dossier_on_worklist(client, world)
    assert figures["handoff_count"] == 1 and "ping_pong" not in figures["signals"]


async def test_three_handoffs_raise_many_handoffs(client, world) -> None:
    first = await request_handoff(client, world, to_service="DSO")
    await client.post(f"/api/v1/handoffs/{first['id']}/accept", headers=world.token("dso"))
    second = await request_handoff(client, world, by="dso", to_service="OCW", reason="Naar OCW")
    await client.post(f"/api/v1/handoffs/{second['id']}/accept", headers=world.token("ocw"))
    await request_handoff(client, world, by="ocw", to_service="DPZ", reason="Naar DPZ")
    figures = await dossier_on_worklist(client, world)
    assert figures["handoff_count"] == 3 and "many_handoffs" in figures["signals"]


# -- bad input and refusals write nothing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"context": ""}, "context"),
        ({"context": "Te kort om iets te zeggen."}, "context"),
        ({"reason": " "}, "reason"),
        ({"to_service": "XYZ"}, "to_service"),
        ({"to_service": "SZW"}, "to_service"),
        ({"to_service": "OCW", "to_employee_id": "dso"}, "to_employee_id"),
        ({"context": "x" * 4001}, "context"),
        ({"reason": "x" * 501}, "reason"),
    ],
)
async def test_bad_handoffs_are_422_and_write_nothing(client, world, db, values, field) -> None:
    if values.get("to_employee_id") == "dso":
        values = {**values, "to_employee_id": world.dso.id}
    before = await counts(db)
    body = {"dossier_id": world.dossier_id, "to_service": "OCW", "reason": "Naar OCW", "context": CONTEXT}
    body.update(values)
    response = await client.post("/api/v1/handoffs", json=body, headers=world.token("szw"))
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["extra"]]
    assert await counts(db) == before


async def test_the_4_5_mb_context_is_refused_before_it_is_read(client, world, db) -> None:
    """The 4.5 MB that once made the dossier page 18 MB: beyond the 2 MB body bound, 413, nothing written."""
    before = await counts(db)
    body = {"dossier_id": world.dossier_id, "to_service": "OCW", "reason": "Naar OCW", "context": "x" * 4_500_000}
    response = await client.post("/api/v1/handoffs", json=body, headers=world.token("szw"))
    assert response.status_code == 413 and "kleiner" in response.json()["detail"]
    assert await counts(db) == before


async def test_a_handoff_to_the_service_that_holds_the_question_is_422(client, world, db) -> None:
    first = await request_handoff(client, world, to_service="DSO")
    await client.post(f"/api/v1/handoffs/{first['id']}/accept", headers=world.token("dso"))
    before = await counts(db)
    response = await client.post(
        "/api/v1/handoffs",
        json={"dossier_id": world.dossier_id, "to_service": "DSO", "reason": "Nog eens", "context": CONTEXT},
        headers=world.token("cm"),
    )
    assert response.status_code == 422 and response.json()["extra"][0]["field"] == "to_service"
    assert await counts(db) == before


async def test_only_current_caseworkers_hand_a_dossier_off(client, world, db) -> None:
    before = await counts(db)
    for who in ("other_cm", "ocw", "kcc"):
        response = await client.post(
            "/api/v1/handoffs",
            json={"dossier_id": world.dossier_id, "to_service": "OCW", "reason": "Naar OCW", "context": CONTEXT},
            headers=world.token(who),
        )
        assert response.status_code == 403, (who, response.text)
    assert await counts(db) == before


@pytest.mark.parametrize("who", ["ocw2", "dso", "other_cm", "kcc", "cm"])
async def test_accepting_or_declining_a_handoff_not_addressed_to_you_is_403(client, world, db, who) -> None:
    handoff = await request_handoff(client, world, to_employee_id=world.ocw.id)
    before, row = await counts(db), await snapshot(db, Handoff, handoff["id"])
    accept = await client.post(f"/api/v1/handoffs/{handoff['id']}/accept", headers=world.token(who))
    assert accept.status_code == 403, accept.text
    decline = await client.post(
        f"/api/v1/handoffs/{handoff['id']}/decline", json={"reason": "Niet voor ons"}, headers=world.token(who)
    )
    assert decline.status_code == 403
    assert await counts(db) == before
    assert await snapshot(db, Handoff, handoff["id"]) == row


async def test_a_service_queue_handoff_is_not_for_other_services(client, world, db) -> None:
    handoff = await request_handoff(client, world)
    before = await counts(db)
    response = await client.post(f"/api/v1/handoffs/{handoff['id']}/accept", headers=world.token("dso"))
    assert response.status_code == 403
    assert await counts(db) == before


async def test_declining_without_reason_or_deciding_twice_writes_nothing(client, world, db) -> None:
    handoff = await request_handoff(client, world)
    before, row = await counts(db), await snapshot(db, Handoff, handoff["id"])
    response = await client.post(f"/api/v1/handoffs/{handoff['id']}/decline", json={}, headers=world.token("ocw"))
    assert response.status_code == 422 and response.json()["extra"][0]["field"] == "reason"
    assert await counts(db) == before and await snapshot(db, Handoff, handoff["id"]) == row
    assert (
        await client.post(f"/api/v1/handoffs/{handoff['id']}/accept", headers=world.token("ocw"))
    ).status_code == 200
    before, row = await counts(db), await snapshot(db, Handoff, handoff["id"])
    for action, body in (("accept", None), ("decline", {"reason": "Toch niet"})):
        response = await client.post(
            f"/api/v1/handoffs/{handoff['id']}/{action}", json=body, headers=world.token("ocw")
        )
        assert response.status_code == 409, response.text
    assert await counts(db) == before and await snapshot(db, Handoff, handoff["id"]) == row


async def test_unknown_dossier_or_handoff_is_404(client, world) -> None:
    response = await client.post(
        "/api/v1/handoffs",
        json={"dossier_id": 999_999, "to_service": "OCW", "reason": "x", "context": CONTEXT},
        headers=world.token("szw"),
    )
    assert response.status_code == 404
    assert (await client.post("/api/v1/handoffs/999999/accept", headers=world.token("ocw"))).status_code == 404


async def test_accepting_makes_a_new_version_of_the_dossier_and_audits_the_assignment(client, world, db) -> None:
    """The receiver's assignment goes through the one writer of assignments: the dossier gets a new version (a
    form showing the old assignments is stale) and the change of accountmanager is an audit event of the dossier."""
    before = await client.get(f"/api/v1/dossiers/{world.dossier_id}", headers=world.token("szw"))
    handoff = await request_handoff(client, world)
    accepted = await client.post(f"/api/v1/handoffs/{handoff['id']}/accept", headers=world.token("ocw2"))
    assert accepted.status_code == 200
    after = await client.get(f"/api/v1/dossiers/{world.dossier_id}", headers=world.token("szw"))
    assert after.json()["version"] == before.json()["version"] + 1
    stale = await client.patch(
        f"/api/v1/dossiers/{world.dossier_id}",
        json={"version": before.json()["version"], "subject": "Ander onderwerp"},
        headers=world.token("szw"),
    )
    assert stale.status_code == 409
    events = await audit_events(db, AuditEvent.object_type == "dossier", AuditEvent.action == "update")
    assert [e.detail for e in events][-1:] == [f"accountmanager OCW → {world.ocw2.name}"]
