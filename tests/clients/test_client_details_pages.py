"""The klantbeeld's details and "Gegevens wijzigen" (issue 12): what the page shows (address, preferred channel and
time, "Laatst gewijzigd door … op …"), correcting in place with htmx and without JavaScript, the field errors next to
the fields, a stale version's message with a reload link, who sees the form, and the split address of "Nieuwe
klant"."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casemgmt.clients.models import Client, ClientChange
from tests.factories import create_client
from tests.worlds.personas import csrf_token, login

pytestmark = pytest.mark.anyio

HX = {"HX-Request": "true"}


async def count(db, model) -> int:
    async with db() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def logged_in(client, make_user, role: str = "kcc_agent", **values):
    values.setdefault("services", ["KCC"] if role == "kcc_agent" else None)
    person = await make_user(role, **values)
    assert (await login(client, person.email)).status_code == 303
    return person


@pytest.fixture
async def henk(db) -> Client:
    async with db() as session, session.begin():
        return await create_client(
            session, "Henk de Wit", bsn="111222333", phone="070 123 4567", address="Spui 70, 2511 BT Den Haag"
        )


def form(henk: Client, token: str, **changes: str) -> dict[str, str]:
    values = {
        "version": "1",
        "name": "Henk de Wit",
        "phone": "070 123 4567",
        "email": "",
        "street": "Spui",
        "house_number": "70",
        "addition": "",
        "postcode": "2511 BT",
        "city": "Den Haag",
        "birth_date": "",
        "preferred_channel": "",
        "preferred_time": "",
        "_csrf_token": token,
    }
    return {**values, **changes}


async def test_the_klantbeeld_shows_the_details_and_the_form_filled_in(client, make_user, henk) -> None:
    await logged_in(client, make_user)
    page = await client.get(f"/klanten/{henk.id}")
    assert page.status_code == 200
    text = page.text
    assert "Spui 70, 2511 BT Den Haag" in text and "070 123 4567" in text and "geen voorkeur" in text
    assert "Laatst gewijzigd door" not in text  # never corrected
    assert "<summary>Gegevens wijzigen</summary>" in text
    assert f'hx-post="/klanten/{henk.id}/gegevens" hx-target="#klantgegevens-{henk.id}" hx-swap="outerHTML"' in text
    assert f'method="post" action="/klanten/{henk.id}/gegevens"' in text
    assert '<input type="hidden" name="version" value="1">' in text and 'name="_submission_key"' in text
    assert 'name="postcode" value="2511 BT"' in text and 'name="house_number" value="70"' in text
    for label in ("Straat", "Huisnummer", "Toevoeging", "Postcode", "Plaats", "Geboortedatum", "Voorkeurskanaal"):
        assert f">{label}" in text, label
    assert '<option value="letter">Brief</option>' in text and '<option value="desk">Balie</option>' in text


async def test_correcting_in_place_with_htmx(client, db, make_user, henk) -> None:
    agent = await logged_in(client, make_user, name="Kim Agent")
    token = await csrf_token(client, f"/klanten/{henk.id}")
    changed = form(
        henk, token, street="Lange Poten", house_number="1", postcode="2511cl", preferred_channel="desk",
        preferred_time="ochtend",
    )  # fmt: skip
    response = await client.post(f"/klanten/{henk.id}/gegevens", data=changed, headers=HX)
    assert response.status_code == 200, response.text
    text = response.text
    assert text.lstrip().startswith(f'<div class="client-details" id="klantgegevens-{henk.id}"')
    assert "<html" not in text
    assert "De gegevens van Henk de Wit zijn opgeslagen." in text
    assert "Lange Poten 1, 2511 CL Den Haag" in text and "Balie · ochtend" in text
    assert f"Laatst gewijzigd door {agent.name} op" in text
    assert '<input type="hidden" name="version" value="2">' in text
    async with db() as session:
        row = await session.get(Client, henk.id)
        assert (row.street, row.postcode, row.version, row.preferred_channel) == ("Lange Poten", "2511CL", 2, "desk")
    page = await client.get(f"/klanten/{henk.id}")
    assert f"Laatst gewijzigd door {agent.name} op" in page.text


async def test_errors_are_shown_next_to_the_fields_keeping_what_was_typed(client, db, make_user, henk) -> None:
    await logged_in(client, make_user)
    token = await csrf_token(client, f"/klanten/{henk.id}")
    bad = form(henk, token, postcode="0511 AB", phone="06 1", birth_date="2999-01-01", name="")
    response = await client.post(f"/klanten/{henk.id}/gegevens", data=bad, headers=HX)
    assert response.status_code == 422
    text = response.text
    assert "De gegevens zijn niet gewijzigd. Controleer de gemarkeerde velden." in text
    assert "Ongeldige postcode" in text and "Ongeldig telefoonnummer" in text and "Naam is verplicht" in text
    assert "De geboortedatum ligt in de toekomst" in text
    assert 'value="0511 AB"' in text and 'value="06 1"' in text
    assert (
        f'aria-invalid="true" aria-describedby="gegevens-{henk.id}-postcode-uitleg gegevens-{henk.id}-postcode-fout"'
        in text
    )
    assert '<details class="client-details-form" open id=' in text
    assert await count(db, ClientChange) == 0
    # without JavaScript: the whole klantbeeld with the same messages
    plain = await client.post(f"/klanten/{henk.id}/gegevens", data=bad)
    assert plain.status_code == 422 and "<html" in plain.text and "Ongeldige postcode" in plain.text


async def test_a_stale_version_says_so_with_a_reload_link(client, db, make_user, henk) -> None:
    await logged_in(client, make_user)
    token = await csrf_token(client, f"/klanten/{henk.id}")
    first = await client.post(f"/klanten/{henk.id}/gegevens", data=form(henk, token, city="'s-Gravenhage"), headers=HX)
    assert first.status_code == 200
    stale = await client.post(f"/klanten/{henk.id}/gegevens", data=form(henk, token, city="Delft"), headers=HX)
    assert stale.status_code == 409
    text = stale.text
    assert "intussen door een collega gewijzigd" in text and "Uw wijziging is niet opgeslagen." in text
    assert f'<a class="utrecht-link" href="/klanten/{henk.id}" data-testid="laad-opnieuw">Laad opnieuw</a>' in text
    assert 'value="Delft"' in text  # what was typed is still there to copy
    async with db() as session:
        assert (await session.get(Client, henk.id)).city == "'s-Gravenhage"


async def test_without_javascript_a_correction_redirects_to_the_klantbeeld(client, db, make_user, henk) -> None:
    await logged_in(client, make_user, "admin")
    token = await csrf_token(client, f"/klanten/{henk.id}")
    response = await client.post(
        f"/klanten/{henk.id}/gegevens", data=form(henk, token, email="henk@example.nl"), follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == f"/klanten/{henk.id}"
    page = await client.get(f"/klanten/{henk.id}")
    assert "De gegevens van Henk de Wit zijn opgeslagen." in page.text and "henk@example.nl" in page.text


async def test_only_correctors_with_the_full_view_see_and_use_the_form(client, db, make_user, henk) -> None:
    await logged_in(client, make_user, "accountmanager", services=["SZW"])
    page = await client.get(f"/klanten/{henk.id}")
    assert page.status_code == 200 and "Gegevens wijzigen" not in page.text
    token = await csrf_token(client, f"/klanten/{henk.id}")
    refused = await client.post(f"/klanten/{henk.id}/gegevens", data=form(henk, token, city="Delft"), headers=HX)
    assert refused.status_code == 403
    async with db() as session:
        assert (await session.get(Client, henk.id)).city == "Den Haag"


async def test_new_client_form_has_the_address_in_parts(client, db, make_user) -> None:
    await logged_in(client, make_user, "casemanager")
    page = await client.get("/klanten/nieuw")
    for name in ("street", "house_number", "addition", "postcode", "city", "birth_date", "preferred_channel"):
        assert f'name="{name}"' in page.text, name
    assert 'name="address"' not in page.text
    token = await csrf_token(client, "/klanten/nieuw")
    response = await client.post(
        "/klanten",
        data={
            "kind": "person",
            "bsn": "123456782",
            "name": "Anna de Boer",
            "phone": "070-3533000",
            "street": "Spui",
            "house_number": "70",
            "addition": "a",
            "postcode": "2511 bt",
            "city": "Den Haag",
            "birth_date": "1985-02-01",
            "preferred_channel": "email",
            "_csrf_token": token,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    async with db() as session:
        created = await session.scalar(select(Client))
    assert (created.street, created.house_number, created.house_number_addition, created.postcode) == (
        "Spui",
        70,
        "A",
        "2511BT",
    )
    assert (created.phone, created.preferred_channel, created.version) == ("+31703533000", "email", 1)
    page = await client.get(response.headers["location"])
    assert "Spui 70A, 2511 BT Den Haag" in page.text and "070 353 3000" in page.text and "E-mail" in page.text


async def test_search_page_finds_by_phone_and_by_postcode(client, make_user, henk) -> None:
    await logged_in(client, make_user)
    for q in ("070-1234567", "2511bt 70"):
        results = await client.get("/klanten/zoeken", params={"q": q}, headers=HX)
        assert "Henk de Wit" in results.text and "1 klant gevonden." in results.text, q
