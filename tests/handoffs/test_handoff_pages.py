"""The inline handoff actions (``POST /overdrachten/{id}/…``) on the worklist: accept, decline with a reason, cancel."""

from __future__ import annotations

import pytest

from casemgmt.handoffs.models import Handoff
from tests.worlds.personas import csrf_from
from tests.worlds.promises import CONTEXT, counts, login_as, snapshot

pytestmark = pytest.mark.anyio
HTMX = {"hx-request": "true"}


async def request_handoff(client, world, **values) -> dict:
    body = {"dossier_id": world.dossier_id, "to_service": "OCW", "reason": "WMO-vraag", "context": CONTEXT}
    body.update(values)
    response = await client.post("/api/v1/handoffs", json=body, headers=world.token("szw"))
    assert response.status_code == 201, response.text
    return response.json()


async def token_for(client, person) -> str:
    await login_as(client, person)
    return csrf_from((await client.get("/werkvoorraad")).text)


async def test_decline_inline_needs_a_reason_then_returns_the_row(client, world, db) -> None:
    handoff = await request_handoff(client, world)
    token = await token_for(client, world.ocw)
    before, row = await counts(db), await snapshot(db, Handoff, handoff["id"])
    missing = await client.post(
        f"/overdrachten/{handoff['id']}/weigeren", data={"reason": " ", "_csrf_token": token}, headers=HTMX
    )
    assert missing.status_code == 422 and "Geef de reden" in missing.text and 'role="alert"' in missing.text
    assert f"/overdrachten/{handoff['id']}/weigeren" in missing.text  # the form is still there
    assert await counts(db) == before and await snapshot(db, Handoff, handoff["id"]) == row
    declined = await client.post(
        f"/overdrachten/{handoff['id']}/weigeren", data={"reason": "Hoort bij SZW", "_csrf_token": token}, headers=HTMX
    )
    assert declined.status_code == 200 and "Geweigerd" in declined.text and "Hoort bij SZW" in declined.text
    assert declined.headers["hx-trigger"] == "worklist-changed"
    assert "/accepteren" not in declined.text
    # deciding again: 409 with the message in the row
    again = await client.post(f"/overdrachten/{handoff['id']}/accepteren", data={"_csrf_token": token}, headers=HTMX)
    assert again.status_code == 409 and "al afgehandeld" in again.text


async def test_accept_with_a_plain_form_redirects_back(client, world, db) -> None:
    handoff = await request_handoff(client, world)
    token = await token_for(client, world.ocw)
    response = await client.post(
        f"/overdrachten/{handoff['id']}/accepteren",
        data={"_csrf_token": token, "back": "/werkvoorraad"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/werkvoorraad"
    async with db() as session:
        assert (await session.get(Handoff, handoff["id"])).status == "accepted"
    page = await client.get("/werkvoorraad")
    assert world.dossier_ref in page.text and "Er wachten geen overdrachten op u." in page.text


async def test_the_sender_cancels_inline(client, world, db) -> None:
    handoff = await request_handoff(client, world)
    token = await token_for(client, world.szw)
    response = await client.post(f"/overdrachten/{handoff['id']}/intrekken", data={"_csrf_token": token}, headers=HTMX)
    assert response.status_code == 200 and "Ingetrokken" in response.text


@pytest.mark.parametrize("who", ["ocw2", "dso", "other_cm", "kcc"])
async def test_others_cannot_decide_inline(client, world, db, who) -> None:
    handoff = await request_handoff(client, world, to_employee_id=world.ocw.id)
    token = await token_for(client, world.person(who))
    before, row = await counts(db), await snapshot(db, Handoff, handoff["id"])
    for action in ("accepteren", "weigeren", "intrekken"):
        for headers in (HTMX, {}):
            response = await client.post(
                f"/overdrachten/{handoff['id']}/{action}", data={"reason": "x", "_csrf_token": token}, headers=headers
            )
            assert response.status_code == 403, (action, headers)
    assert await counts(db) == before and await snapshot(db, Handoff, handoff["id"]) == row


async def test_the_redirect_stays_on_this_site(client, world) -> None:
    handoff = await request_handoff(client, world)
    token = await token_for(client, world.ocw)
    response = await client.post(
        f"/overdrachten/{handoff['id']}/accepteren",
        data={"_csrf_token": token, "back": "/\\evil.example"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/"
