"""In real Chromium: search as you type finds a client by name; the result opens "Wie helpt deze klant?" in place;
the query and the klantbeeld are real URLs in the browser history, so Back returns to the results with the query."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest

from casemgmt.references.models import ExternalReference
from tests.factories import create_client, create_dossier
from tests.worlds.personas import PASSWORD

pytestmark = [pytest.mark.anyio, pytest.mark.browser]


def searched(query: str) -> Callable[[str], bool]:
    """The URL of Klant zoeken with ``query`` (however the browser encodes it)."""

    def match(url: str) -> bool:
        parts = urlsplit(url)
        return parts.path == "/klanten/zoeken" and parse_qs(parts.query).get("q") == [query]

    return match


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
    search = page.get_by_label("BSN, KvK-nummer, naam, dossiernummer of kenmerk")
    await search.press_sequentially("van der wi", delay=40)  # typing only: no Enter, no button
    result = page.locator("#zoekresultaten").get_by_role("link", name="Henk van der Wiel")
    await result.wait_for(timeout=5000)
    assert await page.locator("#zoekresultaten").get_by_text("Karel Appel").count() == 0
    await page.wait_for_url(searched("van der wi"))  # the query in the history, no form submission

    await result.click()
    heading = page.locator("#routering").get_by_role("heading", name="Wie helpt deze klant?")
    await heading.wait_for(timeout=5000)
    routing = await page.locator("#routering").inner_text()
    assert dossier.ref in routing and "Carla Mulder" in routing and "070 353 1001" in routing
    assert await page.evaluate("window.__zelfdePagina") == "ja"  # no full page load
    await page.wait_for_url(f"**/klanten/{person.id}")  # the klantbeeld's own URL, pushed
    assert not [e for e in page.console_errors if "Content Security Policy" in e]


async def test_a_letter_reference_finds_the_klantbeeld_and_back_returns_to_the_results(page, db, make_user) -> None:
    cm = await make_user("casemanager", name="Carla Mulder")
    async with db() as session, session.begin():
        gerda = await create_client(session, "Gerda Koster")
        dossier = await create_dossier(session, gerda, cm.id, subject="Dwangbevel")
        session.add(ExternalReference(record_type="dossier", record_id=dossier.id, ref="DB-2026-11873"))
        await create_client(session, "Karel Appel")
    agent = await make_user("kcc_agent", services=["KCC"], name="Kim Agent")

    await page.goto("/login")
    await page.get_by_label("E-mailadres").fill(agent.email)
    await page.get_by_label("Wachtwoord").fill(PASSWORD)
    await page.get_by_role("button", name="Inloggen").click()
    await page.wait_for_url("**/klanten")

    search = page.get_by_label("BSN, KvK-nummer, naam, dossiernummer of kenmerk")
    await search.press_sequentially("DB-2026-11873", delay=30)
    results = page.locator("#zoekresultaten")
    hit = results.get_by_role("link", name="Gerda Koster")
    await hit.wait_for(timeout=5000)
    assert "gevonden op kenmerk DB-2026-11873" in await results.inner_text()
    await page.wait_for_url(searched("DB-2026-11873"))

    await hit.click()
    await page.wait_for_url(f"**/klanten/{gerda.id}")
    await page.get_by_role("heading", name="Wie helpt deze klant?").first.wait_for(timeout=5000)
    assert dossier.ref in await page.locator("#routering").inner_text()

    await page.go_back()
    await page.wait_for_url(searched("DB-2026-11873"))
    restored = page.locator("#zoekresultaten").get_by_role("link", name="Gerda Koster")
    await restored.wait_for(timeout=5000)
    assert await page.get_by_label("BSN, KvK-nummer, naam, dossiernummer of kenmerk").input_value() == "DB-2026-11873"

    await page.reload()  # a refresh keeps the query and its results too
    await page.locator("#zoekresultaten").get_by_role("link", name="Gerda Koster").wait_for(timeout=5000)
    await page.go_forward()
    await page.wait_for_url(f"**/klanten/{gerda.id}")
    await page.get_by_role("heading", level=1, name="Wie helpt deze klant?").wait_for(timeout=5000)
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
