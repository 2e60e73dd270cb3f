"""The pages for unidentified callers (issue 12): "Nieuwe klant" with the third kind, the badge, "Identificeren met
BSN" on the klantbeeld, the confirmation step before a merge (never a merge without it), and the merged record."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from casemgmt.audit.models import AuditEvent
from casemgmt.clients.models import Client
from casemgmt.contacts.models import Contact
from tests.factories import create_client, create_contact
from tests.worlds.personas import csrf_token, login

pytestmark = pytest.mark.anyio

BADGE = 'data-testid="niet-geidentificeerd">Niet geïdentificeerd</span>'


async def logged_in(client, make_user, role: str = "kcc_agent"):
    person = await make_user(role, services={"kcc_agent": ["KCC"], "accountmanager": ["SZW"]}.get(role))
    assert (await login(client, person.email)).status_code == 303
    return person


async def unidentified(db, agent_id: int, name: str = "De buurman", **values) -> Client:
    async with db() as session, session.begin():
        client = await create_client(
            session, name, kind="unidentified", bsn=None, phone="06 4321 8765", created_by_id=agent_id, **values
        )
        await create_contact(session, client, agent_id, summary="Vraag over de parkeervergunning.")
        return client


async def test_the_new_client_page_offers_the_unidentified_kind(client, db, make_user):
    await logged_in(client, make_user)
    page = await client.get("/klanten/nieuw", params={"soort": "unidentified"})
    assert page.status_code == 200
    assert 'id="kind-unidentified"\n             name="kind" value="unidentified" checked>' in page.text
    assert "Niet geïdentificeerd</label>" in page.text
    token = await csrf_token(client, "/klanten/nieuw")
    refused = await client.post("/klanten", data={"kind": "unidentified", "name": "De buurman", "_csrf_token": token})
    assert refused.status_code == 422
    assert "Geef een telefoonnummer of e-mailadres op" in refused.text
    assert await _count(db, Client) == 0
    made = await client.post(
        "/klanten",
        data={"kind": "unidentified", "name": "De buurman", "phone": "06 4321 8765", "_csrf_token": token},
        follow_redirects=False,
    )
    assert made.status_code == 303
    async with db() as session:
        stored = await session.scalar(select(Client))
    assert (stored.kind, stored.bsn) == ("unidentified", None)
    klantbeeld = await client.get(made.headers["location"])
    assert BADGE in klantbeeld.text
    assert "nog niet bekend (niet geïdentificeerd)" in klantbeeld.text
    assert f'action="/klanten/{stored.id}/identificeren"' in klantbeeld.text
    assert "Identificeren met BSN</h2>" in klantbeeld.text
    results = await client.get("/klanten", params={"q": "buurman"})
    assert BADGE in results.text and "06 43218765" in results.text


async def test_the_contact_form_without_a_client_leads_to_an_unidentified_client(client, make_user):
    await logged_in(client, make_user)
    page = await client.get("/contacten/nieuw")
    assert 'href="/klanten/nieuw?soort=unidentified"' in page.text
    await client.post("/logout", data={"_csrf_token": await csrf_token(client)})
    await logged_in(client, make_user, "accountmanager")  # registers no clients: no link to a refused page
    page = await client.get("/contacten/nieuw")
    assert page.status_code == 200 and "soort=unidentified" not in page.text


async def test_a_new_bsn_identifies_at_once(client, db, make_user, audit_events):
    agent = await logged_in(client, make_user)
    neighbour = await unidentified(db, agent.id)
    token = await csrf_token(client, f"/klanten/{neighbour.id}")
    response = await client.post(
        f"/klanten/{neighbour.id}/identificeren",
        data={"bsn": "123 456 782", "_csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == f"/klanten/{neighbour.id}"
    page = await client.get(response.headers["location"])
    assert "is geïdentificeerd met het BSN" in page.text and "******782" in page.text and BADGE not in page.text
    assert "Identificeren met BSN" not in page.text


async def test_a_wrong_bsn_shows_the_klantbeeld_again_with_the_message(client, db, make_user):
    agent = await logged_in(client, make_user)
    neighbour = await unidentified(db, agent.id)
    token = await csrf_token(client, f"/klanten/{neighbour.id}")
    response = await client.post(
        f"/klanten/{neighbour.id}/identificeren", data={"bsn": "123456783", "_csrf_token": token}
    )
    assert response.status_code == 422
    assert "Ongeldig BSN (elfproef)" in response.text and 'value="123456783"' in response.text
    assert "Vraag over de parkeervergunning." in response.text  # the whole klantbeeld, timeline included
    async with db() as session:
        assert (await session.get(Client, neighbour.id)).bsn is None


async def test_a_known_bsn_asks_for_confirmation_before_merging(client, db, make_user, audit_events):
    agent = await logged_in(client, make_user)
    async with db() as session, session.begin():
        fatima = await create_client(session, "Fatima El Amrani", bsn="111222333", address="Spui 70")
    neighbour = await unidentified(db, agent.id, name="Fatima (zonder BSN)")
    token = await csrf_token(client, f"/klanten/{neighbour.id}")
    before = len(await audit_events())
    confirm = await client.post(
        f"/klanten/{neighbour.id}/identificeren", data={"bsn": "111222333", "_csrf_token": token}
    )
    assert confirm.status_code == 200
    text = html.unescape(confirm.text)
    assert "Samenvoegen met Fatima El Amrani (BSN eindigt op 333)?" in text
    assert 'data-testid="samenvoegen-van"' in text and 'data-testid="samenvoegen-met"' in text
    assert "Fatima (zonder BSN)" in text and "06 43218765" in text and "Spui 70" in text
    assert '<input type="hidden" name="merge" value="1">' in text and "Ja, samenvoegen met Fatima El Amrani" in text
    async with db() as session:  # nothing merged yet: only the two records shown were logged as reads
        assert (await session.get(Client, neighbour.id)).merged_into_id is None
        assert await session.scalar(select(func.count(Contact.id)).where(Contact.client_id == fatima.id)) == 0
    reads = (await audit_events())[before:]
    assert sorted((e.action, e.client_pseudonym) for e in reads) == sorted(
        [("read", neighbour.pseudonym), ("read", fatima.pseudonym)]
    )

    token = await csrf_token(client, f"/klanten/{neighbour.id}")
    merged = await client.post(
        f"/klanten/{neighbour.id}/identificeren",
        data={"bsn": "111222333", "merge": "1", "_csrf_token": token},
        follow_redirects=False,
    )
    assert merged.status_code == 303 and merged.headers["location"] == f"/klanten/{fatima.id}"
    page = html.unescape((await client.get(merged.headers["location"])).text)
    assert "Fatima (zonder BSN) is samengevoegd met Fatima El Amrani" in page
    assert "Vraag over de parkeervergunning." in page  # the contact moved to Fatima's timeline
    old = html.unescape((await client.get(f"/klanten/{neighbour.id}")).text)
    assert (
        'data-testid="samengevoegd"' in old
        and f'<a class="utrecht-link" href="/klanten/{fatima.id}">Fatima El Amrani</a>' in old
    )
    assert "Contact vastleggen" not in old and "Identificeren met BSN" not in old
    assert "Lopende dossiers" not in old and "Vertegenwoordiger toevoegen" not in old and "Tijdlijn" not in old
    assert "Fatima (zonder BSN)" not in (await client.get("/klanten", params={"q": "fatima"})).text
    async with db() as session:
        assert await session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "merge")) == 2


async def test_an_accountmanager_gets_no_identify_form_and_is_refused(client, db, make_user):
    kcc = await make_user("kcc_agent", services=["KCC"])
    neighbour = await unidentified(db, kcc.id)
    await logged_in(client, make_user, "accountmanager")
    page = await client.get(f"/klanten/{neighbour.id}")
    assert page.status_code == 200 and "Identificeren met BSN" not in page.text and BADGE in page.text
    token = await csrf_token(client, f"/klanten/{neighbour.id}")
    refused = await client.post(
        f"/klanten/{neighbour.id}/identificeren", data={"bsn": "123456782", "_csrf_token": token}
    )
    assert refused.status_code == 403


async def _count(db, model) -> int:
    async with db() as session:
        return await session.scalar(select(func.count()).select_from(model))
