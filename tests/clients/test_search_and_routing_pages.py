"""Klant zoeken and the klantbeeld as pages (issue 12/15): results say why they matched, the query and the chosen
client are pushed to the browser history (real URLs that a refresh or Back restores), and the routing view offers
Escaleren with the client (and its one open dossier) filled in."""

from __future__ import annotations

import pytest

from casemgmt.references.models import ExternalReference
from tests.clients.test_clients_pages import HX, logged_in
from tests.factories import create_client, create_dossier

pytestmark = pytest.mark.anyio


async def test_results_say_why_and_push_real_urls(client, db, make_user) -> None:
    cm = await make_user("casemanager")
    async with db() as session, session.begin():
        gerda = await create_client(session, "Gerda Koster", bsn="123456782")
        dossier = await create_dossier(session, gerda, cm.id)
        session.add(ExternalReference(record_type="dossier", record_id=dossier.id, ref="DB-2026-11873"))
    await logged_in(client, make_user)
    page = await client.get("/klanten")
    assert 'hx-push-url="true"' in page.text and 'hx-trigger="input changed delay:300ms, search"' in page.text
    fragment = await client.get("/klanten/zoeken", params={"q": "DB-2026-11873"}, headers=HX)
    assert "<html" not in fragment.text
    assert 'data-testid="gevonden-op">gevonden op kenmerk DB-2026-11873<' in fragment.text
    assert f'hx-push-url="/klanten/{gerda.id}"' in fragment.text and f'href="/klanten/{gerda.id}"' in fragment.text
    by_name = await client.get("/klanten/zoeken", params={"q": "koster"}, headers=HX)
    assert "gevonden op naam" in by_name.text
    # the pushed URL, loaded again (refresh) or restored by htmx (Back), is the whole page with the results
    for headers in ({}, {**HX, "HX-History-Restore-Request": "true"}):
        restored = await client.get("/klanten/zoeken", params={"q": "DB-2026-11873"}, headers=headers)
        assert "<html" in restored.text and 'value="DB-2026-11873"' in restored.text
        assert "gevonden op kenmerk DB-2026-11873" in restored.text
    klantbeeld = await client.get(f"/klanten/{gerda.id}", headers={**HX, "HX-History-Restore-Request": "true"})
    assert "<html" in klantbeeld.text and "Wie helpt deze klant?" in klantbeeld.text


async def test_escaleren_fills_in_the_client_and_its_only_open_dossier(client, db, make_user) -> None:
    cm = await make_user("casemanager")
    async with db() as session, session.begin():
        one = await create_client(session, "Gerda Koster")
        dossier = await create_dossier(session, one, cm.id)
        two = await create_client(session, "Piet Pieters")
        await create_dossier(session, two, cm.id)
        await create_dossier(session, two, cm.id)
        none = await create_client(session, "Nora Niemand")
    await logged_in(client, make_user)
    page = await client.get(f"/klanten/{one.id}")
    assert f'href="/klanten/{one.id}/acties/escalatie"' in page.text  # Escaleren opens in place (issue 15)
    assert "Contact vastleggen" in page.text and "Nieuw dossier" not in page.text  # KCC opens no dossiers
    panel = (await client.get(f"/klanten/{one.id}/acties/escalatie", headers=HX)).text
    assert f'<option value="{dossier.id}" selected>' in panel
    for other in (two, none):
        text = (await client.get(f"/klanten/{other.id}/routering", headers=HX)).text
        assert f'href="/escalaties/nieuw?client_id={other.id}"' in text
    form = await client.get("/escalaties/nieuw", params={"client_id": one.id, "dossier_id": dossier.id})
    assert form.status_code == 200
    assert f'name="client_id" value="{one.id}"' in form.text and f'name="dossier_id" value="{dossier.id}"' in form.text
    assert 'data-testid="ingevuld"' in form.text and f'href="/klanten/{one.id}"' in form.text


async def test_casemanager_may_open_a_dossier_from_the_klantbeeld(client, db, make_user) -> None:
    async with db() as session, session.begin():
        person = await create_client(session, "Gerda Koster")
    await logged_in(client, make_user, "casemanager")
    page = await client.get(f"/klanten/{person.id}")
    assert f'href="/dossiers/nieuw?client_id={person.id}"' in page.text and ">Escaleren<" in page.text  # limited view
