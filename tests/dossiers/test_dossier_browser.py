"""In Chromium: logging a contact through the dossier page's inline form updates the timeline without a page load."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.worlds.casework import Casework
from tests.worlds.personas import PASSWORD

pytestmark = [pytest.mark.anyio, pytest.mark.browser]


async def log_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    await page.goto("/login")
    await page.get_by_label("E-mailadres").fill(email)
    await page.get_by_label("Wachtwoord").fill(PASSWORD)
    await page.get_by_role("button", name="Inloggen").click()
    await page.wait_for_url(lambda url: "/login" not in url)


async def test_inline_contact_appears_on_top_without_page_load(page, world: Casework) -> None:
    w = world
    await log_in(page, w.cm.email)
    await page.goto(f"/dossiers/{w.dossier_id}")
    await page.evaluate("window.__marker = 1")
    await page.get_by_test_id("knop-contact").click()  # the action opens its form in place, loaded when opened
    form = page.locator("#contact-formulier")
    await expect(form).to_be_visible()

    # a mistake first: the form comes back with a Dutch message and what was typed
    await form.get_by_label("Dienst die het contact had").select_option("SZW")
    await form.get_by_label("Uitkomst", exact=True).select_option("resolved")
    await form.get_by_label("Onderwerp (verplicht bij inkomend contact)").select_option("bijzondere-bijstand")
    await form.get_by_label("Korte omschrijving (optioneel)").fill("Bijzondere bijstand")
    await form.get_by_role("button", name="Contact vastleggen").click()
    await page.get_by_text("Vul een samenvatting van het gesprek in").first.wait_for()
    assert await page.locator("#contact-formulier").get_by_label("Korte omschrijving (optioneel)").input_value() == (
        "Bijzondere bijstand"
    )

    form = page.locator("#contact-formulier")
    await form.get_by_label("Samenvatting van het gesprek").fill("Aanvraag bijzondere bijstand besproken.")
    await form.get_by_role("button", name="Contact vastleggen").click()
    await page.get_by_test_id("contact-opgeslagen").wait_for()

    first = page.locator("#tijdlijn-items > li.dossier-timeline__entry").first
    assert "Aanvraag bijzondere bijstand besproken." in await first.inner_text()
    assert await page.evaluate("window.__marker") == 1  # no full page load happened
    assert await page.locator("#contact-formulier").get_by_label("Samenvatting van het gesprek").input_value() == ""
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
