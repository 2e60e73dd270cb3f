"""The dossier and its promises (issue 4): signals on the dossier, closing refused while promises are open,
commitments and handoffs made from the dossier page, and every promise on the one timeline.

The parking-space story (seed scenario 9): a supervisor promises twice to call back and never does.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from casemgmt.commitments.models import Commitment
from casemgmt.dossiers.models import Dossier
from casemgmt.handoffs.models import Handoff
from tests.worlds.casework import login_as, promise_callback
from tests.worlds.personas import csrf_token

pytestmark = pytest.mark.anyio


async def _let_time_pass(db, *ids: int) -> None:  # type: ignore[no-untyped-def]
    async with db() as session, session.begin():
        await session.execute(
            update(Commitment)
            .where(Commitment.id.in_(ids))
            .values(due_at=datetime.now(UTC) - timedelta(days=3), first_due_at=datetime.now(UTC) - timedelta(days=3))
        )


async def test_parking_space_story_overdue_callbacks_flag_the_dossier_and_block_closing(client, world, db) -> None:
    first = await promise_callback(client, world, "Ik bel u morgen terug over de parkeerplaats van uw broer.")
    second = await promise_callback(client, world, "Ik bel u deze week terug, echt waar.")
    await _let_time_pass(db, first, second)

    dossier = (await client.get(f"/api/v1/dossiers/{world.dossier_id}", headers=world.tokens["cm"])).json()
    assert "overdue_commitment" in dossier["signals"]

    closing = await client.patch(
        f"/api/v1/dossiers/{world.dossier_id}",
        headers=world.tokens["cm"],
        json={"version": dossier["version"], "status": "closed", "outcome": "resolved"},
    )
    assert closing.status_code == 422
    listed = " ".join(item["message"] for item in closing.json()["extra"])
    # in plain words (issue 15): the promise as said and its due moment, no internal ids
    assert "“Ik bel u morgen terug over de parkeerplaats van uw broer.”, uiterlijk " in listed
    assert "“Ik bel u deze week terug, echt waar.”" in listed and f"#{first}" not in listed
    assert closing.json()["detail"].startswith("Dossier D-")
    async with db() as session:
        assert (await session.get(Dossier, world.dossier_id)).status == "open"

    await login_as(client, world.cm)
    page = await client.get(f"/dossiers/{world.dossier_id}")
    assert "Toezegging over tijd" in page.text
    assert "parkeerplaats van uw broer" in page.text
    assert page.text.count('data-state="overdue"') == 2

    timeline = (await client.get(f"/api/v1/dossiers/{world.dossier_id}/timeline", headers=world.tokens["cm"])).json()
    assert sorted(e["id"] for e in timeline if e["type"] == "commitment") == sorted([first, second])


async def test_closing_succeeds_once_every_promise_is_settled(client, world, db) -> None:
    commitment = await promise_callback(client, world, "Ik bel u terug over de uitkering.")
    fulfil = await client.post(
        f"/api/v1/commitments/{commitment}/fulfil", headers=world.tokens["am"], json={"note": "Teruggebeld."}
    )
    assert fulfil.status_code == 200
    dossier = (await client.get(f"/api/v1/dossiers/{world.dossier_id}", headers=world.tokens["cm"])).json()
    closing = await client.patch(
        f"/api/v1/dossiers/{world.dossier_id}",
        headers=world.tokens["cm"],
        json={"version": dossier["version"], "status": "closed", "outcome": "resolved"},
    )
    assert closing.status_code == 200, closing.text
    timeline = (await client.get(f"/api/v1/dossiers/{world.dossier_id}/timeline", headers=world.tokens["cm"])).json()
    closed = [e for e in timeline if e["type"] == "commitment_closed"]
    assert closed and closed[0]["status"] == "fulfilled" and closed[0]["kept_on_time"] is True


async def test_commitment_from_the_dossier_page(client, world, db) -> None:
    await login_as(client, world.am)
    token = await csrf_token(client, f"/dossiers/{world.dossier_id}")
    refused = await client.post(
        f"/dossiers/{world.dossier_id}/toezeggingen",
        data={"_csrf_token": token, "kind": "information", "description": "", "owner_id": str(world.am.id)},
    )
    assert refused.status_code == 422
    assert "Noteer wat de klant is toegezegd" in refused.text
    done = await client.post(
        f"/dossiers/{world.dossier_id}/toezeggingen",
        data={
            "_csrf_token": token,
            "kind": "callback",
            "description": "Ik bel u vrijdag.",
            "owner_id": str(world.am.id),
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    async with db() as session:
        made = (await session.scalars(select(Commitment).where(Commitment.dossier_id == world.dossier_id))).all()
    assert [(c.description, c.owner_id, c.made_by_id) for c in made] == [
        ("Ik bel u vrijdag.", world.am.id, world.am.id)
    ]


async def test_handoff_from_the_dossier_page_carries_its_context_to_the_timeline(client, world, db) -> None:
    await login_as(client, world.am)
    token = await csrf_token(client, f"/dossiers/{world.dossier_id}")
    short = await client.post(
        f"/dossiers/{world.dossier_id}/overdrachten",
        data={"_csrf_token": token, "to_service": "DSO", "reason": "Verbouwing", "context": "te kort"},
    )
    assert short.status_code == 422
    assert "minstens 30 tekens" in short.text
    context = "Kantoorpand omgebouwd tot woningen; de nieuwe bewoner kan zich daardoor niet inschrijven."
    done = await client.post(
        f"/dossiers/{world.dossier_id}/overdrachten",
        data={"_csrf_token": token, "to_service": "DSO", "reason": "Bouwzaken", "context": context},
        follow_redirects=False,
    )
    assert done.status_code == 303
    async with db() as session:
        handoff = (await session.scalars(select(Handoff).where(Handoff.dossier_id == world.dossier_id))).one()
    assert handoff.context == context and handoff.status == "requested"
    page = await client.get(f"/dossiers/{world.dossier_id}")
    assert context in page.text
    assert "SZW → DSO" in page.text


async def test_earlier_assignee_sees_promises_but_gets_no_forms(client, world) -> None:
    await login_as(client, world.earlier)
    page = await client.get(f"/dossiers/{world.dossier_id}")
    assert page.status_code == 200
    assert "Open beloften aan de klant" in page.text
    assert f'action="/dossiers/{world.dossier_id}/toezeggingen"' not in page.text
