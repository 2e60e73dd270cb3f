"""In real Chromium: search as you type finds a client by name; the result opens "Wie helpt deze klant?" in place."""

from __future__ import annotations

import pytest

from tests.factories import create_client, create_dossier
from tests.worlds.personas import PASSWORD

pytestmark = [pytest.mark.anyio, pytest.mark.browser]


async def test_search_as_you_type_and_open_the_routing_view_in_place(page, db, make_user) -> None:
    cm = await make_user("casemanager", name="Carla Mulder", phone="070 353 1001")
    async with db() as session, session.begin():
        person = await create_client(session, "Henk van der Wiel", address="Spui 70, Den Haag")
        dossier = await create_dossier(session, person, cm.id, subject="Schulden en WMO")
        await create_client(session, "Karel Appel")
    agent = await make_user("kcc_agent", services=["KCC"], name="Kim Agent")

    await page.goto("/klanten")
    assert "/login" in page.url
    await page.get_by_label("E-mailadres").fill(agent.email)
    await page.get_by_label("Wachtwoord").fill(PASSWORD)
    await page.get_by_role("button", name="Inloggen").click()
    await page.wait_for_url("**/klanten")
    assert await page.get_by_role("heading", level=1).inner_text() == "Klant zoeken"

    await page.evaluate("window.__zelfdePagina = 'ja'")
    search = page.get_by_label("BSN, naam of dossiernummer")
    await search.press_sequentially("van der wi", delay=40)  # typing only: no Enter, no button
    result = page.locator("#zoekresultaten").get_by_role("link", name="Henk van der Wiel")
    await result.wait_for(timeout=5000)
    assert await page.locator("#zoekresultaten").get_by_text("Karel Appel").count() == 0
    assert page.url.endswith("/klanten")  # no form submission happened

    await result.click()
    heading = page.locator("#routering").get_by_role("heading", name="Wie helpt deze klant?")
    await heading.wait_for(timeout=5000)
    routing = await page.locator("#routering").inner_text()
    assert dossier.ref in routing and "Carla Mulder" in routing and "070 353 1001" in routing
    assert await page.evaluate("window.__zelfdePagina") == "ja"  # no full page load
    assert page.url.endswith("/klanten")
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
