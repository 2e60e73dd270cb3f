"""Seed scenarios 6 and 7: the professional (or the client) agreed a callback with a named employee; the KCC sees
that agreement and the employee's direct line in the routing view, and connects the caller at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import create_client, create_dossier
from tests.worlds.personas import login

pytestmark = pytest.mark.anyio


async def test_routing_view_shows_the_agreed_callback_with_the_owners_direct_line(
    client, make_user, make_token, db
) -> None:
    casemanager = await make_user("casemanager", name="Carla Casemanager")
    ocw = await make_user("accountmanager", services=["OCW"], name="Omar Ocw", phone="070 353 6812")
    kcc = await make_user("kcc_agent", services=["KCC"])
    async with db() as session, session.begin():
        person = await create_client(session, name="Wilma Wmo")
        dossier = await create_dossier(session, person, casemanager.id, {"OCW": ocw.id}, subject="WMO-aanvraag")
        ids = (person.id, dossier.id)
    made = await client.post(
        "/api/v1/commitments",
        headers=await make_token(ocw),
        json={
            "client_id": ids[0],
            "dossier_id": ids[1],
            "kind": "callback",
            "description": "Mevrouw mag mij direct terugbellen over de WMO-indicatie.",
            "owner_id": ocw.id,
            "due_at": (datetime.now(UTC) + timedelta(days=2)).isoformat(),
        },
    )
    assert made.status_code == 201, made.text

    routing = (await client.get(f"/api/v1/clients/{ids[0]}/routing", headers=await make_token(kcc))).json()
    [agreement] = routing["commitments"]
    assert agreement["owner"] == {"id": ocw.id, "name": "Omar Ocw", "phone": "070 353 6812"}
    assert agreement["service"] == "OCW"

    await login(client, kcc.email)
    page = await client.get(f"/klanten/{ids[0]}")
    assert "Afspraken met de klant" in page.text
    assert "direct terugbellen over de WMO-indicatie" in page.text
    assert "070 353 6812" in page.text
