"""The inline commitment actions (``POST /toezeggingen/{id}/…``) from the worklist and Terugbelnotities: htmx gets
the row back, a plain form is redirected; refusals and bad input write nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casemgmt.commitments.models import Commitment, CommitmentOwnerChange
from tests.worlds.personas import csrf_from
from tests.worlds.promises import counts, login_as, make_commitment, make_overdue, snapshot

pytestmark = pytest.mark.anyio
HTMX = {"hx-request": "true"}


async def form_token(client) -> str:
    return csrf_from((await client.get("/werkvoorraad")).text)


async def test_fulfil_inline_returns_the_closed_row_and_refreshes_the_worklist(client, world, db) -> None:
    made = await make_commitment(client, world)
    await login_as(client, world.dso)
    token = await form_token(client)
    response = await client.post(
        f"/toezeggingen/{made['id']}/nagekomen", data={"note": "Gebeld", "_csrf_token": token}, headers=HTMX
    )
    assert response.status_code == 200, response.text
    assert f'id="toezegging-{made["id"]}"' in response.text and "nagekomen (op tijd)" in response.text
    assert response.headers["hx-trigger"] == "worklist-changed"
    async with db() as session:
        row = await session.get(Commitment, made["id"])
    assert row.status == "fulfilled" and row.kept_on_time is True and row.note == "Gebeld"
    assert row.closed_by_id == world.dso.id


@pytest.mark.parametrize(
    ("action", "data", "status", "message"),
    [
        ("niet-nagekomen", {"note": "Wegwerkzaamheden al begonnen"}, "missed", "niet nagekomen"),
        ("intrekken", {"reason": "Klant belde zelf"}, "cancelled", "ingetrokken"),
    ],
)
async def test_miss_and_cancel_inline(client, world, db, action, data, status, message) -> None:
    made = await make_commitment(client, world)
    await login_as(client, world.dso)
    response = await client.post(
        f"/toezeggingen/{made['id']}/{action}", data={**data, "_csrf_token": await form_token(client)}, headers=HTMX
    )
    assert response.status_code == 200 and message in response.text
    async with db() as session:
        assert (await session.get(Commitment, made["id"])).status == status


async def test_a_plain_form_post_is_redirected_back(client, world, db) -> None:
    made = await make_commitment(client, world)
    await login_as(client, world.dso)
    response = await client.post(
        f"/toezeggingen/{made['id']}/nagekomen",
        data={"note": "Gebeld", "_csrf_token": await form_token(client), "back": "/werkvoorraad"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/werkvoorraad"
    async with db() as session:
        assert (await session.get(Commitment, made["id"])).status == "fulfilled"


@pytest.mark.parametrize("back", ["//evil.example/phish", "https://evil.example/", "javascript:alert(1)"])
async def test_the_redirect_stays_on_this_site(client, world, back) -> None:
    made = await make_commitment(client, world)
    await login_as(client, world.dso)
    response = await client.post(
        f"/toezeggingen/{made['id']}/intrekken",
        data={"reason": "Niet meer nodig", "_csrf_token": await form_token(client), "back": back},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/"


async def test_the_redirect_without_back_returns_to_the_referring_page(client, world) -> None:
    made = await make_commitment(client, world, by="kcc")
    await login_as(client, world.kcc)
    token = csrf_from((await client.get("/terugbelnotities")).text)
    response = await client.post(
        f"/toezeggingen/{made['id']}/nagekomen",
        data={"note": "Gebeld", "_csrf_token": token},
        headers={"referer": "http://testserver.local/terugbelnotities?service=DSO"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/terugbelnotities?service=DSO"


async def test_bad_input_inline_shows_the_message_in_the_row_with_422_and_writes_nothing(client, world, db) -> None:
    made = await make_commitment(client, world)
    await make_overdue(db, made["id"])
    await login_as(client, world.dso)
    token = await form_token(client)
    before, row = await counts(db), await snapshot(db, Commitment, made["id"])
    for action, field in (("nagekomen", "note"), ("niet-nagekomen", "note"), ("intrekken", "reason")):
        response = await client.post(
            f"/toezeggingen/{made['id']}/{action}", data={field: "  ", "_csrf_token": token}, headers=HTMX
        )
        assert response.status_code == 422, action
        assert 'role="alert"' in response.text and "Te laat" in response.text
        assert "hx-trigger" not in response.headers
    plain = await client.post(
        f"/toezeggingen/{made['id']}/intrekken", data={"reason": "", "_csrf_token": token}, follow_redirects=False
    )
    assert plain.status_code == 422 and "Geef de reden" in plain.text
    assert await counts(db) == before and await snapshot(db, Commitment, made["id"]) == row


async def test_acting_on_a_closed_commitment_inline_is_409_and_writes_nothing(client, world, db) -> None:
    made = await make_commitment(client, world)
    await login_as(client, world.dso)
    token = await form_token(client)
    await client.post(
        f"/toezeggingen/{made['id']}/nagekomen", data={"note": "Gebeld", "_csrf_token": token}, headers=HTMX
    )
    before, row = await counts(db), await snapshot(db, Commitment, made["id"])
    response = await client.post(
        f"/toezeggingen/{made['id']}/intrekken", data={"reason": "Toch niet", "_csrf_token": token}, headers=HTMX
    )
    assert response.status_code == 409 and "al afgesloten" in response.text
    plain = await client.post(
        f"/toezeggingen/{made['id']}/niet-nagekomen", data={"note": "Toch niet", "_csrf_token": token}
    )
    assert plain.status_code == 409 and "al afgesloten" in plain.text
    assert await counts(db) == before and await snapshot(db, Commitment, made["id"]) == row


async def test_reassign_inline(client, world, db) -> None:
    made = await make_commitment(client, world)
    await login_as(client, world.dso)
    token = await form_token(client)
    missing = await client.post(
        f"/toezeggingen/{made['id']}/overdragen",
        data={"owner_id": str(world.szw.id), "reason": "", "_csrf_token": token},
        headers=HTMX,
    )
    assert missing.status_code == 422 and "Geef de reden" in missing.text
    response = await client.post(
        f"/toezeggingen/{made['id']}/overdragen",
        data={"owner_id": str(world.szw.id), "reason": "Sanne belt terug", "_csrf_token": token},
        headers=HTMX,
    )
    assert response.status_code == 200 and "Sanne Szw" in response.text
    async with db() as session:
        assert (await session.scalars(select(CommitmentOwnerChange.to_owner_id))).all() == [world.szw.id]


async def test_uninvolved_casemanager_and_unknown_actions(client, world, db) -> None:
    made = await make_commitment(client, world)
    await login_as(client, world.other_cm)
    token = await form_token(client)
    before, row = await counts(db), await snapshot(db, Commitment, made["id"])
    for action in ("nagekomen", "niet-nagekomen", "intrekken", "overdragen"):
        data = {"note": "x", "reason": "x", "owner_id": str(world.other_cm.id), "_csrf_token": token}
        for headers in (HTMX, {}):
            response = await client.post(f"/toezeggingen/{made['id']}/{action}", data=data, headers=headers)
            assert response.status_code == 403, (action, headers)
    unknown = await client.post(f"/toezeggingen/{made['id']}/verwijderen", data={"_csrf_token": token})
    assert unknown.status_code in (404, 422)
    assert (
        await client.post("/toezeggingen/999999/nagekomen", data={"note": "x", "_csrf_token": token})
    ).status_code == 404
    assert await counts(db) == before and await snapshot(db, Commitment, made["id"]) == row


async def test_actions_need_the_csrf_token(client, world, db) -> None:
    made = await make_commitment(client, world)
    await login_as(client, world.dso)
    response = await client.post(f"/toezeggingen/{made['id']}/nagekomen", data={"note": "Gebeld"}, headers=HTMX)
    assert response.status_code == 403
    async with db() as session:
        assert (await session.get(Commitment, made["id"])).status == "open"
