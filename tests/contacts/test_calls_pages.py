"""The contact form with issue 13's fields: the topic, "Doorverbonden naar" (one row per attempt) and the promise of
"Terugbelafspraak gemaakt", on "Contact vastleggen" and on the dossier page."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact, ContactTransfer
from tests.worlds.casework import Casework, login_as
from tests.worlds.personas import csrf_token

pytestmark = pytest.mark.anyio


def form(w: Casework, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "client_id": str(w.client_id),
        "channel": "phone",
        "direction": "in",
        "service": "KCC",
        "outcome": "callback_promised",
        "transfers": "0",
        "topic": "schuldhulp",
        "summary": "Meneer vraagt naar zijn aanmelding bij schuldhulp.",
        "commitment_description": "Wij bellen u overmorgen terug over uw aanmelding.",
        "commitment_owner_id": str(w.am.id),
        "transfer_service_1": "SZW",
        "transfer_department_1": "Schuldhulpverlening",
        "transfer_connected_1": "nee",
    }
    values.update(changes)
    return values


async def rows(db) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    async with db() as s:
        return tuple(
            [await s.scalar(select(func.count()).select_from(m)) for m in (Contact, Commitment, ContactTransfer)]
        )  # type: ignore[return-value]


async def test_the_form_offers_topics_departments_and_the_promise(client, world: Casework) -> None:
    await login_as(client, world.kcc)
    page = (await client.get(f"/contacten/nieuw?client_id={world.client_id}")).text
    assert '<optgroup label="SZW">' in page and 'value="schuldhulp"' in page
    assert 'value="Schuldhulpverlening"' in page and "Doorverbonden naar" in page
    assert "Wat is de klant beloofd?" in page and f'<option value="{world.kcc.id}" selected>' in page  # you, by default
    assert 'value="transfer_failed"' in page and "Doorverbinden mislukt" in page


async def test_a_call_with_a_promise_and_a_failed_transfer_is_stored_at_once(client, db, world: Casework) -> None:
    w = world
    await login_as(client, w.kcc)
    token = await csrf_token(client, f"/contacten/nieuw?client_id={w.client_id}")
    response = await client.post("/contacten", data={**form(w), "_csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert await rows(db) == (1, 1, 1)
    async with db() as s:
        contact = await s.scalar(select(Contact))
        made = await s.scalar(select(Commitment))
        attempt = await s.scalar(select(ContactTransfer))
    assert (contact.transfers, made.contact_id, made.owner_id, made.kind) == (1, contact.id, w.am.id, "callback")
    assert attempt.connected is False


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"commitment_description": " "}, "Noteer wat de klant is toegezegd"),
        ({"topic": ""}, "Kies het onderwerp van het contact"),
        ({"transfer_department_1": "Parkeren"}, "Onbekende afdeling"),
        ({"commitment_due_at": "2020-01-01T10:00"}, "ligt in het verleden"),
    ],
)
async def test_a_refused_form_comes_back_filled_in_and_stores_nothing(client, db, world, changes, message) -> None:
    w = world
    await login_as(client, w.kcc)
    token = await csrf_token(client, f"/contacten/nieuw?client_id={w.client_id}")
    response = await client.post("/contacten", data={**form(w, **changes), "_csrf_token": token})
    assert response.status_code == 422 and message in response.text
    assert "contact-promise--open" in response.text  # the promise stays open with what was typed
    assert "Meneer vraagt naar zijn aanmelding bij schuldhulp." in response.text
    assert await rows(db) == (0, 0, 0)


async def test_the_dossier_page_logs_a_callback_in_place(client, db, world: Casework) -> None:
    w = world
    await login_as(client, w.cm)
    action = f"/dossiers/{w.dossier_id}/contacten"
    token = await csrf_token(client, f"/dossiers/{w.dossier_id}")
    data = {**form(w), "_csrf_token": token}
    data.pop("client_id")
    response = await client.post(action, data=data, headers={"HX-Request": "true"})
    assert response.status_code == 200, response.text
    assert "SZW · Schuldhulpverlening: doorverbinden mislukt" in response.text
    async with db() as s:
        made = await s.scalar(select(Commitment))
    assert made.dossier_id == w.dossier_id and made.made_by_id == w.cm.id
