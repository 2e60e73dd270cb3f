"""In real Chromium: a KCC agent logs a call with outcome "Terugbelafspraak gemaakt"; the promise fields open in
place, a missing promise text is refused with the field named, and the promise then appears on Terugbelnotities.
At 1366 and 375 pixels wide."""

from __future__ import annotations

import pytest

from tests.clients.test_need_to_know_browser import log_in, shoot
from tests.factories import create_client

pytestmark = [pytest.mark.anyio, pytest.mark.browser]


async def test_a_callback_promised_on_the_contact_form_reaches_terugbelnotities(page, db, make_user) -> None:
    agent = await make_user("kcc_agent", services=["KCC"], name="Yasmina Bouzid")
    async with db() as session, session.begin():
        person = await create_client(session, "Michael de Graaf")

    await log_in(page, agent.email)
    await page.goto(f"/contacten/nieuw?client_id={person.id}")
    promise = page.get_by_label("Wat is de klant beloofd? (in de woorden van het gesprek)")
    assert not await promise.is_visible()  # only with the callback outcome
    await page.get_by_label("Uitkomst", exact=True).select_option("callback_promised")
    await promise.wait_for(state="visible")  # in place, no page load
    await page.get_by_label("Onderwerp (verplicht bij inkomend contact)").select_option("schuldhulp")
    await page.get_by_label("Samenvatting van het gesprek").fill("Meneer wil weten of zijn aanmelding binnen is.")
    await page.get_by_label("Poging 1: dienst").select_option("SZW")
    await page.get_by_label("Afdeling (optioneel)").first.select_option("Schuldhulpverlening")
    await page.get_by_label("Gelukt?").first.select_option("nee")
    await page.get_by_role("button", name="Contact vastleggen").click()
    await page.get_by_text("Noteer wat de klant is toegezegd").first.wait_for()  # refused: the field is named
    assert await promise.is_visible()  # the form came back open, with what was typed
    assert await page.get_by_label("Gelukt?").first.input_value() == "nee"
    await shoot(page, "contact-terugbelafspraak-fout")

    await promise.fill("Wij bellen u uiterlijk overmorgen terug over uw aanmelding bij schuldhulp.")
    await page.get_by_role("button", name="Contact vastleggen").click()
    await page.wait_for_url(f"**/klanten/{person.id}")
    await page.goto("/terugbelnotities")
    notes = page.get_by_test_id("terugbelnotities")
    await notes.wait_for()
    text = await notes.inner_text()
    assert "Wij bellen u uiterlijk overmorgen terug over uw aanmelding bij schuldhulp." in text
    assert "Michael de Graaf" in text
    await page.set_viewport_size({"width": 375, "height": 900})
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375
    await shoot(page, "terugbelnotities-na-contact")
    assert not [e for e in page.console_errors if "Failed to load resource" not in e]  # type: ignore[attr-defined]
