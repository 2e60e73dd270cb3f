"""The Werkvoorraad's "Voor mijn dienst" panel, picking up from it, "Verzetten" and "Overdragen aan" in place, and
Terugbelnotities filtered by service, state and owner (issue 13), through the pages."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from casemgmt.commitments.models import Commitment, CommitmentDueChange
from tests.worlds.personas import csrf_from
from tests.worlds.promises import in_days, login_as, make_commitment, make_overdue

pytestmark = pytest.mark.anyio
HTMX = {"hx-request": "true"}
TEAM = {
    "dossier_id": None,
    "owner_id": None,
    "owner_service": "SZW",
    "description": "SZW belt u terug over de bijstand.",
}


def panel(html: str) -> str:
    match = re.search(r'id="panel-dienst".*?</section>', html, re.S)
    assert match, "no Voor mijn dienst panel"
    return match.group(0)


async def test_the_team_panel_shows_the_team_promises_and_picking_up_moves_them(client, world) -> None:
    made = await make_commitment(client, world, by="kcc", **TEAM)
    await login_as(client, world.szw)
    page = await client.get("/werkvoorraad")
    team = panel(page.text)
    assert "Voor mijn dienst" in team and f'id="toezegging-{made["id"]}"' in team
    assert "team SZW, nog niet opgepakt" in team and "Oppakken" in team
    token = csrf_from(page.text)
    picked = await client.post(f"/toezeggingen/{made['id']}/oppakken", data={"_csrf_token": token}, headers=HTMX)
    assert picked.status_code == 200 and picked.headers["hx-trigger"] == "worklist-changed"
    assert "eigenaar Sanne Szw" in picked.text and "Oppakken" not in picked.text
    again = await client.get("/werkvoorraad")
    assert f'id="toezegging-{made["id"]}"' not in panel(again.text)
    assert "Er wacht niets op uw dienst." in panel(again.text)
    mine = await client.get("/werkvoorraad/toezeggingen", headers=HTMX)
    assert f'id="toezegging-{made["id"]}"' in mine.text
    # someone outside the team sees no panel entry and may not pick it up
    await login_as(client, world.dso)
    other = await client.get("/werkvoorraad")
    assert f'id="toezegging-{made["id"]}"' not in panel(other.text)


async def test_rescheduling_in_place_shows_the_error_next_to_the_field(client, world, db) -> None:
    made = await make_commitment(client, world)
    await login_as(client, world.dso)
    form = await client.get(f"/toezeggingen/{made['id']}/verzetten", headers=HTMX)
    assert form.status_code == 200 and "<html" not in form.text and 'name="due_at"' in form.text
    token = csrf_from(form.text)
    url = f"/toezeggingen/{made['id']}/verzetten"
    refused = await client.post(
        url, data={"due_at": "2020-01-01T10:00", "reason": "", "_csrf_token": token}, headers=HTMX
    )
    assert refused.status_code == 422
    assert "Het nieuwe moment moet in de toekomst liggen." in refused.text
    assert "Geef de reden waarom de toezegging wordt verzet." in refused.text
    assert 'aria-invalid="true"' in refused.text
    async with db() as session:
        assert (await session.scalars(select(CommitmentDueChange))).all() == []
    later = in_days(6)[:16]  # a datetime-local value
    moved = await client.post(
        url, data={"due_at": later, "reason": "Stukken komen later", "_csrf_token": token}, headers=HTMX
    )
    assert moved.status_code == 200 and "verzet, eerst" in moved.text
    # without JavaScript: the page, and back where it came from
    page = await client.get(url, headers={"referer": "http://testserver.local/werkvoorraad"})
    assert "<html" in page.text and 'value="/werkvoorraad"' in page.text
    plain = await client.post(
        url,
        data={"due_at": in_days(8)[:16], "reason": "Nog later", "back": "/werkvoorraad", "_csrf_token": token},
        follow_redirects=False,
    )
    assert plain.status_code == 303 and plain.headers["location"] == "/werkvoorraad"


async def test_handing_over_to_a_team_in_place(client, world, db) -> None:
    made = await make_commitment(client, world)
    await login_as(client, world.dso)
    form = await client.get(f"/toezeggingen/{made['id']}/overdragen", headers=HTMX)
    assert 'value="team:SZW"' in form.text and f'value="{world.szw.id}"' in form.text
    token = csrf_from(form.text)
    url = f"/toezeggingen/{made['id']}/overdragen"
    refused = await client.post(url, data={"owner": "", "reason": "x", "_csrf_token": token}, headers=HTMX)
    assert refused.status_code == 422 and "Kies een nieuwe eigenaar" in refused.text
    handed = await client.post(
        url, data={"owner": "team:SZW", "reason": "Hoort bij SZW", "_csrf_token": token}, headers=HTMX
    )
    assert handed.status_code == 200 and "team SZW, nog niet opgepakt" in handed.text
    async with db() as session:
        stored = await session.get(Commitment, made["id"])
    assert stored.owner_id is None and stored.owner_service_id is not None
    # the KCC may not act on a promise it did not make
    await login_as(client, world.kcc)
    assert (await client.get(url)).status_code == 403


async def test_terugbelnotities_filters_by_service_state_and_owner(client, world, db) -> None:
    team = await make_commitment(client, world, by="kcc", due_at=in_days(2), **TEAM)
    dso = await make_commitment(client, world, by="kcc", due_at=in_days(3))
    late = await make_commitment(client, world, by="kcc", due_at=in_days(1), owner_id=world.szw.id)
    await make_overdue(db, late["id"])
    await login_as(client, world.kcc)

    async def shown(query: str = "") -> list[int]:
        html = (await client.get(f"/terugbelnotities{query}")).text
        return [int(i) for i in re.findall(r'<li class="cm-row[^"]*" id="toezegging-(\d+)"', html)]

    assert await shown() == [late["id"], team["id"], dso["id"]]
    assert await shown("?service=SZW") == [late["id"], team["id"]]
    assert await shown("?state=overdue") == [late["id"]]
    assert await shown(f"?owner={world.dso.id}") == [dso["id"]]
    assert await shown("?sort=-due_at") == [dso["id"], team["id"], late["id"]]
    page = (await client.get("/terugbelnotities?service=SZW")).text
    assert 'href="tel:+31703537511"' in page  # the owner's direct line, dialable from anywhere (E.164)
    assert 'hx-push-url="true"' in page and '<option value="SZW" selected' in page
    assert "team SZW, nog niet opgepakt" in page
    fragment = await client.get("/terugbelnotities?service=DSO", headers=HTMX)
    assert "<html" not in fragment.text and 'hx-get="/terugbelnotities?service=DSO"' in fragment.text
