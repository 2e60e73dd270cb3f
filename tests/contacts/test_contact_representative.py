"""A contact made by or with a representative (issue 12): ``representative_id`` must name someone who acts for the
client today (422 otherwise, nothing written), an anonymous contact has none, and both timelines show "namens de
klant door <vertegenwoordiger> (<organisatie>)"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from casemgmt.clients.services import today_in_amsterdam
from casemgmt.contacts.models import Contact
from casemgmt.contacts.rules import ANONYMOUS_REPRESENTATIVE, check_anonymous
from tests.worlds.casework import Casework
from tests.worlds.personas import csrf_token, login
from tests.worlds.representatives import represents

pytestmark = pytest.mark.anyio


def body(w: Casework, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "client_id": w.client_id,
        "channel": "phone",
        "direction": "in",
        "service": "KCC",
        "outcome": "resolved",
        "topic": "bijstand",
        "transfers": 0,
        "summary": "De bewindvoerder belt over de post.",
    }
    values.update(changes)
    return values


async def _representatives(db, w: Casework) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """Ellen acts for the client today, Sanne did until yesterday, Ruud acts for the other client."""
    today = today_in_amsterdam()
    links = [
        represents(
            client_id=w.client_id,
            name="Ellen Smeets",
            organisation="Bewindvoering Haaglanden",
            relation="Bewindvoerder",
            valid_from=today - timedelta(days=30),
        ),
        represents(
            client_id=w.client_id,
            name="Sanne Brink",
            organisation="Advocatenkantoor Brink",
            relation="Advocaat",
            valid_from=today - timedelta(days=300),
            valid_until=today - timedelta(days=1),
        ),
        represents(
            client_id=w.other_client_id,
            name="Ruud Wijk",
            organisation="Wijkteam",
            relation="Buurtcoach",
            valid_from=today - timedelta(days=30),
        ),
    ]
    async with db() as session, session.begin():
        session.add_all(links)
        await session.flush()
        return links[0].representative_id, links[1].representative_id, links[2].representative_id


async def _contacts(db) -> int:  # type: ignore[no-untyped-def]
    async with db() as session:
        return await session.scalar(select(func.count()).select_from(Contact)) or 0


def test_an_anonymous_contact_has_no_representative() -> None:
    assert check_anonymous(dossier_id=None, representative_id=None) == []
    [error] = check_anonymous(dossier_id=None, representative_id=3)
    assert (error.field, error.message) == ("representative_id", ANONYMOUS_REPRESENTATIVE)


async def test_a_contact_made_by_a_current_representative(client, db, world: Casework) -> None:
    w = world
    ellen, _, _ = await _representatives(db, w)
    response = await client.post(
        "/api/v1/contacts", json=body(w, representative_id=ellen, dossier_id=w.dossier_id), headers=w.tokens["kcc"]
    )
    assert response.status_code == 201, response.text
    assert response.json()["representative_id"] == ellen
    timeline = (await client.get(f"/api/v1/clients/{w.client_id}/timeline", headers=w.tokens["kcc"])).json()
    [entry] = [i for i in timeline["items"] if i["type"] == "contact" and i["id"] == response.json()["id"]]
    assert entry["representative"] == {"id": ellen, "name": "Ellen Smeets", "organisation": "Bewindvoering Haaglanden"}
    dossier = (await client.get(f"/api/v1/dossiers/{w.dossier_id}/timeline", headers=w.tokens["kcc"])).json()
    [item] = [i for i in dossier if i["type"] == "contact" and i["id"] == response.json()["id"]]
    assert item["representative"]["name"] == "Ellen Smeets"
    others = [i for i in timeline["items"] if i["type"] == "contact" and i["id"] != response.json()["id"]]
    assert all(i["representative"] is None for i in others)

    await login(client, w.kcc.email)
    page = await client.get(f"/klanten/{w.client_id}")
    assert "Namens de klant door" in page.text and "Ellen Smeets</a> (Bewindvoering Haaglanden)" in page.text
    dossier_page = await client.get(f"/dossiers/{w.dossier_id}")
    assert "Namens de klant door" in dossier_page.text


@pytest.mark.parametrize("who", ["ended", "other client", "unknown"])
async def test_a_representative_who_does_not_act_for_the_client_is_refused(client, db, world: Casework, who) -> None:
    w = world
    _, sanne, ruud = await _representatives(db, w)
    representative_id = {"ended": sanne, "other client": ruud, "unknown": 999999}[who]
    before = await _contacts(db)
    response = await client.post(
        "/api/v1/contacts", json=body(w, representative_id=representative_id), headers=w.tokens["kcc"]
    )
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["extra"]] == ["representative_id"]
    assert await _contacts(db) == before


async def test_an_anonymous_contact_with_a_representative_is_refused(client, db, world: Casework) -> None:
    w = world
    ellen, _, _ = await _representatives(db, w)
    before = await _contacts(db)
    response = await client.post(
        "/api/v1/contacts", json=body(w, client_id=None, representative_id=ellen), headers=w.tokens["kcc"]
    )
    assert response.status_code == 422
    assert {(e["field"], e["message"]) for e in response.json()["extra"]} == {
        ("representative_id", ANONYMOUS_REPRESENTATIVE)
    }
    assert await _contacts(db) == before


async def test_the_contact_form_offers_the_current_representatives(client, db, world: Casework) -> None:
    w = world
    ellen, _, _ = await _representatives(db, w)
    await login(client, w.kcc.email)
    form = await client.get("/contacten/nieuw", params={"client_id": w.client_id})
    assert "Contact met/door vertegenwoordiger" in form.text
    assert f'<option value="{ellen}">Ellen Smeets (Bewindvoering Haaglanden), Bewindvoerder</option>' in form.text
    assert "Sanne Brink" not in form.text  # no longer acts for the client
    token = await csrf_token(client, f"/contacten/nieuw?client_id={w.client_id}")
    fields = {k: str(v) for k, v in body(w, representative_id=ellen).items()}
    saved = await client.post("/contacten", data={**fields, "_csrf_token": token}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    async with db() as session:
        assert await session.scalar(select(Contact.representative_id).order_by(Contact.id.desc()).limit(1)) == ellen
