"""The klantbeeld's actions in place (issue 15, casefile/client_actions.py): each form opens in the action panel
(htmx) or as the klantbeeld with the form open (no JavaScript); 422 keeps the form with the messages beside the
fields and writes nothing; a refusal (403) is shown in the panel in plain Dutch; after success htmx gets the message
where the action was and the story (promises, timeline) out of band, a plain post a redirect (no POST URL in the
history)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casemgmt.contacts.models import Contact
from casemgmt.dossiers.models import Dossier
from casemgmt.escalations.models import Escalation
from tests.clients.test_clients_pages import HX, logged_in
from tests.factories import create_client, create_dossier
from tests.worlds.personas import csrf_token

pytestmark = pytest.mark.anyio


async def count(db, model) -> int:
    async with db() as session:
        return await session.scalar(select(func.count()).select_from(model))


@pytest.fixture
async def gerda(db, make_user):
    cm = await make_user("casemanager", name="Carla Mulder")
    async with db() as session, session.begin():
        person = await create_client(session, "Gerda Koster", bsn="123456782", address="Moerweg 141, 2541 LK Den Haag")
        first = await create_dossier(session, person, cm.id, subject="Betalingsregeling bijstand")
        second = await create_dossier(session, person, cm.id, subject="Dwangbevel parkeerbelasting")
    return person, cm, first, second


def contact_form(token: str, **changes: str) -> dict[str, str]:
    values = {
        "_csrf_token": token,
        "dossier_id": "",
        "channel": "phone",
        "direction": "in",
        "service": "KCC",
        "topic": "bijstand",
        "outcome": "resolved",
        "transfers": "0",
        "summary": "Mevrouw belde over de regeling; uitgelegd hoe het verder gaat.",
    }
    return values | changes


async def test_the_page_puts_the_story_first_and_offers_the_actions_in_place(client, make_user, gerda) -> None:
    person, _, first, second = gerda
    await logged_in(client, make_user)
    text = (await client.get(f"/klanten/{person.id}")).text
    header, rest = text.split('class="klantbeeld-actions"', 1)
    assert "Gerda Koster" in header and "BSN ******782" in header and "Moerweg 141" in header
    assert first.ref in header and second.ref in header and "casemanager Carla Mulder" in header
    for action in ("contact", "escalatie"):
        assert f'href="/klanten/{person.id}/acties/{action}" hx-get="/klanten/{person.id}/acties/{action}"' in rest
    assert f"/klanten/{person.id}/acties/dossier" not in text  # the KCC opens no dossiers
    story = rest.split('data-testid="klantbeeld-verhaal"', 1)[1]
    assert (
        story.index("Afspraken met de klant") < story.index("Tijdlijn van de klant") < story.index("Gesloten dossiers")
    )


async def test_a_form_opens_in_the_panel_or_as_the_page_with_the_form_open(client, make_user, gerda) -> None:
    person, *_ = gerda
    await logged_in(client, make_user)
    fragment = await client.get(f"/klanten/{person.id}/acties/contact", headers=HX)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert fragment.text.lstrip().startswith(f'<div id="klantactie-{person.id}"')
    assert f'hx-post="/klanten/{person.id}/acties/contact" hx-target="#klantactie-{person.id}"' in fragment.text
    assert 'name="_submission_key"' in fragment.text and 'name="_csrf_token"' in fragment.text
    page = await client.get(f"/klanten/{person.id}/acties/escalatie")
    assert page.status_code == 200 and "<html" in page.text and "Tijdlijn van de klant" in page.text
    assert f'action="/klanten/{person.id}/acties/escalatie"' in page.text
    assert 'data-klantactie-knop="escalatie"' in page.text and 'aria-expanded="true"' in page.text


async def test_a_contact_logged_in_place_refreshes_the_story(client, db, make_user, gerda) -> None:
    person, _, first, _ = gerda
    await logged_in(client, make_user)
    token = await csrf_token(client, f"/klanten/{person.id}")
    answer = await client.post(
        f"/klanten/{person.id}/acties/contact", data=contact_form(token, dossier_id=str(first.id)), headers=HX
    )
    assert answer.status_code == 200
    assert f"Het contact is vastgelegd bij dossier {first.ref} en staat bovenaan de tijdlijn." in answer.text
    assert (
        f'id="klantbeeld-verhaal-{person.id}" class="klantbeeld-story" data-testid="klantbeeld-verhaal" ' in answer.text
    )
    assert 'hx-swap-oob="true"' in answer.text and "Mevrouw belde over de regeling" in answer.text
    async with db() as session:
        contact = await session.scalar(select(Contact))
        assert contact is not None and contact.client_id == person.id and contact.dossier_id == first.id


async def test_a_plain_post_redirects_so_no_post_url_stays_in_the_history(client, db, make_user, gerda) -> None:
    person, *_ = gerda
    await logged_in(client, make_user)
    token = await csrf_token(client, f"/klanten/{person.id}")
    answer = await client.post(f"/klanten/{person.id}/acties/contact", data=contact_form(token), follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == f"/klanten/{person.id}"
    assert "Het contact is vastgelegd" in (await client.get(f"/klanten/{person.id}")).text
    assert await count(db, Contact) == 1


async def test_validation_errors_keep_the_form_open_beside_the_fields(client, db, make_user, gerda) -> None:
    person, *_ = gerda
    await logged_in(client, make_user)
    token = await csrf_token(client, f"/klanten/{person.id}")
    typed = "Een verhaal dat bewaard blijft"
    answer = await client.post(
        f"/klanten/{person.id}/acties/contact", data=contact_form(token, outcome="", summary=typed), headers=HX
    )
    assert answer.status_code == 422 and "<html" not in answer.text
    assert 'id="contact-outcome-fout"' in answer.text and typed in answer.text
    assert f'hx-post="/klanten/{person.id}/acties/contact"' in answer.text  # still the form, in the panel
    escalation = await client.post(
        f"/klanten/{person.id}/acties/escalatie",
        data={"_csrf_token": token, "service": "", "question": "", "dossier_id": ""},
        headers=HX,
    )
    assert escalation.status_code == 422 and 'id="klantactie-esc-service-fout"' in escalation.text
    plain = await client.post(f"/klanten/{person.id}/acties/contact", data=contact_form(token, outcome=""))
    assert plain.status_code == 422 and "<html" in plain.text and 'id="contact-outcome-fout"' in plain.text
    assert await count(db, Contact) == 0 and await count(db, Escalation) == 0


async def test_a_dossier_of_another_client_is_refused_for_an_escalation(client, db, make_user, gerda) -> None:
    person, cm, *_ = gerda
    async with db() as session, session.begin():
        other = await create_client(session, "Piet Pieters")
        foreign = await create_dossier(session, other, cm.id)
    await logged_in(client, make_user)
    token = await csrf_token(client, f"/klanten/{person.id}")
    data = {"_csrf_token": token, "service": "SZW", "question": "Loopt het nog?", "dossier_id": str(foreign.id)}
    answer = await client.post(f"/klanten/{person.id}/acties/escalatie", data=data, headers=HX)
    assert answer.status_code == 422 and "Kies een lopend dossier van deze klant, of geen dossier" in answer.text
    assert await count(db, Escalation) == 0
    data["dossier_id"] = ""
    done = await client.post(f"/klanten/{person.id}/acties/escalatie", data=data, headers=HX)
    assert done.status_code == 200 and "De vraag is voorgelegd aan de accountmanager van SZW" in done.text
    assert await count(db, Escalation) == 1


async def test_a_kcc_agent_opening_a_dossier_is_refused_in_the_panel(client, db, make_user, gerda) -> None:
    person, *_ = gerda
    await logged_in(client, make_user)
    token = await csrf_token(client, f"/klanten/{person.id}")
    shown = await client.get(f"/klanten/{person.id}/acties/dossier", headers=HX)
    assert shown.status_code == 403 and 'data-testid="klantactie-geweigerd"' in shown.text
    assert "U mag geen dossier openen: dat doet een casemanager of een beheerder." in shown.text
    before = await count(db, Dossier)
    data = {"_csrf_token": token, "subject": "Nieuwe vraag", "casemanager_id": "1"}
    answer = await client.post(f"/klanten/{person.id}/acties/dossier", data=data, headers=HX)
    assert answer.status_code == 403 and "<html" not in answer.text
    assert (
        answer.text.lstrip().startswith(f'<div id="klantactie-{person.id}"')
        and "U mag geen dossier openen" in answer.text
    )
    assert await count(db, Dossier) == before


async def test_the_casemanager_opens_a_dossier_in_place(client, db, make_user, gerda) -> None:
    person, cm, *_ = gerda
    from tests.worlds.personas import login

    assert (await login(client, cm.email)).status_code == 303
    token = await csrf_token(client, f"/klanten/{person.id}")
    empty = await client.post(
        f"/klanten/{person.id}/acties/dossier",
        data={"_csrf_token": token, "subject": "", "casemanager_id": str(cm.id)},
        headers=HX,
    )
    assert empty.status_code == 422 and 'id="klantactie-dossier-subject-fout"' in empty.text
    answer = await client.post(
        f"/klanten/{person.id}/acties/dossier",
        data={"_csrf_token": token, "subject": "Schulden en huur", "casemanager_id": str(cm.id)},
        headers=HX,
    )
    assert answer.status_code == 200
    async with db() as session:
        dossier = await session.scalar(select(Dossier).where(Dossier.subject == "Schulden en huur"))
    assert dossier is not None and dossier.client_id == person.id
    assert f"Dossier {dossier.ref} is geopend." in answer.text and f'href="/dossiers/{dossier.id}"' in answer.text
    assert f'id="kop-dossiers-{person.id}"' in answer.text and answer.text.count('hx-swap-oob="true"') == 3


async def test_the_limited_view_has_no_actions_in_place(client, db, make_user, gerda) -> None:
    person, *_ = gerda
    await logged_in(client, make_user, "accountmanager", services=["SZW"])  # on none of her dossiers
    page = await client.get(f"/klanten/{person.id}")
    assert 'data-testid="beperkt"' in page.text and "/acties/" not in page.text
    refused = await client.get(f"/klanten/{person.id}/acties/contact", headers=HX)
    assert refused.status_code == 403
