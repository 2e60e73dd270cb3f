"""The "Contact vastleggen" page: why each question is asked, keeping typed text on errors, where it goes after."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casemgmt.clients.models import Client
from casemgmt.contacts.models import Contact
from casemgmt.contacts.rules import WHY_WE_ASK
from tests.factories import create_dossier
from tests.worlds.casework import Casework, counts, login_as
from tests.worlds.personas import csrf_token

pytestmark = pytest.mark.anyio


def form(w: Casework, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "client_id": w.client_id,
        "dossier_id": "",
        "channel": "desk",
        "direction": "in",
        "service": "KCC",
        "outcome": "resolved",
        "transfers": "0",
        "topic": "bijstand",
        "occurred_at": "",
        "subject": "",
        "summary": "Paspoort aanvragen vanuit het buitenland uitgelegd.",
    }
    values.update(changes)
    return values


async def post(client, data: dict[str, object]):  # type: ignore[no-untyped-def]
    token = await csrf_token(client, "/login")
    return await client.post("/contacten", data={**data, "_csrf_token": token}, follow_redirects=False)


async def test_every_question_says_why_it_is_asked(client, world: Casework) -> None:
    w = world
    await login_as(client, w.kcc)
    page = await client.get(f"/contacten/nieuw?client_id={w.client_id}")
    assert page.status_code == 200
    assert "<h1" in page.text and "Contact vastleggen" in page.text and "Jan de Vries" in page.text
    # 10 questions, the dossier choice, the kennisbank articles and the three of the promise (shown with
    # "Terugbelafspraak gemaakt")
    assert page.text.count("Waarom vragen we dit?") == 15
    assert "Zo zien we of bellers van het kastje naar de muur gaan." in page.text
    names = ("channel", "direction", "service", "occurred_at", "outcome", "transfers", "topic", "subject", "summary")
    for name in names:
        # each field is described by its explanation (screen readers read it with the field)
        assert f'aria-describedby="contact-{name}-waarom"' in page.text, name
        assert WHY_WE_ASK[name].replace("'", "&#39;") in page.text
    assert '<option value="KCC" selected>' in page.text  # the agent's own service by default


async def test_dossier_choice_offers_only_dossiers_the_employee_may_log_on(client, db, world: Casework) -> None:
    w = world
    async with db() as s, s.begin():
        mine = await s.get(Client, w.client_id)
        closed = await create_dossier(s, mine, w.cm.id, subject="Oud dossier", status="closed")
        theirs = await create_dossier(s, mine, w.other_cm.id, subject="Dossier van Olga")
        refs = (closed.ref, theirs.ref)
    await login_as(client, w.cm)
    page = await client.get(f"/contacten/nieuw?client_id={w.client_id}")
    assert "Schulden en bijstand" in page.text
    assert refs[0] not in page.text and refs[1] not in page.text
    await login_as(client, w.kcc)
    page = await client.get(f"/contacten/nieuw?client_id={w.client_id}")
    assert refs[1] in page.text and refs[0] not in page.text  # KCC logs on every open dossier


async def test_logged_without_dossier_goes_to_the_routing_view(client, db, world: Casework) -> None:
    w = world
    await login_as(client, w.kcc)
    response = await post(client, form(w))
    assert response.status_code == 303 and response.headers["location"] == f"/klanten/{w.client_id}"
    async with db() as s:
        contact = (await s.scalars(select(Contact))).one()
    assert (contact.client_id, contact.dossier_id, contact.channel, contact.employee_id) == (
        w.client_id, None, "desk", w.kcc.id,
    )  # fmt: skip


async def test_logged_on_a_dossier_goes_to_the_dossier(client, db, world: Casework) -> None:
    w = world
    await login_as(client, w.kcc)
    page = await client.get(f"/contacten/nieuw?dossier_id={w.dossier_id}")
    assert page.status_code == 200 and f'name="dossier_id" value="{w.dossier_id}"' in page.text
    response = await post(client, form(w, dossier_id=w.dossier_id, occurred_at="2026-01-05T09:30"))
    assert response.status_code == 303 and response.headers["location"] == f"/dossiers/{w.dossier_id}"
    dossier_page = await client.get(f"/dossiers/{w.dossier_id}")
    assert "Paspoort aanvragen vanuit het buitenland uitgelegd." in dossier_page.text
    assert "05-01-2026 09:30" in dossier_page.text  # typed as Dutch local time, shown the same


async def test_errors_keep_what_was_typed(client, db, world: Casework) -> None:
    w = world
    await login_as(client, w.am)
    before = await counts(db)
    response = await post(
        client, form(w, transfers="twee", summary="x" * 4001, service="XYZ", subject="Mijn onderwerp")
    )
    assert response.status_code == 422
    assert "Vul een heel getal in, bijvoorbeeld 0" in response.text
    assert "De samenvatting is te lang (4001 tekens, maximaal 4000)" in response.text
    assert "Onbekende dienst &#39;XYZ&#39;" in response.text
    assert 'value="Mijn onderwerp"' in response.text and 'value="twee"' in response.text
    assert "x" * 4001 + "</textarea>" in response.text
    assert await counts(db) == before


async def test_refusals(client, db, world: Casework) -> None:
    w = world
    await login_as(client, w.earlier)
    assert (await client.get(f"/contacten/nieuw?dossier_id={w.dossier_id}")).status_code == 403
    before = await counts(db)
    assert (await post(client, form(w, dossier_id=w.dossier_id))).status_code == 403
    assert await counts(db) == before
    await login_as(client, w.kcc)
    assert (await client.get("/contacten/nieuw?client_id=999999")).status_code == 404
    empty = await client.get("/contacten/nieuw")
    assert empty.status_code == 200 and 'href="/klanten"' in empty.text
    await login_as(client, w.evaluator)
    assert (await client.get(f"/contacten/nieuw?client_id={w.client_id}")).status_code == 403
