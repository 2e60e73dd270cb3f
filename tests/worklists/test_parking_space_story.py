"""Scenario 9, the parking space of a disabled brother: a supervisor (DSO's accountmanager) promises twice to call
back and does not. Both callbacks are overdue on his worklist (API and page, marked "Te laat") and on the KCC's
Terugbelnotities, overdue first; the dossier raises ``overdue_commitment``."""

from __future__ import annotations

import re

import pytest

from tests.worlds.promises import in_days, login_as, make_commitment, make_overdue

pytestmark = pytest.mark.anyio


def overdue_panel(html: str) -> str:
    """The "Te laat" list of the commitments panel."""
    match = re.search(r'data-testid="te-laat">(.*?)</ul>', html, re.S)
    return match.group(1) if match else ""


async def test_two_callbacks_not_kept_are_overdue_everywhere(client, world, db) -> None:
    first = await make_commitment(
        client, world, description="Ik bel u maandag terug over de parkeerplaats.", due_at=in_days(1)
    )
    second = await make_commitment(
        client, world, description="Ik bel u deze week nog terug, echt waar.", due_at=in_days(2)
    )
    kept = await make_commitment(client, world, kind="information", description="Ik stuur u de plattegrond.")
    later = await make_commitment(
        client, world, by="kcc", description="Terugbellen over de vergunning", due_at=in_days(5), owner_id=world.szw.id
    )
    # neither callback was made: time passes
    await make_overdue(db, first["id"], hours=72)
    await make_overdue(db, second["id"], hours=24)

    worklist = (await client.get("/api/v1/worklist", headers=world.token("dso"))).json()
    assert [(c["id"], c["overdue"]) for c in worklist["commitments"]] == [
        (first["id"], True),
        (second["id"], True),
        (kept["id"], False),
    ]
    assert [(d["id"], d["signals"]) for d in worklist["dossiers"]] == [(world.dossier_id, ["overdue_commitment"])]
    assert later["id"] not in [c["id"] for c in worklist["commitments"]]

    await login_as(client, world.dso)
    page = await client.get("/werkvoorraad")
    assert page.status_code == 200
    panel = overdue_panel(page.text)
    assert panel.count("Te laat") == 2
    assert panel.index("maandag terug") < panel.index("deze week nog terug")
    assert "plattegrond" not in panel and "plattegrond" in page.text
    assert re.search(r'data-testid="aantal-te-laat">2<', page.text)
    assert "Toezegging over tijd" in page.text
    # the navigation badge counts what is late
    badge = await client.get("/werkvoorraad/teller", headers={"hx-request": "true"})
    assert badge.status_code == 200 and ">2<" in badge.text
    # the panel, refreshed in place
    fragment = await client.get("/werkvoorraad/toezeggingen", headers={"hx-request": "true"})
    assert "<html" not in fragment.text and overdue_panel(fragment.text).count("Te laat") == 2

    # Terugbelnotities: every open callback of every service, overdue first, with owner and service
    await login_as(client, world.kcc)
    callbacks = await client.get("/terugbelnotities")
    assert callbacks.status_code == 200
    text = callbacks.text
    positions = [text.index(f'id="toezegging-{c["id"]}"') for c in (first, second, later)]
    assert positions == sorted(positions)
    assert f'id="toezegging-{kept["id"]}"' not in text  # information, not a callback
    assert "2 te laat" in text
    assert "Dirk Opzichter" in text and "070 353 3311" in text and "DSO" in text
    assert "Sanne Szw" in text


async def test_keeping_a_callback_takes_it_off_the_overdue_lists(client, world, db) -> None:
    first = await make_commitment(client, world)
    second = await make_commitment(client, world)
    await make_overdue(db, first["id"])
    await make_overdue(db, second["id"])
    await login_as(client, world.dso)
    token = re.search(r'name="_csrf_token" value="([^"]+)"', (await client.get("/werkvoorraad")).text).group(1)
    response = await client.post(
        f"/toezeggingen/{first['id']}/nagekomen",
        data={"note": "Toch gebeld", "_csrf_token": token},
        headers={"hx-request": "true"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["hx-trigger"] == "worklist-changed"
    assert "nagekomen (te laat)" in response.text
    worklist = (await client.get("/api/v1/worklist", headers=world.token("dso"))).json()
    assert [c["id"] for c in worklist["commitments"]] == [second["id"]]
    page = await client.get("/werkvoorraad/toezeggingen", headers={"hx-request": "true"})
    assert overdue_panel(page.text).count("Te laat") == 1
    await login_as(client, world.kcc)
    assert f'id="toezegging-{first["id"]}"' not in (await client.get("/terugbelnotities")).text


async def test_terugbelnotities_per_service(client, world) -> None:
    dso = await make_commitment(client, world)
    szw = await make_commitment(client, world, by="kcc", owner_id=world.szw.id, description="SZW belt terug")
    await login_as(client, world.admin)
    page = await client.get("/terugbelnotities", params={"service": "SZW"})
    assert f'id="toezegging-{szw["id"]}"' in page.text and f'id="toezegging-{dso["id"]}"' not in page.text
    assert 'hx-get="/terugbelnotities?service=SZW"' in page.text  # refreshes with the same filter
    fragment = await client.get("/terugbelnotities", headers={"hx-request": "true"})
    assert "<html" not in fragment.text and fragment.text.count('class="cm-row ') == 2
