"""In real Chromium: a KCC agent corrects a client's address on the klantbeeld in place (htmx): a wrong postcode is
shown next to its field with what was typed kept, the corrected address and "Laatst gewijzigd door" appear without a
page load, and the page read again shows the new address."""

from __future__ import annotations

import os

import pytest

from tests.factories import create_client
from tests.worlds.personas import PASSWORD

pytestmark = [pytest.mark.anyio, pytest.mark.browser]
SHOTS = os.environ.get("CASEMGMT_SCREENSHOTS")  # a folder: save what the test saw, at 1366 and 375 pixels wide


async def shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if not SHOTS:
        return
    for width in (1366, 375):
        await page.set_viewport_size({"width": width, "height": 900})
        await page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    await page.set_viewport_size({"width": 1366, "height": 900})


async def test_correct_an_address_on_the_klantbeeld(page, db, make_user) -> None:
    async with db() as session, session.begin():
        person = await create_client(
            session, "Henk van der Wiel", phone="070 123 4567", address="Spui 70, 2511 BT Den Haag"
        )
    agent = await make_user("kcc_agent", services=["KCC"], name="Kim Agent")

    await page.goto("/login")
    await page.get_by_label("E-mailadres").fill(agent.email)
    await page.get_by_label("Wachtwoord").fill(PASSWORD)
    await page.get_by_role("button", name="Inloggen").click()
    await page.wait_for_url(lambda url: "/login" not in url)
    await page.goto(f"/klanten/{person.id}")
    details = page.get_by_test_id("klantgegevens")
    assert "Spui 70, 2511 BT Den Haag" in await details.get_by_test_id("adres").inner_text()
    await page.evaluate("window.__zelfdePagina = 'ja'")

    await details.get_by_text("Gegevens wijzigen").click()
    await details.get_by_label("Straat").fill("Lange Poten")
    await details.get_by_label("Huisnummer").fill("1")
    await details.get_by_label("Postcode").fill("0511 CL")
    await details.get_by_role("button", name="Gegevens opslaan").click()
    error = page.get_by_test_id("klantgegevens").get_by_text("Ongeldige postcode")
    await error.wait_for(timeout=5000)
    details = page.get_by_test_id("klantgegevens")
    assert await details.get_by_label("Postcode").input_value() == "0511 CL"
    assert await details.get_by_label("Straat").input_value() == "Lange Poten"
    assert await details.get_by_label("Postcode").get_attribute("aria-invalid") == "true"
    await shoot(page, "gegevens-fout")

    await details.get_by_label("Postcode").fill("2511 cl")
    await details.get_by_role("button", name="Gegevens opslaan").click()
    await page.get_by_test_id("gegevens-gewijzigd").wait_for(timeout=5000)
    details = page.get_by_test_id("klantgegevens")
    assert await details.get_by_test_id("adres").inner_text() == "Lange Poten 1, 2511 CL Den Haag"
    assert "Laatst gewijzigd door Kim Agent op" in await details.get_by_test_id("laatst-gewijzigd").inner_text()
    assert await page.evaluate("window.__zelfdePagina") == "ja"  # swapped in place, no page load
    await shoot(page, "gegevens-opgeslagen")

    await page.reload()
    assert "Lange Poten 1, 2511 CL Den Haag" in await page.get_by_test_id("adres").inner_text()
    # the only console line: the refused postcode (422); no script or CSP error
    assert not [e for e in page.console_errors if "Failed to load resource" not in e]  # type: ignore[attr-defined]
